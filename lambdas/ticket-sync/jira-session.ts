import { createHash } from 'node:crypto';
import { RetryableError } from '../core/errors';
import type { TicketGateway } from '../core/sync/ports';
import type { SyncSettings } from '../core/sync/settings';
import { JiraGateway } from '../adapters/jira/gateway';
import type { GatewayStats, JiraGatewayOptions, SiteExpectations } from '../adapters/jira/gateway';
import { JiraAuthError } from '../adapters/jira/errors';
import type { CircuitBreaker } from '../adapters/jira/circuit-breaker';
import type { JiraCredentials } from '../adapters/secrets';

/**
 * ticket-sync's connection to Jira across invocations: the credentials (re-read every few minutes, and after a 401),
 * the gateway built from them, the cold-start site check, and the circuit breaker shared by every gateway.
 *
 * - An expired or revoked token never loses a ticket: a 401 marks the credentials refused, the hand-off goes back to
 *   the queue, and no further call is sent with them (Atlassian locks accounts that keep failing logins) until the
 *   secret holds different ones, or `refusedHoldMs` has passed. Fixing the secret is enough: the next delivery reads
 *   it, checks the site and carries on.
 * - The site check blocks only on what makes every ticket fail (credentials, project, issue type, priorities); its
 *   other findings are reported once as warnings and ticketing goes on.
 */

/** Where the credentials come from (a {@link CachedSecret} in the Lambda; a test's own source in tests). */
export interface CredentialsSource {
  get(): Promise<JiraCredentials>;
  /** The credentials were refused: read them again soon. */
  invalidate(): void;
}

/** What ticket-sync asks for a gateway each invocation; a fixed gateway (the CLI, the demo) is one too. */
export interface GatewaySource {
  gateway(): Promise<TicketGateway>;
}

/** A gateway that is always ready: the local runtime's emulator or a site the CLI was given. */
export function fixedGateway(gateway: TicketGateway): GatewaySource {
  return { gateway: async () => gateway };
}

/** The site check found something that makes every ticket fail: hand-offs wait (with an alarm) until it is fixed. */
export class JiraSiteNotReadyError extends RetryableError {
  constructor(readonly problems: string[]) {
    super(`Jira site check failed: ${problems.join(' | ')}`, {}, { mayHaveBeenApplied: false });
  }
}

export interface JiraSessionOptions {
  siteUrl: string;
  credentials: CredentialsSource;
  expectations: SiteExpectations;
  /** Timeouts, retries, schema mismatch behaviour, remaining time: passed to every gateway. */
  gateway?: Omit<JiraGatewayOptions, 'baseUrl' | 'email' | 'apiToken' | 'breaker'>;
  breaker?: CircuitBreaker;
  now?: () => number;
  /** The check's non-blocking findings, once per new set of credentials. */
  onWarnings?: (warnings: string[]) => void;
  /** Refused credentials are not tried again before this unless the secret changes (default 15 min). */
  refusedHoldMs?: number;
  /** A site that failed its check is not checked again before this (default 60 s). */
  recheckMs?: number;
}

/** The expectations the cold-start check verifies, from ticket-sync's settings. */
export function siteExpectations(sync: SyncSettings): SiteExpectations {
  return {
    projectKey: sync.projectKey,
    issueTypeName: sync.issueTypeName,
    priorityNames: Object.values(sync.priorityNames),
    transitionNames: [sync.reopenTransition],
    components: sync.components,
    customFieldIds: Object.keys(sync.customFields),
  };
}

export class JiraSession implements GatewaySource {
  private current: { fingerprint: string; gateway: JiraGateway; watched: TicketGateway } | undefined;
  private refused: { fingerprint: string; at: number; reason: string } | undefined;
  private failedCheck: { fingerprint: string; at: number; error: Error } | undefined;
  private readonly retired: GatewayStats = { requests: 0, retries: 0, rateLimited: 0, timeouts: 0 };
  private readonly now: () => number;

  constructor(private readonly o: JiraSessionOptions) {
    this.now = o.now ?? Date.now;
  }

