import type { Detection, SigmaLevel } from '../model/alert';
import { SIGMA_LEVELS } from '../model/alert';
import type { EnrichedAlert } from '../model/enrichment';
import type { DetectionRow } from '../model/report';
import { eventRef } from './display';
import { clip, oneLine } from './text';

/**
 * The Detections list: each Sigma rule that matched the incident's alerts, strongest first, with the rule's author.
 * The Detection Rule License 1.1 (SigmaHQ's rules) asks that any view showing a match name the rule's author, so an
 * author is never left out: a rule without one says so.
 */

/** Rules listed; the rest are counted. A ticket names the strongest few, the incident keeps them all. */
export const MAX_DETECTION_ROWS = 8;

interface Grouped {
  rule: Detection;
  alerts: EnrichedAlert[];
}

const rank = (level: SigmaLevel): number => SIGMA_LEVELS.indexOf(level);

/** Rules by strength: level, then how many alerts matched, then title (stable). */
export function detectionRows(alerts: readonly EnrichedAlert[]): { rows: DetectionRow[]; omitted: number } {
  const byRule = new Map<string, Grouped>();
  for (const a of alerts) {
    for (const d of a.detections ?? []) {
      const g = byRule.get(d.id);
      if (g === undefined) byRule.set(d.id, { rule: d, alerts: [a] });
      else if (g.alerts[g.alerts.length - 1] !== a) g.alerts.push(a);
    }
  }
  const sorted = [...byRule.values()].sort(
    (x, y) =>
      rank(y.rule.level) - rank(x.rule.level) ||
      y.alerts.length - x.alerts.length ||
      x.rule.title.localeCompare(y.rule.title) ||
      x.rule.id.localeCompare(y.rule.id),
  );
  const rows = sorted.slice(0, MAX_DETECTION_ROWS).map(({ rule, alerts: hits }): DetectionRow => {
    const fp = (rule.falsepositives ?? []).map(oneLine).filter((x) => x !== '' && !/^unknown$/i.test(x));
    return {
      id: rule.id,
      title: clip(oneLine(rule.title), 200),
      level: rule.level,
      author: rule.author !== undefined && oneLine(rule.author) !== '' ? clip(oneLine(rule.author), 200) : 'unknown',
      alerts: hits.length,
      firstRef: eventRef(hits[0]!),
      ...(fp.length > 0 ? { falsePositives: clip(fp.join('; '), 200) } : {}),
      ...(rule.pack !== undefined ? { pack: rule.pack } : {}),
    };
  });
  return { rows, omitted: Math.max(0, sorted.length - rows.length) };
}
