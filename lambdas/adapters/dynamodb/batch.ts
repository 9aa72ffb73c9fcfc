import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PermanentError, RetryableError } from '../../core/errors';

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** DynamoDB's own limits per call. */
const GET_CHUNK = 100;
const WRITE_CHUNK = 25;
const UNPROCESSED_RETRIES = 8;

/**
 * DynamoDB's refusal of a request for what it holds (a key or item over a limit, an invalid value) as a
 * PermanentError: the same request fails the same way on every retry, so the caller must not simply retry it.
 * Anything else (throttling, a timeout, a 5xx) is returned as it was.
 */
export function asStoreError(err: unknown): unknown {
  if (err instanceof PermanentError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'ValidationException' || name === 'ItemCollectionSizeLimitExceededException') {
    const message = err instanceof Error ? err.message : String(err);
    return new PermanentError(`DynamoDB refused the request: ${message}`, { name }, { cause: err });
  }
  return err;
}

/** A request whose refusal for what it holds surfaces as a PermanentError (see `asStoreError`). */
export async function storeCall<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (err) {
    throw asStoreError(err);
  }
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

function dedupeKeys(keys: Key[]): Key[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = `${k.pk}\u0000${k.sk}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * BatchGetItem over any number of keys: 100 per call, unprocessed keys retried with backoff (throttling returns
 * them rather than failing), strongly consistent because dedupe and versioning decisions are made on what it reads.
 */
export async function batchGet(doc: DynamoDBDocumentClient, table: string, keys: Key[]): Promise<Item[]> {
  const out: Item[] = [];
  for (const chunk of chunks(dedupeKeys(keys), GET_CHUNK)) {
    let pending: Key[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > UNPROCESSED_RETRIES) throw new RetryableError('DynamoDB kept keys unprocessed (throttled)');
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const r = await doc
        .send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }))
        .catch((err: unknown) => {
          throw asStoreError(err);
        });
      out.push(...((r.Responses?.[table] as Item[] | undefined) ?? []));
      pending = (r.UnprocessedKeys?.[table]?.Keys as Key[] | undefined) ?? [];
    }
  }
  return out;
}

/** BatchWriteItem puts: 25 per call, unprocessed items retried with backoff. Puts are idempotent by key. */
export async function batchPut(doc: DynamoDBDocumentClient, table: string, items: Item[]): Promise<void> {
  // One call may not name a key twice: the last item for a key wins, as sequential puts would.
  const byKey = new Map(items.map((i) => [`${String(i.pk)}\u0000${String(i.sk)}`, i] as const));
  for (const chunk of chunks([...byKey.values()], WRITE_CHUNK)) {
    let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > UNPROCESSED_RETRIES) throw new RetryableError('DynamoDB kept writes unprocessed (throttled)');
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const r = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } })).catch((err: unknown) => {
        throw asStoreError(err);
      });
      pending = (r.UnprocessedItems?.[table] as typeof pending | undefined) ?? [];
    }
  }
}
