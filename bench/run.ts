import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchNormalize } from './normalize';
import { benchStorm } from './storm';
import { DEFAULT_STORM } from './generator';
import { benchBundles } from './bundles';
import { ROOT } from './corpus';

/**
 * `npm run bench [-- --quick]`: figures for the README and closing notes, measured in one run beside baselines.
 * Never asserted in tests: timings depend on the machine.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
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

  const normalize = benchNormalize(quick ? 150 : 1000);
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

  const spec = quick ? { ...DEFAULT_STORM, alerts: 2_000, attacks: 20, hosts: 10 } : DEFAULT_STORM;
  const storm = await benchStorm(spec);
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

  const bundles = benchBundles(quick ? 3 : 7);
  results.bundles = bundles;
  lines.push(
    '## Lambda bundles (cdk synth, esbuild, minified; AWS SDK provided by the runtime)',
    '',
    '| function | bytes | gzip | cold init (module load, median) |',
    '|---|---:|---:|---:|',
  );
  for (const b of bundles)
    lines.push(
      `| ${b.fn} | ${b.bytes.toLocaleString('en-US')} | ${b.gzipBytes.toLocaleString('en-US')} | ${b.coldInitMs} ms |`,
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
