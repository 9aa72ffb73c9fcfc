import type { AssetContext, EnrichedAlert, Ioc, UserContext } from './enrichment';

export type IncidentStatus = 'open' | 'closed' | 'suppressed';

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
  /** Unique alerts, oldest first; may be a capped sample of `alertCount` (the draft says so). */
  alerts: EnrichedAlert[];
  assets: AssetContext[];
  userContexts: UserContext[];
}
