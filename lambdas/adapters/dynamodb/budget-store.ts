import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { budgetHour, msUntilNextHour } from '../../core/sync/budget';
import type { BudgetDecision, TicketBudget } from '../../core/sync/budget';

/** One counter per UTC hour: `BUDGET#2024-02-15T21 / TICKETS`, expiring after two days. */
const budgetKey = (hour: string) => ({ pk: `BUDGET#${hour}`, sk: 'TICKETS' });
const KEEP_SECONDS = 2 * 86_400;

/**
 * The hourly ticket cap, shared by every invocation: a conditional `ADD` grants a slot only while the hour's count
 * is under the limit, so concurrent creates can never exceed it. `limit` is read per call (the cap is a run-time
 * control).
 */
export class DynamoTicketBudget implements TicketBudget {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly limit: () => number,
  ) {}

  async reserve(nowMs: number): Promise<BudgetDecision> {
    const limit = this.limit();
    if (!Number.isFinite(limit)) return { granted: true };
    const refused: BudgetDecision = { granted: false, limit, retryAfterMs: msUntilNextHour(nowMs) };
    if (limit <= 0) return refused;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: budgetKey(budgetHour(nowMs)),
          UpdateExpression: 'ADD created :one SET expiresAt = if_not_exists(expiresAt, :exp)',
          ConditionExpression: 'attribute_not_exists(created) OR created < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':exp': Math.floor(nowMs / 1000) + KEEP_SECONDS },
        }),
      );
      return { granted: true };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return refused;
      throw err;
    }
  }

  async release(nowMs: number): Promise<void> {
    if (!Number.isFinite(this.limit())) return;
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: budgetKey(budgetHour(nowMs)),
          UpdateExpression: 'ADD created :minusOne',
          ConditionExpression: 'created > :zero',
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        }),
      )
      .catch((err: unknown) => {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      });
  }
}
