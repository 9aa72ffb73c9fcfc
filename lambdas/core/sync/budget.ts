import { RetryableError } from '../errors';

/**
 * The cap on tickets created per hour (control.ts): a create reserves a slot in the current UTC hour first, and a
 * create Jira proved it did not make gives its slot back. Implemented with a conditional counter in DynamoDB
 * (lambdas/adapters/dynamodb/budget-store.ts), shared by every concurrent invocation.
 */
export interface TicketBudget {
  reserve(nowMs: number): Promise<BudgetDecision>;
  /** Gives back a slot reserved at `nowMs` (the create was refused or proved not applied). */
  release(nowMs: number): Promise<void>;
}

export type BudgetDecision = { granted: true } | { granted: false; limit: number; retryAfterMs: number };

/** The hour a time falls in, as the budget counts it: `2024-02-15T21` (UTC). */
export function budgetHour(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 13);
}

/** Milliseconds until the next UTC hour begins (at least one second, so a deferral is never zero). */
export function msUntilNextHour(nowMs: number): number {
  const hour = 3_600_000;
  return Math.max(1_000, hour - (nowMs % hour) + 1_000);
}

/** The hour's ticket budget is spent: the create waits for the next hour (and the cap alarm fires). */
export class TicketCapReachedError extends RetryableError {
  constructor(
    readonly limit: number,
    incidentId: string,
    retryAfterMs: number,
  ) {
    super(
      `ticket cap reached: ${limit} ticket(s) already created this hour; incident ${incidentId} waits for the next hour`,
      { incidentId, limit },
      { retryAfterMs },
    );
  }
}
