import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The layout's promise, checked through the project's own ESLint configuration: what ships in a Lambda bundle never
 * reaches the CLI or the local runtime, and the core stays pure. Each probe is linted from stdin as if it lived at the
 * given path, so nothing is written into the source tree.
 */

const ROOT = path.resolve(__dirname, '..', '..');

/** Rule ids ESLint reports for each probe, from one ESLint process (loading the config costs more than linting). */
function lintAll(probes: readonly (readonly [string, string])[]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const probes = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const [filePath, code] of probes) {
        const [report] = await eslint.lintText(code, { filePath });
        out.push(report.messages.map((m) => m.ruleId ?? 'fatal: ' + m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })();`;
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    input: JSON.stringify(probes),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as string[][];
}

const REFUSED = [
  ['lambdas/core/enrich/probe.ts', "import '@aws-sdk/client-dynamodb';"],
  ['lambdas/core/enrich/probe.ts', "import 'jira.js';"],
  ['lambdas/core/enrich/probe.ts', "import '../../adapters/config';"],
  ['lambdas/core/enrich/probe.ts', "import '../../topology';"],
  ['lambdas/core/draft/probe.ts', "import '../../../local/runtime';"],
  ['lambdas/ingest/probe.ts', "import '../../cli/inputs';"],
  ['lambdas/adapters/probe.ts', "import '../../local/jira-emulator/server';"],
] as const;

const ALLOWED = [
  ['lambdas/core/enrich/probe.ts', "import '../model/alert';\nimport 'zod';"],
  ['lambdas/ingest/probe.ts', "import '../adapters/config';"],
  ['cli/probe.ts', "import '../local/runtime';\nimport '../lambdas/core/formats';"],
] as const;

const results = lintAll([...REFUSED, ...ALLOWED].map(([file, code]) => [file, `${code}\nexport {};\n`] as const));

describe('import boundaries', () => {
  it.each(REFUSED.map((probe, i) => [...probe, i] as const))('refuses %s: %s', (_file, _code, i) => {
    expect(results[i]).toContain('no-restricted-imports');
  });

  it.each(ALLOWED.map((probe, i) => [...probe, REFUSED.length + i] as const))('allows %s: %s', (_file, _code, i) => {
    expect(results[i]).toEqual([]);
  });
});
