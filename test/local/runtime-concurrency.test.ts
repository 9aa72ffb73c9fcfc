/**
 * The local runtime runs ingest as the stack deploys it: up to the event source's maximum concurrency of invocations
 * at once, each on its own messages from the local SQS server. The attacks of a wave still end in one incident and one
 * ticket each (the seeded interleavings are test/integration/concurrent-ingest.test.ts; this is the real thing).
 */
import { JiraGateway } from '../../lambdas/adapters/jira/gateway';
import { ticketSyncSettings } from '../../lambdas/adapters/config';
import { reportDrafter } from '../../lambdas/core/sync/drafter';
import { TOPOLOGY } from '../../lambdas/topology';
import { startJiraEmulator } from '../../local/jira-emulator';
import { startLocalDynamo } from '../../local/dynamodb-server';
import { LocalRuntime } from '../../local/runtime';
import { attackWave, checkInvariants } from '../faults/kit';

const ATTACKS = 20;

describe('local runtime, concurrent ingest', () => {
  it('runs the deployed number of ingest invocations at once by default, and still one ticket per attack', async () => {
    // Prepare
    const dynamo = await startLocalDynamo();
    const jira = await startJiraEmulator({});
    const runtime = await LocalRuntime.start({
      dynamoEndpoint: dynamo.endpoint,
      sqsEndpoint: process.env.A2T_LOCAL_SQS_ENDPOINT,
      jira: new JiraGateway({
        baseUrl: jira.url,
        email: jira.site.email,
        apiToken: jira.site.apiToken,
        onSchemaMismatch: 'throw',
        sleep: async () => undefined,
      }),
      drafter: reportDrafter(),
      sync: ticketSyncSettings(
        { projectKey: jira.site.projectKey, issueTypeName: jira.site.issueTypes[0] },
        { commentIntervalMinutes: 0 },
      ),
      detect: false,
      // Small batches, so the wave is many invocations and the pollers overlap.
      ingestBatchSize: 5,
    });
    try {
      const w = attackWave('rt', { attacks: ATTACKS, seed: 0x51, perBatch: 5 });

      // Act
      await runtime.send(w.batches.flat().map((m) => m.body));
      expect(await runtime.drain(90_000)).toBe(true);

      // Assess
      expect(runtime.ingestConcurrency).toBe(TOPOLOGY.intake.maxConcurrency);
      expect(runtime.ingestMaxInFlight).toBeGreaterThan(1);
      const verdict = await checkInvariants(runtime.doc, runtime.tableName, w.expected, jira);
      expect(verdict.violations).toEqual([]);
      expect(verdict.notes).toEqual([]);
      expect(verdict.observed).toMatchObject({ incidents: ATTACKS, tickets: ATTACKS });
      expect(runtime.totals.errors).toEqual([]);
    } finally {
      await runtime.close();
      await jira.close();
      await dynamo.close();
    }
  });

  it('runs one invocation at a time when asked to', async () => {
    const dynamo = await startLocalDynamo();
    const jira = await startJiraEmulator({});
    const runtime = await LocalRuntime.start({
      dynamoEndpoint: dynamo.endpoint,
      sqsEndpoint: process.env.A2T_LOCAL_SQS_ENDPOINT,
      jira: new JiraGateway({ baseUrl: jira.url, email: jira.site.email, apiToken: jira.site.apiToken }),
      drafter: reportDrafter(),
      sync: ticketSyncSettings({ projectKey: jira.site.projectKey, issueTypeName: jira.site.issueTypes[0] }),
      detect: false,
      ingestBatchSize: 5,
      ingestConcurrency: 1,
    });
    try {
      const w = attackWave('one', { attacks: 3, seed: 0x52, perBatch: 5 });
      await runtime.send(w.batches.flat().map((m) => m.body));
      expect(await runtime.drain(60_000)).toBe(true);
      expect(runtime.ingestMaxInFlight).toBe(1);
    } finally {
      await runtime.close();
      await jira.close();
      await dynamo.close();
    }
  });
});
