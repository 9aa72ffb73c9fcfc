import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IncidentMeta } from '../../core/correlate/incident-meta';
import type { EnrichedAlert } from '../../core/model/enrichment';
import type { IncidentView } from '../../core/model/incident';
import { toView } from '../../core/model/incident-view';
import type { ClaimResult, TicketState, TicketStore } from '../../core/sync/ports';
import { batchGet } from './batch';
import { KEYS } from './keys';

/** Attributes of the TICKET item ticket-sync writes; `undefined` removes them. */
const SYNC_FIELDS = [
  'ticketKey',
  'previousKeys',
  'claimOwner',
  'claimedAt',
  'syncedVersion',
  'synced',
  'lastCommentAt',
  'pending',
  'lastError',
  'statusCategory',
  'closedAt',
  // The raw-events attachment (ticket-sync, core/sync/attach-events.ts).
  'attachmentDue',
  'attachment',
] as const satisfies readonly (keyof TicketState)[];

export class DynamoTicketStore implements TicketStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async loadMeta(incidentId: string): Promise<IncidentMeta | undefined> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: KEYS.incidentMeta(incidentId), ConsistentRead: true }),
    );
    return r.Item as IncidentMeta | undefined;
  }

  async loadView(incidentId: string, maxAlerts: number): Promise<IncidentView | undefined> {
    const meta = await this.loadMeta(incidentId);
    if (meta === undefined) return undefined;
    // The key alerts first (the one that set the severity, each that brought a technique, a network or hash
    // indicator or a process): decoys before and after an attack must not push it out of the sample.
    const key = await this.keyAlerts(incidentId, meta, Math.floor(maxAlerts / 2));
    // Then the first alerts, which tell how it started, and the latest, what it is doing now.
    const half = Math.max(1, Math.floor((maxAlerts - key.length) / 2));
    const first = await this.queryAlerts(incidentId, true, half);
    const last = first.length < half ? [] : await this.queryAlerts(incidentId, false, half);
    const byId = new Map([...key, ...first, ...last].map((a) => [a.alertId, a] as const));
    const ticket = await this.loadTicket(incidentId);
    return toView({ ...meta, ...(ticket?.ticketKey !== undefined ? { ticketKey: ticket.ticketKey } : {}) }, [
      ...byId.values(),
    ]);
  }

  private async keyAlerts(incidentId: string, meta: IncidentMeta, max: number): Promise<EnrichedAlert[]> {
    const keys = (meta.keyAlerts ?? []).slice(0, max).map((k) => {
      const cut = k.ref.indexOf('#');
      return KEYS.alertItem(incidentId, k.ref.slice(0, cut), k.ref.slice(cut + 1));
    });
    if (keys.length === 0) return [];
    const items = await batchGet(this.doc, this.table, keys);
    return items.map((i) => JSON.parse(String(i.data)) as EnrichedAlert);
  }

  private async queryAlerts(incidentId: string, forward: boolean, limit: number): Promise<EnrichedAlert[]> {
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :alert)',
        ExpressionAttributeValues: { ':pk': KEYS.incidentMeta(incidentId).pk, ':alert': KEYS.alertPrefix },
        ScanIndexForward: forward,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (r.Items ?? []).map((i) => JSON.parse(String(i.data)) as EnrichedAlert);
  }

  async loadTicket(incidentId: string): Promise<TicketState | undefined> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: KEYS.incidentTicket(incidentId), ConsistentRead: true }),
    );
    if (r.Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...state } = r.Item;
    return { previousKeys: [], syncedVersion: 0, ...state, incidentId } as TicketState;
  }

  async claimCreate(incidentId: string, owner: string, now: string, staleBefore: string): Promise<ClaimResult> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: KEYS.incidentTicket(incidentId),
          UpdateExpression: 'SET claimOwner = :owner, claimedAt = :now, incidentId = :id',
          // No ticket recorded, and no claim, or only a claim old enough to be presumed dead.
          ConditionExpression:
            'attribute_not_exists(ticketKey) AND (attribute_not_exists(claimedAt) OR claimedAt < :stale)',
          ExpressionAttributeValues: { ':owner': owner, ':now': now, ':stale': staleBefore, ':id': incidentId },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { claimed: true, recovering: r.Attributes?.claimedAt !== undefined };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return {
        claimed: false,
        state: (await this.loadTicket(incidentId)) ?? { incidentId, previousKeys: [], syncedVersion: 0 },
      };
    }
  }

  async saveTicket(state: TicketState): Promise<void> {
    const sets: string[] = ['incidentId = :incidentId'];
    const removes: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':incidentId': state.incidentId };
    SYNC_FIELDS.forEach((f, i) => {
      names[`#f${i}`] = f;
      if (state[f] === undefined) removes.push(`#f${i}`);
      else {
        sets.push(`#f${i} = :v${i}`);
        values[`:v${i}`] = state[f];
      }
    });
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: KEYS.incidentTicket(state.incidentId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
