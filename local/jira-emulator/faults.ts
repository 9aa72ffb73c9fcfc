/**
 * Faults on demand, applied to REST requests before they reach any handler (so a faulted request changes nothing, as
 * a request Jira throttles or fails at its edge): a status for the next N matching requests, a delay on every request,
 * and requests that never get an answer (to exercise client timeouts).
 */

/** 401/403: the credentials or a permission refused (an expired token, a revoked grant), as Jira answers them. */
export type FaultStatus = 401 | 403 | 429 | 500 | 502 | 503 | 504;

export interface FaultRule {
  status: FaultStatus;
  /** How many matching requests get it. */
  count: number;
  /** 429 only: the `Retry-After` header, in seconds (default 1). */
  retryAfterSeconds?: number;
  /** Only requests with this method and/or whose path starts with this prefix. */
  match?: { method?: string; pathPrefix?: string };
}

export interface FaultControl {
  /** Answers the next `count` matching requests with `status` (rules apply in the order injected). */
  inject(rule: FaultRule): void;
  /** Delays every REST request by `ms` (0 to stop). */
  latency(ms: number): void;
  /** Leaves the next `count` REST requests unanswered until the client gives up or the emulator closes. */
  hang(count: number): void;
  /** Removes every rule, the latency and pending hangs. */
  clear(): void;
}

export type FaultDecision =
  { kind: 'none' } | { kind: 'hang' } | { kind: 'status'; status: FaultStatus; retryAfterSeconds: number };

/** The fault rules of one emulator; the server asks `take()` once per REST request. */
export class Faults implements FaultControl {
  private rules: { rule: FaultRule; left: number }[] = [];
  private delayMs = 0;
  private hangs = 0;

  inject(rule: FaultRule): void {
    if (!Number.isInteger(rule.count) || rule.count < 1) throw new Error('fault count must be a positive integer');
    this.rules.push({ rule, left: rule.count });
  }

  latency(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  hang(count: number): void {
    this.hangs += Math.max(0, count);
  }

  clear(): void {
    this.rules = [];
    this.delayMs = 0;
    this.hangs = 0;
  }

  get latencyMs(): number {
    return this.delayMs;
  }

  /** Consumes and returns the fault for this request, if any. */
  take(method: string, path: string): FaultDecision {
    if (this.hangs > 0) {
      this.hangs -= 1;
      return { kind: 'hang' };
    }
    const entry = this.rules.find(({ rule }) => applies(rule, method, path));
    if (entry === undefined) return { kind: 'none' };
    entry.left -= 1;
    if (entry.left === 0) this.rules = this.rules.filter((r) => r !== entry);
    return { kind: 'status', status: entry.rule.status, retryAfterSeconds: entry.rule.retryAfterSeconds ?? 1 };
  }
}

function applies(rule: FaultRule, method: string, path: string): boolean {
  const m = rule.match;
  if (m?.method !== undefined && m.method.toUpperCase() !== method) return false;
  if (m?.pathPrefix !== undefined && !path.startsWith(m.pathPrefix)) return false;
  return true;
}

/** Jira-like answers for each fault status. */
export function faultResponse(
  status: FaultStatus,
  retryAfterSeconds: number,
): { headers: Record<string, string>; body: string; contentType: string } {
  switch (status) {
    case 401:
      return {
        contentType: 'application/json;charset=UTF-8',
        headers: { 'WWW-Authenticate': 'Basic realm="protected-area"' },
        body: JSON.stringify({ errorMessages: ['Client must be authenticated to access this resource.'], errors: {} }),
      };
    case 403:
      return {
        contentType: 'application/json;charset=UTF-8',
        headers: {},
        body: JSON.stringify({
          errorMessages: ['You do not have permission to perform this operation.'],
          errors: {},
        }),
      };
    case 429:
      return {
        contentType: 'application/json;charset=UTF-8',
        headers: {
          'Retry-After': String(retryAfterSeconds),
          'RateLimit-Reason': 'jira-burst-based',
          'X-RateLimit-Limit': '100',
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-NearLimit': 'true',
        },
        body: JSON.stringify({ errorMessages: ['Rate limit exceeded.'], errors: {} }),
      };
    case 500:
      return {
        contentType: 'application/json;charset=UTF-8',
        headers: {},
        body: JSON.stringify({ errorMessages: ['Internal server error'], errors: {} }),
      };
    case 503:
      return {
        contentType: 'application/json;charset=UTF-8',
        headers: {},
        body: JSON.stringify({
          errorMessages: ['Service Unavailable: the service is temporarily unable to handle the request.'],
          errors: {},
        }),
      };
    case 502:
    case 504:
      // Gateways in front of Jira answer with their own HTML page, not Jira's JSON.
      return {
        contentType: 'text/html;charset=UTF-8',
        headers: {},
        body: `<html><head><title>${status}</title></head><body><h1>${status === 502 ? 'Bad Gateway' : 'Gateway Timeout'}</h1></body></html>`,
      };
  }
}
