import { enrichAlert } from '../../lambdas/core/enrich';
import { normalizeInput } from '../../lambdas/core/formats';
import type { NormalizeInputOptions } from '../../lambdas/core/formats';
import { contentFingerprint } from '../../lambdas/core/ingest/fingerprint';
import type { ContextSnapshot, EnrichedAlert } from '../../lambdas/core/model/enrichment';
import { mapPosition, mapReason } from '../stream/positions';
import type { Segment } from '../stream/piece';

/**
 * The per-record work of a shadow run, the expensive part, done where it can run in parallel (a worker thread, or
 * the main thread with `--threads 1`): decode, normalize, detect, enrich, fingerprint. Pure given its inputs, so
 * the results do not depend on which thread ran it.
 */

/** An enriched alert as correlation needs it: without the raw record (the report never shows it), fingerprinted. */
export type ShadowAlert = EnrichedAlert & { fingerprint: string };

export interface SegmentRejection {
  position: string;
  reason: string;
}

export interface SegmentResult {
  alerts: ShadowAlert[];
  rejections: SegmentRejection[];
}

export interface SegmentJob {
  source: string;
  segment: Segment;
}

export interface SegmentWorkOptions {
  context: ContextSnapshot;
  /** The receive time stamped on every alert of the run (one per run, so runs repeat exactly). */
  receivedTime: string;
  annotate?: NormalizeInputOptions['annotate'];
}

export function processSegment(job: SegmentJob, opts: SegmentWorkOptions): SegmentResult {
  const { segment } = job;
  const { alerts, rejections } = normalizeInput(segment.bytes, job.source, {
    receivedTime: opts.receivedTime,
    ...(opts.annotate !== undefined ? { annotate: opts.annotate } : {}),
  });
  return {
    alerts: alerts.map((a) => {
      // enrichAlert's result is a fresh object: completed in place rather than copied once more.
      const e = enrichAlert(a, opts.context) as ShadowAlert;
      e.raw = null;
      e.fingerprint = contentFingerprint(a);
      return e;
    }),
    rejections: rejections.map((r) => ({
      position: mapPosition(segment.place, r.position),
      reason: mapReason(segment.place, r.reason),
    })),
  };
}
