import * as os from 'node:os';
import { loadRulesDir } from '../../lambdas/core/detect/user-rules';
import type { ContextSnapshot } from '../../lambdas/core/model/enrichment';
import { cliDetectStage } from '../detect-stage';
import { CliError, EXIT } from '../errors';
import { inputPieces } from '../stream/pieces';
import { STREAM_DEFAULTS } from '../stream/piece';
import type { StreamLimits } from '../stream/piece';
import { listInputs } from '../inputs';
import { inputChunks } from '../stream/sources';
import { CORRELATOR_DEFAULTS, ShadowCorrelator } from './correlator';
import type { ShadowTotals } from './correlator';
import { inProcessRunner, workerRunner } from './pool';
import type { SegmentRunner } from './pool';
import type { SegmentResult } from './segment-work';

/**
 * A shadow run over inputs of any size: each input streamed and cut into segments (cli/stream), the segments'
 * records decoded, normalized, detected and enriched on every core (segment-work.ts, pool.ts), and the results
 * correlated in input order in this thread (correlator.ts). Results do not depend on the number of threads.
 */

export interface ShadowRunOptions {
  /** Threads doing the per-record work: 1 runs it in this thread; default one per core, at most 4. */
  threads?: number;
  limits?: Partial<StreamLimits>;
  /** Alerts correlated together (see correlator.ts). */
  batchSize?: number;
  /** Receive time of every alert, and the run's logical clock (default now). */
  receivedTime?: string;
  stdin?: NodeJS.ReadableStream;
  /** Told after each segment: input bytes read so far and records found. */
  onProgress?: (p: { bytes: number; records: number }) => void;
}

export interface ShadowRun {
  totals: ShadowTotals;
  inputs: number;
  /** Files a directory walk left out as not alerts (READMEs, CSV context). */
  skipped: number;
  /** Records found: every one became an alert (unique or duplicate) or a rejection. */
  records: number;
  rejected: number;
  /** Rejections by reason, the most frequent first. */
  rejectionReasons: { reason: string; count: number }[];
  threads: number;
}

/** Distinct reasons kept; the rest are counted together (a hostile input could make every reason unique). */
const MAX_REASONS = 1_000;
const OTHER_REASONS = '(other reasons)';

/** A reason without what varies from record to record (line spans, sizes, offsets), so alike reasons count together. */
export function reasonKind(reason: string): string {
  return reason.replace(/ \(lines \d+–\d+\)$/, '').replace(/\b\d{2,}\b/g, 'N');
}

/** The user's rule folders, as `loadPacks` checks them: every problem a line on `err`, then exit 2. */
function checkUserRules(rules: readonly string[], err: NodeJS.WritableStream): void {
  let bad = 0;
  for (const dir of rules) {
    const { errors } = loadRulesDir(dir);
    for (const e of errors) err.write(`a2t: ${e}\n`);
    bad += errors.length;
  }
  if (bad > 0) throw new CliError(`${bad} problem(s) in the user rules`, EXIT.usage);
}

/**
 * Most worker threads by default. The main thread's correlation is about a fifth of the work per record, so more
 * workers than this leave it the bottleneck, while each one holds its own rule packs and heap.
 */
export const MAX_DEFAULT_THREADS = 4;

/** Default threads: one per core, at most `MAX_DEFAULT_THREADS`. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(os.availableParallelism(), MAX_DEFAULT_THREADS));
}

export async function runShadow(
  inputs: string[],
  context: ContextSnapshot,
  rules: readonly string[],
  err: NodeJS.WritableStream,
  opts: ShadowRunOptions = {},
): Promise<ShadowRun> {
  const threads = opts.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new CliError('--threads must be a whole number ≥ 1', EXIT.usage);
  const limits = { ...STREAM_DEFAULTS, ...opts.limits };
  const receivedTime = opts.receivedTime ?? new Date().toISOString();
  let skipped = 0;
  const refs = listInputs(inputs, () => skipped++);
  let runner: SegmentRunner;
  if (threads === 1) {
    runner = inProcessRunner({ context, receivedTime, annotate: cliDetectStage(rules, err).annotate });
  } else {
    // Each worker loads the packs; the user's rules are checked here first, so a problem is reported once.
    checkUserRules(rules, err);
    runner = await workerRunner(threads, { rules: [...rules], context, receivedTime });
  }
  const correlator = new ShadowCorrelator({
    batchSize: opts.batchSize ?? CORRELATOR_DEFAULTS.batchSize,
    startTime: receivedTime,
    lateAllowanceMs: CORRELATOR_DEFAULTS.lateAllowanceMs,
  });
  const reasons = new Map<string, number>();
  let records = 0;
  let rejected = 0;
  const reject = (why: string): void => {
    rejected++;
    records++;
    const reason = reasonKind(why);
    const key = reasons.has(reason) || reasons.size < MAX_REASONS ? reason : OTHER_REASONS;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  };
  let bytes = 0;
  const consume = (r: SegmentResult): void => {
    records += r.alerts.length;
    for (const x of r.rejections) reject(x.reason);
    correlator.add(r.alerts);
    opts.onProgress?.({ bytes, records });
  };
  const counted = async function* (chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const c of chunks) {
      bytes += c.length;
      yield c;
    }
  };
  // Segments in flight: enough to keep every thread busy while this one correlates, few enough to bound memory.
  const inflight: Promise<SegmentResult>[] = [];
  const maxInflight = threads * 4;
  try {
    for (const ref of refs) {
      for await (const piece of inputPieces(counted(inputChunks(ref, opts.stdin)), limits)) {
        if (piece.kind === 'fault') {
          reject(piece.reason);
          continue;
        }
        inflight.push(runner.run({ source: ref.source, segment: piece }));
        while (inflight.length >= maxInflight) consume(await inflight.shift()!);
      }
    }
    while (inflight.length > 0) consume(await inflight.shift()!);
  } finally {
    // On failure, what is still in flight is abandoned: its outcome must not surface as an unhandled rejection.
    for (const p of inflight) p.catch(() => undefined);
    await runner.close();
  }
  return {
    totals: correlator.finish(),
    inputs: refs.length,
    skipped,
    records,
    rejected,
    rejectionReasons: [...reasons]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    threads: runner.threads,
  };
}
