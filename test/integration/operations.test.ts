import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { JiraGateway } from '../../lambdas/adapters/jira/gateway';
import { CircuitBreaker } from '../../lambdas/adapters/jira/circuit-breaker';
import { ticketSyncSettings } from '../../lambdas/adapters/config';
import { DynamoTicketStore } from '../../lambdas/adapters/dynamodb/ticket-store';
import { CachedSecret, parseJiraCredentials } from '../../lambdas/adapters/secrets';
import type { TicketingControl } from '../../lambdas/core/sync/control';
import { reportDrafter } from '../../lambdas/core/sync/drafter';
import type { SyncSettings } from '../../lambdas/core/sync/settings';
import { JiraSession, siteExpectations } from '../../lambdas/ticket-sync/jira-session';
import { TOPOLOGY } from '../../lambdas/topology';
import { startJiraEmulator } from '../../local/jira-emulator';
import type { JiraEmulator, JiraEmulatorOptions } from '../../local/jira-emulator';
import { startLocalDynamo } from '../../local/dynamodb-server';
import type { LocalDynamo } from '../../local/dynamodb-server';
import { LocalRuntime } from '../../local/runtime';

/**
 * Issue 17's run-time promises, through the real ticket-sync path (runTicketSync: controls, session, breaker, budget)
 * against the local SQS server, the local DynamoDB server and the Jira emulator over HTTP. The clock is the test's:
 * a deferred hand-off is hidden on the queue until the test moves the clock past the wait ticket-sync asked for.
 */

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.close());

const T0 = Date.parse('2024-02-15T21:30:00Z');

/** One alert of a distinct attack per host: `n` hosts make `n` incidents, each worth a ticket. */
const alert = (n: number, over: Record<string, unknown> = {}) =>
  JSON.stringify({
    alert_id: `OPS-${n}-${Math.random().toString(36).slice(2, 8)}`,
    timestamp: new Date(T0 - 600_000 + n * 1000).toISOString(),
    host: `FIN-WS-${String(100 + n)}`,
    user: 'CORP\\jwilliams',
    rule: 'Registry Run Key Modification by Suspicious Process',
    severity: 85,
    technique: 'T1547.001',
    registry: {
      key: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
      value_name: 'WindowsSecurityUpdate',
      value_data: 'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow',
    },
    ...over,
  });

interface Harness {
  jira: JiraEmulator;
  runtime: LocalRuntime;
  clock: { now: number };
  /** The Jira secret's text, as an operator's `put-secret-value` would change it. */
  secret: { text: string };
  session: JiraSession;
  warnings: string[][];
  /** The waits ticket-sync asked for, in seconds, in order. */
  deferrals: number[];
  /** Moves the clock, and shows again every hand-off whose wait is over. */
  advance(ms: number): Promise<void>;
  /** Ingests everything sent, then runs ticket-sync invocations until a poll finds nothing visible. */
  run(): Promise<void>;
  depth(): Promise<{ queue: number; dlq: number }>;
  close(): Promise<void>;
}

async function harness(
  o: {
    site?: JiraEmulatorOptions;
    apiToken?: string;
    control?: () => Promise<TicketingControl>;
    sync?: Partial<SyncSettings>;
  } = {},
): Promise<Harness> {
  const clock = { now: T0 };
  const now = () => clock.now;
  const jira = await startJiraEmulator({ ...o.site, now });
  const secret = { text: JSON.stringify({ email: jira.site.email, apiToken: o.apiToken ?? jira.site.apiToken }) };
  const sync = {
    ...ticketSyncSettings({ projectKey: 'SOC', issueTypeName: 'Incident' }, { commentIntervalMinutes: 0 }),
    ...o.sync,
  };
  const warnings: string[][] = [];
  const session = new JiraSession({
    siteUrl: jira.url,
    // The Lambda's cache (five-minute TTL, re-read 30 s after a refusal) over a secret the test can change.
    credentials: new CachedSecret({
      read: async () => secret.text,
      parse: (text) => parseJiraCredentials(text, 'alert-to-ticket/jira'),
      now,
    }),
    expectations: siteExpectations(sync),
    gateway: { onSchemaMismatch: 'throw', sleep: async () => undefined },
    breaker: new CircuitBreaker({ now }),
    now,
    onWarnings: (w) => warnings.push(w),
  });
  const deferrals: number[] = [];
  const hidden: { receiptHandle: string; due: number }[] = [];
  // The runtime is built with `deferMessage`, which needs the runtime's queue: bound once it exists.
  const rt: { runtime?: LocalRuntime } = {};
  const visibility = async (receiptHandle: string, seconds: number) =>
    rt.runtime!.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: rt.runtime!.queues.ticketSync.url,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  const runtime = await LocalRuntime.start({
    dynamoEndpoint: dynamo.endpoint,
    sqsEndpoint: process.env.A2T_LOCAL_SQS_ENDPOINT,
    jiraSession: session,
    drafter: reportDrafter(),
    sync,
    ...(o.control !== undefined ? { control: o.control } : {}),
    now,
    detect: false,
    // The stack's own waits (60 s, 2 min … 2 h): the test's clock, not the machine's, makes them pass.
    visibilityScale: 1,
    deferMessage: async (receiptHandle, seconds) => {
      deferrals.push(seconds);
      await visibility(receiptHandle, 43_200);
      hidden.push({ receiptHandle, due: clock.now + seconds * 1000 });
    },
  });
  rt.runtime = runtime;
  return {
    jira,
    runtime,
    clock,
    secret,
    session,
    warnings,
    deferrals,
    advance: async (ms) => {
      clock.now += ms;
      for (const h of hidden.filter((x) => x.due <= clock.now)) await visibility(h.receiptHandle, 0);
      hidden.splice(0, hidden.length, ...hidden.filter((x) => x.due > clock.now));
    },
    run: async () => {
      while ((await runtime.pollIngest()) > 0);
      while ((await runtime.pollTicketSync()) > 0);
    },
    depth: async () => ({
      queue: await runtime.depth(runtime.queues.ticketSync.url),
      dlq: await runtime.depth(runtime.queues.ticketSync.dlqUrl),
    }),
    close: async () => {
      await runtime.close();
      await jira.close();
    },
  };
}

