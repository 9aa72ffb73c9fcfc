/**
 * Fault matrix, ingest side: each cell is a fault × a workload, run through the ingest Lambda's own code path with
 * the intake queue simulated (redelivery after a failure, at most maxReceiveCount receives), then every hand-off
 * synced to a Jira emulator, then the invariants checked over the table and the emulator.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { JiraGateway } from '../../lambdas/adapters/jira/gateway';
import type { IngestStore } from '../../lambdas/core/ingest/ports';
import { reportDrafter } from '../../lambdas/core/sync/drafter';
import { ticketSyncSettings } from '../../lambdas/adapters/config';
import { startJiraEmulator } from '../../local/jira-emulator';
import { startLocalDynamo } from '../../local/dynamodb-server';
import type { LocalDynamo } from '../../local/dynamodb-server';
import { LocalRuntime } from '../../local/runtime';
import { TOPOLOGY } from '../../lambdas/topology';
import { SeededScheduler } from '../helpers/seeded-scheduler';
import {
  DynamoFaults,
  DynamoIngestStore,
  Matrix,
  MemoryTicketQueue,
  checkInvariants,
  crashing,
  deliver,
  faultyClient,
  freshTable,
  resultOf,
  rowOf,
  syncAll,
  syncDeps,
  workload,
} from './kit';
import type { DynamoFaultRule, IntakeRun, Invocation, Message, WorkloadName } from './kit';

let dynamo: LocalDynamo;
let inspect: DynamoDBDocumentClient;
const matrix = new Matrix('Fault matrix — ingest (DynamoDB faults, crashes, storms, deliveries)');

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  inspect = faultyClient(dynamo.endpoint, { maxAttempts: 3 });
});
afterAll(async () => {
  console.log(matrix.render());
  inspect.destroy();
  await dynamo.close();
});

/** A fault armed for one cell: the store each receive gets, and how many times the fault actually struck. */
interface Armed {
  storeFor(receive: number): Invocation;
  /** How many times the fault struck during `run`. */
  served(run: IntakeRun): number;
  close(): void;
  concurrency?: number;
  batches?(batches: Message[][]): Message[][];
  /** Write conflicts the run met (the storm). */
  conflicts?(): number;
}

interface IngestFault {
  name: string;
  /** `redelivers`: the fault must make the queue deliver some batch again; `absorbed`: it must not. */
  expect: 'redelivers' | 'absorbed' | 'baseline';
  only?: WorkloadName[];
  arm(table: string): Armed;
}

const clean = (table: string) => {
  const doc = faultyClient(dynamo.endpoint, { maxAttempts: 3 });
  return { doc, store: new DynamoIngestStore(doc, table) };
};

/** The store dies at a step on the first receive of every batch; the redelivery runs on a healthy store. */
function crashFault(
  name: string,
  method: keyof IngestStore,
  o: { after: boolean; when?: (call: number) => boolean },
  only?: WorkloadName[],
): IngestFault {
  return {
    name,
    expect: 'redelivers',
    only,
    arm(table) {
      const { doc, store } = clean(table);
      const wrappers: (() => boolean)[] = [];
      return {
        storeFor: (receive) => {
          if (receive > 1) return { store };
          const c = crashing<IngestStore>(store, method, o);
          wrappers.push(c.fired);
          return { store: c.port, died: c.fired };
        },
        served: () => wrappers.filter((fired) => fired()).length,
        close: () => doc.destroy(),
      };
    },
  };
}

function dynamoFault(name: string, rules: DynamoFaultRule[], maxAttempts: number): IngestFault {
  return {
    name,
    expect: maxAttempts > 1 || rules.every((r) => r.kind === 'unprocessed') ? 'absorbed' : 'redelivers',
    arm(table) {
      const faults = new DynamoFaults(rules);
      const doc = faultyClient(dynamo.endpoint, { maxAttempts, faults });
      const store = new DynamoIngestStore(doc, table);
      return { storeFor: () => ({ store }), served: () => faults.served, close: () => doc.destroy() };
    },
  };
}

const ALL_OPS = ['PutItem', 'UpdateItem', 'BatchWriteItem', 'BatchGetItem', 'GetItem'];

