import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchNormalize } from './normalize';
import { benchDetect } from './detect';
import { benchStorm } from './storm';
import { DEFAULT_STORM } from './generator';
import { benchBundles } from './bundles';
import { ROOT } from './corpus';
import { costModel } from './cost';
import { benchLatency } from './latency';
import { costLines, latencyLines, scaleLines } from './report';
import { benchScale } from './scale';
import { benchHostile, hostileLines } from './hostile';
import { benchShadow, shadowLines } from './shadow';

/**
 * Alerts in the full run's throughput section. The issue asks for 100,000, which take about 6 minutes on the 2-core
 * development machine: the full run keeps this section near 5 minutes, `--scale-alerts 100000` runs the 100,000.
 */
const FULL_SCALE_ALERTS = 80_000;
const ISSUE_SCALE_ALERTS = 100_000;

/** `--scale-alerts N`: the throughput section's size, overriding the quick or full default. */
function scaleAlerts(quick: boolean): number {
  const i = process.argv.indexOf('--scale-alerts');
  if (i < 0) return quick ? 5_000 : FULL_SCALE_ALERTS;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 100) throw new Error('--scale-alerts needs a whole number of alerts, at least 100');
  return n;
}

/**
 * `--shadow-records N`: the shadow section's size. The full run reads the issue's million records (about 1.7 GB of
 * NDJSON, a few minutes); the quick run 50,000.
 */
function shadowRecords(quick: boolean): number {
  const i = process.argv.indexOf('--shadow-records');
  if (i < 0) return quick ? 50_000 : 1_000_000;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1000) throw new Error('--shadow-records needs a whole number, at least 1000');
  return n;
}

/** Runs one section and reports its duration on stderr: the full run lasts minutes, and this shows where they go. */
async function section<T>(label: string, run: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await run();
  process.stderr.write(`bench: ${label} ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return result;
}

/**
 * `npm run bench [-- --quick]`: figures for the README and closing notes, measured in one run beside baselines.
 * Never asserted in tests: timings depend on the machine.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  // Read before anything runs, so a bad flag fails at once, not after minutes of other sections.
  const scaleSpec = { ...DEFAULT_STORM, alerts: scaleAlerts(quick) };
  const shadowSize = shadowRecords(quick);
  const results: Record<string, unknown> = {
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    quick,
  };
  const lines: string[] = [
    '# alert-to-ticket benchmark',
    '',
    `node ${process.version}, ${quick ? 'quick' : 'full'} run`,
    '',
  ];

  const normalize = await section('normalize', () => benchNormalize(quick ? 100 : 1000));
  results.normalize = normalize;
  lines.push(
    '## Normalize throughput per format (fixture corpus)',
    '',
    '| format | records | records/s | × bare parse |',
    '|---|---:|---:|---:|',
  );
  for (const f of normalize)
    lines.push(`| ${f.format} | ${f.records} | ${f.recordsPerSecond.toLocaleString('en-US')} | ${f.ratioToParse} |`);
  lines.push('');

  const detect = await section('detect', () => benchDetect(quick ? 500 : 3000));
  results.detect = detect;
  lines.push(
    `## Detect: the SigmaHQ Windows pack (${detect.rules.toLocaleString('en-US')} rules) on every event of the corpus`,
    '',
    '| | events/s | × normalize alone |',
    '|---|---:|---:|',
    `| normalize alone | ${detect.normalizePerSecond.toLocaleString('en-US')} | 1.00 |`,
    `| normalize + detect (literal prefilter) | ${detect.detectPerSecond.toLocaleString('en-US')} | ${detect.costRatio.toFixed(2)} |`,
    `| normalize + detect, naive (every rule of the logsource evaluated) | | ${detect.naiveCostRatio.toFixed(2)} |`,
    '',
    `${detect.events.toLocaleString('en-US')} events, ${detect.eventsWithMatches} with at least one match; reading and indexing the pack: ${detect.packLoadMs} ms (warm process).`,
    '',
  );

  const hostile = await section('hostile shapes', () => benchHostile(quick ? 1 : 3));
  results.hostile = hostile;
  lines.push(...hostileLines(hostile));

  const spec = quick ? { ...DEFAULT_STORM, alerts: 2_000, attacks: 20, hosts: 10 } : DEFAULT_STORM;
  const storm = await section('storm', () => benchStorm(spec));
  results.storm = storm;
  lines.push(
    `## Storm: ${spec.alerts.toLocaleString('en-US')} alerts, ${spec.attacks} attacks, ${spec.hosts} hosts, ${spec.duplicateRate * 100}% duplicates (local DynamoDB)`,
    '',
    '| | alert-to-ticket | naive baseline |',
    '|---|---:|---:|',
    `| incidents / tickets | ${storm.ours.incidents} (${storm.ours.handOffs} hand-offs) | ${storm.naive.tickets} |`,
    `| DynamoDB requests | ${storm.ours.dynamoRequests} | ${storm.naive.dynamoRequests} |`,
    `| DynamoDB requests per alert | ${storm.ours.requestsPerAlert} | ${storm.naive.requestsPerAlert} |`,
    `| wall time (s) | ${storm.ours.seconds} | ${storm.naive.seconds} |`,
    '',
    `Requests by operation (ours): ${Object.entries(storm.ours.byOperation)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}. Baseline/ours request ratio: ${storm.ratio}×.`,
    '',
  );

  // The embedded stack (local SQS, DynamoDB, Jira emulator, real handlers): latency, throughput, and the cost model
  // from the throughput run's own counts.
  const latency = await section('latency', () =>
    benchLatency(
      quick
        ? { incidents: 20, intervalMs: 100, settleMs: 10_000 }
        : { incidents: 50, intervalMs: 200, settleMs: 20_000 },
    ),
  );
  results.latency = latency;
  lines.push(...latencyLines(latency));

  const scale = await section('throughput', () => benchScale(scaleSpec, Math.max(120_000, scaleSpec.alerts * 10)));
  results.throughput = scale;
  lines.push(...scaleLines(scale, ISSUE_SCALE_ALERTS));

  const cost = costModel(scale);
  results.cost = cost;
  lines.push(...costLines(cost, scale));

  const shadow = await section('shadow', () => benchShadow(shadowSize));
  results.shadow = shadow;
  lines.push(...shadowLines(shadow));

  const bundles = await section('bundles', () => benchBundles(quick ? 3 : 7));
  results.bundles = bundles;
  lines.push(
    '## Lambda bundles (cdk synth, esbuild, minified; AWS SDK provided by the runtime)',
    '',
    '| function | bytes | gzip | files beside it | cold init (module load, median) |',
    '|---|---:|---:|---:|---:|',
  );
  for (const b of bundles)
    lines.push(
      `| ${b.fn} | ${b.bytes.toLocaleString('en-US')} | ${b.gzipBytes.toLocaleString('en-US')} | ${b.assetBytes.toLocaleString('en-US')} | ${b.coldInitMs} ms |`,
    );
  lines.push('');

  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'latest.md'), `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
