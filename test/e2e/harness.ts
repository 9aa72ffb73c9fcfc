import { JiraGateway } from '../../lambdas/adapters/jira/gateway';
import { reportDrafter } from '../../lambdas/core/sync/drafter';
import { ticketSyncSettings } from '../../lambdas/adapters/config';
import { startJiraEmulator } from '../../local/jira-emulator';
import type { JiraEmulator } from '../../local/jira-emulator';
import { LocalRuntime } from '../../local/runtime';
import type { VirtualTime } from './virtual-time';

export interface Stack {
  runtime: LocalRuntime;
  jira: JiraEmulator;
  gateway: JiraGateway;
  /** Runs the pipeline until both queues are empty (on the stack's virtual time, if it has one). */
  drain(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The whole pipeline for a test: the local SQS server jest's global setup started, a fresh local DynamoDB, the Jira
 * emulator over HTTP, and jira.js in `throw` mode (a response jira.js would not accept fails the test). With `time`,
 * ticket-sync reads and waits on that clock instead of the machine's.
 */
export async function startStack(
  o: {
    searchDelayMs?: number;
    commentIntervalMs?: number;
    instantRetries?: boolean;
    time?: VirtualTime;
    /** Scales the queues' visibility timeouts (default 1/180: a failed receive comes back after 4 s, not 12 min). */
    visibilityScale?: number;
    /** Ingest invocations at once (default: the deployed maximum, as the local runtime runs them). */
    ingestConcurrency?: number;
  } = {},
): Promise<Stack> {
  const jira = await startJiraEmulator({ searchDelayMs: o.searchDelayMs ?? 0 });
  const gateway = new JiraGateway({
    baseUrl: jira.url,
    email: jira.site.email,
    apiToken: jira.site.apiToken,
    onSchemaMismatch: 'throw',
    // Retry-After is honoured by the policy; tests that storm the emulator need not sleep through it for real.
    ...(o.instantRetries ? { sleep: async () => undefined, maxRetries: 8 } : {}),
  });
  const runtime = await LocalRuntime.start({
    sqsEndpoint: process.env.A2T_LOCAL_SQS_ENDPOINT,
    jira: gateway,
    drafter: reportDrafter(),
    sync: {
      ...ticketSyncSettings({ projectKey: jira.site.projectKey, issueTypeName: jira.site.issueTypes[0] }),
      // Seconds, not the deployable minutes: the tests run storms in seconds.
      commentIntervalMs: o.commentIntervalMs ?? 0,
      staleClaimMs: 2_000,
    },
    ...(o.visibilityScale !== undefined ? { visibilityScale: o.visibilityScale } : {}),
    ...(o.ingestConcurrency !== undefined ? { ingestConcurrency: o.ingestConcurrency } : {}),
    ...(o.time !== undefined ? { now: o.time.now, deferMessage: o.time.defer } : {}),
  });
  o.time?.attach(runtime);
  return {
    runtime,
    jira,
    gateway,
    drain: (timeoutMs) => runtime.drain(timeoutMs, o.time?.tick),
    close: async () => {
      await runtime.close();
      await jira.close();
    },
  };
}
