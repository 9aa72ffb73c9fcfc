import type { AssetContext, EnrichedAlert, Ioc, UserContext } from './enrichment';

export type IncidentStatus = 'open' | 'closed' | 'suppressed';

/** The row of the priority rubric (docs/priority.md, core/judge/rubric.ts) that decided an incident's priority. */
export interface PriorityBasis {
  /** Row id, e.g. `credential-theft`, `persistence`, `compliance`. */
  rule: string;
  level: 'P1' | 'P2' | 'P3' | 'P4';
  /** As the rubric words it: `active credential theft`. */
  title: string;
  /** The ATT&CK technique of the most severe behaviour behind it: what the ticket summary leads with. */
  technique?: string;
}

/**
 * An incident as the drafting stage sees it: the stored META item plus its unique alerts (time ordered) and
 * the context that applied. Built by the store adapter or, for the CLI, in memory.
 */
export interface IncidentView {
  incidentId: string;
  groupKey: string;
  status: IncidentStatus;
  /** Host keys (see model/host.ts), capped. */
  hosts: string[];
  users: string[];
  techniques: string[];
  sources: string[];
  iocs: Ioc[];
  firstSeen: string;
  lastSeen: string;
  /** Unique alerts. */
  alertCount: number;
  /** Exact duplicates seen and not counted again. */
  duplicates: number;
  severity: number;
  severityReasons: string[];
  version: number;
  ticketKey?: string;
  /** The rubric row that decided the priority; absent on incidents judged before the rubric existed. */
  priorityBasis?: PriorityBasis;
  /** Hosts the capped `hosts` list left out: the incident spans `hosts.length + hostsOmitted` hosts. */
  hostsOmitted?: number;
  /** One message named many new hosts at once and they were folded into this incident (an outbreak). */
  outbreak?: boolean;
  /** Alerts that reused an earlier event's id with different content (possible forgeries), kept apart. */
  conflicts?: number;
  /** Why new alerts broke through a false-positive verdict on this incident, when they did. */
  breakthrough?: string;
  /** Unique alerts, oldest first; may be a capped sample of `alertCount` (the draft says so). */
  alerts: EnrichedAlert[];
  assets: AssetContext[];
  userContexts: UserContext[];
}
