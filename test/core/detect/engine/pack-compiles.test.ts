import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadRuleText } from '../../../../lambdas/core/detect/parse';
import { event } from './rule-helpers';

/**
 * Every SigmaHQ Windows rule the project ships compiles: no throw, nothing invalid, nothing unsupported. The rules
 * live outside the repository (/work/shared/data/sigma, see its SOURCE.md); A2T_SIGMA_DIR points elsewhere.
 * Unsupported rules are printed with their reasons; the bound is zero because this engine covers everything the
 * pack uses (2,535 rules, 151 regexes all accepted by RE2): a new unsupported rule must be looked at, not absorbed.
 */
const SIGMA_DIR = process.env.A2T_SIGMA_DIR ?? path.resolve(__dirname, '../../../../../shared/data/sigma');
const ROOTS = ['rules/windows', 'rules-threat-hunting/windows'];
const MAX_UNSUPPORTED = 0;

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

describe('the SigmaHQ Windows pack', () => {
  it('is present', () => {
    const missing = ROOTS.filter((r) => !existsSync(path.join(SIGMA_DIR, r)));
    if (missing.length > 0) {
      const where = missing.map((r) => path.join(SIGMA_DIR, r)).join(', ');
      throw new Error(
        process.env.CI
          ? `Sigma rules missing in CI (${where}): vendor them into the repository or fetch them before the tests.`
          : `Sigma rules missing (${where}): this test needs /work/shared/data/sigma (or A2T_SIGMA_DIR).`,
      );
    }
    expect(missing).toEqual([]);
  });

  it('compiles every rule: no throw, none invalid, unsupported within the bound (printed with reasons)', () => {
    const files = ROOTS.flatMap((r) => (existsSync(path.join(SIGMA_DIR, r)) ? yamlFiles(path.join(SIGMA_DIR, r)) : []));
    expect(files.length).toBeGreaterThan(2500);
    const thrown: string[] = [];
    const invalid: string[] = [];
    const unsupported: string[] = [];
    let ok = 0;
    let withNeedles = 0;
    const empty = event({});
    const busy = event({
      EventID: 1,
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd /c whoami',
      Data: ['a', 'b'],
    });
    for (const file of files) {
      const rel = path.relative(SIGMA_DIR, file);
      try {
        for (const r of loadRuleText(readFileSync(file, 'utf8'), rel)) {
          if (r.kind === 'invalid') invalid.push(`${rel}: ${r.reason}`);
          else if (r.kind === 'unsupported') unsupported.push(`${rel}: ${r.reason}`);
          else {
            ok++;
            if (r.rule.needles !== undefined) withNeedles++;
            r.rule.match(empty);
            r.rule.match(busy);
          }
        }
      } catch (err) {
        thrown.push(`${rel}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (unsupported.length > 0)
      console.log(`Unsupported Sigma rules (${unsupported.length}):\n${unsupported.join('\n')}`);
    expect(thrown).toEqual([]);
    expect(invalid).toEqual([]);
    expect(unsupported.length).toBeLessThanOrEqual(MAX_UNSUPPORTED);
    expect(ok).toBe(files.length);
    // The prefilter is only worth having if most rules yield needles (about 95% do).
    expect(withNeedles / ok).toBeGreaterThan(0.9);
  });
});
