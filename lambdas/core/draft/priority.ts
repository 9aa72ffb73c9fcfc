import type { Criticality } from '../model/enrichment';
import { PRIORITY_LEVELS } from '../model/report';
import type { Priority, PriorityLevel } from '../model/report';

/**
 * How severity becomes a Jira priority. Thresholds are minimum severities (0–100) for P1–P3; names are the site's
 * own priority names. `criticalityFloor` is the lowest level an asset of that criticality may get: the severity
 * score already includes asset criticality, so the floor only matters for low scores on vital assets.
 */
export interface PriorityConfig {
  thresholds: { P1: number; P2: number; P3: number };
  names: Record<PriorityLevel, string>;
  criticalityFloor: Partial<Record<Criticality, PriorityLevel>>;
}

export const DEFAULT_PRIORITY: PriorityConfig = {
  thresholds: { P1: 90, P2: 70, P3: 40 },
  names: { P1: 'Highest', P2: 'High', P3: 'Medium', P4: 'Low' },
  criticalityFloor: { critical: 'P3' },
};

const rank = (l: PriorityLevel): number => PRIORITY_LEVELS.indexOf(l);

/**
 * The priority for an incident severity, raised to the floor of the asset's criticality.
 *
 * @example
 * priorityFor(80, 'high') // { level: 'P2', name: 'High', reason: 'severity 80 ≥ 70' }
 */
export function priorityFor(
  severity: number,
  criticality?: Criticality,
  mapping: PriorityConfig = DEFAULT_PRIORITY,
): Priority {
  const s = Number.isFinite(severity) ? severity : 0;
  const th = mapping.thresholds;
  let level: PriorityLevel = s >= th.P1 ? 'P1' : s >= th.P2 ? 'P2' : s >= th.P3 ? 'P3' : 'P4';
  let reason =
    level === 'P4' ? `severity ${s} < ${th.P3}` : `severity ${s} ≥ ${th[level as Exclude<PriorityLevel, 'P4'>]}`;
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
