import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Alert } from '../../../../lambdas/core/model/alert';
import { AlertSchema } from '../../../../lambdas/core/model/alert';
import { edrAdapters } from '../../../../lambdas/core/formats/edr';
import { RecordRejected } from '../../../../lambdas/core/formats/types';
import type { FormatAdapter, NormalizeContext, RawRecord } from '../../../../lambdas/core/formats/types';

/** Test helpers for the EDR adapters: splitting fixture files into records and running them the way the pipeline does. */

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const OWN_DIR = path.resolve(REPO_ROOT, 'test/fixtures/edr');

export const CTX: NormalizeContext = {
  source: 'test',
  receivedTime: '2026-01-01T00:00:00.000Z',
  maxRawBytes: 1024 * 1024,
};

/**
 * Top-level JSON values in a text of concatenated (possibly pretty-printed) objects, by brace depth outside strings.
 * The decoder does this in production; the tests need it to read CrowdStrike's concatenated fixture on their own.
 */
export function splitConcatenated(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (c === '}') {
      depth -= 1;
      if (depth === 0 && start >= 0) {
        out.push(text.slice(start, i + 1));
        start = -1;
      }
    }
  }
  return out;
}

export function jsonRecord(text: string, position: string): RawRecord {
  return { value: JSON.parse(text) as unknown, kind: 'json', position, text, envelopes: [] };
}

export function valueRecord(value: unknown, position = 'record 1'): RawRecord {
  return { value, kind: 'json', position, text: JSON.stringify(value), envelopes: [] };
}

/**
 * Records of a fixture file: a JSON array element by element, one JSON document, NDJSON line by line, or
 * concatenated pretty-printed objects.
 */
export function loadRecords(file: string): RawRecord[] {
  const text = fs.readFileSync(file, 'utf8');
  const trimmed = text.trim();
  try {
    const whole = JSON.parse(trimmed) as unknown;
    if (Array.isArray(whole)) return whole.map((x, i) => valueRecord(x, `record ${i + 1}`));
    return [jsonRecord(trimmed, 'body')];
  } catch {
    const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '');
    try {
      return lines.map((l, i) => jsonRecord(l, `line ${i + 1}`));
    } catch {
      return splitConcatenated(trimmed).map((t, i) => jsonRecord(t, `record ${i + 1}`));
    }
  }
}

export interface Outcome {
  record: RawRecord;
  adapter?: FormatAdapter;
  alert?: Alert;
  reason?: string;
}

/**
 * One record through the EDR adapters as the registry would run them: the first adapter that detects it normalizes
 * it; a RecordRejected becomes a reason; any other exception propagates and fails the test. Every alert is checked
 * against the schema.
 */
export function run(record: RawRecord, adapters: FormatAdapter[] = edrAdapters): Outcome {
  const adapter = adapters.find((a) => a.detect(record));
  if (adapter === undefined) return { record, reason: 'unknown format' };
  try {
    const alert = AlertSchema.parse(adapter.normalize(record, CTX));
    return { record, adapter, alert };
  } catch (err) {
    if (err instanceof RecordRejected) return { record, adapter, reason: err.message };
    throw err;
  }
}

export function runFile(file: string): Outcome[] {
  return loadRecords(file).map((r) => run(r));
}

/** The adapters that claim a record: exactly one for every record of a known format. */
export function claimants(record: RawRecord): string[] {
  return edrAdapters.filter((a) => a.detect(record)).map((a) => a.id);
}

/** A deep copy with `mutate` applied: fixtures are never changed in place. */
export function variant(value: unknown, mutate: (v: Record<string, unknown>) => void): RawRecord {
  const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  mutate(copy);
  return valueRecord(copy);
}
