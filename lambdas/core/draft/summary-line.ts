import type { EnrichedAlert, TechniqueInfo } from '../model/enrichment';
import type { IncidentFacts } from './facts';
import type { PersistenceFact } from './persistence';
import { tacticWeight, vehicleOfCommand, whatEntry, WHAT_BY_EVENT_TYPE } from './techniques';
import { byText, count, oneLine } from './text';

/** Choosing the technique an incident is named after, and the Jira summary line built from it. */

export interface RankedTechnique {
  info: TechniqueInfo;
  alerts: EnrichedAlert[];
  score: number;
}

/**
 * Techniques by significance: the severity of the strongest alert naming it, plus how telling its tactic is
 * (impact and credential theft over a foothold, a foothold over discovery), plus a point for a sub-technique,
 * which says more than its parent. Ties break on the id, so the order is stable.
 */
export function rankTechniques(f: IncidentFacts): RankedTechnique[] {
  return [...f.techniques.values()]
    .map(({ info, alerts }) => ({
      info,
      alerts,
      score:
        Math.max(...alerts.map((a) => a.enrichment.severity.score)) +
        tacticWeight(info.tactics) +
        (info.parentId !== undefined ? 1 : 0),
    }))
    .sort((a, b) => b.score - a.score || byText(a.info.id, b.info.id));
}

function commandOf(p: PersistenceFact): string | undefined {
  switch (p.kind) {
    case 'run-key':
      return p.data;
    case 'scheduled-task':
      return p.action;
    case 'service':
      return p.path;
    case 'wmi-subscription':
      return p.destination;
    case 'startup-folder':
      return p.path;
  }
}

/** The vehicle of a technique from the persistence its alerts set up (the first one that names a vehicle). */
function payloadVehicle(f: IncidentFacts, t: RankedTechnique): string | undefined {
  const own = new Set(t.alerts.map((a) => a.alertId));
  const facts = [...f.persistence.filter((p) => own.has(p.alert.alertId)), ...f.persistence];
  for (const p of facts) {
    const v = vehicleOfCommand(commandOf(p));
    if (v !== undefined) return v;
  }
  return undefined;
}

/** `Registry Run Key Persistence via rundll32 DLL`: the phrase for what happened, without id and host. */
export function whatHappened(f: IncidentFacts, top: RankedTechnique | undefined): string {
  if (top === undefined) {
    const worst = [...f.alerts].sort((a, b) => b.enrichment.severity.score - a.enrichment.severity.score)[0];
    return (worst !== undefined ? WHAT_BY_EVENT_TYPE[worst.eventType] : undefined) ?? 'Suspicious Activity';
  }
  const entry = whatEntry(top.info.id);
  const what = entry?.what ?? oneLine(top.info.name);
  const vehicle = entry?.vehicle === 'payload' ? payloadVehicle(f, top) : entry?.vehicle;
  return vehicle !== undefined && !what.includes(vehicle) ? `${what} ${vehicle}` : what;
}

/** Jira's summary limit. */
export const SUMMARY_MAX = 255;

/** `T1547.001 – Registry Run Key Persistence via rundll32 DLL on FIN-WS-034`, at most 255 characters. */
export function summaryLine(f: IncidentFacts, top: RankedTechnique | undefined): string {
  const others = f.otherHosts.length > 0 ? ` and ${count(f.otherHosts.length, 'other host')}` : '';
  const host = `${f.hostDisplay.slice(0, 64)}${others}`;
  // Without a technique the vendor's detection name is the most specific thing to lead with (`Trojan:Win32/…`).
  const worst = [...f.alerts].sort((a, b) => b.enrichment.severity.score - a.enrichment.severity.score)[0];
  const named = top === undefined ? (worst?.rule?.name ?? worst?.title) : undefined;
  const detection = named !== undefined && oneLine(named) !== '' ? `: ${oneLine(named).slice(0, 100)}` : '';
  const what = `${whatHappened(f, top)}${detection}`;
  const head = top !== undefined ? `${top.info.id} – ` : '';
  const line = `${head}${what} on ${host}`;
  if (line.length <= SUMMARY_MAX) return line;
  const room = SUMMARY_MAX - head.length - ` on ${host}`.length - 1;
  return `${head}${what.slice(0, Math.max(0, room))}… on ${host}`.slice(0, SUMMARY_MAX);
}
