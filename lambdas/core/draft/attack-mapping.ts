import type { IncidentFacts } from './facts';
import { describeLine } from './describe';
import { eventRef } from './display';
import type { RankedTechnique } from './summary-line';
import { displayName, tacticName } from './techniques';
import { count, plainQuoted } from './text';
import type { AttackRow } from '../model/report';

/**
 * The ATT&CK mapping: each technique the alerts carry, most significant first, with the event that shows it.
 * Ids the incident lists but no analysed alert resolved (retired ids, alerts outside the sample) are kept with a
 * sentence saying so rather than dropped.
 */
export function attackMapping(f: IncidentFacts, ranked: RankedTechnique[]): AttackRow[] {
  const rows: AttackRow[] = ranked.map((t) => {
    const first = t.alerts[0];
    const more = t.alerts.length > 1 ? ` (${count(t.alerts.length, 'alert')})` : '';
    return {
      id: t.info.id,
      name: displayName(t.info),
      tactics: t.info.tactics.map(tacticName),
      // A table cell holds no code marks: the event's values are quoted, so none reads as the report's words.
      evidence: `${eventRef(first)}: ${plainQuoted(describeLine(first), 80)}${more}`,
      url: t.info.url,
    };
  });
  const known = new Set(
    ranked.flatMap((t) => [t.info.id, ...(t.info.retiredFrom !== undefined ? [t.info.retiredFrom] : [])]),
  );
  const named = new Set(f.alerts.flatMap((a) => a.techniques));
  for (const id of [...new Set(f.incident.techniques)].sort()) {
    if (known.has(id) || !/^T\d{4}(\.\d{3})?$/.test(id)) continue;
    rows.push({
      id,
      name: 'not in the ATT&CK table in use (retired or unknown id)',
      tactics: [],
      evidence: named.has(id) ? 'named by the source alert' : 'named by alerts outside the analysed sample',
    });
  }
  return rows;
}
