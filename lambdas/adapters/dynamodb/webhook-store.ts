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

  async recordStatus(e: TicketEvent): Promise<void> {
    const done = e.statusCategory === 'done';
    await this.doc
      .send(
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
        }),
      )
      .catch((err: unknown) => {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      });
  }

  async suppress(incidentId: string, until: string): Promise<void> {
    const meta = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: KEYS.incidentMeta(incidentId), ConsistentRead: true }),
    );
    if (meta.Item === undefined) return;
    const groupKey = String(meta.Item.groupKey);
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...KEYS.suppression(groupKey), until, incidentId, expiresAt: Math.floor(Date.parse(until) / 1000) },
      }),
    );
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: KEYS.incidentMeta(incidentId),
        UpdateExpression: 'SET #status = :s, suppressedUntil = :until',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':s': 'suppressed', ':until': until },
      }),
    );
  }
}
