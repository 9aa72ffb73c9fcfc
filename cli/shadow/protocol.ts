import type { ContextSnapshot } from '../../lambdas/core/model/enrichment';
import type { SegmentJob, SegmentResult } from './segment-work';

/** Messages between a shadow run and its worker threads (pool.ts ↔ worker.ts). */

/** What a worker is started with: each builds its own detect stage (rule packs do not cross threads). */
export interface WorkerInit {
  rules: string[];
  context: ContextSnapshot;
  receivedTime: string;
}

export interface WorkerRequest {
  seq: number;
  job: SegmentJob;
}

export type WorkerReply =
  | { kind: 'ready' }
  /** The worker could not start (a rule pack that does not load): one line. */
  | { kind: 'fatal'; message: string }
  | { kind: 'result'; seq: number; result: SegmentResult }
  | { kind: 'error'; seq: number; message: string };