/** Jira requests the emulator received (faulted ones included). */
const requests = (h: Harness) => h.jira.counters().requests;
const metric = (h: Harness, name: string) => h.runtime.totals.metrics.get(name) ?? 0;

describe('an expired or refused Jira token', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('keeps the hand-off (no ticket, no recorded error, nothing dead-lettered) and tickets once the secret is fixed', async () => {
    h = await harness({ apiToken: 'expired-token-0000' });
    await h.runtime.send([alert(1)]);
    await h.run();

    expect(h.jira.issues()).toHaveLength(0);
    expect(h.jira.counters().byStatus['401']).toBe(1);
    expect(metric(h, 'JiraAuthFailures')).toBe(1);
    expect(await h.depth()).toEqual({ queue: 1, dlq: 0 });
    const [incidentId] = [...h.runtime.totals.incidents];
    expect((await new DynamoTicketStore(h.runtime.doc, h.runtime.tableName).loadTicket(incidentId))?.lastError).toBe(
      undefined,
    );

    // The next delivery, secret unchanged: the refused credentials are not sent to Jira again.
    const before = requests(h);
    await h.advance(h.deferrals.at(-1)! * 1000);
    await h.run();
    expect(requests(h)).toBe(before);
    expect(metric(h, 'JiraAuthFailures')).toBe(2);
    expect(await h.depth()).toEqual({ queue: 1, dlq: 0 });

    // The operator puts the real token; the next delivery reads it, checks the site and opens the ticket.
    h.secret.text = JSON.stringify({ email: h.jira.site.email, apiToken: h.jira.site.apiToken });
    await h.advance(h.deferrals.at(-1)! * 1000);
    await h.run();
    expect(h.jira.issues()).toHaveLength(1);
    expect(h.runtime.totals.outcomes.map((x) => x.action)).toEqual(['created']);
    expect(await h.depth()).toEqual({ queue: 0, dlq: 0 });
  });

  it('keeps the hand-offs when the token is refused mid-run, and retries the same token after the hold', async () => {
    h = await harness();
    await h.runtime.send([alert(1)]);
    await h.run();
    expect(h.jira.issues()).toHaveLength(1);

    // The token stops working (the emulator answers 401 to the next calls): the next incidents wait.
    h.jira.faults.inject({ status: 401, count: 1 });
    await h.runtime.send([alert(2), alert(3)]);
    await h.run();
    expect(h.jira.issues()).toHaveLength(1);
    expect(metric(h, 'JiraAuthFailures')).toBe(2);
    expect(await h.depth()).toEqual({ queue: 2, dlq: 0 });

    // Nothing changed in the secret, so the same token is tried again only after the 15-minute hold.
    await h.advance(16 * 60_000);
    await h.run();
    expect(h.jira.issues()).toHaveLength(3);
    expect(await h.depth()).toEqual({ queue: 0, dlq: 0 });
  });

  it('refuses placeholder credentials with a clear line and the same alarm, and keeps the hand-off', async () => {
    h = await harness();
    h.secret.text = JSON.stringify({ email: 'set-me@example.com', apiToken: 'set-me' });
    await h.runtime.send([alert(1)]);
    await h.run();
    expect(requests(h)).toBe(0);
    expect(metric(h, 'JiraAuthFailures')).toBe(1);
    expect(h.runtime.totals.logs.join('\n')).toMatch(
      /field email still holds a placeholder; put the real value with aws secretsmanager put-secret-value/,
    );
    expect(await h.depth()).toEqual({ queue: 1, dlq: 0 });
  });
});

