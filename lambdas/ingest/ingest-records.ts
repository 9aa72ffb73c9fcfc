import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { normalizeInput } from '../core/formats';
import { ingestBatch } from '../core/ingest/ingest-batch';
import type { IngestResult, IngestSettings, IngestUnit } from '../core/ingest/ingest-batch';
import type { IngestStore, TicketQueue } from '../core/ingest/ports';
import type { Settings } from '../adapters/config';
import type { DetectStage } from '../core/detect/stage';

export function ingestSettings(s: Settings): IngestSettings {
  return {
    correlation: { stormWindowMs: s.stormWindowMinutes * 60_000, linkWindowMs: s.linkWindowHours * 3_600_000 },
    handOff: { ticketThreshold: s.ticketThreshold, countSteps: s.handOffCountSteps },
    maxVersionRetries: 8,
  };
}

/** SQS records → decoded, normalized units: pure, never throws (bad input becomes rejections). */
export function unitsOf(records: SQSRecord[], s: Settings, detect?: DetectStage): IngestUnit[] {
  return records.map((r) => {
    const sent = Number(r.attributes?.SentTimestamp);
    const receivedTime = Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : new Date().toISOString();
    const { alerts, rejections } = normalizeInput(r.body, `sqs:${r.messageId}`, {
      receivedTime,
      maxRawBytes: s.maxRawBytes,
      maxRecordBytes: s.maxRecordBytes,
      ...(detect !== undefined ? { annotate: detect.annotate } : {}),
    });
    // Stamped with the message's send time, not the wall clock: a redelivery then rewrites the same REJECT# item
    // instead of storing the rejection again.
    return {
      messageId: r.messageId,
      body: r.body,
      alerts,
      rejections: rejections.map((x) => ({ ...x, time: receivedTime })),
    };
  });
}

/**
 * The ingest Lambda's work for one SQS batch, folded into one write per incident. An incident whose write fails
 * fails only the messages that touched it; a failure before the incident writes (reading or claiming) concerns the
 * whole batch. Either way the retry is exact: claims and versioned writes count each alert once. Rejections are
 * results, never failures.
 */
export async function ingestRecords(
  records: SQSRecord[],
  deps: { store: IngestStore; queue: TicketQueue; settings: Settings; detect?: DetectStage },
): Promise<{ response: SQSBatchResponse; result?: IngestResult; error?: unknown }> {
  const units = unitsOf(records, deps.settings, deps.detect);
  try {
    const result = await ingestBatch(units, deps.store, deps.queue, ingestSettings(deps.settings));
    // Only the messages whose incident could not be written go back; their retry counts each alert once.
    return {
      response: { batchItemFailures: [...result.failedMessages].map((itemIdentifier) => ({ itemIdentifier })) },
      result,
    };
  } catch (error) {
    return { response: { batchItemFailures: records.map((r) => ({ itemIdentifier: r.messageId })) }, error };
  }
}
