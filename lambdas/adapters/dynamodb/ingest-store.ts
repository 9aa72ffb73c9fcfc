import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import type { GroupHead } from '../../core/correlate/correlate';
import type { IncidentMeta } from '../../core/correlate/incident-meta';
import { duplicatesToken } from '../../core/correlate/incident-meta';
import type { HostHeads, IngestStore, SeenClaim, Suppression, UnstoredAlert } from '../../core/ingest/ports';
import type {
  AssetContext,
  ContextSnapshot,
  EnrichedAlert,
  IndicatorContext,
  UserContext,
} from '../../core/model/enrichment';
import { emptyContext } from '../../core/model/enrichment';
import type { Rejection } from '../../core/model/rejection';
import { wellFormed } from '../../core/bounded';
import { PermanentError } from '../../core/errors';
import { asStoreError, batchGet, batchPut, storeCall } from './batch';
import { MAX_ITEM_BYTES, fitJson, itemBytes } from './item-size';
import { KEYS, RETENTION_DAYS, byPartitionKey, expiresAt } from './keys';

/** Attributes of META that ingest owns; ticket-sync and the webhook write others (ticketKey, syncedVersion…). */
const INGEST_FIELDS = [
  'firstSeen',
  'lastSeen',
  'hosts',
  'hostNames',
  'users',
  'techniques',
  'sources',
  'rules',
  'iocs',
  'overflow',
  'alertCount',
  'duplicates',
  'suppressed',
  'severity',
  'severityReasons',
  'version',
  'notifiedVersion',
  'notifiedAlertCount',
  'appliedMessages',
  'keyAlerts',
  'conflicts',
  'outbreak',
  'breakthrough',
  'judge',
  'priorityBasis',
] as const satisfies readonly (keyof IncidentMeta)[];

/** Set only when the item is created. */
const CREATE_FIELDS = [
  'incidentId',
  'groupKey',
  'createdAt',
  'syncedVersion',
] as const satisfies readonly (keyof IncidentMeta)[];

/**
 * DynamoDB allows 32 levels of nesting and 400 KB an item: an alert (raw included) is stored as JSON text of at most
 * this many bytes, which leaves room for its keys (at most 3 KB) and attributes.
 */
export const MAX_ALERT_ITEM_BYTES = 350 * 1024;
/** A host's heads item stays under this; beyond it, its oldest heads are dropped (see MAX_HEADS_PER_HOST). */
const MAX_HEADS_ITEM_BYTES = 350 * 1024;
/** A rejected body is kept for re-drive when it fits an item beside its rejection. */
const MAX_REJECTED_BODY_BYTES = 300 * 1024;

