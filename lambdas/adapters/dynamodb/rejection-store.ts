import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Rejection } from '../../core/model/rejection';
import { KEYS } from './keys';

/**
 * Reading back what ingest rejected (`REJECT#<day>` items, written by ingest-store.ts): for `a2t dlq list`, `a2t dlq
 * redrive` and `a2t replay`. One day's partition can hold more than a query returns at once (1 MB: a few rejected
 * bodies are enough), so every read goes to the last page.
 */

/** A rejection as ingest stored it: its key, and the rejected body when it was small enough to keep for re-drive. */
export interface StoredRejection extends Rejection {
  pk: string;
  sk: string;
  body?: string;
}

/** The UTC days (yyyy-mm-dd) of the `count` days up to `now` (epoch ms), newest first. */
export function recentDays(now: number, count: number): string[] {
  const days: string[] = [];
  for (let d = 0; d < count; d++) days.push(new Date(now - d * 86_400_000).toISOString().slice(0, 10));
  return days;
}

/** Every rejection stored on `days`, day by day as given, each day's partition read page by page to its end. */
export async function listRejections(
  doc: DynamoDBDocumentClient,
  table: string,
  days: readonly string[],
): Promise<StoredRejection[]> {
  const out: StoredRejection[] = [];
  for (const day of days) {
    let start: Record<string, unknown> | undefined;
    do {
      const r = await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': KEYS.rejectionDay(day).pk },
          ExclusiveStartKey: start,
        }),
      );
      out.push(...((r.Items ?? []) as StoredRejection[]));
      start = r.LastEvaluatedKey;
    } while (start !== undefined);
  }
  return out;
}

/** Removes one stored rejection (after its body was sent again). */
export async function deleteRejection(
  doc: DynamoDBDocumentClient,
  table: string,
  r: Pick<StoredRejection, 'pk' | 'sk'>,
): Promise<void> {
  await doc.send(new DeleteCommand({ TableName: table, Key: { pk: r.pk, sk: r.sk } }));
}