describe('the cold-start site check', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('passes with a warning on a site without Reopen, and a closed ticket with new alerts gets a linked follow-up', async () => {
    h = await harness({
      site: {
        transitions: [
          { id: '11', name: 'To Do', from: ['In Progress'], to: 'To Do' },
          { id: '21', name: 'In Progress', from: ['To Do'], to: 'In Progress' },
          { id: '31', name: 'Done', from: ['To Do', 'In Progress'], to: 'Done' },
        ],
      },
    });
    // An issue in every status, so the check can tell that no status offers Reopen.
    const admin = new JiraGateway({ baseUrl: h.jira.url, email: h.jira.site.email, apiToken: h.jira.site.apiToken });
    await admin.createIssue(seedIssue());
    await admin.transition((await admin.createIssue(seedIssue())).key, 'In Progress');
    await admin.transition((await admin.createIssue(seedIssue())).key, 'Done');

    await h.runtime.send([alert(1)]);
    await h.run();
    expect(h.warnings).toEqual([
      [expect.stringMatching(/^transition 'Reopen' is not offered from any status of 'Incident' in SOC/)],
    ]);
    expect(metric(h, 'JiraSiteCheckFailed')).toBe(0);
    const first = h.runtime.totals.outcomes.find((x) => x.action === 'created')!;
    expect(first.key).toBe('SOC-4');

    await admin.transition('SOC-4', 'Done');
    await h.runtime.send([alert(1, { user: 'CORP\\other' })]);
    await h.run();
    const followUp = h.runtime.totals.outcomes.at(-1)!;
    expect(followUp).toMatchObject({ action: 'followup', key: 'SOC-5' });
    expect(followUp.reason).toMatch(/no transition 'Reopen' on SOC-4 now.*a linked follow-up instead/);
    expect(h.jira.issue('SOC-5')!.links).toEqual([{ type: 'Relates', inwardKey: 'SOC-5', outwardKey: 'SOC-4' }]);
    expect(await h.depth()).toEqual({ queue: 0, dlq: 0 });
  });

  it('blocks (keeping the hand-offs, with its alarm) only on what makes every ticket fail', async () => {
    h = await harness({ sync: { issueTypeName: 'Security Incident' } });
    await h.runtime.send([alert(1)]);
    await h.run();
    expect(metric(h, 'JiraSiteCheckFailed')).toBe(1);
    expect(h.runtime.totals.errors.join('\n')).toMatch(/issue type 'Security Incident' is not in project SOC/);
    expect(await h.depth()).toEqual({ queue: 1, dlq: 0 });
  });
});

describe('the kill switch', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('in dry-run drafts and logs what it would send, and creates nothing: no Jira write, no ticket state', async () => {
    h = await harness({ control: async () => ({ mode: 'dry-run', maxTicketsPerHour: 30 }) });
    await h.runtime.send([alert(1), alert(2)]);
    await h.run();

    expect(h.jira.issues()).toHaveLength(0);
    expect(h.jira.requestLog().filter((r) => r.method !== 'GET')).toEqual([]);
    const lines = h.runtime.totals.logs.filter((l) => l.startsWith('info dry-run'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/would create an issue \(Incident\) in SOC: .*FIN-WS-10[12].*, priority High/);
    expect(metric(h, 'DryRun_created')).toBe(2);
    expect(metric(h, 'Tickets_created')).toBe(0);
    const store = new DynamoTicketStore(h.runtime.doc, h.runtime.tableName);
    for (const id of h.runtime.totals.incidents) expect(await store.loadTicket(id)).toBeUndefined();
    // The hand-offs were consumed: a dry run is a preview, not a hold.
    expect(await h.depth()).toEqual({ queue: 0, dlq: 0 });
  });

  it('off holds every hand-off without touching Jira, and on tickets them', async () => {
    const control: TicketingControl = { mode: 'off', maxTicketsPerHour: 30 };
    h = await harness({ control: async () => control });
    await h.runtime.send([alert(1), alert(2)]);
    await h.run();
    expect(requests(h)).toBe(0);
    expect(metric(h, 'TicketingOff')).toBe(2);
    expect(await h.depth()).toEqual({ queue: 2, dlq: 0 });

    control.mode = 'on';
    await h.advance(h.deferrals.at(-1)! * 1000);
    await h.run();
    expect(h.jira.issues()).toHaveLength(2);
    expect(await h.depth()).toEqual({ queue: 0, dlq: 0 });
  });
});