export class DynamoIngestStore implements IngestStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async loadContext(keys: { hosts: string[]; users: string[]; indicators: string[] }): Promise<ContextSnapshot> {
    const ctx = emptyContext();
    // Each item is matched to the value asked for by its (bounded, possibly hashed) key, never by slicing the key.
    const wanted = new Map<string, (data: Record<string, unknown>) => void>();
    for (const h of keys.hosts) wanted.set(KEYS.asset(h).pk, (d) => ctx.assets.set(h, d as unknown as AssetContext));
    for (const u of keys.users) wanted.set(KEYS.user(u).pk, (d) => ctx.users.set(u, d as unknown as UserContext));
    for (const i of keys.indicators) {
      wanted.set(KEYS.indicator(i).pk, (d) => ctx.indicators.set(i, d as unknown as IndicatorContext));
    }
    const items = await batchGet(this.doc, this.table, [
      ...keys.hosts.map(KEYS.asset),
      ...keys.users.map(KEYS.user),
      ...keys.indicators.map(KEYS.indicator),
    ]);
    for (const item of items) wanted.get(String(item.pk))?.(item.data as Record<string, unknown>);
    return ctx;
  }

  async getSeen(alertIds: string[]): Promise<Map<string, SeenClaim>> {
    const byKey = byPartitionKey(alertIds, KEYS.seen);
    const items = await batchGet(this.doc, this.table, alertIds.map(KEYS.seen));
    return new Map(
      items.flatMap((i) => {
        const alertId = byKey.get(String(i.pk));
        return alertId === undefined ? [] : [[alertId, claimOf(i)] as const];
      }),
    );
  }

  async claimSeen(claim: SeenClaim & { alertId: string }): Promise<'claimed' | SeenClaim> {
    const now = new Date().toISOString();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...KEYS.seen(claim.alertId),
            incidentId: claim.incidentId,
            messageId: claim.messageId,
            ...(claim.fingerprint !== undefined ? { fingerprint: claim.fingerprint } : {}),
            claimedAt: now,
            expiresAt: expiresAt(now, RETENTION_DAYS.seen),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'claimed';
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw asStoreError(err);
      // The local server returns no item with the failure (STACK.md): read the winner's claim.
      const r = await storeCall(
        this.doc.send(new GetCommand({ TableName: this.table, Key: KEYS.seen(claim.alertId), ConsistentRead: true })),
      );
      return claimOf(r.Item ?? {});
    }
  }

  async releaseClaim(alertId: string, messageId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: KEYS.seen(alertId),
          ConditionExpression: 'messageId = :m',
          ExpressionAttributeValues: { ':m': messageId },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw asStoreError(err);
    }
  }

  async moveClaim(move: {
    alertId: string;
    messageId: string;
    from: string;
    to: string;
    eventTime: string;
  }): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: KEYS.seen(move.alertId),
          UpdateExpression: 'SET incidentId = :to',
          ConditionExpression: 'messageId = :m',
          ExpressionAttributeValues: { ':to': move.to, ':m': move.messageId },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return; // not our claim: leave it
      throw asStoreError(err);
    }
    await storeCall(
      this.doc.send(
        new DeleteCommand({ TableName: this.table, Key: KEYS.alertItem(move.from, move.eventTime, move.alertId) }),
      ),
    );
  }

  async getHostHeads(hosts: string[]): Promise<Map<string, HostHeads>> {
    const byKey = byPartitionKey(hosts, KEYS.hostHeads);
    const items = await batchGet(this.doc, this.table, hosts.map(KEYS.hostHeads));
    return new Map(
      items.flatMap((i) => {
        const host = byKey.get(String(i.pk));
        if (host === undefined) return [];
        const rows = Array.isArray(i.heads) ? (i.heads as unknown[][]) : [];
        const heads: GroupHead[] = rows.map(([key, incidentId, lastSeen, incidentCreated]) => ({
          key: String(key),
          incidentId: String(incidentId),
          lastSeen: String(lastSeen),
          incidentCreated: String(incidentCreated),
        }));
        return [[host, { host, version: Number(i.version), heads }] as const];
      }),
    );
  }

  async getSuppressions(groupKeys: string[]): Promise<Map<string, Suppression>> {
    const byKey = byPartitionKey(groupKeys, KEYS.suppression);
    const items = await batchGet(this.doc, this.table, groupKeys.map(KEYS.suppression));
    return new Map(
      items.flatMap((i) => {
        const key = byKey.get(String(i.pk));
        if (key === undefined) return [];
        const judged =
          typeof i.judgedSeverity === 'number' && Array.isArray(i.judgedTechniques)
            ? { judged: { severity: i.judgedSeverity, techniques: i.judgedTechniques.map(String) } }
            : {};
        return [[key, { until: String(i.until), ...judged }] as const];
      }),
    );
  }

  async putHostHeads(next: HostHeads, expectedVersion: number): Promise<boolean> {
    // Newest first, so a host beyond the item limit keeps its recent keys (those its next alerts can still join).
    const rows = [...next.heads]
      .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen))
      .map((h) => [h.key, h.incidentId, h.lastSeen, h.incidentCreated]);
    const newest = rows[0]?.[2] ?? new Date().toISOString();
    const item = {
      ...KEYS.hostHeads(next.host),
      host: next.host,
      version: next.version,
      heads: rows,
      expiresAt: expiresAt(newest, RETENTION_DAYS.head),
    };
    while (rows.length > 1 && itemBytes(item) > MAX_HEADS_ITEM_BYTES) rows.splice(Math.floor(rows.length * 0.9));
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          // Optimistic versioning over the host's whole key set: the write lands only on what correlation read.
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw asStoreError(err);
    }
  }

  async getMetas(incidentIds: string[]): Promise<Map<string, IncidentMeta>> {
    const items = await batchGet(this.doc, this.table, incidentIds.map(KEYS.incidentMeta));
    return new Map(items.map((i) => [String(i.incidentId), i as unknown as IncidentMeta]));
  }

  async writeMeta(next: IncidentMeta, expectedVersion: number): Promise<boolean> {
    // Fields a merge left undefined (an item from before they existed) are not written: not an error, not a removal.
    const fields: string[] = [...INGEST_FIELDS, ...(expectedVersion === 0 ? CREATE_FIELDS : [])].filter(
      (f) => next[f as keyof IncidentMeta] !== undefined,
    );
    // Ingest writes the status only when it decides it: a new incident, a suppression, a verdict broken through.
    if (expectedVersion === 0 || next.status === 'suppressed' || next.breakthrough !== undefined) fields.push('status');
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = fields.map((f, i) => {
      names[`#f${i}`] = f;
      values[`:v${i}`] = next[f as keyof IncidentMeta];
      return `#f${i} = :v${i}`;
    });
    const create = expectedVersion === 0;
    if (!create) {
      names['#version'] = 'version';
      values[':expected'] = expectedVersion;
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: KEYS.incidentMeta(next.incidentId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          // Optimistic versioning: the write lands only on the version it was merged from.
          ConditionExpression: create ? 'attribute_not_exists(pk)' : '#version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw asStoreError(err);
    }
  }

  async addDuplicates(incidentId: string, n: number, messageId: string): Promise<'applied' | 'already' | 'missing'> {
    const token = duplicatesToken(messageId);
    try {
      // Bumps the version too: a concurrent versioned write then re-reads instead of overwriting this count. The
      // message is recorded with it, so a redelivery of the message counts nothing again.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: KEYS.incidentMeta(incidentId),
          UpdateExpression: 'ADD duplicates :n, version :one SET appliedMessages = list_append(appliedMessages, :ms)',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(appliedMessages, :m)',
          ExpressionAttributeValues: { ':n': n, ':one': 1, ':ms': [token], ':m': token },
        }),
      );
      return 'applied';
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw asStoreError(err);
      const cur = (await this.getMetas([incidentId])).get(incidentId);
      // The condition may have failed on a META that a concurrent writer created since: then try again.
      if (cur === undefined) return 'missing';
      return cur.appliedMessages.includes(token) ? 'already' : this.addDuplicates(incidentId, n, messageId);
    }
  }

  async putAlerts(byIncident: Map<string, EnrichedAlert[]>): Promise<UnstoredAlert[]> {
    const items = [...byIncident].flatMap(([incidentId, alerts]) =>
      alerts.map((a) => ({
        ...KEYS.alertItem(incidentId, a.eventTime, a.alertId),
        alertId: a.alertId,
        data: serializeAlert(a),
        expiresAt: expiresAt(a.receivedTime, RETENTION_DAYS.alert),
      })),
    );
    // Bounded by construction (see serializeAlert); checked anyway, so no item can fail the write of 24 others.
    const unstored: UnstoredAlert[] = [];
    const fitting = items.filter((i) => {
      const size = itemBytes(i);
      if (size <= MAX_ITEM_BYTES) return true;
      unstored.push({ alertId: i.alertId, reason: `alert item of ${size} bytes exceeds DynamoDB's ${MAX_ITEM_BYTES}` });
      return false;
    });
    try {
      await batchPut(this.doc, this.table, fitting);
    } catch (err) {
      if (!(err instanceof PermanentError)) throw err;
      // One item made DynamoDB refuse its whole chunk: write them one by one, and report the ones it refuses.
      for (const item of fitting) {
        try {
          await storeCall(this.doc.send(new PutCommand({ TableName: this.table, Item: item })));
        } catch (e) {
          if (!(e instanceof PermanentError)) throw e;
          unstored.push({ alertId: item.alertId, reason: e.message });
        }
      }
    }
    return unstored;
  }

  async putRejections(
    rejections: Rejection[],
    bodyOf: (source: string) => string | undefined = () => undefined,
  ): Promise<void> {
    const items = rejections.map((r) => {
      const id = createHash('sha256')
        .update(`${r.source}\u0000${r.position}\u0000${r.excerpt}`)
        .digest('hex')
        .slice(0, 16);
      const body = bodyOf(r.source);
      return {
        ...KEYS.rejection(r.time.slice(0, 10), r.time, id),
        ...r,
        // An excerpt cut inside a surrogate pair, or a source's own text, must not make the item one DynamoDB refuses.
        source: wellFormed(r.source),
        position: wellFormed(r.position),
        reason: wellFormed(r.reason),
        excerpt: wellFormed(r.excerpt),
        ...(body !== undefined && Buffer.byteLength(body) <= MAX_REJECTED_BODY_BYTES ? { body } : {}),
        expiresAt: expiresAt(r.time, RETENTION_DAYS.rejection),
      };
    });
    try {
      await batchPut(this.doc, this.table, items);
    } catch (err) {
      if (!(err instanceof PermanentError)) throw err;
      // A rejection is the last record of what went wrong: one refused item must not cost the others, and a refused
      // one is kept without its body and excerpt rather than lost.
      for (const item of items) {
        try {
          await storeCall(this.doc.send(new PutCommand({ TableName: this.table, Item: item })));
        } catch (e) {
          if (!(e instanceof PermanentError)) throw e;
          const { body: _body, excerpt: _excerpt, ...bare } = item;
          await storeCall(
            this.doc.send(
              new PutCommand({ TableName: this.table, Item: { ...bare, excerpt: '', storeError: e.message } }),
            ),
          ).catch((again: unknown) => {
            if (!(again instanceof PermanentError)) throw again;
          });
        }
      }
    }
  }
}

/**
 * JSON text within `MAX_ALERT_ITEM_BYTES` whatever the alert holds: the raw record is cut first, then (flagged
 * `stored-truncated`) every long field and list, so a 420,000-character command line or thousands of indicators
 * cannot make an item DynamoDB refuses.
 */
export function serializeAlert(a: EnrichedAlert): string {
  return fitJson(a, MAX_ALERT_ITEM_BYTES);
}

/** A SEEN item as the claim it records. */
function claimOf(i: Record<string, unknown>): SeenClaim {
  return {
    incidentId: String(i.incidentId),
    messageId: String(i.messageId),
    ...(typeof i.fingerprint === 'string' ? { fingerprint: i.fingerprint } : {}),
  };
}