const FAULTS: IngestFault[] = [
  {
    name: 'none',
    expect: 'baseline',
    arm(table) {
      const { doc, store } = clean(table);
      return { storeFor: () => ({ store }), served: () => 1, close: () => doc.destroy() };
    },
  },
  crashFault('crash after rejections stored', 'putRejections', { after: true }, ['attacks']),
  crashFault('crash mid-claims (after the 3rd)', 'claimSeen', { after: true, when: (n) => n === 3 }),
  crashFault('crash after claims', 'putAlerts', { after: false }),
  crashFault('crash after alert items', 'putAlerts', { after: true }),
  crashFault('crash after incident write', 'writeMeta', { after: true }),
  crashFault('crash after duplicates count', 'addDuplicates', { after: true }, ['duplicates']),
  crashFault('crash after heads claimed', 'putHostHeads', { after: true }),
  dynamoFault('throttle PutItem ×3', [{ kind: 'throttle', operation: 'PutItem', count: 3 }], 1),
  dynamoFault('throttle UpdateItem ×2', [{ kind: 'throttle', operation: 'UpdateItem', count: 2 }], 1),
  dynamoFault('throttle BatchWriteItem ×2', [{ kind: 'throttle', operation: 'BatchWriteItem', count: 2 }], 1),
  dynamoFault('throttle BatchGetItem ×2', [{ kind: 'throttle', operation: 'BatchGetItem', count: 2 }], 1),
  dynamoFault(
    'throttle every op ×2, SDK retries',
    ALL_OPS.map((operation) => ({ kind: 'throttle', operation, count: 2 })),
    3,
  ),
  dynamoFault(
    'unprocessed items/keys ×2',
    [
      { kind: 'unprocessed', operation: 'BatchWriteItem', count: 2 },
      { kind: 'unprocessed', operation: 'BatchGetItem', count: 2 },
    ],
    1,
  ),
  {
    name: 'conditional-check storm (×8 concurrent)',
    expect: 'baseline',
    arm(table) {
      const { doc, store } = clean(table);
      let conflicts = 0;
      const counting = new Proxy(store, {
        get(t, p, r) {
          const v = Reflect.get(t, p, r);
          if (typeof v !== 'function') return v;
          if (p !== 'writeMeta') return v.bind(t);
          return async (...args: Parameters<IngestStore['writeMeta']>) => {
            const ok = await t.writeMeta(...args);
            if (!ok) conflicts++;
            return ok;
          };
        },
      });
      return {
        storeFor: () => ({ store: counting }),
        served: (run) => (run.maxInFlight > 1 ? 1 : 0),
        conflicts: () => conflicts,
        close: () => doc.destroy(),
        concurrency: 8,
      };
    },
  },
  {
    name: 'SQS delivers every batch twice',
    expect: 'baseline',
    arm(table) {
      const { doc, store } = clean(table);
      let again = 0;
      return {
        storeFor: () => ({ store }),
        served: () => again,
        close: () => doc.destroy(),
        batches: (bs) => {
          again = bs.length;
          return [...bs, ...bs];
        },
      };
    },
  },
];

const WORKLOADS: WorkloadName[] = ['attacks', 'duplicates', 'out-of-order', 'burst', 'wave'];

/** Every cell runs as many ingest pollers at once as the deployed event source allows. */
const POLLERS = TOPOLOGY.intake.maxConcurrency;

const CELLS = FAULTS.flatMap((f) =>
  WORKLOADS.filter((w) => f.only === undefined || f.only.includes(w)).map((w) => [f.name, w] as const),
);

let cellNo = 0;

