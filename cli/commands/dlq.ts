import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoFailureStore } from '../../lambdas/adapters/dynamodb/failure-store';
import { deleteRejection, listRejections, recentDays } from '../../lambdas/adapters/dynamodb/rejection-store';
import type { StoredRejection } from '../../lambdas/adapters/dynamodb/rejection-store';
import { excerptOf } from '../../lambdas/core/model/rejection';
import { TOPOLOGY } from '../../lambdas/topology';

export interface DlqTarget {
  sqs: SQSClient;
  doc: DynamoDBDocumentClient;
  table: string;
  intakeUrl: string;
  intakeDlqUrl: string;
  ticketSyncUrl: string;
  ticketSyncDlqUrl: string;
}

export interface DeadLetter {
  kind: 'intake-dlq' | 'ticket-sync-dlq' | 'rejection';
  id: string;
  time: string;
  /** Why it is here: the last error recorded for it (the functions record it on each failed receive). */
  reason: string;
  excerpt: string;
  /** Whether `a2t dlq redrive` can send it again. */
  redrivable: boolean;
}

interface Peeked {
  id: string;
  body: string;
  receipt: string;
  sent: string;
  receives: string;
  group?: string;
}

/**
 * Receives up to `max` messages. Listing uses a visibility timeout of 0 (every message stays where it was);
 * re-drive holds them for a minute so its delete, with that receipt, is valid.
 */
async function peek(sqs: SQSClient, url: string, visibility = 0, max = 100): Promise<Peeked[]> {
  const out: Peeked[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < Math.ceil(max / 10); i++) {
    const r = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibility,
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 0,
      }),
    );
    const got = (r.Messages ?? []).filter((m) => !seen.has(m.MessageId!));
    if (got.length === 0) break;
    for (const m of got) {
      seen.add(m.MessageId!);
      out.push({
        id: m.MessageId!,
        body: m.Body ?? '',
        receipt: m.ReceiptHandle!,
        sent: new Date(Number(m.Attributes?.SentTimestamp ?? Date.now())).toISOString(),
        receives: m.Attributes?.ApproximateReceiveCount ?? '?',
        ...(m.Attributes?.MessageGroupId ? { group: m.Attributes.MessageGroupId } : {}),
      });
    }
  }
  return out;
}

/** Rejections stored by ingest over the last `days` days, every page of each day. */
function rejections(t: DlqTarget, days: number): Promise<StoredRejection[]> {
  return listRejections(t.doc, t.table, recentDays(Date.now(), days));
}

/** The incident a ticket-sync hand-off is about, if the body is one. */
function incidentOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { incidentId?: unknown }).incidentId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `a2t dlq list`: dead letters of both queues and the stored rejections, each with the error that put it there (what
 * the function recorded at its last failed receive) and an excerpt.
 */
export async function listDeadLetters(t: DlqTarget, days = 7): Promise<DeadLetter[]> {
  const intake = await peek(t.sqs, t.intakeDlqUrl);
  const sync = await peek(t.sqs, t.ticketSyncDlqUrl);
  const failures = await new DynamoFailureStore(t.doc, t.table).load([
    ...intake.map((m) => m.id),
    ...sync.map((m) => incidentOf(m.body)).filter((id): id is string => id !== undefined),
  ]);
  const why = (subject: string | undefined, fallback: string): string => {
    const f = subject === undefined ? undefined : failures.get(subject);
    return f === undefined
      ? fallback
      : `${f.error} (at ${f.at}${f.receives !== undefined ? `, receive ${f.receives}` : ''})`;
  };
  const out: DeadLetter[] = [];
  for (const m of intake) {
    out.push({
      kind: 'intake-dlq',
      id: m.id,
      time: m.sent,
      reason: why(m.id, `ingest failed ${TOPOLOGY.intake.maxReceiveCount} times (no error recorded)`),
      excerpt: excerptOf(m.body),
      redrivable: true,
    });
  }
  for (const m of sync) {
    out.push({
      kind: 'ticket-sync-dlq',
      id: m.id,
      time: m.sent,
      reason: why(
        incidentOf(m.body),
        `ticket-sync failed ${TOPOLOGY.ticketSync.maxReceiveCount} times (no error recorded)`,
      ),
      excerpt: excerptOf(m.body),
      redrivable: true,
    });
  }
  for (const r of await rejections(t, days)) {
    out.push({
      kind: 'rejection',
      id: r.sk,
      time: r.time,
      reason: r.reason,
      excerpt: r.excerpt,
      redrivable: typeof r.body === 'string',
    });
  }
  return out;
}

export interface RedriveOptions {
  /** Also send stored rejections back to intake (only once their cause is fixed: they are refused again otherwise). */
  rejections?: boolean;
  days?: number;
  /** Waits between polls of a message-move task (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
  /** Told about progress. */
  log?: (line: string) => void;
}

