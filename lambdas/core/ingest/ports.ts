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
  getHeads(keys: string[]): Promise<Map<string, GroupHead>>;
  /** Suppressions by group key (false-positive verdicts), with their expiry. */
  getSuppressions(groupKeys: string[]): Promise<Map<string, string>>;
  putHeads(heads: GroupHead[]): Promise<void>;
  getMetas(incidentIds: string[]): Promise<Map<string, IncidentMeta>>;
  /** Conditional write: succeeds only if the stored version is `expectedVersion` (0: the item must not exist). */
  writeMeta(next: IncidentMeta, expectedVersion: number): Promise<boolean>;
  /**
   * Count one message's duplicates on an incident, once: `already` when the incident has recorded that message,
   * `missing` when the incident does not exist (yet).
   */
  addDuplicates(incidentId: string, n: number, messageId: string): Promise<'applied' | 'already' | 'missing'>;
  /** Every unique alert of the batch as its own item, all incidents in one bulk write. */
  putAlerts(byIncident: Map<string, EnrichedAlert[]>): Promise<void>;
  /** Stores rejections with the body that carried them (capped), so `a2t dlq redrive` can send it again. */
  putRejections(rejections: Rejection[], bodyOf: (source: string) => string | undefined): Promise<void>;
}

export interface SeenClaim {
  incidentId: string;
  /** The SQS message (or CLI input) that carried the alert. */
  messageId: string;
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
