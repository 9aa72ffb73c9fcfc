import type { Ioc } from '../model/enrichment';
import { hostKey, userKey } from '../model/host';
import type { IncidentView } from '../model/incident';
import type { PriorityLevel } from '../model/report';

/**
 * What a ticket already says about an incident (the snapshot stored when it was last synced) and what is new
 * since. Updates to a ticket carry only the delta: one comment with the new alerts, hosts, users, techniques,
 * indicators and any severity or priority change.
 */

export type SnapshotIoc = Pick<Ioc, 'type' | 'value' | 'defanged'>;

export interface IncidentSnapshot {
  alertCount: number;
  /** Host keys (model/host.ts). */
  hosts: string[];
  /** User keys. */
  users: string[];
  techniques: string[];
  iocs: SnapshotIoc[];
  severity: number;
  priority: PriorityLevel;
}

export interface IncidentDelta {
  /** Alerts added since the snapshot. */
  newAlerts: number;
  /** Alerts in the incident now. */
  alertCount: number;
  newHosts: string[];
  newUsers: string[];
  newTechniques: string[];
  newIocs: SnapshotIoc[];
  /** Present only when the severity changed. */
  severity?: { from: number; to: number };
  /** Present only when the priority level for the severity changed. */
  priority?: { from: PriorityLevel; to: PriorityLevel };
}

/** The snapshot of an incident as a ticket shows it, with the priority level its report was given. */
export function snapshotOf(incident: IncidentView, priority: PriorityLevel): IncidentSnapshot {
  return {
    alertCount: incident.alertCount,
    hosts: [...incident.hosts],
    users: [...incident.users],
    techniques: [...incident.techniques],
    iocs: incident.iocs.map((i) => ({ type: i.type, value: i.value, defanged: i.defanged })),
    severity: incident.severity,
    priority,
  };
}

function newItems(prev: string[], next: string[], key: (x: string) => string): string[] {
  const seen = new Set(prev.map(key));
  const out: string[] = [];
  for (const x of next) {
    const k = key(x);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(x);
  }
  return out;
}

const iocKey = (i: SnapshotIoc): string => `${i.type}#${i.value.toLowerCase()}`;

/**
 * Only what `next` has that `prev` did not, in `next`'s order. Pure.
 *
 * @example
 * diffIncident(prev, next).newIocs; // the indicators the ticket does not list yet
 */
export function diffIncident(prev: IncidentSnapshot, next: IncidentSnapshot): IncidentDelta {
  const prevIocs = new Set(prev.iocs.map(iocKey));
  const newIocs: SnapshotIoc[] = [];
  for (const i of next.iocs) {
    const k = iocKey(i);
    if (prevIocs.has(k)) continue;
    prevIocs.add(k);
    newIocs.push(i);
  }
  const delta: IncidentDelta = {
    newAlerts: Math.max(0, next.alertCount - prev.alertCount),
    alertCount: next.alertCount,
    newHosts: newItems(prev.hosts, next.hosts, hostKey),
    newUsers: newItems(prev.users, next.users, userKey),
    newTechniques: newItems(prev.techniques, next.techniques, (t) => t.toUpperCase()),
    newIocs,
  };
  if (next.severity !== prev.severity) delta.severity = { from: prev.severity, to: next.severity };
  if (next.priority !== prev.priority) delta.priority = { from: prev.priority, to: next.priority };
  return delta;
}

/** Whether a delta has anything to say. */
export function isEmptyDelta(d: IncidentDelta): boolean {
  return (
    d.newAlerts === 0 &&
    d.newHosts.length === 0 &&
    d.newUsers.length === 0 &&
    d.newTechniques.length === 0 &&
    d.newIocs.length === 0 &&
    d.severity === undefined &&
    d.priority === undefined
  );
}
