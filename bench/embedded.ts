import { ticketSyncSettings } from '../lambdas/adapters/config';
import { JiraGateway } from '../lambdas/adapters/jira/gateway';
import { reportDrafter } from '../lambdas/core/sync/drafter';
import { startJiraEmulator } from '../local/jira-emulator';
import type { JiraEmulator } from '../local/jira-emulator';
import { LocalRuntime } from '../local/runtime';
import { DynamoMeter } from './dynamo-meter';
import { SqsMeter } from './sqs-meter';
import { TimedGateway } from './timed-gateway';

export interface EmbeddedStack {
  runtime: LocalRuntime;
  jira: JiraEmulator;
  gateway: JiraGateway;
  timed: TimedGateway;
  sqs: SqsMeter;
  dynamo: DynamoMeter;
  close(): Promise<void>;
}

/**
 * The whole pipeline as test/e2e/harness.ts runs it (its own local SQS and DynamoDB, the Jira emulator over HTTP,
 * jira.js behind the real gateway), with meters on its SQS and DynamoDB clients and on ticket creation.
 * Comments are not coalesced (interval 0) so every hand-off may reach Jira: the call count is an upper bound.
 */
export async function startEmbedded(): Promise<EmbeddedStack> {
  const jira = await startJiraEmulator();
  try {
    const gateway = new JiraGateway({
      baseUrl: jira.url,
      email: jira.site.email,
      apiToken: jira.site.apiToken,
      // As in the e2e tests: a response jira.js would not accept is an error in the run, not a warning in the output.
      onSchemaMismatch: 'throw',
    });
    const timed = new TimedGateway(gateway);
    const runtime = await LocalRuntime.start({
      jira: timed,
      drafter: reportDrafter(),
      sync: {
        ...ticketSyncSettings(
          { projectKey: jira.site.projectKey, issueTypeName: jira.site.issueTypes[0] },
          { commentIntervalMinutes: 0 },
        ),
        staleClaimMs: 5_000,
      },
    });
    const sqs = new SqsMeter(runtime.queues);
    sqs.attach(runtime.sqs);
    const dynamo = new DynamoMeter();
    dynamo.attach(runtime.doc);
    return {
      runtime,
      jira,
      gateway,
      timed,
      sqs,
      dynamo,
      close: async () => {
        try {
          await runtime.close();
        } finally {
          await jira.close();
        }
      },
    };
  } catch (err) {
    await jira.close();
    throw err;
  }
}
