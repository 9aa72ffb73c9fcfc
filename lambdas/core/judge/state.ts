import { BEHAVIOURS, CRITICALITIES } from '../model/enrichment';
import type { Behaviour, Criticality, EnrichedAlert } from '../model/enrichment';
import { alertSignals } from './signals';

/**
 * What an incident keeps for judging, folded batch by batch into its META item: compact and capped, so the item
 * stays small whatever a storm sends, and a set union wherever order could matter, so the same alerts give the same
 * state whichever batch brought them (a retried batch starts from the same previous state and gives the same
 * result).
 */
export interface JudgeState {
  /** The strongest single alert: its score and reasons (the enrichment's), and the behaviours it showed. */
  best?: { alertId: string; score: number; reasons: string[]; behaviours: Behaviour[] };
  /** Behaviour → where it was seen; one entry per behaviour of the closed vocabulary, so at most 19. */
  behaviours: Partial<Record<Behaviour, string>>;
  /** Behaviour → the ATT&CK technique its source named (the one a ticket summary leads with). */
  techniques: Partial<Record<Behaviour, string>>;
  /** Keys of binaries the incident wrote, of processes that connected out, of processes that did harm (capped). */
  written: string[];
  outbound: string[];
  tainted: string[];
  /** Facts with the text that shows them (see `FACTS`). */
  facts: Partial<Record<Fact, string>>;
  criticality?: Criticality;
}

/**
 * Facts about the incident as a whole. `signal` marks a real detection or behaviour that is neither known noise nor a
 * compliance check; `unblocked` an alert the vendor did not stop.
 */
export const FACTS = [
  'blocked',
  'unblocked',
  'noise',
  'compliance',
  'signal',
  'elevated',
  'server',
  'intel-c2',
  'confirmed-malware',
  'vendor-critical',
] as const;
export type Fact = (typeof FACTS)[number];

/** Keys kept per list: enough for any real chain; a storm of distinct binaries stops adding, and says nothing more. */
export const KEY_CAP = 32;
const MAX_REASONS = 10;
/**
 * Longest label or fact text, and longest reason line, kept: with the closed vocabularies and the key cap, the whole
 * state stays under 10 KB whatever the alerts say (19 behaviours and 10 facts × 100, 3 × 32 keys × 17, 10 × 200).
 */
export const LABEL_CHARS = 100;
const REASON_CHARS = 200;

const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function emptyJudgeState(): JudgeState {
  return { behaviours: {}, techniques: {}, written: [], outbound: [], tainted: [], facts: {} };
}

/** Sorted union, capped: the smallest keys are kept, so the result does not depend on arrival order below the cap. */
function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort().slice(0, KEY_CAP);
}

/** Of two labels for one behaviour or fact, the one that sorts first: order-independent. */
const first = (a: string | undefined, b: string): string => (a === undefined || b < a ? b : a);

const CRIT_RANK = (c: Criticality | undefined): number => (c === undefined ? -1 : CRITICALITIES.indexOf(c));

/** Is `a` a stronger single alert than `b`: higher score, then the smaller id (so ties do not depend on order). */
function stronger(a: { score: number; alertId: string }, b: { score: number; alertId: string } | undefined): boolean {
  return b === undefined || a.score > b.score || (a.score === b.score && a.alertId < b.alertId);
}

/**
 * The state after these alerts. Pure: the previous state is not modified.
 *
 * @example
 * const next = foldAlerts(prev.judge ?? emptyJudgeState(), batchAlerts);
 */
export function foldAlerts(prev: JudgeState, alerts: readonly EnrichedAlert[]): JudgeState {
  const next: JudgeState = {
    ...prev,
    behaviours: { ...prev.behaviours },
    techniques: { ...(prev.techniques ?? {}) },
    facts: { ...prev.facts },
    written: [...prev.written],
    outbound: [...prev.outbound],
    tainted: [...prev.tainted],
  };
  const fact = (f: Fact, text: string): void => {
    next.facts[f] = first(next.facts[f], clip(text, LABEL_CHARS));
  };
  for (const a of alerts) {
    const s = alertSignals(a);
    for (const [b, source] of s.behaviours) {
      const label = first(next.behaviours[b], source.label);
      // The technique travels with the label kept, so both come from the same source whatever the order.
      if (label !== next.behaviours[b]) {
        next.behaviours[b] = label;
        if (source.technique !== undefined) next.techniques[b] = source.technique;
        else delete next.techniques[b];
      }
    }
    next.written = union(next.written, s.written);
    next.outbound = union(next.outbound, s.outbound);
    next.tainted = union(next.tainted, s.tainted);
    if (CRIT_RANK(s.criticality) > CRIT_RANK(next.criticality)) next.criticality = s.criticality;
    if (s.elevated !== undefined) fact('elevated', s.elevated);
    if (s.server !== undefined) fact('server', s.server);
    if (s.intelC2 !== undefined) fact('intel-c2', s.intelC2);
    if (s.confirmedMalware !== undefined) fact('confirmed-malware', s.confirmedMalware);
    if (s.vendorCritical) fact('vendor-critical', a.severity.vendor ?? 'critical');
    const meaningful = s.detection || s.behaviours.size > 0;
    if (s.compliance) fact('compliance', a.rule?.name ?? a.title ?? 'compliance check');
    if (s.noise !== undefined) fact('noise', s.noise);
    if (!s.compliance && s.noise === undefined && meaningful) fact('signal', a.alertId);
    if (s.blocked) fact('blocked', a.rule?.name ?? a.title ?? a.alertId);
    else if (meaningful && s.noise === undefined && !s.compliance) fact('unblocked', a.alertId);

    const score = a.enrichment.severity.score;
    if (stronger({ score, alertId: a.alertId }, next.best)) {
      next.best = {
        alertId: clip(a.alertId, LABEL_CHARS),
        score,
        reasons: a.enrichment.severity.reasons.slice(0, MAX_REASONS).map((r) => clip(r, REASON_CHARS)),
        behaviours: BEHAVIOURS.filter((b) => s.behaviours.has(b)),
      };
    }
  }
  return next;
}
