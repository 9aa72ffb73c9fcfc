/**
 * One attack, one incident, one ticket, however its events are spread over concurrent ingest invocations: 50
 * attacks (one attacker process each, on 50 hosts), their events shuffled into small messages and batches, run by
 * as many pollers as the deployed event source allows, over many seeded interleavings. The scheduler decides which
 * invocation takes each step (each store call and hand-off), so a seed replays the same race on any machine.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JiraGateway } from '../../lambdas/adapters/jira/gateway';
import { TOPOLOGY } from '../../lambdas/topology';
import { startJiraEmulator } from '../../local/jira-emulator';
import { startLocalDynamo } from '../../local/dynamodb-server';
import type { LocalDynamo } from '../../local/dynamodb-server';
import {
  DynamoIngestStore,
  MemoryTicketQueue,
  attackWave,
  checkInvariants,
  deliver,
  faultyClient,
  freshTable,
  syncAll,
  syncDeps,
} from '../faults/kit';
import { SeededScheduler } from '../helpers/seeded-scheduler';

const ATTACKS = 50;
const POLLERS = TOPOLOGY.intake.maxConcurrency;
/** Seeds of the interleavings (and of how the events are shuffled into messages). */
const SEEDS = Array.from({ length: Number(process.env.A2T_CONCURRENCY_SEEDS ?? 16) }, (_, i) => 1 + i * 7919);
/** Seeds whose hand-offs also go through ticket-sync to the Jira emulator (drafting 50 tickets takes a while). */
const TICKETED = new Set(SEEDS.slice(0, 3));

let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
const rows: string[] = [];

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  doc = faultyClient(dynamo.endpoint, { maxAttempts: 3 });
});
afterAll(async () => {
  console.log(
    [
      `Concurrent ingest: ${ATTACKS} attacks, ${POLLERS} pollers, ${SEEDS.length} seeded interleavings`,
      '| seed | steps | batches | receives | incidents | tickets | result |',
      '|---:|---:|---:|---:|---:|---:|---|',
      ...rows,
    ].join('\n'),
  );
  doc.destroy();
  await dynamo.close();
});

describe(`${ATTACKS} attacks through ${POLLERS} concurrent ingest pollers`, () => {
  it.each(SEEDS)('seed %i: one incident and one ticket per attack', async (seed) => {
    // Prepare
    const w = attackWave(`s${seed}`, { attacks: ATTACKS, seed, perBatch: 5 });
    const table = await freshTable(dynamo.endpoint);
    const store = new DynamoIngestStore(doc, table);
    const queue = new MemoryTicketQueue();
    const scheduler = new SeededScheduler(seed);

    // Act
    const intake = await deliver(w.batches, { storeFor: () => ({ store }), queue, concurrency: POLLERS, scheduler });
    const clock = { now: Date.parse('2024-03-01T12:00:00Z') };
    const jira = TICKETED.has(seed) ? await startJiraEmulator({ now: () => clock.now }) : undefined;
    try {
      if (jira !== undefined) {
        const gateway = new JiraGateway({
          baseUrl: jira.url,
          email: jira.site.email,
          apiToken: jira.site.apiToken,
          onSchemaMismatch: 'throw',
          sleep: async () => undefined,
        });
        await syncAll(queue.sent, {
          clock,
          depsFor: () => syncDeps({ doc, table, jira: gateway, clock, emulator: jira }),
        });
      }
      const verdict = await checkInvariants(doc, table, w.expected, jira, { intakeDlq: intake.dlq });
      const o = verdict.observed;
      const result = [...verdict.violations.slice(0, 1), ...verdict.notes].join(' · ') || 'ok';
      const tickets = jira === undefined ? '–' : String(o.tickets);
      rows.push(
        `| ${seed} | ${scheduler.steps} | ${w.batches.length} | ${intake.receives} | ${o.incidents} | ${tickets} | ${result} |`,
      );

      // Assess
      expect(intake.maxInFlight).toBe(POLLERS);
      expect(verdict.violations).toEqual([]);
      expect(verdict.notes).toEqual([]);
      expect(o.incidents).toBe(ATTACKS);
      // Every incident is ticketable (severity 80): one ticket each, none twice (checkInvariants counts by label).
      expect(jira === undefined ? 'not synced' : o.tickets).toBe(jira === undefined ? 'not synced' : ATTACKS);
    } finally {
      await jira?.close();
    }
  });
});
