import type { PipelineError } from '../../core/errors';
import type { CircuitBreaker } from './circuit-breaker';
import { JiraCircuitOpenError, JiraOutOfTimeError, JiraTimeoutError, classify, toPipelineError } from './errors';

/**
 * How every Jira call is made: a per-call timeout, bounded retries with full-jitter exponential backoff, short waits
 * for 429 done in the call and long ones handed back to the queue, and counters for the benchmark.
 *
 * What may be retried depends on the call. Reads and idempotent writes (an edit that adds labels and sets a priority,
 * a link Jira keeps once per pair) are retried on any 5xx, timeout or network failure. A create, a comment or a
 * transition is retried only when the failure proves it had no effect (429, 503, connection refused): after a
 * timeout or a 500 the issue may exist already, and sending the create again is how duplicate tickets are made.
 * That case surfaces as a RetryableError with `mayHaveBeenApplied` set, for the caller to reconcile first.
 *
 * Before each request two checks can refuse to send it: the circuit breaker (Jira down for several calls in a row)
 * and the invocation's remaining time (a call that could outlive the Lambda is not started). Mid-call, either one
 * ends the retries with the last real failure.
 */

export type CallKind = 'read' | 'idempotent-write' | 'write';

export interface CallPolicyOptions {
  /** Per-call timeout (default 10 s). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 3): at most `maxRetries + 1` requests per call. */
  maxRetries?: number;
  /** The longest 429 `Retry-After` waited inside a call (default 2 s); longer ones become a RetryableError. */
  maxInCallWaitMs?: number;
  /** Backoff: attempt n waits `random() * min(maxDelayMs, baseDelayMs * 2^n)` (defaults 250 ms and 4 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Also retry creates and comments after an ambiguous failure (default false; see above). */
  retryAmbiguousWrites?: boolean;
  /** Shared across the gateways of one container: calls stop while Jira is down (circuit-breaker.ts). */
  breaker?: CircuitBreaker;
  /** Milliseconds left in the invocation (Lambda's `getRemainingTimeInMillis`); undefined: no limit. */
  remainingMs?: () => number | undefined;
  /** Time kept beyond a call's timeout before the invocation ends (default 2 s). */
  timeMarginMs?: number;
}

/** What the gateway has sent, for "Jira calls per incident". */
export interface GatewayStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Requests that were retries. */
  retries: number;
  /** 429 answers received. */
  rateLimited: number;
  /** Calls that got no answer within the timeout. */
  timeouts: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class CallPolicy {
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxInCallWaitMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly retryAmbiguousWrites: boolean;
  private readonly breaker: CircuitBreaker | undefined;
  private readonly remainingMs: (() => number | undefined) | undefined;
  private readonly timeMarginMs: number;
  private readonly counters: GatewayStats = { requests: 0, retries: 0, rateLimited: 0, timeouts: 0 };

  constructor(options: CallPolicyOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRetries = Math.max(0, options.maxRetries ?? 3);
    this.maxInCallWaitMs = options.maxInCallWaitMs ?? 2_000;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 4_000;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.retryAmbiguousWrites = options.retryAmbiguousWrites ?? false;
    this.breaker = options.breaker;
    this.remainingMs = options.remainingMs;
    this.timeMarginMs = options.timeMarginMs ?? 2_000;
  }

  stats(): GatewayStats {
    return { ...this.counters };
  }

  /** Runs `call` under the policy; throws a RetryableError or PermanentError (errors.ts) when it gives up. */
  async run<T>(operation: string, kind: CallKind, call: () => Promise<T>): Promise<T> {
    let previous: PipelineError | undefined;
    for (let attempt = 0; ; attempt += 1) {
      const refused = this.refusal(operation);
      if (refused !== undefined) throw previous ?? refused;
      this.counters.requests += 1;
      try {
        const result = await this.withTimeout(call());
        this.breaker?.success();
        return result;
      } catch (err) {
        const failure = classify(err);
        if (err instanceof JiraTimeoutError) this.counters.timeouts += 1;
        // Only a missing answer counts against Jira; any answer (a 4xx, a 429) proves it is up.
        if (failure.kind === 'unavailable') this.breaker?.failure(failureName(err, failure.status));
        else this.breaker?.success();
        const retriesLeft = attempt < this.maxRetries;
        if (failure.kind === 'rate-limited') {
          this.counters.rateLimited += 1;
          const wait = failure.retryAfterMs ?? this.backoff(attempt);
          if (retriesLeft && wait <= this.maxInCallWaitMs) {
            previous = toPipelineError(failure, operation, err, wait);
            await this.retryAfter(wait);
            continue;
          }
          throw toPipelineError(failure, operation, err, wait);
        }
        if (failure.kind === 'unavailable') {
          const safe = kind !== 'write' || failure.processed === 'no' || this.retryAmbiguousWrites;
          if (retriesLeft && safe) {
            previous = toPipelineError(failure, operation, err);
            await this.retryAfter(this.backoff(attempt));
            continue;
          }
        }
        throw toPipelineError(failure, operation, err);
      }
    }
  }

  /** Why a request must not be sent now (breaker open, too little time left), or undefined. */
  private refusal(operation: string): PipelineError | undefined {
    const remaining = this.remainingMs?.();
    if (remaining !== undefined && remaining < this.timeoutMs + this.timeMarginMs) {
      return new JiraOutOfTimeError(operation, remaining);
    }
    if (this.breaker !== undefined && !this.breaker.allow()) return new JiraCircuitOpenError(this.breaker.refusal());
    return undefined;
  }

  private async retryAfter(ms: number): Promise<void> {
    this.counters.retries += 1;
    await this.sleep(ms);
  }

  /** Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): spreads retries of many callers apart. */
  private backoff(attempt: number): number {
    return Math.floor(this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt));
  }

  /**
   * jira.js 6.2 passes no AbortSignal to fetch, so the timeout is a race: the caller stops waiting, and the abandoned
   * request ends when the server answers or drops the connection (its rejection is swallowed here).
   */
  private withTimeout<T>(pending: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new JiraTimeoutError(this.timeoutMs)), this.timeoutMs);
    });
    pending.catch(() => undefined);
    return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
  }
}

function failureName(err: unknown, status: number | undefined): string {
  if (status !== undefined) return `HTTP ${status}`;
  if (err instanceof JiraTimeoutError) return 'timeout';
  return err instanceof Error ? err.name : 'network failure';
}
