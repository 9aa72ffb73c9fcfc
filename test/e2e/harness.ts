import { JiraGateway } from '../../lambdas/adapters/jira/gateway';
import { reportDrafter } from '../../lambdas/core/sync/drafter';
import { DEFAULT_SYNC } from '../../lambdas/core/sync/sync-incident';
import { startJiraEmulator } from '../../local/jira-emulator';
import type { JiraEmulator } from '../../local/jira-emulator';
import { LocalRuntime } from '../../local/runtime';

export interface Stack {
  runtime: LocalRuntime;
  jira: JiraEmulator;
  gateway: JiraGateway;
  close(): Promise<void>;
}

/**
 * The whole pipeline for a test: the local SQS server jest's global setup started, a fresh local DynamoDB, the Jira
 * emulator over HTTP, and jira.js in `throw` mode (a response jira.js would not accept fails the test).
 */
export async function startStack(
  o: { searchDelayMs?: number; commentIntervalMs?: number; instantRetries?: boolean } = {},
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
      ...DEFAULT_SYNC,
      projectKey: jira.site.projectKey,
      issueTypeName: jira.site.issueTypes[0],
      commentIntervalMs: o.commentIntervalMs ?? 0,
      staleClaimMs: 2_000,
    },
  });
  return {
    runtime,
    jira,
    gateway,
    close: async () => {
      await runtime.close();
      await jira.close();
    },
  };
}
