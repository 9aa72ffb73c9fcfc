import { DEFAULT_HANDOFF } from '../../../lambdas/core/correlate/incident-meta';
import { RUBRIC } from '../../../lambdas/core/judge';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CALIBRATION_DIR, loadCases, runCase } from '../../helpers/calibration';
import type { CalibrationCase, CaseResult } from '../../helpers/calibration';

/**
 * The calibration set against the rubric (docs/priority.md): every case, run through the pipeline as the Lambda runs
 * it (Sigma detect stage included), gets the priority and the rubric row its expectation says, and leads its summary
 * with the technique the evidence names.
 */

const cases = loadCases();
const results = new Map<string, Promise<CaseResult>>();
const resultOf = (c: CalibrationCase): Promise<CaseResult> => {
  let r = results.get(c.id);
  if (r === undefined) {
    r = runCase(c);
    results.set(c.id, r);
  }
  return r;
};

describe('the calibration set', () => {
  it('has at least 30 cases, a third of them benign, each with a reason and a rubric row that exists', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => c.kind === 'benign').length * 3).toBeGreaterThanOrEqual(cases.length);
    const rows = new Set(RUBRIC.map((r) => r.id));
    for (const c of cases) {
      expect(c.why.length).toBeGreaterThan(40);
      expect(rows.has(c.expected.rubric)).toBe(true);
    }
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it('is listed in its README, case by case', () => {
    const readme = fs.readFileSync(path.join(CALIBRATION_DIR, 'README.md'), 'utf8');
    for (const c of cases) expect(readme).toContain(`| \`${c.id}\` | ${c.kind} |`);
  });

  it('draws on attack chains, vendor alerts, Sigma regression events, the corpus and the reference examples', () => {
    const sources = new Set(cases.map((c) => c.source));
    expect([...sources].sort()).toEqual(['chain', 'corpus', 'edr', 'example', 'sigma-regression']);
  });
});

describe.each(cases.map((c) => [c.id, c] as const))('calibration case %s', (_id, c) => {
  it(`is ${c.expected.priority} by the rubric row "${c.expected.rubric}"`, async () => {
    const r = await resultOf(c);
    expect({ priority: r.priority, rubric: r.rubric }).toEqual({
      priority: c.expected.priority,
      rubric: c.expected.rubric,
    });
    // P4 is "no ticket": below the hand-off threshold; every other priority is ticketed.
    expect(r.severity >= DEFAULT_HANDOFF.ticketThreshold).toBe(c.expected.priority !== 'P4');
    // The last reason line is the rubric's verdict.
    expect(r.reasons[r.reasons.length - 1]).toMatch(new RegExp(`^priority ${c.expected.priority} by the rubric: `));
  });

  if (c.expected.technique !== undefined) {
    it(`leads its summary with ${c.expected.technique}`, async () => {
      const r = await resultOf(c);
      expect(r.summary.startsWith(`${c.expected.technique} – `)).toBe(true);
    });
  }
});