  /**
   * A gateway for this invocation.
   * @throws JiraAuthError (credentials refused), SecretNotSetError (placeholders), ConfigError (a malformed secret),
   * JiraSiteNotReadyError (a blocking site problem), or the RetryableError of a site that is down.
   */
  async gateway(): Promise<TicketGateway> {
    const credentials = await this.o.credentials.get();
    const fingerprint = fingerprintOf(credentials);
    const refused = this.refused;
    if (refused !== undefined && refused.fingerprint === fingerprint) {
      if (this.now() - refused.at < (this.o.refusedHoldMs ?? 900_000)) {
        this.o.credentials.invalidate();
        throw new JiraAuthError(
          `${refused.reason}; not calling Jira with the same credentials again until the Jira secret changes (or ${new Date(refused.at + (this.o.refusedHoldMs ?? 900_000)).toISOString()})`,
          401,
        );
      }
    }
    if (this.current?.fingerprint === fingerprint) return this.current.watched;
    const failed = this.failedCheck;
    if (
      failed !== undefined &&
      failed.fingerprint === fingerprint &&
      this.now() - failed.at < (this.o.recheckMs ?? 60_000)
    ) {
      throw failed.error;
    }

    const gateway = new JiraGateway({
      ...this.o.gateway,
      ...(this.o.breaker !== undefined ? { breaker: this.o.breaker } : {}),
      baseUrl: this.o.siteUrl,
      email: credentials.email,
      apiToken: credentials.apiToken,
    });
    let problems;
    try {
      problems = await gateway.checkSiteReport(this.o.expectations);
    } catch (err) {
      this.retire(gateway);
      throw err;
    }
    const blocking = problems.filter((p) => p.blocking);
    if (blocking.length > 0) this.retire(gateway);
    if (blocking.some((p) => p.area === 'credentials')) {
      const reason = blocking.find((p) => p.area === 'credentials')!.message;
      this.refuse(fingerprint, reason);
      throw new JiraAuthError(reason, 401);
    }
    if (blocking.length > 0) {
      const error = new JiraSiteNotReadyError(blocking.map((p) => p.message));
      this.failedCheck = { fingerprint, at: this.now(), error };
      throw error;
    }
    this.failedCheck = undefined;
    const warnings = problems.filter((p) => !p.blocking).map((p) => p.message);
    if (warnings.length > 0) this.o.onWarnings?.(warnings);
    const watched = this.watch(gateway, fingerprint);
    this.current = { fingerprint, gateway, watched };
    this.refused = undefined;
    return watched;
  }

  /** Requests sent by every gateway this session built. */
  stats(): GatewayStats {
    const live = this.current?.gateway.stats() ?? { requests: 0, retries: 0, rateLimited: 0, timeouts: 0 };
    return {
      requests: this.retired.requests + live.requests,
      retries: this.retired.retries + live.retries,
      rateLimited: this.retired.rateLimited + live.rateLimited,
      timeouts: this.retired.timeouts + live.timeouts,
    };
  }

  /** A gateway no longer used: its requests stay counted. */
  private retire(gateway: JiraGateway): void {
    const s = gateway.stats();
    this.retired.requests += s.requests;
    this.retired.retries += s.retries;
    this.retired.rateLimited += s.rateLimited;
    this.retired.timeouts += s.timeouts;
  }

  private refuse(fingerprint: string, reason: string): void {
    if (this.current?.fingerprint === fingerprint) {
      this.retire(this.current.gateway);
      this.current = undefined;
    }
    this.refused = { fingerprint, at: this.now(), reason };
    this.o.credentials.invalidate();
  }

  /**
   * The gateway, with any 401 turned into "these credentials are refused" for the whole session: the rest of the
   * batch is not sent with them either.
   */
  private watch(gateway: JiraGateway, fingerprint: string): TicketGateway {
    const guard = async <T>(call: () => Promise<T>): Promise<T> => {
      const refused = this.refused;
      if (refused !== undefined && refused.fingerprint === fingerprint) {
        throw new JiraAuthError(`${refused.reason}; not calling Jira with the same credentials again`, 401);
      }
      try {
        return await call();
      } catch (err) {
        if (err instanceof JiraAuthError && err.status === 401) this.refuse(fingerprint, err.message);
        throw err;
      }
    };
    return {
      createIssue: (input) => guard(() => gateway.createIssue(input)),
      findByLabel: (projectKey, label) => guard(() => gateway.findByLabel(projectKey, label)),
      getIssue: (key) => guard(() => gateway.getIssue(key)),
      addComment: (key, body) => guard(() => gateway.addComment(key, body)),
      updateIssue: (key, change) => guard(() => gateway.updateIssue(key, change)),
      transition: (key, name) => guard(() => gateway.transition(key, name)),
      linkIssues: (inward, outward, type) => guard(() => gateway.linkIssues(inward, outward, type)),
      hasComment: (key, marker) => guard(() => gateway.hasComment(key, marker)),
    };
  }
}

/** Identifies a set of credentials without keeping them readable (compared, never logged). */
function fingerprintOf(c: JiraCredentials): string {
  return createHash('sha256').update(`${c.email}\u0000${c.apiToken}`).digest('hex');
}
