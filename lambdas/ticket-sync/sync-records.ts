import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import { z } from 'zod';
import { PermanentError, RetryableError } from '../core/errors';
import { retryDelaySeconds } from '../core/sync/retry-schedule';
import { syncIncident } from '../core/sync/sync-incident';
import type { SyncDeps, SyncOutcome } from '../core/sync/sync-incident';
import { TOPOLOGY } from '../topology';

const HandOffSchema = z.object({
  incidentId: z.string().regex(/^INC-\d{8}-[0-9a-f]+$/),
  version: z.number().int().nonnegative(),
});

export interface SyncRecordsDeps {
  sync: SyncDeps;
  /** The queue's maxReceiveCount: coalescing never defers a message into the DLQ. */
  maxReceiveCount: number;
  /** Puts a message back with the wait Jira (or coalescing, or the retry schedule) asked for. */
  deferMessage(receiptHandle: string, seconds: number): Promise<void>;
  /**
   * The wait after a failed receive that named none (default: the stack's retry schedule, growing with the receive
   * count, so a hand-off outlives a Jira outage of about a day before the DLQ).
   */
  backoffSeconds?(receive: number): number;
  /** Milliseconds left in the invocation: a record is not started with less than {@link MIN_RECORD_MS}. */
  remainingMs?(): number;
  onOutcome?(outcome: SyncOutcome): void;
  /** `kept`: the message goes back to the queue (false: consumed, the error recorded on the incident). */
  onError?(record: SQSRecord, error: unknown, kept: boolean): void;
}

/** SQS caps a visibility timeout at 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;
/** Time a record needs to be worth starting: a create is a few DynamoDB calls and up to two Jira calls. */
export const MIN_RECORD_MS = 15_000;

/** The wait after failed receive `receive` under the stack's retry schedule. */
export function stackBackoffSeconds(receive: number): number {
  return retryDelaySeconds(TOPOLOGY.ticketSync.retry, receive);
}

/** The hand-off a record carries, or undefined. */
export function handOffOf(record: SQSRecord): { incidentId: string; version: number } | undefined {
  const parsed = HandOffSchema.safeParse(safeJson(record.body));
  return parsed.success ? parsed.data : undefined;
}

/** The receive count SQS reports for a record (1 when absent). */
export function receiveCountOf(record: SQSRecord): number {
  const n = Number(record.attributes?.ApproximateReceiveCount ?? '1');
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

/**
 * ticket-sync over a FIFO batch: one record at a time, in group order (Powertools' FIFO processor). A failed record
 * fails the rest of its group only (`skipGroupOnError`), so other incidents go on. A permanent Jira error (400) is
 * recorded on the incident and the message is consumed: retrying cannot fix it. Every other failure puts the message
 * back with a wait: the one asked for (Jira's Retry-After, coalescing, the next hour for the ticket cap), else the
 * retry schedule's for this receive.
 */
export async function syncRecords(event: SQSEvent, deps: SyncRecordsDeps): Promise<SQSBatchResponse> {
  const processor = new SqsFifoPartialProcessorAsync();
  const backoff = deps.backoffSeconds ?? stackBackoffSeconds;
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const handOff = handOffOf(record);
    if (handOff === undefined) {
      // Not ours to retry either: a malformed hand-off would fail identically forever.
      const issue = HandOffSchema.safeParse(safeJson(record.body));
      const why = issue.success ? 'unknown' : issue.error.issues[0].message;
      deps.onError?.(record, new PermanentError(`malformed hand-off: ${why}`), false);
      return;
    }
    const receives = receiveCountOf(record);
    try {
      const remaining = deps.remainingMs?.();
      if (remaining !== undefined && remaining < MIN_RECORD_MS) {
        throw new RetryableError(`not started with ${remaining} ms of the invocation left`, {}, { retryAfterMs: 0 });
      }
      const mayDefer = receives < deps.maxReceiveCount - 1;
      // Synced first, then told: `onOutcome?.(await …)` would skip the sync itself when no one listens.
      const outcome = await syncIncident(handOff.incidentId, { ...deps.sync, mayDefer });
      deps.onOutcome?.(outcome);
    } catch (err) {
      if (err instanceof PermanentError) {
        deps.onError?.(record, err, false);
        return;
      }
      const seconds =
        err instanceof RetryableError && err.retryAfterMs !== undefined
          ? Math.ceil(err.retryAfterMs / 1000)
          : backoff(receives);
      await deps
        .deferMessage(record.receiptHandle, Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, seconds)))
        .catch(() => undefined);
      deps.onError?.(record, err, true);
      throw err;
    }
  };
  // A batch whose every record failed (Jira down, a batch of one) is answered like any other, not thrown: the
  // hand-offs go back with their waits, and the function's Errors alarm is kept for real faults (our own metrics and
  // alarms say when Jira is the problem).
  return processPartialResponse(event, recordHandler, processor, {
    skipGroupOnError: true,
    throwOnFullBatchFailure: false,
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
