import { decode, normalizeRecord } from '../lambdas/core/formats';
import type { RawRecord } from '../lambdas/core/formats';
import { isRejection } from '../lambdas/core/model/rejection';
import { detectStage, loadBuiltinPack } from '../lambdas/core/detect';
import type { DetectStage } from '../lambdas/core/detect';
import { fixtureRecords } from './corpus';

export interface DetectFigure {
  events: number;
  rules: number;
  /** Events per second, decode + normalize only. */
  normalizePerSecond: number;
  /** Events per second, decode + normalize + detect with the default SigmaHQ Windows pack. */
  detectPerSecond: number;
  /** (normalize + detect) time over normalize time: the goal is ≤ 2.0. */
  costRatio: number;
  /** The same with the literal prefilter off: every rule of the event's logsource is evaluated (the naive way). */
  naiveCostRatio: number;
  /** Events that matched at least one rule. */
  eventsWithMatches: number;
  /** Reading and indexing the pack, in a warm process (the cold start adds module load: see the bundle rows). */
  packLoadMs: number;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Runs `fn` over and over for at least `minMs`; milliseconds per run. */
function timeLoop(minMs: number, fn: () => void): number {
  fn(); // warm: lazy rule compilation and JIT happen before the clock starts
  let runs = 0;
  const t0 = now();
  do {
    fn();
    runs++;
  } while (now() - t0 < minMs);
  return (now() - t0) / runs;
}

/**
 * Detection cost on the fixture corpus, in one run: normalize alone, normalize + detect with the prefilter (what ships)
 * and without it (every candidate rule evaluated), so the ratio says what detection adds to reading an event.
 */
export function benchDetect(minMs: number): DetectFigure {
  const texts = fixtureRecords();
  const records: RawRecord[] = texts.flatMap((r) => decode(r.text, 'bench').records);
  const ctx = { source: 'bench', receivedTime: '2024-01-01T00:00:00.000Z', maxRawBytes: 65536 };
  const t0 = now();
  const pack = loadBuiltinPack();
  const stage = detectStage([pack]);
  const packLoadMs = Math.round((now() - t0) * 10) / 10;
  const naive = detectStage([loadBuiltinPack()], { prefilter: false });

  let withMatches = 0;
  for (const rec of records) {
    const a = normalizeRecord(rec, ctx);
    if (!isRejection(a) && (stage.annotate(a, rec).detections?.length ?? 0) > 0) withMatches++;
  }
  const run = (s: DetectStage | undefined) => () => {
    for (const rec of records) {
      const a = normalizeRecord(rec, ctx);
      if (s !== undefined && !isRejection(a)) s.annotate(a, rec);
    }
  };
  const plain = timeLoop(minMs, run(undefined));
  const detected = timeLoop(minMs, run(stage));
  const naiveMs = timeLoop(minMs, run(naive));
  return {
    events: records.length,
    rules: stage.detector.summary.rules,
    normalizePerSecond: Math.round((records.length * 1000) / plain),
    detectPerSecond: Math.round((records.length * 1000) / detected),
    costRatio: Number((detected / plain).toFixed(2)),
    naiveCostRatio: Number((naiveMs / plain).toFixed(2)),
    eventsWithMatches: withMatches,
    packLoadMs,
  };
}