describe('ingest fault matrix: every accepted alert in one incident, rejections recorded, one ticket, exact counts', () => {
  it.each(CELLS)('%s × %s', async (faultName, workloadName) => {
    const fault = FAULTS.find((f) => f.name === faultName)!;
    const w = workload(workloadName, `i${++cellNo}`);
    const table = await freshTable(dynamo.endpoint);
    const armed = fault.arm(table);
    const batches = armed.batches?.(w.batches) ?? w.batches;
    const queue = new MemoryTicketQueue();
    // The burst opens its incident first, then its batches arrive together.
    const [first, ...rest] = batches;
    const concurrent = armed.concurrency ?? POLLERS;
    // Which poller takes each step is the cell's seeded choice: a failing cell replays the same interleaving.
    const scheduler = new SeededScheduler(cellNo);
    const intakeA = await deliver(workloadName === 'burst' ? [first] : [], { storeFor: armed.storeFor, queue });
    const intakeB = await deliver(workloadName === 'burst' ? rest : batches, {
      storeFor: armed.storeFor,
      queue,
      concurrency: concurrent,
      scheduler,
    });
    armed.close();
    const receives = intakeA.receives + intakeB.receives;

    // Ticket-sync, healthy, over every hand-off: the incidents' tickets, exactly once.
    const clock = { now: Date.now() };
    const jira = await startJiraEmulator({ now: () => clock.now });
    try {
      const gateway = new JiraGateway({
        baseUrl: jira.url,
        email: jira.site.email,
        apiToken: jira.site.apiToken,
        onSchemaMismatch: 'throw',
        sleep: async () => undefined,
      });
      const sync = await syncAll(queue.sent, {
        clock,
        depsFor: () => syncDeps({ doc: inspect, table, jira: gateway, clock, emulator: jira }),
      });
      const verdict = await checkInvariants(inspect, table, w.expected, jira, {
        intakeDlq: [...intakeA.dlq, ...intakeB.dlq],
        syncDlq: sync.dlq,
      });
      const cell = `${faultName} × ${workloadName}`;
      const attempts = `${receives} ingest · ${sync.receives} sync`;
      matrix.add(rowOf(faultName, workloadName, attempts, verdict, resultOf(verdict), intakeB.maxInFlight));

      expect(verdict.violations).toEqual([]);
      // One attack, one incident, under every fault and with every poller running: heads are claimed on condition
      // before anything names an incident (core/ingest/host-heads.ts).
      expect({ cell, notes: verdict.notes }).toEqual({ cell, notes: [] });
      expect({ cell, concurrent: intakeB.maxInFlight }).toEqual({
        cell,
        concurrent: Math.min(concurrent, workloadName === 'burst' ? rest.length : batches.length),
      });
      expect(armed.served({ ...intakeB, receives })).toBeGreaterThan(0);
      // A fault the pipeline must absorb never reaches an invocation; one it cannot must make the queue deliver again.
      // (With pollers running at once, a duplicate of an alert whose incident another invocation is still writing
      // comes back once by design, so an absorbed fault is judged by the errors it caused, not by redeliveries.)
      const redelivered = receives > batches.length;
      const surfaced = fault.expect === 'absorbed' ? [...intakeA.errors, ...intakeB.errors] : [];
      expect({ cell, surfaced }).toEqual({ cell, surfaced: [] });
      const wanted = fault.expect === 'redelivers' || redelivered;
      expect({ cell, redelivered }).toEqual({ cell, redelivered: wanted });
      // The storm on one open incident must have made writers lose the version race, or it tested nothing.
      const conflicts = workloadName === 'burst' ? armed.conflicts?.() : undefined;
      expect({ cell, stormRaced: conflicts === undefined || conflicts > 0 }).toEqual({ cell, stormRaced: true });
    } finally {
      await jira.close();
    }
  });
});

describe('through the local SQS server', () => {
  it('redelivers a batch whose incident write was throttled past the SDK retries, and counts it once', async () => {
    const jira = await startJiraEmulator({});
    const gateway = new JiraGateway({
      baseUrl: jira.url,
      email: jira.site.email,
      apiToken: jira.site.apiToken,
      onSchemaMismatch: 'throw',
      sleep: async () => undefined,
    });
    const runtime = await LocalRuntime.start({
      dynamoEndpoint: dynamo.endpoint,
      sqsEndpoint: process.env.A2T_LOCAL_SQS_ENDPOINT,
      jira: gateway,
      drafter: reportDrafter(),
      sync: ticketSyncSettings(
        { projectKey: jira.site.projectKey, issueTypeName: jira.site.issueTypes[0] },
        { commentIntervalMinutes: 0 },
      ),
      ingestBatchSize: 100,
    });
    try {
      const w = workload('attacks', 'sqs');
      // Receives of intake messages the queue had handed out before: the redeliveries the fault caused.
      let redelivered = 0;
      runtime.sqs.middlewareStack.add(
        (next) => async (args) => {
          const out = await next(args);
          const queueUrl = (args.input as { QueueUrl?: string }).QueueUrl;
          const messages = (out.output as { Messages?: { Attributes?: Record<string, string> }[] }).Messages ?? [];
          if (queueUrl === runtime.queues.intake.url)
            redelivered += messages.filter((m) => Number(m.Attributes?.ApproximateReceiveCount ?? 1) > 1).length;
          return out;
        },
        { step: 'initialize', name: 'a2tCountRedeliveries' },
      );
      // The first incident write is throttled past the SDK's retries: its messages go back to the queue.
      const faults = new DynamoFaults([{ kind: 'throttle', operation: 'UpdateItem', count: 1 }]);
      faults.install(runtime.doc, { beyondSdkRetries: true });
      await runtime.send(w.batches.flat().map((m) => m.body));
      expect(await runtime.drain(30_000)).toBe(true);
      const dlq = await runtime.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: runtime.queues.intake.dlqUrl, MaxNumberOfMessages: 10 }),
      );
      const verdict = await checkInvariants(inspect, runtime.tableName, w.expected, jira, {
        intakeDlq: dlq.Messages ?? [],
      });
      const fault = 'throttle UpdateItem past SDK retries, via SQS';
      matrix.add(rowOf(fault, 'attacks', `${redelivered} redelivered`, verdict, resultOf(verdict), POLLERS));
      expect(verdict.violations).toEqual([]);
      expect(verdict.notes).toEqual([]);
      expect(faults.served).toBe(1);
      expect(redelivered).toBeGreaterThanOrEqual(1);
    } finally {
      await runtime.close();
      await jira.close();
    }
  });
});
