import { BEHAVIOURS } from '../model/enrichment';
import type { Behaviour } from '../model/enrichment';
import type { PriorityBasis } from '../model/incident';
import { PRIORITY_BANDS, applyRubric } from './rubric';
import type { Combination, Verdict } from './rubric';
import { WEAK_BEHAVIOURS } from './signals';
import type { Fact, JudgeState } from './state';

/**
 * The incident's severity from its whole chain, with one reason line per contribution:
 *
 * 1. the strongest single alert, with the enrichment's own reasons (vendor severity, Sigma level, heuristics,
 *    threat intel, asset criticality);
 * 2. each behaviour another alert of the chain showed and that alert did not (the chain adds up);
 * 3. the combinations a SOC escalates on (table `COMBINATIONS`);
 * 4. the account's privilege, once something suspicious is going on;
 * 5. the vendor's disposition: everything blocked takes some urgency away;
 * 6. the rubric (rubric.ts) decides the priority, and the score is held inside that priority's band.
 */

export interface Judgement {
  score: number;
  reasons: string[];
  /** The rubric row that decided the priority. */
  basis: PriorityBasis;
}

/** How a behaviour reads in a reason line. */
export const BEHAVIOUR_PHRASES: Readonly<Record<Behaviour, string>> = {
  impact: 'ransomware-like impact',
  'credential-theft': 'credential theft',
  c2: 'a command-and-control channel',
  'defence-impairment': 'security defences switched off',
  'log-clearing': 'event logs cleared',
  'remote-service': 'remote service execution',
  'lateral-movement': 'lateral movement',
  injection: 'code injection',
  'privilege-escalation': 'privilege escalation',
  persistence: 'persistence',
  'office-shell': 'an Office application starting a shell',
  'browser-shell': 'a browser starting a shell',
  download: 'a file downloaded by a tool or script',
  execution: 'malicious-style execution',
  malware: 'a malware verdict',
  pup: 'unwanted software',
  evasion: 'hiding or masquerading',
  outbound: 'an outbound connection to a public address',
  discovery: 'discovery',
};

/** Points a behaviour seen elsewhere in the chain adds: a strong one 6, a weak one 2, all of them at most 20. */
const CHAIN = { strong: 6, weak: 2, max: 20 };

interface CombinationRule {
  id: Combination;
  title: string;
  points: number;
  holds(s: JudgeState, b: ReadonlySet<Behaviour>): boolean;
}

const intersects = (a: readonly string[], b: readonly string[]): boolean => {
  const set = new Set(b);
  return a.some((x) => set.has(x));
};
/** Keys of processes that connected out and were written by the incident (by image) or did harm (by process). */
const c2FromWritten = (s: JudgeState): boolean =>
  intersects(
    s.outbound.filter((k) => k.startsWith('img:')),
    s.written,
  );
const c2FromFlagged = (s: JudgeState): boolean =>
  intersects(
    s.outbound.filter((k) => !k.startsWith('img:')),
    s.tainted,
  );

/** The combinations of the list, each a reason line when it holds. */
export const COMBINATIONS: readonly CombinationRule[] = [
  {
    id: 'credential-theft-on-server',
    title: 'credential theft on a server',
    points: 10,
    holds: (s, b) => b.has('credential-theft') && s.facts.server !== undefined,
  },
  {
    id: 'persistence-and-c2',
    title: 'persistence plus outbound traffic from a binary the incident wrote or a process of the attack chain',
    points: 20,
    holds: (s, b) => b.has('persistence') && (c2FromWritten(s) || c2FromFlagged(s)),
  },
  {
    id: 'outbound-from-attack-process',
    title: 'a process of the attack chain connected to a public address',
    points: 10,
    holds: (s, b) => !b.has('persistence') && c2FromFlagged(s),
  },
  {
    id: 'office-or-browser-shell-download',
    title: 'Office or browser → shell → download',
    points: 15,
    holds: (_s, b) => (b.has('office-shell') || b.has('browser-shell')) && b.has('download'),
  },
  {
    id: 'impairment-and-execution',
    title: 'defences switched off, and code run',
    points: 10,
    holds: (_s, b) =>
      b.has('defence-impairment') &&
      (b.has('execution') || b.has('download') || b.has('persistence') || b.has('malware')),
  },
  {
    id: 'remote-service',
    title: 'remote service creation (PsExec-style)',
    points: 10,
    holds: (_s, b) => b.has('remote-service'),
  },
  {
    id: 'log-clearing-and-activity',
    title: 'event logs cleared around other malicious activity',
    points: 10,
    holds: (_s, b) => b.has('log-clearing') && [...b].some((x) => x !== 'log-clearing' && !WEAK_BEHAVIOURS.has(x)),
  },
];

/** Elevated rights weigh once something suspicious is going on; on routine telemetry they say nothing. */
const PRIVILEGE = { points: 5, from: PRIORITY_BANDS.P3.min };
/** Everything the vendor saw, it stopped. */
const BLOCKED_POINTS = -15;

const signed = (n: number): string => (n >= 0 ? `+${n}` : `−${-n}`);

/**
 * The incident's severity, reasons and priority basis, from its judge state.
 *
 * @example
 * judgeIncident(meta.judge) // { score: 90, reasons: [..., 'priority P1 by the rubric: active credential theft (raised from 74)'], basis: {...} }
 */
