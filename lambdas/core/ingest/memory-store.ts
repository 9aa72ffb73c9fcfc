import type { IncidentMeta } from '../correlate/incident-meta';
import { duplicatesToken } from '../correlate/incident-meta';
import type { ContextSnapshot, EnrichedAlert } from '../model/enrichment';
import { emptyContext } from '../model/enrichment';
import type { IncidentView } from '../model/incident';
import { toView } from '../model/incident-view';
import type { Rejection } from '../model/rejection';
import type { HandOff, HostHeads, IngestStore, SeenClaim, Suppression, TicketQueue, UnstoredAlert } from './ports';

const clone = <T>(x: T): T => structuredClone(x);

/**
 * The ingest store in memory: `a2t draft` and unit tests run the very same ingest code without any server.
 * Same semantics as the DynamoDB adapter (conditional claims and versioned writes), single process.
 */
export class MemoryIngestStore implements IngestStore {
  readonly seen = new Map<string, SeenClaim>();
  readonly hostHeads = new Map<string, HostHeads>();
  readonly suppressions = new Map<string, Suppression>();
  readonly metas = new Map<string, IncidentMeta>();
  readonly alerts = new Map<string, EnrichedAlert[]>();
  readonly rejections: Rejection[] = [];

  constructor(private readonly context: ContextSnapshot = emptyContext()) {}

  async loadContext(): Promise<ContextSnapshot> {
    return this.context;
  }
  async getSeen(alertIds: string[]): Promise<Map<string, SeenClaim>> {
    return new Map(alertIds.flatMap((id) => (this.seen.has(id) ? [[id, this.seen.get(id)!] as const] : [])));
  }
  async claimSeen(claim: SeenClaim & { alertId: string }): Promise<'claimed' | SeenClaim> {
    const existing = this.seen.get(claim.alertId);
    if (existing !== undefined) return existing;
    this.seen.set(claim.alertId, {
      incidentId: claim.incidentId,
      messageId: claim.messageId,
      ...(claim.fingerprint !== undefined ? { fingerprint: claim.fingerprint } : {}),
    });
    return 'claimed';
  }
  async releaseClaim(alertId: string, messageId: string): Promise<void> {
    if (this.seen.get(alertId)?.messageId === messageId) this.seen.delete(alertId);
  }
  async moveClaim(move: { alertId: string; messageId: string; from: string; to: string }): Promise<void> {
    const claim = this.seen.get(move.alertId);
    if (claim?.messageId !== move.messageId) return;
    this.seen.set(move.alertId, { ...claim, incidentId: move.to });
    const list = this.alerts.get(move.from);
    if (list !== undefined)
      this.alerts.set(
        move.from,
        list.filter((a) => a.alertId !== move.alertId),
      );
  }
  async getHostHeads(hosts: string[]): Promise<Map<string, HostHeads>> {
    return new Map(hosts.flatMap((h) => (this.hostHeads.has(h) ? [[h, clone(this.hostHeads.get(h)!)] as const] : [])));
  }
  async getSuppressions(groupKeys: string[]): Promise<Map<string, Suppression>> {
    return new Map(
      groupKeys.flatMap((k) => (this.suppressions.has(k) ? [[k, this.suppressions.get(k)!] as const] : [])),
    );
  }
  async putHostHeads(next: HostHeads, expectedVersion: number): Promise<boolean> {
    if ((this.hostHeads.get(next.host)?.version ?? 0) !== expectedVersion) return false;
    this.hostHeads.set(next.host, clone(next));
    return true;
  }
  async getMetas(ids: string[]): Promise<Map<string, IncidentMeta>> {
    return new Map(ids.flatMap((id) => (this.metas.has(id) ? [[id, clone(this.metas.get(id)!)] as const] : [])));
  }
  async writeMeta(next: IncidentMeta, expectedVersion: number): Promise<boolean> {
    const cur = this.metas.get(next.incidentId);
    if ((cur?.version ?? 0) !== expectedVersion || (expectedVersion === 0 && cur !== undefined)) return false;
    this.metas.set(next.incidentId, clone(next));
    return true;
  }
  async addDuplicates(incidentId: string, n: number, messageId: string): Promise<'applied' | 'already' | 'missing'> {
    const cur = this.metas.get(incidentId);
    if (cur === undefined) return 'missing';
    const token = duplicatesToken(messageId);
    if (cur.appliedMessages.includes(token)) return 'already';
    cur.duplicates += n;
    cur.version += 1;
    cur.appliedMessages.push(token);
    return 'applied';
  }
  async putAlerts(byIncident: Map<string, EnrichedAlert[]>): Promise<UnstoredAlert[]> {
    for (const [incidentId, alerts] of byIncident) {
      const list = this.alerts.get(incidentId) ?? [];
      const ids = new Set(list.map((a) => a.alertId));
      for (const a of alerts) if (!ids.has(a.alertId)) list.push(a);
      this.alerts.set(incidentId, list);
    }
    return [];
  }
  async putRejections(rejections: Rejection[]): Promise<void> {
    this.rejections.push(...rejections);
  }

  /** Every incident as the drafting stage sees it, oldest first. */
  views(): IncidentView[] {
    return [...this.metas.values()]
      .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.incidentId.localeCompare(b.incidentId))
      .map((m) => toView(m, this.alerts.get(m.incidentId) ?? []));
  }
}

/** A queue that keeps what it was given (the CLI's in-memory pipeline reports hand-offs from it). */
export class MemoryTicketQueue implements TicketQueue {
  readonly sent: HandOff[] = [];
  async send(messages: HandOff[]): Promise<void> {
    this.sent.push(...messages);
  }
}
