import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { ConfigError, PermanentError, errorMessage } from '../core/errors';
import { TicketCapReachedError } from '../core/sync/budget';
import type { TicketBudget } from '../core/sync/budget';
import { TicketingOffError } from '../core/sync/control';
import type { TicketingControl } from '../core/sync/control';
import { dryRunDeps } from '../core/sync/dry-run';
import type { Drafter, TicketStore } from '../core/sync/ports';
import type { SyncSettings } from '../core/sync/settings';
import type { SyncOutcome } from '../core/sync/sync-incident';
import { JiraAuthError, JiraCircuitOpenError } from '../adapters/jira/errors';
import { SecretNotSetError } from '../adapters/secrets';
import type { GatewaySource } from './jira-session';
import { JiraSiteNotReadyError } from './jira-session';
import { handOffOf, receiveCountOf, stackBackoffSeconds, syncRecords } from './sync-records';

/**
 * One ticket-sync invocation, as the Lambda and the local runtime both run it: the run-time controls first (kill
 * switch, ticket cap), then a gateway from the session (credentials, site check, circuit breaker), then every
 * record. What happened is told to `telemetry` (metrics and log lines in the Lambda, counters in tests).
 */

/** The application's own metrics: each has an alarm in the stack (lib/constructs/monitoring.ts). */
export const METRICS = {
  /** A ticket created, updated… (`Tickets_created`); in dry-run `DryRun_created`… */
  ticketsPrefix: 'Tickets_',
  dryRunPrefix: 'DryRun_',
  /** Jira refused the credentials or a permission, or the secret holds a placeholder or is malformed. */
  authFailures: 'JiraAuthFailures',
  /** The hour's ticket cap refused a create. */
  capReached: 'TicketCapReached',
  /** Jira refused an incident's content (400…): recorded on the incident, not retried. */
  permanentFailures: 'SyncPermanentFailures',
  /** The site check found a blocking problem (project, issue type, priorities). */
  siteCheckFailed: 'JiraSiteCheckFailed',
  /** Calls not sent because Jira was down for several calls in a row. */
  circuitOpen: 'JiraCircuitOpen',
  /** Hand-offs put back because the kill switch is off. */
  ticketingOff: 'TicketingOff',
  /** A control parameter held a value that could not be read (ticketing stops). */
  controlInvalid: 'ControlParameterInvalid',
} as const;

export interface Telemetry {
  count(metric: string, n?: number): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface TicketSyncDeps {
  store: TicketStore;
  jira: GatewaySource;
  drafter: Drafter;
  settings: SyncSettings;
  /** The kill switch and cap, read per invocation (cached by the source). */
  control: () => Promise<TicketingControl>;
  /** The hour's ticket counter for a cap; absent: no cap is enforced. */
  budget?: (limit: number) => TicketBudget;
  /** Records why a kept message failed, for `a2t dlq list` (best effort). */
  recordFailure?: (incidentId: string, error: string, receives: number) => Promise<void>;
  maxReceiveCount: number;
  deferMessage(receiptHandle: string, seconds: number): Promise<void>;
  backoffSeconds?: (receive: number) => number;
  telemetry: Telemetry;
  /** Each record's outcome (the local runtime lists them). */
  onOutcome?: (outcome: SyncOutcome & { dryRun: boolean }) => void;
  now?: () => number;
}

export async function runTicketSync(
  records: SQSRecord[],
  deps: TicketSyncDeps,
  invocation: { owner: string; remainingMs?: () => number },
): Promise<SQSBatchResponse> {
  const t = deps.telemetry;
  const backoff = deps.backoffSeconds ?? stackBackoffSeconds;
  const keepAll = async (err: unknown): Promise<SQSBatchResponse> => {
    for (const r of records) {
      await deps.deferMessage(r.receiptHandle, backoff(receiveCountOf(r))).catch(() => undefined);
      await record(r, err);
    }
    return { batchItemFailures: records.map((r) => ({ itemIdentifier: r.messageId })) };
  };
  const record = async (r: SQSRecord, err: unknown): Promise<void> => {
    const incidentId = handOffOf(r)?.incidentId;
    if (incidentId === undefined || deps.recordFailure === undefined) return;
    await deps.recordFailure(incidentId, errorMessage(err), receiveCountOf(r)).catch(() => undefined);
  };

  let control: TicketingControl;
  try {
    control = await deps.control();
  } catch (err) {
    t.error('ticketing controls unreadable; every hand-off goes back to the queue', { error: errorMessage(err) });
    return keepAll(err);
  }
  if (control.mode === 'off') {
    t.count(METRICS.ticketingOff, records.length);
    t.warn('ticketing is off (kill switch): every hand-off goes back to the queue', { records: records.length });
    return keepAll(new TicketingOffError());
  }

  let jira;
  try {
    jira = await deps.jira.gateway();
  } catch (err) {
    countFailure(err, t);
    t.error('ticket-sync cannot use Jira now; every hand-off goes back to the queue', { error: errorMessage(err) });
    return keepAll(err);
  }

  const dryRun = control.mode === 'dry-run';
  const base = {
    store: deps.store,
    jira,
    drafter: deps.drafter,
    settings: deps.settings,
    owner: invocation.owner,
    ...(deps.now !== undefined ? { now: deps.now } : {}),
    ...(deps.budget !== undefined && Number.isFinite(control.maxTicketsPerHour)
      ? { budget: deps.budget(control.maxTicketsPerHour) }
      : {}),
  };
  const sync = dryRun ? dryRunDeps(base, (line) => t.info('dry-run', { would: line })) : base;
  const recording: Promise<void>[] = [];
  const response = await syncRecords(
    { Records: records },
    {
      sync,
      maxReceiveCount: deps.maxReceiveCount,
      deferMessage: deps.deferMessage,
      backoffSeconds: backoff,
      ...(invocation.remainingMs !== undefined ? { remainingMs: invocation.remainingMs } : {}),
      onOutcome: (o: SyncOutcome) => {
        deps.onOutcome?.({ ...o, dryRun });
        t.count(`${dryRun ? METRICS.dryRunPrefix : METRICS.ticketsPrefix}${o.action}`);
        t.info(dryRun ? 'incident planned (dry-run)' : 'incident synced', {
          incidentId: o.incidentId,
          key: o.key,
          action: o.action,
          reason: o.reason,
        });
      },
      onError: (r, err, kept) => {
        countFailure(err, t);
        const fields = { messageId: r.messageId, incidentId: handOffOf(r)?.incidentId, error: errorMessage(err) };
        if (kept) t.warn('incident not synced; the hand-off goes back to the queue', fields);
        else t.error('incident not synced; recorded on the incident, not retried', fields);
        if (kept) recording.push(record(r, err));
      },
    },
  );
  await Promise.all(recording);
  return response;
}

/** The metric a failure counts towards, if any. */
function countFailure(err: unknown, t: Telemetry): void {
  // A malformed secret or client configuration (ConfigError) is a credentials problem too.
  if (err instanceof JiraAuthError || err instanceof SecretNotSetError || err instanceof ConfigError) {
    t.count(METRICS.authFailures);
  } else if (err instanceof TicketCapReachedError) t.count(METRICS.capReached);
  else if (err instanceof JiraCircuitOpenError) t.count(METRICS.circuitOpen);
  else if (err instanceof JiraSiteNotReadyError) t.count(METRICS.siteCheckFailed);
  else if (err instanceof PermanentError) t.count(METRICS.permanentFailures);
}
