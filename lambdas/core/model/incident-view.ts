import type { EnrichedAlert } from './enrichment';
import type { IncidentView } from './incident';

/** The incident-level fields of a view: what the stored `META` item (correlate/incident-meta.ts) carries for it. */
export type IncidentFields = Omit<IncidentView, 'alerts' | 'assets' | 'userContexts'>;

/**
 * An incident's META and its alert items → the drafting stage's view, for every reader of stored incidents (the
 * in-memory store, the DynamoDB ticket store). Alerts are ordered by event time, and the asset and user context is
 * the latest each alert carried.
 */
export function toView(
  m: IncidentFields & { overflow?: Record<string, number> },
  alerts: EnrichedAlert[],
): IncidentView {
  const sorted = [...alerts].sort(
    (a, b) => a.eventTime.localeCompare(b.eventTime) || a.alertId.localeCompare(b.alertId),
  );
  const assets = new Map(
    sorted.flatMap((a) => (a.enrichment.asset ? [[a.enrichment.asset.host, a.enrichment.asset] as const] : [])),
  );
  const users = new Map(
    sorted.flatMap((a) =>
      a.enrichment.userContext ? [[a.enrichment.userContext.user, a.enrichment.userContext] as const] : [],
    ),
  );
  // Field by field: a META item carries more (counters, message tokens) than the drafting stage may see.
  return {
    incidentId: m.incidentId,
    groupKey: m.groupKey,
    status: m.status,
    hosts: m.hosts,
    users: m.users,
    techniques: m.techniques,
    sources: m.sources,
    iocs: m.iocs,
    firstSeen: m.firstSeen,
    lastSeen: m.lastSeen,
    alertCount: m.alertCount,
    duplicates: m.duplicates,
    severity: m.severity,
    severityReasons: m.severityReasons,
    version: m.version,
    ...(m.ticketKey !== undefined ? { ticketKey: m.ticketKey } : {}),
    ...(m.priorityBasis !== undefined ? { priorityBasis: m.priorityBasis } : {}),
    ...((m.overflow?.hosts ?? m.hostsOmitted ?? 0) > 0 ? { hostsOmitted: m.overflow?.hosts ?? m.hostsOmitted } : {}),
    ...(m.outbreak === true ? { outbreak: true } : {}),
    ...((m.conflicts ?? 0) > 0 ? { conflicts: m.conflicts } : {}),
    ...(m.breakthrough !== undefined ? { breakthrough: m.breakthrough } : {}),
    alerts: sorted,
    assets: [...assets.values()],
    userContexts: [...users.values()],
  };
}
