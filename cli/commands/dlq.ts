import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
  reason: string;
  excerpt: string;
  /** Whether `a2t dlq redrive` can send it again. */
  redrivable: boolean;
}

/**
 * Receives up to `max` messages. Listing uses a visibility timeout of 0 (every message stays where it was);
 * re-drive holds them for a minute so its delete, with that receipt, is valid.
 */
async function peek(
  sqs: SQSClient,
  url: string,
  visibility = 0,
  max = 100,
): Promise<{ id: string; body: string; receipt: string; sent: string; receives: string; group?: string }[]> {
  const out: { id: string; body: string; receipt: string; sent: string; receives: string; group?: string }[] = [];
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

/** `a2t dlq list`: dead letters of both queues and the stored rejections, each with its reason and an excerpt. */
export async function listDeadLetters(t: DlqTarget, days = 7): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  for (const m of await peek(t.sqs, t.intakeDlqUrl)) {
    out.push({
      kind: 'intake-dlq',
      id: m.id,
      time: m.sent,
      reason: `ingest failed ${TOPOLOGY.intake.maxReceiveCount} times (transient errors exhausted)`,
      excerpt: excerptOf(m.body),
      redrivable: true,
    });
  }
  for (const m of await peek(t.sqs, t.ticketSyncDlqUrl)) {
    out.push({
      kind: 'ticket-sync-dlq',
      id: m.id,
      time: m.sent,
      reason: `ticket-sync failed ${TOPOLOGY.ticketSync.maxReceiveCount} times (Jira unavailable or refusing)`,
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

/**
 * `a2t dlq redrive`: dead letters back onto the queue they came from (sent first, deleted after, so a crash can
 * only duplicate, which dedupe absorbs), and rejected bodies back onto the intake queue once their cause is fixed.
 */
export async function redrive(
  t: DlqTarget,
  opts: { rejections: boolean; days?: number } = { rejections: true },
): Promise<{ intake: number; ticketSync: number; rejections: number; skipped: number }> {
  const counts = { intake: 0, ticketSync: 0, rejections: 0, skipped: 0 };
  for (const m of await peek(t.sqs, t.intakeDlqUrl, 60)) {
    await t.sqs.send(new SendMessageCommand({ QueueUrl: t.intakeUrl, MessageBody: m.body }));
    await t.sqs.send(new DeleteMessageCommand({ QueueUrl: t.intakeDlqUrl, ReceiptHandle: m.receipt }));
    counts.intake++;
  }
  for (const m of await peek(t.sqs, t.ticketSyncDlqUrl, 60)) {
    // A new dedup id: the original one may still be inside FIFO's 5-minute deduplication window.
    await t.sqs.send(
      new SendMessageCommand({
        QueueUrl: t.ticketSyncUrl,
        MessageBody: m.body,
        MessageGroupId: m.group ?? 'redrive',
        MessageDeduplicationId: `${m.id}-redrive-${Date.now()}`,
      }),
    );
    await t.sqs.send(new DeleteMessageCommand({ QueueUrl: t.ticketSyncDlqUrl, ReceiptHandle: m.receipt }));
    counts.ticketSync++;
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
