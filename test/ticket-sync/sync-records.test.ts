import type { SQSRecord } from 'aws-lambda';
import { RetryableError } from '../../lambdas/core/errors';
import type { SyncDeps } from '../../lambdas/core/sync/sync-incident';
import { stackBackoffSeconds, syncRecords } from '../../lambdas/ticket-sync/sync-records';

/** syncRecords' waits and its remaining-time check, with a store that fails or must not be reached. */

function record(id: string, receives: number): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: JSON.stringify({ incidentId: `INC-20240215-${id}`, version: 1 }),
    attributes: {
      ApproximateReceiveCount: String(receives),
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: `INC-20240215-${id}`,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:ticket-sync.fifo',
    awsRegion: 'us-east-1',
  };
}

const failingStore = (err: Error) => ({ store: { loadMeta: () => Promise.reject(err) } }) as unknown as SyncDeps;

describe('syncRecords', () => {
  it('puts a failed hand-off back with the wait of its receive count, growing to two hours', async () => {
    const waits: [string, number][] = [];
    const r = await syncRecords(
      { Records: [record('a1', 1), record('b2', 3), record('c3', 17)] },
      {
        sync: failingStore(new RetryableError('Jira unavailable for createIssue (HTTP 503)')),
        maxReceiveCount: 18,
        deferMessage: async (h, s) => void waits.push([h, s]),
      },
    );
    expect(r.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a1', 'b2', 'c3']);
    expect(waits).toEqual([
      ['rh-a1', 60],
      ['rh-b2', 240],
      ['rh-c3', 7_200],
    ]);
    expect(stackBackoffSeconds(8)).toBe(7_200);
  });

  it('does not start a record with less than 15 s of the invocation left, and hands it back at once', async () => {
    const waits: number[] = [];
    const r = await syncRecords(
      { Records: [record('a1', 1)] },
      {
        sync: failingStore(new Error('the store must not be reached')),
        maxReceiveCount: 18,
        remainingMs: () => 14_000,
        deferMessage: async (_h, s) => void waits.push(s),
      },
    );
    expect(r.batchItemFailures).toEqual([{ itemIdentifier: 'a1' }]);
    expect(waits).toEqual([0]);
  });
});
