/**
 * Fault matrix, ticket-sync side: each cell is a Jira fault (or a crash at a step of ticket-sync) × a workload,
 * with the ticket-sync FIFO queue simulated (redelivery after the wait the handler asked for, or the visibility
 * timeout; maxReceiveCount; a fake clock, shared with the emulator's search lag), then the invariants checked.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JiraGateway } from '../../lambdas/adapters/jira/gateway';
import { RetryableError } from '../../lambdas/core/errors';
import type { IncidentMeta } from '../../lambdas/core/correlate/incident-meta';
import type { TicketGateway, TicketState, TicketStore } from '../../lambdas/core/sync/ports';
import type { SyncSettings } from '../../lambdas/core/sync/settings';
import type { SyncDeps } from '../../lambdas/core/sync/sync-incident';
import { startJiraEmulator } from '../../local/jira-emulator';
import type { FaultRule, JiraEmulator, JiraEmulatorOptions } from '../../local/jira-emulator';
import { startLocalDynamo } from '../../local/dynamodb-server';
import type { LocalDynamo } from '../../local/dynamodb-server';
import {
  DynamoIngestStore,
  DynamoTicketStore,
  Matrix,
  MemoryTicketQueue,
  checkInvariants,
  crashing,
  deliver,
  faultyClient,
  freshTable,
  resultOf,
  rowOf,
  sleep,
  syncAll,
  syncDeps,
  workload,
} from './kit';
import type { Clock, SyncRun, WorkloadName } from './kit';

let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
const matrix = new Matrix('Fault matrix — ticket-sync (Jira faults, crashes)');

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  doc = faultyClient(dynamo.endpoint, { maxAttempts: 3 });
});
afterAll(async () => {
  console.log(matrix.render());
  doc.destroy();
  await dynamo.close();
});

interface Ctx {
  jira: JiraEmulator;
  gateway: JiraGateway;
  tickets: DynamoTicketStore;
}

/** A fault for one cell: armed again at the start of each sync round, with what each receive runs on. */
interface ArmedSync {
  round(): void;
  over(receive: number): Omit<Partial<SyncDeps>, 'settings'> & { settings?: Partial<SyncSettings> };
  served(): number;
  /** Every hand-off consumed by two invocations at once (a redrive racing the original delivery). */
  twice?: boolean;
}

interface JiraFault {
  name: string;
  only?: WorkloadName[];
  searchDelayMs?: number;
  timeoutMs?: number;
  /** What Jira's refusal leaves: no ticket (create), or a ticket with the error recorded (escalation). */
  permanent?: 'create' | 'update';
  /** The emulated site's settings for this cell (an attachment limit). */
  site?: JiraEmulatorOptions;
  /** Each raw-events file holds fewer events than its incident (cut to the site's limit, with a marker). */
  attachmentCut?: boolean;
  arm(ctx: Ctx): ArmedSync;
}

function statusFault(name: string, rule: FaultRule): JiraFault {
  return {
    name,
    arm: ({ jira }) => ({
      round: () => jira.faults.inject(rule),
      over: () => ({}),
      served: () => jira.counters().faultsServed,
    }),
  };
}

/** A port dies at a step on the first receive of every hand-off; the redelivery runs on a healthy one. */
function crashFault<K extends 'jira' | 'store'>(
  name: string,
  port: K,
  method: K extends 'jira' ? keyof TicketGateway : keyof TicketStore,
  o: { after: boolean; when?: (call: number, args: unknown[]) => boolean },
  extra: Partial<JiraFault> = {},
): JiraFault {
  return {
    name,
    ...extra,
    arm: ({ gateway, tickets }) => {
      const fired: (() => boolean)[] = [];
      return {
        round: () => undefined,
        over: (receive) => {
          if (receive > 1) return {};
          if (port === 'jira') {
            const c = crashing<TicketGateway>(gateway, method as keyof TicketGateway, o);
            fired.push(c.fired);
            return { jira: c.port };
          }
          const c = crashing<TicketStore>(tickets, method as keyof TicketStore, o);
          fired.push(c.fired);
          return { store: c.port };
        },
        served: () => fired.filter((f) => f()).length,
      };
    },
  };
}

