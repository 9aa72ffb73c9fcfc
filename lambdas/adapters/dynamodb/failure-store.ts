import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The last error of a message that went back to its queue, so `a2t dlq list` can say why a dead letter died instead
 * of a fixed text. Written on the failure path only (best effort: a failure to record never fails the message),
 * keyed by what a dead letter still carries: the incident id of a ticket-sync hand-off, the message id of an intake
 * message (SQS keeps a message's id when it moves it to the DLQ).
 */
const failureKey = (subject: string) => ({ pk: `FAIL#${subject}`, sk: 'LAST' });
/** A little longer than the DLQs keep messages (14 days). */
const KEEP_SECONDS = 15 * 86_400;
/** Errors are one line; a long one is cut. */
const MAX_ERROR_CHARS = 1_000;

export interface RecordedFailure {
  subject: string;
  at: string;
  error: string;
  receives?: number;
}

export class DynamoFailureStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async record(subject: string, error: string, at: string, receives?: number): Promise<void> {
    const line = error.replace(/\s+/g, ' ').trim();
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...failureKey(subject),
          at,
          error: line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS)}…` : line,
          ...(receives !== undefined ? { receives } : {}),
          expiresAt: Math.floor(Date.parse(at) / 1000) + KEEP_SECONDS,
        },
      }),
    );
  }

  /** The recorded failures of these subjects (100 keys per request). */
  async load(subjects: string[]): Promise<Map<string, RecordedFailure>> {
    const out = new Map<string, RecordedFailure>();
    const unique = [...new Set(subjects)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(failureKey);
      for (let round = 0; keys !== undefined && keys.length > 0 && round < 5; round += 1) {
        const r = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } }));
        for (const item of r.Responses?.[this.table] ?? []) {
          const subject = String(item.pk).slice('FAIL#'.length);
          out.set(subject, {
            subject,
            at: String(item.at),
            error: String(item.error),
            ...(typeof item.receives === 'number' ? { receives: item.receives } : {}),
          });
        }
        keys = r.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return out;
  }
}
