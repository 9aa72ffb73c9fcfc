import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import type { GroupHead } from '../../core/correlate/correlate';
import type { IncidentMeta } from '../../core/correlate/incident-meta';
import { duplicatesToken } from '../../core/correlate/incident-meta';
import type { IngestStore, SeenClaim } from '../../core/ingest/ports';
import type {
  AssetContext,
  ContextSnapshot,
  EnrichedAlert,
  IndicatorContext,
  UserContext,
} from '../../core/model/enrichment';
import { emptyContext } from '../../core/model/enrichment';
import type { Rejection } from '../../core/model/rejection';
import { batchGet, batchPut } from './batch';
import { KEYS, RETENTION_DAYS, expiresAt } from './keys';

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
] as const satisfies readonly (keyof IncidentMeta)[];

/** Set only when the item is created. */
const CREATE_FIELDS = [
  'incidentId',
  'groupKey',
  'createdAt',
  'syncedVersion',
] as const satisfies readonly (keyof IncidentMeta)[];

/** DynamoDB allows 32 levels of nesting and 400 KB an item: an alert (raw included) is stored as JSON text. */
const MAX_ALERT_ITEM_BYTES = 350 * 1024;
/** A rejected body is kept for re-drive when it fits an item beside its rejection. */
const MAX_REJECTED_BODY_BYTES = 300 * 1024;

export class DynamoIngestStore implements IngestStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async loadContext(keys: { hosts: string[]; users: string[]; indicators: string[] }): Promise<ContextSnapshot> {
    const ctx = emptyContext();
    const items = await batchGet(this.doc, this.table, [
      ...keys.hosts.map(KEYS.asset),
      ...keys.users.map(KEYS.user),
      ...keys.indicators.map(KEYS.indicator),
    ]);
    for (const item of items) {
      const pk = String(item.pk);
      const data = item.data as Record<string, unknown>;
      if (pk.startsWith('ASSET#')) ctx.assets.set(pk.slice(6), data as unknown as AssetContext);
      else if (pk.startsWith('USER#')) ctx.users.set(pk.slice(5), data as unknown as UserContext);
      else if (pk.startsWith('IOC#')) ctx.indicators.set(pk.slice(4), data as unknown as IndicatorContext);
    }
    return ctx;
  }

  async getSeen(alertIds: string[]): Promise<Map<string, SeenClaim>> {
    const items = await batchGet(this.doc, this.table, alertIds.map(KEYS.seen));
    return new Map(
      items.map((i) => [
        String(i.pk).slice('ALERT#'.length),
        { incidentId: String(i.incidentId), messageId: String(i.messageId) },
      ]),
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
            claimedAt: now,
            expiresAt: expiresAt(now, RETENTION_DAYS.seen),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'claimed';
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // The local server returns no item with the failure (STACK.md): read the winner's claim.
      const r = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: KEYS.seen(claim.alertId), ConsistentRead: true }),
      );
      return { incidentId: String(r.Item?.incidentId), messageId: String(r.Item?.messageId) };
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
      throw err;
    }
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: KEYS.alertItem(move.from, move.eventTime, move.alertId) }),
    );
  }

  async getHeads(keys: string[]): Promise<Map<string, GroupHead>> {
    const items = await batchGet(this.doc, this.table, keys.map(KEYS.head));
    return new Map(
      items.map((i) => {
        const key = String(i.pk).slice('GROUP#'.length);
        return [
          key,
          {
            key,
            incidentId: String(i.incidentId),
            lastSeen: String(i.lastSeen),
            incidentCreated: String(i.incidentCreated),
          },
        ];
      }),
    );
  }

  async getSuppressions(groupKeys: string[]): Promise<Map<string, string>> {
    const items = await batchGet(this.doc, this.table, groupKeys.map(KEYS.suppression));
    return new Map(items.map((i) => [String(i.pk).slice('GROUP#'.length), String(i.until)]));
  }

  async putHeads(heads: GroupHead[]): Promise<void> {
    await batchPut(
      this.doc,
      this.table,
      heads.map((h) => ({
        ...KEYS.head(h.key),
        incidentId: h.incidentId,
        lastSeen: h.lastSeen,
        incidentCreated: h.incidentCreated,
        expiresAt: expiresAt(h.lastSeen, RETENTION_DAYS.head),
      })),
    );
  }

  async getMetas(incidentIds: string[]): Promise<Map<string, IncidentMeta>> {
    const items = await batchGet(this.doc, this.table, incidentIds.map(KEYS.incidentMeta));
    return new Map(items.map((i) => [String(i.incidentId), i as unknown as IncidentMeta]));
  }

  async writeMeta(next: IncidentMeta, expectedVersion: number): Promise<boolean> {
    const fields: string[] = [...INGEST_FIELDS, ...(expectedVersion === 0 ? CREATE_FIELDS : [])];
    if (expectedVersion === 0 || next.status === 'suppressed') fields.push('status');
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
      throw err;
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
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const cur = (await this.getMetas([incidentId])).get(incidentId);
      // The condition may have failed on a META that a concurrent writer created since: then try again.
      if (cur === undefined) return 'missing';
      return cur.appliedMessages.includes(token) ? 'already' : this.addDuplicates(incidentId, n, messageId);
    }
  }

  async putAlerts(byIncident: Map<string, EnrichedAlert[]>): Promise<void> {
    const items = [...byIncident].flatMap(([incidentId, alerts]) =>
      alerts.map((a) => ({
        ...KEYS.alertItem(incidentId, a.eventTime, a.alertId),
        alertId: a.alertId,
        data: serializeAlert(a),
        expiresAt: expiresAt(a.receivedTime, RETENTION_DAYS.alert),
      })),
    );
    await batchPut(this.doc, this.table, items);
  }

  async putRejections(
    rejections: Rejection[],
    bodyOf: (source: string) => string | undefined = () => undefined,
  ): Promise<void> {
    await batchPut(
      this.doc,
      this.table,
      rejections.map((r) => {
        const id = createHash('sha256')
          .update(`${r.source}\u0000${r.position}\u0000${r.excerpt}`)
          .digest('hex')
          .slice(0, 16);
        const body = bodyOf(r.source);
        return {
          ...KEYS.rejection(r.time.slice(0, 10), r.time, id),
          ...r,
          ...(body !== undefined && Buffer.byteLength(body) <= MAX_REJECTED_BODY_BYTES ? { body } : {}),
          expiresAt: expiresAt(r.time, RETENTION_DAYS.rejection),
        };
      }),
    );
  }
}

/** JSON text, with the raw record cut further if the item would approach DynamoDB's 400 KB item limit. */
export function serializeAlert(a: EnrichedAlert): string {
  const text = JSON.stringify(a);
  if (Buffer.byteLength(text, 'utf8') <= MAX_ALERT_ITEM_BYTES) return text;
  const rawText = typeof a.raw === 'string' ? a.raw : JSON.stringify(a.raw);
  const budget = Math.max(
    0,
    MAX_ALERT_ITEM_BYTES - (Buffer.byteLength(text, 'utf8') - Buffer.byteLength(rawText, 'utf8')) - 1024,
  );
  return JSON.stringify({ ...a, raw: rawText.slice(0, Math.floor(budget / 4)), rawTruncated: true });
}
