import type { Alert, Detection } from '../model/alert';
import { SIGMA_LEVELS } from '../model/alert';

/**
 * How the detect stage writes its verdict onto an alert: the matches themselves (capped, strongest first) and the
 * ATT&CK techniques their tags name, appended after the ones the source named so a vendor's own mapping keeps the lead.
 */

/**
 * Matches kept per alert. A command line that trips forty rules is one event, not forty findings: the strongest few
 * say what it is, and the alert item (stored in DynamoDB, capped at 400 KB) stays small whatever an attacker writes.
 */
export const MAX_DETECTIONS_PER_ALERT = 10;

/** `attack.t1003.001` → `T1003.001`; anything else (tactics, groups, software, CVEs) → undefined. */
export function techniqueOfTag(tag: string): string | undefined {
  const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag.trim());
  return m === null ? undefined : m[1]!.toUpperCase();
}

/** Strongest level first, then title, then id: the order tickets show and the cap keeps. */
export function byStrength(a: Detection, b: Detection): number {
  return (
    SIGMA_LEVELS.indexOf(b.level) - SIGMA_LEVELS.indexOf(a.level) ||
    a.title.localeCompare(b.title) ||
    a.id.localeCompare(b.id)
  );
}

/**
 * The alert with its detections. Deterministic: the same alert and matches give the same result, so a retried batch
 * stores the same item. An alert no rule matched comes back unchanged (no empty `detections` array).
 */
export function annotateAlert(alert: Alert, matches: readonly Detection[]): Alert {
  if (matches.length === 0) return alert;
  const seen = new Set<string>();
  const kept = [...matches]
    .sort(byStrength)
    .filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)))
    .slice(0, MAX_DETECTIONS_PER_ALERT);
  const known = new Set(alert.techniques);
  const added: string[] = [];
  for (const d of kept) {
    for (const tag of d.tags) {
      const id = techniqueOfTag(tag);
      if (id !== undefined && !known.has(id)) {
        known.add(id);
        added.push(id);
      }
    }
  }
  // Rules often tag both `attack.t1003` and `attack.t1003.001`: the sub-technique says it all, the parent only adds a
  // second, vaguer label.
  const subParents = new Set([...known].filter((id) => id.includes('.')).map((id) => id.slice(0, 5)));
  const techniques = [...alert.techniques, ...added.filter((id) => id.includes('.') || !subParents.has(id))];
  return { ...alert, detections: kept, techniques };
}