const withTicket = (args: unknown[]) => (args[0] as TicketState).ticketKey !== undefined;

/**
 * Jira applies the upload but the answer is lost (a 500 from its edge, a reset): the gateway reports an ambiguous
 * failure, on the first receive of every hand-off. The retry must find the file rather than upload it again.
 */
function uploadAppliedThenFailed(): JiraFault {
  return {
    name: 'Jira 500 after the upload was applied',
    arm: ({ gateway }) => {
      let served = 0;
      const lossy: TicketGateway = new Proxy(gateway, {
        get(t, p, r) {
          const v = Reflect.get(t, p, r);
          if (typeof v !== 'function') return v;
          if (p !== 'addAttachment') return v.bind(t);
          return async (...args: Parameters<NonNullable<TicketGateway['addAttachment']>>) => {
            await t.addAttachment(...args);
            served++;
            throw new RetryableError(
              'Jira unavailable for addAttachment (HTTP 500); the request may or may not have been applied',
              { operation: 'addAttachment', status: 500 },
              { mayHaveBeenApplied: true },
            );
          };
        },
      });
      return {
        round: () => undefined,
        over: (receive) => (receive === 1 ? { jira: lossy } : {}),
        served: () => served,
      };
    },
  };
}

/** The raw-events files of every ticket: one per ticket, the one its state names, holding all of its events. */
async function attachmentViolations(
  jira: JiraEmulator,
  tickets: DynamoTicketStore,
  metas: IncidentMeta[],
  cut: boolean,
): Promise<string[]> {
  const v: string[] = [];
  for (const m of metas) {
    const t = await tickets.loadTicket(m.incidentId);
    if (t?.ticketKey === undefined) continue;
    const files = (jira.issue(t.ticketKey)?.attachments ?? []).filter((a) => a.filename.startsWith('raw-events-'));
    if (files.length !== 1) v.push(`${t.ticketKey}: ${files.length} raw-events files, not 1`);
    if (new Set(files.map((f) => f.filename)).size !== files.length) v.push(`${t.ticketKey}: a file attached twice`);
    if (t.attachmentDue !== undefined) v.push(`${t.ticketKey}: the file is still due (v${t.attachmentDue})`);
    if (files.length === 1 && t.attachment?.file !== files[0].filename) {
      v.push(`${t.ticketKey}: the state names ${t.attachment?.file ?? 'no file'}, Jira has ${files[0].filename}`);
    }
    // Every event of the incident is in its file (all are loaded at these sizes), or, on a site whose limit cut the
    // file, the file ends with the marker that says how many were left out.
    const whole = t.attachment?.events === m.alertCount;
    const marked = files[0]?.content.includes('were cut so this file stays within') ?? false;
    if (files.length === 1 && !whole && !(cut && marked)) {
      v.push(`${t.ticketKey}: the file holds ${t.attachment?.events} events, the incident ${m.alertCount}`);
    }
  }
  return v;
}

