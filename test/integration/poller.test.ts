import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { EventSourcePoller } from '../../local/poller';
import { createQueues, sqsClient } from '../../local/sqs-server';
import type { LocalQueues } from '../../local/sqs-server';
import { TOPOLOGY } from '../../lambdas/topology';

const endpoint = process.env.A2T_LOCAL_SQS_ENDPOINT!;
const sqs = sqsClient(endpoint);
let queues: LocalQueues;

beforeAll(async () => {
  // 1/360 of the stack's visibility timeout: a failed message is back in one second.
  queues = await createQueues(sqs, 'poller-test-', 1 / 360);
});
afterAll(() => sqs.destroy());

describe('EventSourcePoller on the local SQS server', () => {
  it('deletes what succeeded, redelivers only the reported failure, and dead-letters it after maxReceiveCount', async () => {
    for (const body of ['good-1', 'poison', 'good-2']) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queues.intake.url, MessageBody: body }));
    }
    const seen: string[] = [];
    const poller = new EventSourcePoller({
      sqs,
      queueUrl: queues.intake.url,
      queueArn: queues.intake.arn,
      batchSize: 10,
      batchingWindowMs: 100,
      invoke: async (records: SQSRecord[]) => {
        seen.push(...records.map((r) => r.body));
        return {
          batchItemFailures: records.filter((r) => r.body === 'poison').map((r) => ({ itemIdentifier: r.messageId })),
        };
      },
    });
    // Polls until the poison message is dead-lettered (the test's timeout bounds a poller that never gets there).
    let dead: string[] = [];
    while (dead.length === 0) {
      await poller.pollOnce();
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queues.intake.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      dead = (r.Messages ?? []).map((m) => m.Body!);
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(dead).toEqual(['poison']);
    expect(seen.filter((b) => b === 'poison')).toHaveLength(TOPOLOGY.intake.maxReceiveCount);
    expect(seen.filter((b) => b.startsWith('good'))).toEqual(['good-1', 'good-2']);
  });
});
