import { PRIORITY_BANDS } from '../judge/rubric';
import type { Criticality } from '../model/enrichment';
import type { PriorityBasis } from '../model/incident';
import { PRIORITY_LEVELS } from '../model/report';
import type { Priority, PriorityLevel } from '../model/report';

/**
 * How severity becomes a Jira priority. Thresholds are minimum severities (0–100) for P1–P3; names are the site's
 * own priority names. `criticalityFloor` is the lowest level an asset of that criticality may get: the severity
 * score already includes asset criticality, so the floor only matters for low scores on vital assets.
 *
 * The judge (core/judge) already holds an incident's severity inside the band of the priority its rubric gives
 * (docs/priority.md), with these thresholds as the bands; a site that moves the thresholds moves the mapping only.
 */
export interface PriorityConfig {
  thresholds: { P1: number; P2: number; P3: number };
  names: Record<PriorityLevel, string>;
  criticalityFloor: Partial<Record<Criticality, PriorityLevel>>;
}

export const DEFAULT_PRIORITY: PriorityConfig = {
  thresholds: { P1: PRIORITY_BANDS.P1.min, P2: PRIORITY_BANDS.P2.min, P3: PRIORITY_BANDS.P3.min },
  names: { P1: 'Highest', P2: 'High', P3: 'Medium', P4: 'Low' },
  criticalityFloor: { critical: 'P3' },
};

const rank = (l: PriorityLevel): number => PRIORITY_LEVELS.indexOf(l);

/**
 * The priority for an incident severity, raised to the floor of the asset's criticality. With the rubric row that
 * judged the incident, the reason says it in the rubric's words.
 *
 * @example
 * priorityFor(80, 'high') // { level: 'P2', name: 'High', reason: 'severity 80 ≥ 70' }
 * priorityFor(90, undefined, DEFAULT_PRIORITY, { rule: 'credential-theft', level: 'P1', title: 'active credential theft' })
 * // { level: 'P1', name: 'Highest', reason: 'active credential theft (rubric; severity 90 ≥ 90)' }
 */
export function priorityFor(
  severity: number,
  criticality?: Criticality,
  mapping: PriorityConfig = DEFAULT_PRIORITY,
  basis?: PriorityBasis,
): Priority {
  const s = Number.isFinite(severity) ? severity : 0;
  const th = mapping.thresholds;
  let level: PriorityLevel = s >= th.P1 ? 'P1' : s >= th.P2 ? 'P2' : s >= th.P3 ? 'P3' : 'P4';
  const bySeverity =
    level === 'P4' ? `severity ${s} < ${th.P3}` : `severity ${s} ≥ ${th[level as Exclude<PriorityLevel, 'P4'>]}`;
  let reason = basis !== undefined && basis.level === level ? `${basis.title} (rubric; ${bySeverity})` : bySeverity;
  const floor = criticality !== undefined ? mapping.criticalityFloor[criticality] : undefined;
  if (floor !== undefined && rank(floor) < rank(level)) {
    level = floor;
    reason = `${reason}, raised to ${floor} for a ${criticality}-criticality asset`;
  }
  return { level, name: mapping.names[level], reason };
}

/** The higher of two priorities: a ticket's priority escalates, never drops. */
export function higherPriority(a: PriorityLevel, b: PriorityLevel): PriorityLevel {
  return rank(a) <= rank(b) ? a : b;
}

const CRIT_ORDER: Criticality[] = ['low', 'medium', 'high', 'critical'];

/** The most critical of the given criticalities, if any. */
export function maxCriticality(values: (Criticality | undefined)[]): Criticality | undefined {
  let best: Criticality | undefined;
  for (const v of values) {
    if (v !== undefined && (best === undefined || CRIT_ORDER.indexOf(v) > CRIT_ORDER.indexOf(best))) best = v;
  }
  return best;
}

/** Severity word for a 0–100 score, the scale analysts read: critical ≥ 90, high ≥ 70, medium ≥ 40, else low. */
export function severityWord(score: number): string {
  return score >= 90 ? 'critical' : score >= 70 ? 'high' : score >= 40 ? 'medium' : 'low';
}
