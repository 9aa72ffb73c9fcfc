import type { GroupHead } from '../correlate/correlate';
import type { IncidentMeta } from '../correlate/incident-meta';
import type { ContextSnapshot, EnrichedAlert } from '../model/enrichment';
import type { Rejection } from '../model/rejection';

/** What the ingest stage needs from storage: implemented over DynamoDB (lambdas/adapters/dynamodb) and in memory. */
export interface IngestStore {
  /** Asset, user and indicator context for these keys (hostKey, userKey, `type#value`). */
  loadContext(keys: { hosts: string[]; users: string[]; indicators: string[] }): Promise<ContextSnapshot>;
  /** Existing exact-duplicate guards: alertId → who claimed it. */
  getSeen(alertIds: string[]): Promise<Map<string, SeenClaim>>;
  /**
   * Claim an alert id (conditional: only if unclaimed). Returns `claimed`, or the existing claim when someone else
   * (or an earlier attempt of the same message) holds it.
   */
  claimSeen(claim: SeenClaim & { alertId: string }): Promise<'claimed' | SeenClaim>;
  /**
   * Re-points a claim this message holds to another incident and removes the alert item a failed attempt left
   * under the old one (conditional on the message, so a claim someone else holds is never moved).
   */
  moveClaim(move: { alertId: string; messageId: string; from: string; to: string; eventTime: string }): Promise<void>;
  /**
   * Gives up a claim this message holds (conditional on the message), for an alert that could not be stored: a
   * re-drive of its body must find the id free, not count the alert as a duplicate of nothing.
   */
  releaseClaim(alertId: string, messageId: string): Promise<void>;
  /** The open heads of these hosts' link keys (a host with none stored is absent). */
  getHostHeads(hosts: string[]): Promise<Map<string, HostHeads>>;
  /** Suppressions by group key (false-positive verdicts), with their expiry and what the analyst judged. */
  getSuppressions(groupKeys: string[]): Promise<Map<string, Suppression>>;
  /**
   * Conditional write: replaces the host's heads only if the stored version is `expectedVersion` (0: none may be
   * stored). False when another invocation changed them first: the caller reads them again (see host-heads.ts).
   */
  putHostHeads(next: HostHeads, expectedVersion: number): Promise<boolean>;
  getMetas(incidentIds: string[]): Promise<Map<string, IncidentMeta>>;
  /** Conditional write: succeeds only if the stored version is `expectedVersion` (0: the item must not exist). */
  writeMeta(next: IncidentMeta, expectedVersion: number): Promise<boolean>;
  /**
   * Count one message's duplicates on an incident, once: `already` when the incident has recorded that message,
   * `missing` when the incident does not exist (yet).
   */
  addDuplicates(incidentId: string, n: number, messageId: string): Promise<'applied' | 'already' | 'missing'>;
  /**
   * Every unique alert of the batch as its own item, all incidents in one bulk write. An alert the store refuses
   * for what it holds (not for a transient fault, which throws) comes back with the reason; the rest are stored.
   */
  putAlerts(byIncident: Map<string, EnrichedAlert[]>): Promise<UnstoredAlert[]>;
  /** Stores rejections with the body that carried them (capped), so `a2t dlq redrive` can send it again. */
  putRejections(rejections: Rejection[], bodyOf: (source: string) => string | undefined): Promise<void>;
}

/**
 * Where one host's link keys point, kept together: every key is scoped to its host, so one conditional write of
 * this set is an atomic change of everything correlation knows about the host.
 */
export interface HostHeads {
  host: string;
  /** Bumped by every write; 0 only for a host nothing was stored for yet. */
  version: number;
  heads: GroupHead[];
}

export interface SeenClaim {
  incidentId: string;
  /** The SQS message (or CLI input) that carried the alert. */
  messageId: string;
  /** Content fingerprint of the claimed alert (see fingerprint.ts); absent on claims written before it existed. */
  fingerprint?: string;
}

/** A false-positive verdict on a group key. */
export interface Suppression {
  /** ISO time the verdict lapses. */
  until: string;
  /**
   * What the analyst judged, as the incident stood at the verdict: its severity and techniques. Alerts that go
   * beyond it break through (see `breakthroughReason`). Absent on verdicts recorded before it was kept.
   */
  judged?: { severity: number; techniques: string[] };
}

/** An alert the store would not take, and why (one line): it becomes a rejection, never a failed batch. */
export interface UnstoredAlert {
  alertId: string;
  reason: string;
}

/** Hand-off to ticket-sync: FIFO, group = incident id, dedup id = incident id + version. */
export interface TicketQueue {
  send(messages: HandOff[]): Promise<void>;
}

export interface HandOff {
  incidentId: string;
  version: number;
  reason: string;
}
