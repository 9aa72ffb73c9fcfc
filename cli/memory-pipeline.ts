import { normalizeInput } from '../lambdas/core/formats';
import { ingestBatch } from '../lambdas/core/ingest/ingest-batch';
import type { IngestResult, IngestUnit } from '../lambdas/core/ingest/ingest-batch';
import { MemoryIngestStore, MemoryTicketQueue } from '../lambdas/core/ingest/memory-store';
import type { ContextSnapshot } from '../lambdas/core/model/enrichment';
import type { IncidentView } from '../lambdas/core/model/incident';
import type { Rejection } from '../lambdas/core/model/rejection';
import type { InputFile } from './inputs';
import type { DetectStage } from '../lambdas/core/detect';

export interface MemoryRun {
  views: IncidentView[];
  result: IngestResult;
  rejections: Rejection[];
  handOffs: number;
}

/**
 * decode → normalize → detect → dedupe → enrich → correlate in memory: the Lambda's ingest code over an in-memory store,
 * each file one unit (like one SQS message), all in one batch.
 */
export async function runInMemory(
  files: InputFile[],
  context: ContextSnapshot,
  detect?: DetectStage,
): Promise<MemoryRun> {
  const annotate = detect !== undefined ? { annotate: detect.annotate } : {};
  const units = files.map((f) => ({ messageId: f.source, ...normalizeInput(f.content, f.source, annotate) }));
  return runUnitsInMemory(units, context);
}

/** `runInMemory` over inputs already normalized, one unit per file (as `draft` reads them, streamed). */
export async function runUnitsInMemory(units: IngestUnit[], context: ContextSnapshot): Promise<MemoryRun> {
  const store = new MemoryIngestStore(context);
  const queue = new MemoryTicketQueue();
  const result = await ingestBatch(units, store, queue);
  return { views: store.views(), result, rejections: store.rejections, handOffs: queue.sent.length };
}
