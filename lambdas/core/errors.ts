/**
 * Errors by what the caller should do. Handlers translate them: a RetryableError returns the record to the
 * queue (batch item failure), a PermanentError is recorded and not retried.
 */
export class PipelineError extends Error {
  constructor(
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Transient: throttling, timeouts, 5xx. SQS redelivers. `retryAfterMs` is the wait the far side asked for. */
export class RetryableError extends PipelineError {
  retryAfterMs?: number;
  /**
   * The far side may have carried the request out before it failed (a timeout, a 500, a reset connection): a create
   * or a comment must then be reconciled (looked up) before it is sent again, never repeated blindly. False when
   * the failure proves nothing was done (429, 503, connection refused) or there was no request at all.
   */
  readonly mayHaveBeenApplied: boolean;
  constructor(
    message: string,
    context: Record<string, unknown> = {},
    options?: { cause?: unknown; retryAfterMs?: number; mayHaveBeenApplied?: boolean },
  ) {
    super(message, context, options);
    this.retryAfterMs = options?.retryAfterMs;
    this.mayHaveBeenApplied = options?.mayHaveBeenApplied ?? false;
  }
}

/** Will fail the same way on every retry: bad field, unknown priority, invalid input. Record it; do not retry. */
export class PermanentError extends PipelineError {}

/** Configuration missing or invalid: fail at cold start with a message that says what to fix. */
export class ConfigError extends PipelineError {}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
