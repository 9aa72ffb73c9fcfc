import { isApiError, isNetworkError, isRateLimitError } from 'jira.js';
import { PermanentError, RetryableError } from '../../core/errors';
import type { PipelineError } from '../../core/errors';

/**
 * The one place where a failed Jira call becomes a pipeline error. Everything jira.js can throw is sorted by what the
 * caller should do about it; call-policy.ts retries what is worth retrying, and this file names the outcome.
 */

/** A call that got no answer within the per-call timeout. */
export class JiraTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer from Jira within ${timeoutMs} ms`);
    this.name = 'JiraTimeoutError';
  }
}

/**
 * Jira refused the credentials (401) or the account's permissions (403): a configuration problem, not the data's.
 * Retryable on purpose: the hand-off stays on the queue (with a growing wait) and the alarm fires, so ticketing
 * resumes by itself once the token or the permission is fixed, instead of each incident recording a failure a
 * re-drive could not undo. Nothing was done by the refused request.
 */
export class JiraAuthError extends RetryableError {
  constructor(
    message: string,
    readonly status: 401 | 403,
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, { ...context, status }, { ...options, mayHaveBeenApplied: false });
  }
}

/**
 * Jira has been unavailable (5xx, timeouts, network) for several calls in a row: the circuit breaker
 * (circuit-breaker.ts) stops calling it for a while. Nothing was sent.
 */
export class JiraCircuitOpenError extends RetryableError {
  constructor(message: string) {
    super(message, { circuit: 'open' }, { mayHaveBeenApplied: false });
  }
}

/** Too little of the invocation is left for another Jira call: it is not started (the hand-off comes back). */
export class JiraOutOfTimeError extends RetryableError {
  constructor(operation: string, remainingMs: number) {
    super(
      `not calling Jira (${operation}) with ${remainingMs} ms of the invocation left`,
      { operation },
      {
        mayHaveBeenApplied: false,
        retryAfterMs: 1_000,
      },
    );
  }
}

export type Failure =
  /** 429: Jira asked us to wait `retryAfterMs` (from `Retry-After`, when it said). */
  | { kind: 'rate-limited'; status: 429; retryAfterMs?: number }
  /**
   * 5xx, timeout or network failure. `processed: 'no'` when the request surely had no effect (503, connection
   * refused), `'unknown'` when it may have been applied (500, 502, 504, timeout, reset): a create or comment then must
   * not be sent again blindly.
   */
  | { kind: 'unavailable'; status?: number; processed: 'no' | 'unknown' }
  | { kind: 'auth'; status: 401 | 403; detail: string }
  /** 400, 404, 409, 413, 422…: the same request will fail the same way. */
  | { kind: 'rejected'; status: number; detail: string }
  /** Anything else (a response that did not match the schema, a bug): not Jira's answer to retry. */
  | { kind: 'unexpected' };

export function classify(err: unknown): Failure {
  if (err instanceof JiraTimeoutError) return { kind: 'unavailable', processed: 'unknown' };
  if (isRateLimitError(err)) return { kind: 'rate-limited', status: 429, retryAfterMs: err.retryAfterMs };
  if (isApiError(err)) {
    const status = err.status;
    if (status === 401 || status === 403) return { kind: 'auth', status, detail: jiraDetail(err.body) };
    if (status === 429) return { kind: 'rate-limited', status: 429 };
    if (status >= 500) return { kind: 'unavailable', status, processed: status === 503 ? 'no' : 'unknown' };
    return { kind: 'rejected', status, detail: jiraDetail(err.body) };
  }
  if (isNetworkError(err)) {
    const code = err.code ?? causeCode(err);
    return { kind: 'unavailable', processed: code === 'ECONNREFUSED' ? 'no' : 'unknown' };
  }
  return { kind: 'unexpected' };
}

/**
 * The system error code (`ECONNREFUSED`…) down the `cause` chain. jira.js looks for it with `instanceof Error`, which
 * misses errors from another realm (fetch's errors inside jest's sandbox); duck typing finds it everywhere.
 */
function causeCode(err: unknown): string | undefined {
  let cursor: unknown = err;
  for (let depth = 0; depth < 5 && typeof cursor === 'object' && cursor !== null; depth += 1) {
    const { code, cause } = cursor as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    cursor = cause;
  }
  return undefined;
}

const MAX_DETAIL = 600;

/** Jira's `{errorMessages, errors}` as one line: `message; field: message; …` (the raw text when it is not that shape). */
export function jiraDetail(body: unknown): string {
  const parts: string[] = [];
  if (typeof body === 'object' && body !== null) {
    const { errorMessages, errors } = body as { errorMessages?: unknown; errors?: unknown };
    if (Array.isArray(errorMessages)) parts.push(...errorMessages.map(String));
    if (typeof errors === 'object' && errors !== null) {
      for (const [field, message] of Object.entries(errors)) parts.push(`${field}: ${String(message)}`);
    }
  } else if (typeof body === 'string') {
    parts.push(body);
  }
  const line = parts.join('; ').replace(/\s+/g, ' ').trim();
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}…` : line || 'no details in the response';
}

/** The pipeline error for a failure that will not be retried in this call. */
export function toPipelineError(
  failure: Failure,
  operation: string,
  cause: unknown,
  retryAfterMs?: number,
): PipelineError {
  const context: Record<string, unknown> = { operation };
  switch (failure.kind) {
    case 'rate-limited':
      return new RetryableError(
        `Jira rate-limited ${operation}: retry after ${retryAfterMs ?? 'an unstated'} ms`,
        { ...context, status: 429 },
        { cause, retryAfterMs },
      );
    case 'unavailable': {
      const what = failure.status === undefined ? errorName(cause) : `HTTP ${failure.status}`;
      // Only this adapter can tell a 503 (nothing done) from a 500 or a timeout (perhaps done): say so by type.
      const mayHaveBeenApplied = failure.processed === 'unknown';
      return new RetryableError(
        `Jira unavailable for ${operation} (${what})${mayHaveBeenApplied ? '; the request may or may not have been applied' : ''}`,
        { ...context, status: failure.status },
        { cause, mayHaveBeenApplied },
      );
    }
    case 'auth':
      return new JiraAuthError(
        failure.status === 401
          ? `Jira refused the credentials (401) for ${operation}: the API token or email in the Jira secret was not accepted`
          : `Jira refused ${operation} (403): the integration account lacks a permission in this project (${failure.detail})`,
        failure.status,
        context,
        { cause },
      );
    case 'rejected':
      return new PermanentError(
        `Jira rejected ${operation} (${failure.status}): ${failure.detail}`,
        { ...context, status: failure.status },
        { cause },
      );
    case 'unexpected':
      return new PermanentError(`Jira call ${operation} failed: ${errorName(cause)}`, context, { cause });
  }
}

function errorName(err: unknown): string {
  if (err instanceof JiraTimeoutError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message.split('\n')[0]}`;
  return String(err);
}
