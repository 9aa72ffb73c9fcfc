import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { listDeadLetters, redrive } from '../../cli/commands/dlq';
import type { DlqTarget } from '../../cli/commands/dlq';
import { documentClient } from '../../lambdas/adapters/dynamodb/client';
import { DynamoIngestStore } from '../../lambdas/adapters/dynamodb/ingest-store';
import { KEYS } from '../../lambdas/adapters/dynamodb/keys';
import { makeRejection } from '../../lambdas/core/model/rejection';
import { LOCAL_CREDENTIALS, LOCAL_REGION, createTable, startLocalDynamo } from '../../local/dynamodb-server';
import type { LocalDynamo } from '../../local/dynamodb-server';
import { createQueues, sqsClient } from '../../local/sqs-server';

/**
 * `a2t dlq` over a day whose rejections do not fit one DynamoDB query page (1 MB): ten rejected bodies of 120 KB,
 * each kept for re-drive. Every one must be listed, re-driven and deleted, not only the first page's.
 */
const TABLE = 'a2t-dlq-pages';
const COUNT = 10;
const BODY_BYTES = 120 * 1024;

let dynamo: LocalDynamo;
let doc: ReturnType<typeof documentClient>;
const sqs = sqsClient(process.env.A2T_LOCAL_SQS_ENDPOINT!);
let target: DlqTarget;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await createTable(dynamo.endpoint, TABLE);
  doc = documentClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const queues = await createQueues(sqs, 'dlq-pages-');
  target = {
    sqs,
    doc,
    table: TABLE,
    intakeUrl: queues.intake.url,
    intakeDlqUrl: queues.intake.dlqUrl,
    ticketSyncUrl: queues.ticketSync.url,
    ticketSyncDlqUrl: queues.ticketSync.dlqUrl,
  };
});

afterAll(async () => {
  doc.destroy();
  sqs.destroy();
  await dynamo.close();
});

describe('a2t dlq over more than one page of rejections', () => {
  it('lists, re-drives and deletes every rejection of the day', async () => {
    const time = new Date().toISOString();
    const bodies = new Map<string, string>();
    const rejections = Array.from({ length: COUNT }, (_, i) => {
      const source = `sqs:m-${i}`;
      const body = `{"alert_id": "X-${i}", "padding": "${'x'.repeat(BODY_BYTES)}"`;
      bodies.set(source, body);
      return makeRejection(source, 'body', 'truncated JSON', body, time);
    });
    await new DynamoIngestStore(doc, TABLE).putRejections(rejections, (source) => bodies.get(source));
    // The premise: one query does not return the whole day.
    const firstPage = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': KEYS.rejectionDay(time.slice(0, 10)).pk },
      }),
    );
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect(firstPage.Items!.length).toBeLessThan(COUNT);

    const listed = (await listDeadLetters(target)).filter((d) => d.kind === 'rejection');

    expect(new Set(listed.map((d) => d.id)).size).toBe(COUNT);
    expect(listed.every((d) => d.redrivable && d.reason === 'truncated JSON')).toBe(true);

    // Rejections go back only when asked: by default a re-drive moves dead letters only.
    expect(await redrive(target)).toEqual({ intake: 0, ticketSync: 0, rejections: 0, skipped: 0, via: 'none' });
    const moved = await redrive(target, { rejections: true });

    expect(moved).toEqual({ intake: 0, ticketSync: 0, rejections: COUNT, skipped: 0, via: 'none' });
    expect((await listDeadLetters(target)).filter((d) => d.kind === 'rejection')).toHaveLength(0);
    const intake = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: target.intakeUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Number(intake.Attributes!.ApproximateNumberOfMessages)).toBe(COUNT);
  });
});
