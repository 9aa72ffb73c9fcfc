import { AlertSchema } from '../model/alert';
import type { Alert } from '../model/alert';
import { makeRejection } from '../model/rejection';
import type { Rejection } from '../model/rejection';
import { errorMessage } from '../errors';
import { isObject } from './common';
import { adapters as defaultAdapters } from './registry';
import { capAlert } from './cap';
import { RecordRejected } from './types';
import type { FormatAdapter, NormalizeContext, RawRecord } from './types';

/** Keys shown in an `unknown format` reason: enough to recognise the shape, short enough for one line. */
const KEYS_SHOWN = 8;

function describeUnknown(record: RawRecord): string {
  const v = record.value;
  if (record.kind === 'xml') {
    return 'unknown format: no adapter recognises this XML <Event> (no System/Provider or Channel)';
  }
  if (!isObject(v)) {
    const kind = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    return `unknown format: a JSON ${kind} is not a record`;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return 'unknown format: an empty JSON object';
  const shown = keys.slice(0, KEYS_SHOWN).join(', ');
  return `unknown format: no adapter recognises a record with keys ${shown}${keys.length > KEYS_SHOWN ? '…' : ''}`;
}

/** The first zod issue as one line: `host.name: Too small: expected string to have >=1 characters`. */
function firstIssue(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  if (issue === undefined) return 'does not match the Alert schema';
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/** `detect` must not throw; one that does simply does not recognise the record. */
function detects(adapter: FormatAdapter, record: RawRecord): boolean {
  try {
    return adapter.detect(record);
  } catch {
    return false;
  }
}

/**
 * Normalize one raw record: the first adapter whose `detect` matches turns it into an Alert, validated against the
 * schema and bounded (see cap.ts). Anything else (no adapter, an adapter's RecordRejected, an adapter bug, an invalid result) becomes a
 * Rejection with a one-line reason. Never throws.
 * @param registry Adapters to try, in order (default: all, see registry.ts).
 */
export function normalizeRecord(
  record: RawRecord,
  ctx: NormalizeContext,
  registry: readonly FormatAdapter[] = defaultAdapters,
): Alert | Rejection {
  const reject = (reason: string): Rejection => makeRejection(ctx.source, record.position, reason, record.text);
  for (const adapter of registry) {
    if (!detects(adapter, record)) continue;
    let alert: Alert;
    try {
      alert = adapter.normalize(record, ctx);
    } catch (err) {
      if (err instanceof RecordRejected) return reject(err.message);
      return reject(`adapter ${adapter.id} failed: ${errorMessage(err)}`);
    }
    const parsed = AlertSchema.safeParse(alert);
    if (!parsed.success)
      return reject(`adapter ${adapter.id} produced an invalid alert: ${firstIssue(parsed.error.issues)}`);
    // Every adapter's alert is bounded the same way: field text is the intruder's, whatever the format.
    return capAlert(parsed.data);
  }
  return reject(describeUnknown(record));
}