const FAULTS: JiraFault[] = [
  { name: 'none', arm: () => ({ round: () => undefined, over: () => ({}), served: () => 1 }) },
  statusFault('Jira 429 ×6 (Retry-After 1 s)', { status: 429, count: 6, retryAfterSeconds: 1 }),
  statusFault('Jira 429 ×2 (Retry-After 120 s)', { status: 429, count: 2, retryAfterSeconds: 120 }),
  statusFault('Jira 500 ×2 on POST /issue', {
    status: 500,
    count: 2,
    match: { method: 'POST', pathPrefix: '/rest/api/3/issue' },
  }),
  statusFault('Jira 502 ×3', { status: 502, count: 3 }),
  statusFault('Jira 503 ×6', { status: 503, count: 6 }),
  {
    name: 'Jira timeout ×2 (no answer)',
    timeoutMs: 150,
    arm: ({ jira }) => ({
      round: () => jira.faults.hang(2),
      over: () => ({}),
      served: () => jira.counters().faultsServed,
    }),
  },
  {
    // The create reaches Jira only after the client gave up: the issue exists, the caller does not know its key, and
    // search lags 30 s behind. The retry must find it by label, not create another.
    name: 'Jira timeout, create applied late (search lag 30 s)',
    timeoutMs: 150,
    searchDelayMs: 30_000,
    arm: ({ jira, gateway }) => {
      let late = 0;
      const slow: TicketGateway = new Proxy(gateway, {
        get(t, p, r) {
          const v = Reflect.get(t, p, r);
          if (typeof v !== 'function') return v;
          if (p !== 'createIssue') return v.bind(t);
          return async (...args: Parameters<TicketGateway['createIssue']>) => {
            const before = jira.counters().issuesCreated;
            const logged = jira.requestLog().length;
            jira.faults.latency(400);
            try {
              return await t.createIssue(...args);
            } catch (err) {
              // The Lambda is gone; Jira finishes the create on its own time (waited for, so the retry comes after):
              // until the emulator has answered that request, however long a busy machine takes.
              const answered = () =>
                jira
                  .requestLog()
                  .slice(logged)
                  .some((e) => e.method === 'POST' && e.path === '/rest/api/3/issue' && e.status !== 0);
              while (!answered()) await sleep(20);
              late += jira.counters().issuesCreated - before;
              throw err;
            } finally {
              jira.faults.latency(0);
            }
          };
        },
      });
      return { round: () => undefined, over: (receive) => (receive === 1 ? { jira: slow } : {}), served: () => late };
    },
  },
  {
    name: 'Jira 400: unknown priority on create',
    only: ['attacks'],
    permanent: 'create',
    arm: ({ jira }) => ({
      round: () => undefined,
      over: () => ({ settings: { priorityNames: { P1: 'Urgent', P2: 'Urgent', P3: 'Urgent', P4: 'Urgent' } } }),
      served: () => jira.counters().byStatus['400'] ?? 0,
    }),
  },
  {
    name: 'Jira 400: unknown priority on escalation',
    only: ['update'],
    permanent: 'update',
    arm: ({ jira }) => ({
      round: () => undefined,
      over: () => ({ settings: { priorityNames: { P1: 'Urgent', P2: 'High', P3: 'Medium', P4: 'Low' } } }),
      served: () => jira.counters().byStatus['400'] ?? 0,
    }),
  },
  crashFault('crash after create claim', 'store', 'claimCreate', { after: true }),
  crashFault('crash before create (claim held)', 'jira', 'createIssue', { after: false }),
  crashFault('crash after create (search lag 30 s)', 'jira', 'createIssue', { after: true }, { searchDelayMs: 30_000 }),
  crashFault('crash after key recorded', 'store', 'saveTicket', {
    after: true,
    when: (_n, args) => withTicket(args) && (args[0] as TicketState).pending === undefined,
  }),
  crashFault(
    'crash after comment mark',
    'store',
    'saveTicket',
    { after: true, when: (_n, args) => (args[0] as TicketState).pending !== undefined },
    { only: ['update'] },
  ),
  crashFault('crash after comment posted', 'jira', 'addComment', { after: true }, { only: ['update'] }),
  // The raw-events attachment: Jira failing before the upload is applied, after it is, and the sync dying around it.
  statusFault('Jira 503 ×3 on POST /issue/… (uploads, comments; not applied)', {
    status: 503,
    count: 3,
    // Creates are POST /rest/api/3/issue (no slash after it): in the attacks workload only uploads match.
    match: { method: 'POST', pathPrefix: '/rest/api/3/issue/' },
  }),
  uploadAppliedThenFailed(),
  crashFault('crash before attachment upload', 'jira', 'addAttachment', { after: false }),
  crashFault('crash after attachment upload', 'jira', 'addAttachment', { after: true }),
  crashFault('crash after old attachment deleted', 'jira', 'removeAttachment', { after: true }, { only: ['update'] }),
  crashFault('crash after attachment recorded', 'store', 'saveTicket', {
    after: true,
    when: (_n, args) => (args[0] as TicketState).attachment !== undefined,
  }),
  {
    name: 'site attachment limit 2 KB (file cut to fit)',
    site: { maxAttachmentBytes: 2048 },
    attachmentCut: true,
    arm: ({ jira }) => ({
      round: () => undefined,
      over: () => ({}),
      served: () => jira.counters().attachmentsAdded,
    }),
  },
  {
    name: 'hand-off consumed twice at once',
    arm: () => ({ round: () => undefined, over: () => ({}), served: () => 1, twice: true }),
  },
];

