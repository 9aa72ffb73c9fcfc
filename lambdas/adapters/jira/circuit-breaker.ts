/**
 * A circuit breaker for Jira, per Lambda container. After `threshold` consecutive calls that got no usable answer
 * (5xx, timeout, network failure) it opens: no call is sent for `cooldownMs`, and every hand-off goes straight back
 * to the queue with its growing wait, instead of each one spending retries and timeouts on a site that is down.
 * After the cooldown one call is let through (half-open): an answer closes the breaker, another failure opens it
 * again for twice as long (up to `maxCooldownMs`). Any answer from Jira, even a 4xx or a 429, proves it is up.
 */

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker (default 5). */
  threshold?: number;
  /** First open period (default 30 s), doubled on each failed probe up to `maxCooldownMs` (default 10 min). */
  cooldownMs?: number;
  maxCooldownMs?: number;
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private readonly threshold: number;
  private readonly baseCooldownMs: number;
  private readonly maxCooldownMs: number;
  private readonly now: () => number;
  private failures = 0;
  private openUntil: number | undefined;
  private cooldownMs: number;
  private probing = false;
  private lastFailure = '';
  /** Times the breaker opened, for the metric. */
  opened = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = Math.max(1, options.threshold ?? 5);
    this.baseCooldownMs = options.cooldownMs ?? 30_000;
    this.maxCooldownMs = options.maxCooldownMs ?? 600_000;
    this.cooldownMs = this.baseCooldownMs;
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.openUntil === undefined) return 'closed';
    return this.now() < this.openUntil ? 'open' : 'half-open';
  }

  /**
   * Whether a call may be sent now. While open: no. Half-open: the first caller gets the probe, the others wait for
   * its answer (they are refused like an open breaker's).
   */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  /** Why calls are refused now, for the error a refused caller throws. */
  refusal(): string {
    const until = this.openUntil === undefined ? '' : ` until ${new Date(this.openUntil).toISOString()}`;
    return `Jira unavailable: ${this.failures} call(s) in a row failed (last: ${this.lastFailure || 'unknown'}); no call is sent${until}`;
  }

  /** Jira answered (any status but a 5xx). */
  success(): void {
    this.failures = 0;
    this.openUntil = undefined;
    this.cooldownMs = this.baseCooldownMs;
    this.probing = false;
  }

  /** A call got no usable answer (5xx, timeout, network). */
  failure(what: string): void {
    this.failures += 1;
    this.lastFailure = what;
    if (this.probing) {
      // The probe failed: open again, for longer.
      this.probing = false;
      this.cooldownMs = Math.min(this.maxCooldownMs, this.cooldownMs * 2);
      this.open();
    } else if (this.openUntil === undefined && this.failures >= this.threshold) {
      this.open();
    }
  }

  private open(): void {
    this.openUntil = this.now() + this.cooldownMs;
    this.opened += 1;
  }
}
