import type { Behaviour, Criticality } from '../model/enrichment';
import type { PriorityLevel } from '../model/report';
import type { Fact } from './state';

/**
 * The priority rubric of docs/priority.md, as a table. Rows are read top to bottom and the first that matches
 * decides the priority; the severity score is then held inside that priority's band, so score and priority never
 * disagree. Rows marked `at-most` cap the priority instead (a blocked threat is at most P3, and P4 when its score is
 * low anyway).
 */

/** Severity bands (0–100) of each priority: P1 ≥ 90, P2 ≥ 70, P3 ≥ 40, P4 below. */
export const PRIORITY_BANDS: Readonly<Record<PriorityLevel, { min: number; max: number }>> = {
  P1: { min: 90, max: 100 },
  P2: { min: 70, max: 89 },
  P3: { min: 40, max: 69 },
  P4: { min: 0, max: 39 },
};

/** The priority a score falls in, by the bands. */
export function bandOf(score: number): PriorityLevel {
  if (score >= PRIORITY_BANDS.P1.min) return 'P1';
  if (score >= PRIORITY_BANDS.P2.min) return 'P2';
  if (score >= PRIORITY_BANDS.P3.min) return 'P3';
  return 'P4';
}

/** The chain combinations the score counts (see score.ts), which some rows also rest on. */
export type Combination =
  | 'credential-theft-on-server'
  | 'persistence-and-c2'
  | 'outbound-from-attack-process'
  | 'office-or-browser-shell-download'
  | 'impairment-and-execution'
  | 'remote-service'
  | 'log-clearing-and-activity';

/** What the rubric reads: the incident's behaviours, facts, combinations, asset criticality and score. */
export interface Verdict {
  behaviours: ReadonlySet<Behaviour>;
  facts: ReadonlySet<Fact>;
  combinations: ReadonlySet<Combination>;
  criticality?: Criticality;
  /** Severity after every contribution, before the rubric holds it in its band. */
  score: number;
}

export interface RubricRow {
  id: string;
  level: PriorityLevel;
  /** `exact`: the row sets the priority; `at-most`: it caps it (the score may put it lower). */
  mode: 'exact' | 'at-most';
  /** As a SOC's rubric words it; shown as the priority's reason on the ticket. */
  title: string;
  when(v: Verdict): boolean;
}

const has = (v: Verdict, ...bs: Behaviour[]): boolean => bs.some((b) => v.behaviours.has(b));

/** Only posture checks: compliance findings, nothing observed happening. */
const complianceOnly = (v: Verdict): boolean => v.facts.has('compliance') && !v.facts.has('signal');
/** Only known noise (and perhaps compliance checks): nothing else that alarms. */
const noiseOnly = (v: Verdict): boolean => v.facts.has('noise') && !v.facts.has('signal');
/** Everything the vendor saw, it stopped; nothing else ran past it. */
const blockedOnly = (v: Verdict): boolean => v.facts.has('blocked') && !v.facts.has('unblocked');

/** Behaviours that show an intruder at work even when the EDR stopped the step. */
const HANDS_ON: Behaviour[] = [
  'credential-theft',
  'impact',
  'c2',
  'remote-service',
  'injection',
  'privilege-escalation',
  'defence-impairment',
  'log-clearing',
];

/** P2: malicious execution confirmed, by a combination, a decisive behaviour, the vendor or a critical Sigma rule. */
function confirmedExecution(v: Verdict): boolean {
  return (
    v.combinations.has('office-or-browser-shell-download') ||
    v.combinations.has('impairment-and-execution') ||
    v.combinations.has('remote-service') ||
    v.combinations.has('log-clearing-and-activity') ||
    v.combinations.has('outbound-from-attack-process') ||
    has(v, 'injection', 'privilege-escalation', 'defence-impairment', 'office-shell', 'browser-shell') ||
    v.facts.has('confirmed-malware')
  );
}

const p2 = (v: Verdict): boolean => confirmedExecution(v) || has(v, 'persistence') || v.score >= PRIORITY_BANDS.P2.min;

export const RUBRIC: readonly RubricRow[] = [
  {
    id: 'compliance-critical',
    level: 'P3',
    mode: 'exact',
    title: 'posture or compliance finding the scanner rates critical (never above P3)',
    when: (v) => complianceOnly(v) && v.facts.has('vendor-critical'),
  },
  {
    id: 'compliance',
    level: 'P4',
    mode: 'exact',
    title: 'posture or compliance finding: for the owners of the configuration, not the SOC queue',
    when: complianceOnly,
  },
  {
    id: 'known-noise',
    level: 'P4',
    mode: 'exact',
    title: 'known noise: closed as benign by the vendor, unwanted software, or an informational event',
    when: noiseOnly,
  },
  {
    id: 'ransomware',
    level: 'P1',
    mode: 'exact',
    title: 'ransomware or wiper behaviour',
    when: (v) => has(v, 'impact') && !blockedOnly(v),
  },
  {
    id: 'credential-theft',
    level: 'P1',
    mode: 'exact',
    title: 'active credential theft',
    when: (v) => has(v, 'credential-theft') && !blockedOnly(v),
  },
  {
    id: 'c2',
    level: 'P1',
    mode: 'exact',
    title: 'active command-and-control',
    when: (v) =>
      !blockedOnly(v) && (v.combinations.has('persistence-and-c2') || v.facts.has('intel-c2') || has(v, 'c2')),
  },
  {
    id: 'critical-asset',
    level: 'P1',
    mode: 'exact',
    title: 'compromise of a critical asset',
    when: (v) => v.criticality === 'critical' && !blockedOnly(v) && p2(v),
  },
  {
    id: 'blocked-intrusion',
    level: 'P2',
    mode: 'exact',
    title: 'an intrusion step the EDR blocked: someone was at work on the host',
    when: (v) => blockedOnly(v) && has(v, ...HANDS_ON),
  },
  {
    id: 'blocked',
    level: 'P3',
    mode: 'at-most',
    title: 'threat blocked by the EDR, nothing seen running past it',
    when: blockedOnly,
  },
  {
    id: 'malicious-execution',
    level: 'P2',
    mode: 'exact',
    title: 'confirmed malicious execution',
    when: confirmedExecution,
  },
  {
    id: 'persistence',
    level: 'P2',
    mode: 'exact',
    title: 'persistence established',
    when: (v) => has(v, 'persistence'),
  },
  {
    id: 'high-confidence',
    level: 'P2',
    mode: 'exact',
    title: 'a high-confidence detection, or evidence that adds up to one',
    when: (v) => v.score >= PRIORITY_BANDS.P2.min,
  },
  {
    id: 'suspicious',
    level: 'P3',
    mode: 'exact',
    title: 'a suspicious behaviour',
    when: (v) => v.score >= PRIORITY_BANDS.P3.min,
  },
  {
    id: 'informational',
    level: 'P4',
    mode: 'exact',
    title: 'informational: nothing that needs an analyst',
    when: () => true,
  },
];

/** The first row that matches, and the priority it gives. */
export function applyRubric(v: Verdict): { row: RubricRow; level: PriorityLevel } {
  const row = RUBRIC.find((r) => r.when(v))!;
  if (row.mode === 'exact') return { row, level: row.level };
  const byScore = bandOf(v.score);
  const rank = (l: PriorityLevel): number => ['P1', 'P2', 'P3', 'P4'].indexOf(l);
  return { row, level: rank(byScore) > rank(row.level) ? byScore : row.level };
}