describe('the hourly ticket cap', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('stops a flood at the cap, alarms, and lets the rest through hour by hour', async () => {
    h = await harness({ control: async () => ({ mode: 'on', maxTicketsPerHour: 3 }) });
    await h.runtime.send(Array.from({ length: 8 }, (_, i) => alert(i + 1)));
    await h.run();

    expect(h.jira.issues()).toHaveLength(3);
    expect(metric(h, 'TicketCapReached')).toBe(5);
    expect(await h.depth()).toEqual({ queue: 5, dlq: 0 });
    // Each capped create waits for the next hour (T0 is 21:30: 30 minutes and a second).
    expect(h.deferrals).toEqual(Array(5).fill(30 * 60 + 1));
    // A capped create releases its claim: nothing is left half-done.
    const store = new DynamoTicketStore(h.runtime.doc, h.runtime.tableName);
    for (const id of h.runtime.totals.incidents) expect((await store.loadTicket(id))?.claimOwner).toBeUndefined();

    await h.advance(30 * 60_000 + 1_000);
    await h.run();
    expect(h.jira.issues()).toHaveLength(6);
    await h.advance(60 * 60_000);
    await h.run();
    expect(h.jira.issues()).toHaveLength(8);
    expect(await h.depth()).toEqual({ queue: 0, dlq: 0 });
  });
});

describe('a Jira outage', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('stops calling Jira after five failures in a row, keeps every hand-off with growing waits, and recovers', async () => {
    h = await harness();
    await h.runtime.send([alert(1)]);
    await h.run();
    expect(h.jira.issues()).toHaveLength(1);

    h.jira.faults.inject({ status: 503, count: 10_000 });
    await h.runtime.send(Array.from({ length: 6 }, (_, i) => alert(i + 2)));
    await h.run();
    // The first hand-off's create is tried four times (the call's retries), the second's once more: five failures
    // open the breaker, and the four others never reach Jira.
    expect(h.jira.counters().faultsServed).toBe(5);
    expect(metric(h, 'JiraCircuitOpen')).toBe(4);
    expect(await h.depth()).toEqual({ queue: 6, dlq: 0 });
    expect(h.deferrals).toEqual(Array(6).fill(60));

    // Still down at the next receive: one probe after the cooldown, and the waits grow.
    await h.advance(60_000);
    await h.run();
    expect(h.jira.counters().faultsServed).toBe(6);
    expect(h.deferrals.slice(6)).toEqual(Array(6).fill(120));

    // Jira is back: the next receive's probe closes the breaker and every incident gets its ticket.
    h.jira.faults.clear();
    await h.advance(120_000);
    await h.run();
    expect(h.jira.issues()).toHaveLength(7);
    expect(await h.depth()).toEqual({ queue: 0, dlq: 0 });
  });
});

describe('the retry schedule', () => {
  it('rides an outage of about a day before the DLQ (18 receives, 60 s doubling to 2 h)', () => {
    const waits = Array.from({ length: TOPOLOGY.ticketSync.maxReceiveCount }, (_, i) => 60 * 2 ** i).map((s) =>
      Math.min(s, TOPOLOGY.ticketSync.retry.maxSeconds),
    );
    const hours = waits.reduce((a, b) => a + b, 0) / 3600;
    expect(hours).toBeGreaterThan(23);
    expect(hours).toBeLessThan(26);
  });
});

function seedIssue() {
  return {
    projectKey: 'SOC',
    issueTypeName: 'Incident',
    summary: 'seed',
    description: { version: 1 as const, type: 'doc' as const, content: [] },
    labels: ['seed'],
    priorityName: 'Low',
  };
}

describe('a replay against a real site (`a2t replay --jira env`)', () => {
  it('finds last run’s ticket by its label instead of opening another, though each run starts with an empty table', async () => {
    const jira = await startJiraEmulator();
    const gateway = new JiraGateway({
      baseUrl: jira.url,
      email: jira.site.email,
      apiToken: jira.site.apiToken,
      onSchemaMismatch: 'throw',
    });
    const sync = {
      ...ticketSyncSettings({ projectKey: 'SOC', issueTypeName: 'Incident' }, { commentIntervalMinutes: 0 }),
      lookupBeforeCreate: true,
    };
    const actions: string[] = [];
    try {
      for (let run = 0; run < 2; run++) {
        const runtime = await LocalRuntime.start({
          dynamoEndpoint: dynamo.endpoint,
          sqsEndpoint: process.env.A2T_LOCAL_SQS_ENDPOINT,
          jira: gateway,
          drafter: reportDrafter(),
          sync,
          detect: false,
        });
        try {
          await runtime.send([alert(1, { alert_id: 'REPLAY-1' })]);
          expect(await runtime.drain(60_000)).toBe(true);
          actions.push(...runtime.totals.outcomes.map((x) => x.action));
        } finally {
          await runtime.close();
        }
      }
      expect(actions).toEqual(['created', 'reconciled']);
      expect(jira.issues()).toHaveLength(1);
    } finally {
      await jira.close();
    }
  });
});
