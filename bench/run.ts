import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchNormalize } from './normalize';
import { ROOT } from './corpus';

/**
 * `npm run bench [-- --quick]`: figures for the README and closing notes, measured in one run beside baselines.
 * Never asserted in tests: timings depend on the machine.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const results: Record<string, unknown> = { machine: { node: process.version, cpus: (await import('node:os')).cpus().length }, quick };
  const lines: string[] = ['# alert-to-ticket benchmark', '', `node ${process.version}, ${quick ? 'quick' : 'full'} run`, ''];

  const normalize = benchNormalize(quick ? 150 : 1000);
  results.normalize = normalize;
  lines.push('## Normalize throughput per format (fixture corpus)', '', '| format | records | records/s | × bare parse |', '|---|---:|---:|---:|');
  for (const f of normalize) lines.push(`| ${f.format} | ${f.records} | ${f.recordsPerSecond.toLocaleString('en-US')} | ${f.ratioToParse} |`);
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