export interface RedriveResult {
  intake: number;
  ticketSync: number;
  rejections: number;
  skipped: number;
  /** How the dead letters were moved: SQS's message-move task, receive-send-delete where it is not offered, or not. */
  via: 'move-task' | 'receive-send' | 'none';
}

/**
 * `a2t dlq redrive`: dead letters back onto the queue they came from until each DLQ is empty, with SQS's own
 * message-move task (`StartMessageMoveTask`, polled until it completes); where the endpoint does not offer it (a local
 * server), by receive, send, delete (sent first, deleted after, so a crash can only duplicate, which dedupe absorbs).
 * Stored rejections are sent back to intake only with `rejections`.
 */
export async function redrive(t: DlqTarget, opts: RedriveOptions = {}): Promise<RedriveResult> {
  const counts: RedriveResult = { intake: 0, ticketSync: 0, rejections: 0, skipped: 0, via: 'none' };
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (const [dlq, source, fifo, key] of [
    [t.intakeDlqUrl, t.intakeUrl, false, 'intake'],
    [t.ticketSyncDlqUrl, t.ticketSyncUrl, true, 'ticketSync'],
  ] as const) {
    const moved = await moveTask(t.sqs, dlq, sleep, opts.log);
    if (moved === 0) continue;
    if (moved !== undefined) {
      counts[key] = moved;
      counts.via = 'move-task';
      continue;
    }
    counts[key] = await receiveSendDelete(t.sqs, dlq, source, fifo);
    if (counts[key] > 0) counts.via = 'receive-send';
  }
  if (opts.rejections) {
    const sent = new Set<string>();
    for (const r of await rejections(t, opts.days ?? 7)) {
      if (typeof r.body !== 'string') {
        counts.skipped++;
        continue;
      }
      // One body can carry several rejections (three bad NDJSON lines): send it once.
      if (!sent.has(r.source)) {
        await t.sqs.send(new SendMessageCommand({ QueueUrl: t.intakeUrl, MessageBody: r.body }));
        sent.add(r.source);
        counts.rejections++;
      }
      await deleteRejection(t.doc, t.table, r);
    }
  }
  return counts;
}

/** Errors that mean "this endpoint has no message-move task" (a local server; an API SQS does not offer here). */
const NOT_OFFERED = new Set(['InvalidAction', 'UnsupportedOperation', 'UnknownOperationException']);

/**
 * Moves every message of `dlqUrl` back to its source queue with a message-move task, waiting until the task ends.
 * Returns how many moved, or undefined when the endpoint does not offer the API.
 */
async function moveTask(
  sqs: SQSClient,
  dlqUrl: string,
  sleep: (ms: number) => Promise<void>,
  log?: (line: string) => void,
): Promise<number | undefined> {
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: dlqUrl,
      AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const arn = attrs.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`no ARN for ${dlqUrl}`);
  // Nothing in it, visible or not (a listing just received them with a zero visibility timeout): nothing to move.
  const waiting =
    Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  if (waiting === 0) return 0;
  try {
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn }));
  } catch (err) {
    if (err instanceof Error && NOT_OFFERED.has(err.name)) return undefined;
    throw err;
  }
  log?.(`moving ${attrs.Attributes?.ApproximateNumberOfMessages ?? '?'} message(s) from ${arn} back to its source`);
  for (;;) {
    const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn, MaxResults: 1 }));
    const task = tasks.Results?.[0];
    if (task !== undefined && task.Status !== 'RUNNING' && task.Status !== 'CANCELLING') {
      if (task.Status !== 'COMPLETED') {
        throw new Error(
          `the message-move task of ${arn} ended ${task.Status}: ${task.FailureReason ?? 'no reason given'}`,
        );
      }
      return task.ApproximateNumberOfMessagesMoved ?? 0;
    }
    await sleep(2_000);
  }
}

/** Receive, send to the source, delete: until a receive finds the DLQ empty. */
async function receiveSendDelete(sqs: SQSClient, dlqUrl: string, sourceUrl: string, fifo: boolean): Promise<number> {
  let moved = 0;
  for (;;) {
    const batch = await peek(sqs, dlqUrl, 60);
    if (batch.length === 0) return moved;
    for (const m of batch) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: sourceUrl,
          MessageBody: m.body,
          // A new dedup id: the original one may still be inside FIFO's 5-minute deduplication window.
          ...(fifo
            ? { MessageGroupId: m.group ?? 'redrive', MessageDeduplicationId: `${m.id}-redrive-${Date.now()}` }
            : {}),
        }),
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.receipt }));
      moved++;
    }
  }
}