export function judgeIncident(state: JudgeState, maxReasons = DEFAULT_MAX_REASONS): Judgement {
  const reasons: string[] = [];
  let score = state.best?.score ?? 0;
  const behaviours = new Set(BEHAVIOURS.filter((b) => state.behaviours[b] !== undefined));
  const own = new Set(state.best?.behaviours ?? []);

  let chain = 0;
  const unscored: Behaviour[] = [];
  for (const b of BEHAVIOURS) {
    if (!behaviours.has(b) || own.has(b)) continue;
    const points = Math.min(WEAK_BEHAVIOURS.has(b) ? CHAIN.weak : CHAIN.strong, CHAIN.max - chain);
    if (points <= 0) {
      unscored.push(b);
      continue;
    }
    chain += points;
    reasons.push(`chain: ${BEHAVIOUR_PHRASES[b]} in another alert, ${state.behaviours[b]} (${signed(points)})`);
    score += points;
  }
  if (unscored.length > 0) {
    const what = unscored.map((b) => BEHAVIOUR_PHRASES[b]).join(', ');
    reasons.push(`chain: also ${what} (+0: the chain counts ${CHAIN.max} points at most)`);
  }

  const combinations = new Set<Combination>();
  for (const c of COMBINATIONS) {
    if (!c.holds(state, behaviours)) continue;
    combinations.add(c.id);
    const where = c.id === 'credential-theft-on-server' ? ` (${state.facts.server})` : '';
    reasons.push(`combination: ${c.title}${where} (${signed(c.points)})`);
    score += c.points;
  }

  if (state.facts.elevated !== undefined && score >= PRIVILEGE.from) {
    reasons.push(`account privilege: ran with ${state.facts.elevated} (${signed(PRIVILEGE.points)})`);
    score += PRIVILEGE.points;
  }

  const facts = new Set(Object.keys(state.facts) as Fact[]);
  if (facts.has('blocked') && !facts.has('unblocked')) {
    reasons.push(
      `vendor disposition: blocked (${state.facts.blocked}), nothing seen past it (${signed(BLOCKED_POINTS)})`,
    );
    score += BLOCKED_POINTS;
  }

  score = Math.max(0, Math.min(100, Math.round(score)));
  const verdict: Verdict = {
    behaviours,
    facts,
    combinations,
    ...(state.criticality !== undefined ? { criticality: state.criticality } : {}),
    score,
  };
  const { row, level } = applyRubric(verdict);
  const band = PRIORITY_BANDS[level];
  const held = Math.max(band.min, Math.min(band.max, score));
  const change = held > score ? `, raised from ${score}` : held < score ? `, held at ${held} from ${score}` : '';
  reasons.push(`priority ${level} by the rubric: ${row.title}${change}`);
  const technique = headlineTechnique(state, row.id);
  return {
    score: held,
    reasons: fitReasons(state.best?.reasons ?? [], reasons, maxReasons),
    basis: { rule: row.id, level, title: row.title, ...(technique !== undefined ? { technique } : {}) },
  };
}

/** Behaviours from most to least severe: the order a summary picks its technique in. */
const SEVERITY_ORDER: readonly Behaviour[] = [
  'impact',
  'credential-theft',
  'c2',
  'remote-service',
  'lateral-movement',
  'injection',
  'privilege-escalation',
  'log-clearing',
  'defence-impairment',
  'persistence',
  'office-shell',
  'browser-shell',
  'malware',
  'download',
  'execution',
  'outbound',
  'evasion',
  'discovery',
  'pup',
];

/** The behaviours a rubric row rests on, tried first: the C2 row's technique is the channel's. */
const ROW_BEHAVIOURS: Readonly<Record<string, readonly Behaviour[]>> = {
  ransomware: ['impact'],
  'credential-theft': ['credential-theft'],
  c2: ['c2', 'outbound'],
  persistence: ['persistence'],
};

/** The technique of the most severe behaviour that names one, the rubric row's own behaviours first. */
function headlineTechnique(state: JudgeState, rule: string): string | undefined {
  const techniques = state.techniques ?? {};
  for (const b of [...(ROW_BEHAVIOURS[rule] ?? []), ...SEVERITY_ORDER]) {
    const t = techniques[b];
    if (t !== undefined) return t;
  }
  return undefined;
}

/** Reason lines the incident keeps (its META item caps them). */
const DEFAULT_MAX_REASONS = 12;

/**
 * The strongest alert's reasons, then the incident's, in at most `max` lines. When they do not fit, the alert's own
 * detail goes first (its first two lines, the vendor and Sigma base, stay), then the middle of the incident's; the
 * rubric's line, always last, always stays.
 */
export function fitReasons(best: readonly string[], incident: readonly string[], max: number): string[] {
  if (best.length + incident.length <= max) return [...best, ...incident];
  const last = incident[incident.length - 1];
  const middle = incident.slice(0, -1);
  const bestRoom = Math.max(Math.min(best.length, 2), max - 1 - middle.length - 1);
  const keptBest =
    bestRoom >= best.length
      ? [...best]
      : [...best.slice(0, bestRoom), `… ${best.length - bestRoom} more reasons of the strongest alert`];
  const middleRoom = max - 1 - keptBest.length;
  const keptMiddle =
    middleRoom >= middle.length
      ? middle
      : [
          ...middle.slice(0, Math.max(0, middleRoom - 1)),
          `… ${middle.length - Math.max(0, middleRoom - 1)} more contributions`,
        ];
  return [...keptBest, ...keptMiddle, last];
}
