import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TOPOLOGY } from '../lambdas/topology';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-server';

export interface LocalSqs {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * fauxqs in this process on a free loopback port. It is ESM-only: loaded with a dynamic import (the CLI runs under
 * tsx; jest starts it from a .mjs global setup and passes the endpoint in A2T_LOCAL_SQS_ENDPOINT).
 */
export async function startLocalSqs(): Promise<LocalSqs> {
  const { startFauxqs } = await import('fauxqs');
  const server = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
  return { endpoint: server.address, close: () => server.stop() };
}

export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

export interface QueuePair {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

export interface LocalQueues {
  intake: QueuePair;
  ticketSync: QueuePair;
}

async function createPair(
  sqs: SQSClient,
  prefix: string,
  spec: {
    name: string;
    dlqName: string;
    visibilityTimeoutSeconds: number;
    maxReceiveCount: number;
    retentionDays: number;
  },
  fifo: boolean,
  visibilityScale: number,
): Promise<QueuePair> {
  const fifoAttrs: Record<string, string> = fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'false' } : {};
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}${spec.dlqName}`,
      Attributes: { ...fifoAttrs, MessageRetentionPeriod: String(14 * 86400) },
    }),
  );
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ['QueueArn'] }))
  ).Attributes!.QueueArn!;
  const q = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}${spec.name}`,
      Attributes: {
        ...fifoAttrs,
        VisibilityTimeout: String(Math.max(1, Math.round(spec.visibilityTimeoutSeconds * visibilityScale))),
        MessageRetentionPeriod: String(spec.retentionDays * 86400),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.maxReceiveCount }),
      },
    }),
  );
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl!, AttributeNames: ['QueueArn'] })))
    .Attributes!.QueueArn!;
  return { url: q.QueueUrl!, arn, dlqUrl: dlq.QueueUrl!, dlqArn };
}

/**
 * The queues exactly as the CDK stack wires them (names, FIFO, DLQ, maxReceiveCount from the shared topology).
 * Visibility timeouts may be scaled down so a local retry takes seconds, not six minutes.
 */
export async function createQueues(sqs: SQSClient, prefix = '', visibilityScale = 1): Promise<LocalQueues> {
  return {
    intake: await createPair(sqs, prefix, TOPOLOGY.intake, false, visibilityScale),
    ticketSync: await createPair(sqs, prefix, TOPOLOGY.ticketSync, true, visibilityScale),
  };
}
