import type { Alert } from '../model/alert';
import { isRejection, makeRejection } from '../model/rejection';
import type { Rejection } from '../model/rejection';
import { errorMessage } from '../errors';
import { decode } from './decode';
import { normalizeRecord } from './normalize';
import { alignLocalTimes } from './sysmon/local-time';
import type { RawRecord } from './types';

/**
 * The formats stage's public API: decode a body, normalize every record, get alerts and rejections back.
 */

export interface NormalizeInputOptions {
  /** UTC ISO-8601 receive time stamped on every alert (SQS SentTimestamp); default now. */
  receivedTime?: string;
  /** Cap on the raw record kept on each alert (default 64 KiB). */
  maxRawBytes?: number;
  /** Largest record accepted (default 1 MiB). */
  maxRecordBytes?: number;
  /** Deepest JSON nesting accepted (default 64). */
  maxDepth?: number;
  /**
   * The detect stage, run on each alert with the record it came from (a Windows event is read again from the record,
   * so detection sees every EventData field, not only those the Alert model keeps). Injected rather than imported:
   * formats knows nothing of Sigma, and a caller without rules (tests, `a2t normalize`) simply leaves it out.
   */
  annotate?: (alert: Alert, record: RawRecord) => Alert;
}

export const DEFAULT_MAX_RAW_BYTES = 64 * 1024;

export interface NormalizeInputResult {
  alerts: Alert[];
  rejections: Rejection[];
}

/**
 * Detection adds to an alert, it never costs one: should a detector throw (a bug, a hostile field no test foresaw),
 * the alert goes on unannotated and flagged, so the attack still reaches its incident.
 */
function annotateSafely(annotate: (alert: Alert, record: RawRecord) => Alert, alert: Alert, record: RawRecord): Alert {
  try {
    return annotate(alert, record);
  } catch {
    return { ...alert, flags: [...alert.flags, 'detect-failed'] };
  }
}

/**
 * Decode a body (SQS message, file, stdin) and normalize each record in it. Never throws: every record ends as an
 * alert or a rejection, so `alerts.length + rejections.length` accounts for all of them.
 * @example
 * const { alerts, rejections } = normalizeInput(message.body, message.messageId, { receivedTime });
 */
export function normalizeInput(
  body: string | Buffer,
  source: string,
  opts: NormalizeInputOptions = {},
): NormalizeInputResult {
  const alerts: Alert[] = [];
  const rejections: Rejection[] = [];
  try {
    const ctx = {
      source,
      receivedTime: opts.receivedTime ?? new Date().toISOString(),
      maxRawBytes: opts.maxRawBytes ?? DEFAULT_MAX_RAW_BYTES,
    };
    const decoded = decode(body, source, { maxRecordBytes: opts.maxRecordBytes, maxDepth: opts.maxDepth });
    // A loop, not push(...spread): a body of 100,000 broken lines would overflow the argument stack.
    for (const r of decoded.rejections) rejections.push(r);
    const normalized: { alert: Alert; record: RawRecord }[] = [];
    for (const record of decoded.records) {
      const result = normalizeRecord(record, ctx);
      if (isRejection(result)) rejections.push(result);
      else normalized.push({ alert: result, record });
    }
    // Batch-wide: local clocks are measured on the batch's Sysmon events, then applied to their host's other events.
    const aligned = alignLocalTimes(normalized);
    aligned.forEach((alert, i) => {
      const { record } = normalized[i]!;
      alerts.push(opts.annotate !== undefined ? annotateSafely(opts.annotate, alert, record) : alert);
    });
  } catch (err) {
    const excerpt = typeof body === 'string' ? body : body.subarray(0, 256).toString('latin1');
    rejections.push(makeRejection(source, 'body', `normalize failed: ${errorMessage(err)}`, excerpt));
  }
  return { alerts, rejections };
}

export { decode } from './decode';
export { normalizeRecord } from './normalize';
export type { RawRecord } from './types';