const WORKLOADS: WorkloadName[] = ['attacks', 'update'];
const CELLS = FAULTS.flatMap((f) =>
  WORKLOADS.filter((w) => f.only === undefined || f.only.includes(w)).map((w) => [f.name, w] as const),
);

let cellNo = 0;

describe('ticket-sync fault matrix: one ticket per incident, no duplicate comment, counts exact', () => {
  it.each(CELLS)('%s × %s', async (faultName, workloadName) => {
    const fault = FAULTS.find((f) => f.name === faultName)!;
    const w = workload(workloadName, `j${++cellNo}`);
    const table = await freshTable(dynamo.endpoint);
    const clock: Clock = { now: Date.now() };
    const jira = await startJiraEmulator({
      searchDelayMs: fault.searchDelayMs ?? 0,
      now: () => clock.now,
      ...fault.site,
    });
    try {
      const gateway = new JiraGateway({
        baseUrl: jira.url,
        email: jira.site.email,
        apiToken: jira.site.apiToken,
        onSchemaMismatch: 'throw',
        sleep: async () => undefined,
        ...(fault.timeoutMs !== undefined ? { timeoutMs: fault.timeoutMs } : {}),
      });
      const tickets = new DynamoTicketStore(doc, table);
      const armed = fault.arm({ jira, gateway, tickets });
      const store = new DynamoIngestStore(doc, table);
      let ingestReceives = 0;
      const runs: SyncRun[] = [];
      const intakeDlq: unknown[] = [];
      for (const round of [w.batches, ...(w.update !== undefined ? [w.update] : [])]) {
        const queue = new MemoryTicketQueue();
        const intake = await deliver(round, { storeFor: () => ({ store }), queue });
        ingestReceives += intake.receives;
        intakeDlq.push(...intake.dlq);
        armed.round();
        const depsFor = (_h: unknown, receive: number) => {
          const over = armed.over(receive);
          return syncDeps({ doc, table, jira: over.jira ?? gateway, clock, emulator: jira }, over);
        };
        if (armed.twice) runs.push(...(await Promise.all([0, 1].map(() => syncAll(queue.sent, { clock, depsFor })))));
        else runs.push(await syncAll(queue.sent, { clock, depsFor }));
      }
      const verdict = await checkInvariants(doc, table, w.expected, jira, {
        intakeDlq,
        syncDlq: runs.flatMap((r) => r.dlq),
        permanentCreateError: fault.permanent === 'create',
        // Two invocations updating one incident at once may both comment: only FIFO group order prevents it.
        commentsPerTicket: workloadName === 'update' && !armed.twice ? 1 : undefined,
        exactComments: !armed.twice,
      });
      if (fault.permanent !== 'create') {
        verdict.violations.push(
          ...(await attachmentViolations(jira, tickets, verdict.metas, fault.attachmentCut ?? false)),
        );
        const cutFiles = jira.issues().filter((i) => i.attachments.some((a) => a.content.includes('were cut so')));
        if (fault.attachmentCut && cutFiles.length === 0)
          verdict.violations.push('no file was cut: the cell tests nothing');
      }
      if (fault.permanent === 'update') {
        for (const m of verdict.metas) {
          const t = await tickets.loadTicket(m.incidentId);
          if (t?.lastError === undefined) verdict.violations.push(`${m.incidentId}: the 400 is not recorded`);
        }
      }
      const syncReceives = runs.reduce((s, r) => s + r.receives, 0);
      const attempts = `${ingestReceives} ingest · ${syncReceives} sync`;
      matrix.add(rowOf(faultName, workloadName, attempts, verdict, resultOf(verdict)));

      expect(verdict.violations).toEqual([]);
      expect(verdict.notes).toEqual([]);
      expect(armed.served()).toBeGreaterThan(0);
      expect(verdict.observed.tickets).toBe(fault.permanent === 'create' ? 0 : w.expected.ticketable);
    } finally {
      await jira.close();
    }
  });
});
