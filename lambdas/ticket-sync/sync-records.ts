import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import { z } from 'zod';
import { PermanentError, RetryableError } from '../core/errors';
import { syncIncident } from '../core/sync/sync-incident';
import type { SyncDeps, SyncOutcome } from '../core/sync/sync-incident';

const HandOffSchema = z.object({
  incidentId: z.string().regex(/^INC-\d{8}-[0-9a-f]+$/),
  version: z.number().int().nonnegative(),
});

export interface SyncRecordsDeps {
  sync: SyncDeps;
  /** The queue's maxReceiveCount: coalescing never defers a message into the DLQ. */
  maxReceiveCount: number;
  /** Puts a message back with the wait Jira (or coalescing) asked for, instead of the queue's whole timeout. */
  deferMessage(receiptHandle: string, seconds: number): Promise<void>;
  onOutcome?(outcome: SyncOutcome): void;
  onError?(record: SQSRecord, error: unknown): void;
}

/** SQS caps a visibility timeout at 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * ticket-sync over a FIFO batch: one record at a time, in group order (Powertools' FIFO processor). A failed record
 * fails the rest of its group only (`skipGroupOnError`), so other incidents go on. A permanent Jira error (400) is
 * recorded on the incident and the message is consumed: retrying cannot fix it.
 */
export async function syncRecords(event: SQSEvent, deps: SyncRecordsDeps): Promise<SQSBatchResponse> {
  const processor = new SqsFifoPartialProcessorAsync();
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const parsed = HandOffSchema.safeParse(safeJson(record.body));
    if (!parsed.success) {
      // Not ours to retry either: a malformed hand-off would fail identically forever.
      deps.onError?.(record, new PermanentError(`malformed hand-off: ${parsed.error.issues[0].message}`));
      return;
    }
    try {
      const receives = Number(record.attributes.ApproximateReceiveCount ?? '1');
      const mayDefer = receives < deps.maxReceiveCount - 1;
      deps.onOutcome?.(await syncIncident(parsed.data.incidentId, { ...deps.sync, mayDefer }));
    } catch (err) {
      if (err instanceof PermanentError) {
        deps.onError?.(record, err);
        return;
      }
      if (err instanceof RetryableError && err.retryAfterMs !== undefined) {
        const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
        await deps.deferMessage(record.receiptHandle, seconds).catch(() => undefined);
      }
      deps.onError?.(record, err);
      throw err;
    }
  };
  return processPartialResponse(event, recordHandler, processor, { skipGroupOnError: true });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
