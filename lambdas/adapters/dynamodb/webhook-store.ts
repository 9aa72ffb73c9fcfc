import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TicketEvent } from '../../core/webhook/event';
import type { WebhookStore } from '../../core/webhook/handle-webhook';
import { KEYS, RETENTION_DAYS, expiresAt } from './keys';

export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async markDelivery(deliveryId: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...KEYS.webhook(deliveryId), at, expiresAt: expiresAt(at, RETENTION_DAYS.webhook) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async ticketKeyOf(incidentId: string): Promise<string | undefined> {
    const r = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: KEYS.incidentTicket(incidentId), ConsistentRead: true }),
    );
    return typeof r.Item?.ticketKey === 'string' ? r.Item.ticketKey : undefined;
  }

  async recordStatus(e: TicketEvent): Promise<boolean> {
    const done = e.statusCategory === 'done';
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: KEYS.incidentTicket(e.incidentId),
          // Only this webhook's own facts; ticket-sync's fields are left alone. An older event never overwrites a newer.
          UpdateExpression: `SET incidentId = :id, ticketStatus = :status, statusCategory = :cat, statusAt = :at${done ? ', closedAt = :at' : ''}${e.resolution !== undefined ? ', resolution = :res' : ''}`,
          ConditionExpression: 'attribute_not_exists(statusAt) OR statusAt <= :at',
          ExpressionAttributeValues: {
            ':id': e.incidentId,
            ':status': e.status ?? 'unknown',
            ':cat': e.statusCategory ?? 'unknown',
            ':at': e.time,
            ...(e.resolution !== undefined ? { ':res': e.resolution } : {}),
          },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      // Recorded; news only when strictly newer than what was there (the same time again is a repeat).
      const before = r.Attributes?.statusAt;
      return typeof before !== 'string' || before < e.time;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async suppress(incidentId: string, until: string): Promise<void> {
    const meta = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: KEYS.incidentMeta(incidentId), ConsistentRead: true }),
    );
    if (meta.Item === undefined) return;
    const groupKey = String(meta.Item.groupKey);
    // What the analyst judged, kept with the verdict: later alerts that go beyond it break through (ingest).
    const severity = typeof meta.Item.severity === 'number' ? meta.Item.severity : undefined;
    const techniques = Array.isArray(meta.Item.techniques) ? meta.Item.techniques.map(String).slice(0, 50) : [];
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...KEYS.suppression(groupKey),
          until,
          incidentId,
          ...(severity !== undefined ? { judgedSeverity: severity, judgedTechniques: techniques } : {}),
          expiresAt: Math.floor(Date.parse(until) / 1000),
        },
      }),
    );
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: KEYS.incidentMeta(incidentId),
        // A new verdict replaces any earlier break-through; the version moves, so an ingest merge read before this
        // write retries on it instead of writing the incident back open.
        UpdateExpression: 'SET #status = :s, suppressedUntil = :until REMOVE breakthrough ADD version :one',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':s': 'suppressed', ':until': until, ':one': 1 },
      }),
    );
  }
}
