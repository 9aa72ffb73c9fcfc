/**
 * The fault-injection suite's kit: workloads with their ground truth, the intake and ticket-sync queues simulated
 * as SQS would drive them (redelivery after a failure, maxReceiveCount, then the DLQ), DynamoDB and port faults,
 * the invariant checks over what the pipeline stored and what Jira holds, and the matrix printed at the end.
 */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { DEFAULT_SETTINGS, ticketSyncSettings } from '../../lambdas/adapters/config';
import { documentClient } from '../../lambdas/adapters/dynamodb/client';
import type { RequestCounter } from '../../lambdas/adapters/dynamodb/client';
import { DynamoIngestStore } from '../../lambdas/adapters/dynamodb/ingest-store';
import { DynamoTicketStore } from '../../lambdas/adapters/dynamodb/ticket-store';
import type { IncidentMeta } from '../../lambdas/core/correlate/incident-meta';
import type { HandOff, IngestStore, TicketQueue } from '../../lambdas/core/ingest/ports';
import { MemoryTicketQueue } from '../../lambdas/core/ingest/memory-store';
import { incidentLabel } from '../../lambdas/core/model/labels';
import { reportDrafter } from '../../lambdas/core/sync/drafter';
import type { TicketGateway } from '../../lambdas/core/sync/ports';
import type { SyncSettings } from '../../lambdas/core/sync/settings';
import type { SyncDeps, SyncOutcome } from '../../lambdas/core/sync/sync-incident';
import { TOPOLOGY } from '../../lambdas/topology';
import { ingestRecords } from '../../lambdas/ingest/ingest-records';
import { syncRecords } from '../../lambdas/ticket-sync/sync-records';
import type { JiraEmulator } from '../../local/jira-emulator';
import { LOCAL_CREDENTIALS, LOCAL_REGION, createTable } from '../../local/dynamodb-server';
import { mulberry32 } from '../../bench/generator';
import type { SeededScheduler } from '../helpers/seeded-scheduler';

export const SETTINGS = DEFAULT_SETTINGS;
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// Workloads: what a forwarder sends, and what the pipeline must end up holding.

/** One SQS message: its id stays the same across redeliveries (SQS at-least-once), its body is what was sent. */
export interface Message {
  id: string;
  body: string;
  sentAt: number;
}

export interface Workload {
  name: string;
  /** Batches as the intake event source would hand them to ingest, in order. */
  batches: Message[][];
  /** A second round (new alerts on the same incidents) ingested after the first is synced: ticket updates. */
  update?: Message[][];
  /** Ground truth, over both rounds. */
  expected: Expected;
}

export interface Expected {
  /** Unique alert ids (normalized: `generic:<alert_id>`) of every valid record sent. */
  alerts: Set<string>;
  /** alertId → copies sent in distinct messages beyond the first (a redelivered message is not a new send). */
  extraCopies: Map<string, number>;
  rejections: number;
  /** Incidents the correlation makes when nothing goes wrong: one per attack. */
  incidents: number;
  /** Of which at or above the ticket threshold. */
  ticketable: number;
}

interface AttackSpec {
  key: string;
  host: string;
  user?: string;
  rule: string;
  severity: number;
  technique?: string;
}

const A: AttackSpec = {
  key: 'A',
  host: 'FIN-WS-034',
  user: 'CORP\\jwilliams',
  rule: 'Registry Run Key Modification by Suspicious Process',
  severity: 85,
  technique: 'T1547.001',
};
const B: AttackSpec = {
  key: 'B',
  host: 'OPS-WS-007',
  user: 'CORP\\tkim',
  rule: 'Suspicious LSASS access',
  severity: 80,
  technique: 'T1003.001',
};
/** Below the ticket threshold: kept and counted, never ticketed. */
const LOW: AttackSpec = { key: 'L', host: 'LAB-VM-01', rule: 'Unsigned binary executed', severity: 10 };

const BASE = Date.parse('2024-03-01T10:00:00Z');

interface Rec {
  text: string;
  /** Normalized alert id, or undefined for a record that must be rejected. */
  alertId?: string;
}

function alertRec(tag: string, s: AttackSpec, i: number, over: Record<string, unknown> = {}): Rec {
  const id = `${tag}-${s.key}-${i}`;
  const text = JSON.stringify({
    alert_id: id,
    timestamp: new Date(BASE + i * 30_000).toISOString(),
    host: s.host,
    ...(s.user !== undefined ? { user: s.user } : {}),
    rule: s.rule,
    severity: s.severity,
    ...(s.technique !== undefined ? { technique: s.technique } : {}),
    ...over,
  });
  return { text, alertId: `generic:${id}` };
}

/** A record cut short by a forwarder, and one no adapter recognises: each must become one stored rejection. */
const TRUNCATED: Rec = { text: '{"alert_id": "cut-1", "host": "FIN-WS-034", "rule": "cut sh' };
const UNKNOWN: Rec = { text: '{"hello": "world", "n": 1}' };

/** Deterministic PRNG (the bench generator's), so a shuffled workload is the same on every run. */
const prng = mulberry32;

function shuffle<T>(xs: T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Builds the messages and the truth together. `send` makes a new message (a new SQS message id); `redeliver`
 * repeats an earlier one with its id (SQS delivering a message twice), which adds nothing to the truth.
 */
class Builder {
  private n = 0;
  private readonly sent = new Map<string, Message>();
  readonly copies = new Map<string, number>();
  rejections = 0;
  constructor(private readonly tag: string) {}

  send(recs: Rec[]): Message {
    const m: Message = {
      id: `${this.tag}-m${++this.n}`,
      body: recs.map((r) => r.text).join('\n'),
      sentAt: BASE + 3_600_000 + this.n * 1000,
    };
    for (const r of recs) {
      if (r.alertId === undefined) this.rejections++;
      else this.copies.set(r.alertId, (this.copies.get(r.alertId) ?? 0) + 1);
    }
    this.sent.set(m.id, m);
    return m;
  }

  redeliver(m: Message): Message {
    return { ...this.sent.get(m.id)! };
  }

  expected(incidents: number, ticketable: number): Expected {
    return {
      alerts: new Set(this.copies.keys()),
      extraCopies: new Map([...this.copies].map(([id, n]) => [id, n - 1])),
      rejections: this.rejections,
      incidents,
      ticketable,
    };
  }
}

const chunk = <T>(xs: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

export type WorkloadName = 'attacks' | 'duplicates' | 'out-of-order' | 'burst' | 'update' | 'wave';

/**
 * One attacker process on a host and what it does, each step under its own rule (so no storm key joins them): it
 * starts two children, drops a DLL, sets a Run value that loads it, and calls out. Every event names the attacker's
 * process (as the process or the parent), so one incident whatever order the events arrive in.
 */
function attackOnHost(tag: string, n: number): Rec[] {
  const host = `WAVE-WS-${String(n).padStart(3, '0')}`;
  const attacker = { guid: `{${tag}-${n}-0000-attacker}`, image: 'C:\\Users\\Public\\update.exe' };
  const dll = `C:\\Users\\Public\\w${n}.dll`;
  const steps: Record<string, unknown>[] = [
    {
      rule: 'Suspicious child of an unsigned binary',
      technique: 'T1059.001',
      process: {
        guid: `{${tag}-${n}-0001-child}`,
        image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        command_line: 'powershell -nop -w hidden -enc SQBFAFgA',
        parent: attacker,
      },
    },
    { rule: 'DLL dropped in a public folder', technique: 'T1105', process: attacker, file: { path: dll } },
    {
      rule: 'Registry Run Key Modification by Suspicious Process',
      technique: 'T1547.001',
      process: attacker,
      registry: {
        key: 'HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
        value_name: `Updater${n}`,
        value_data: `rundll32.exe ${dll},Start`,
      },
    },
    {
      rule: 'Outbound connection from an unsigned binary',
      technique: 'T1071.001',
      process: attacker,
      network: { protocol: 'tcp', direction: 'outbound', dst_ip: '203.0.113.45', dst_port: 443 },
    },
    {
      rule: 'Discovery commands from a script host',
      technique: 'T1082',
      process: {
        guid: `{${tag}-${n}-0002-child}`,
        image: 'C:\\Windows\\System32\\cmd.exe',
        command_line: 'cmd /c whoami /all & systeminfo',
        parent: attacker,
      },
    },
  ];
  return steps.map((step, i) => {
    const id = `${tag}-wave-${n}-${i}`;
    const text = JSON.stringify({
      alert_id: id,
      timestamp: new Date(BASE + n * 1000 + i * 20_000).toISOString(),
      host,
      user: `CORP\\user${n}`,
      severity: 80,
      ...step,
    });
    return { text, alertId: `generic:${id}` };
  });
}

/**
 * `attacks` attacks on as many hosts, their events shuffled (seeded) into one- and two-event messages, `perBatch`
 * messages a batch: each attack reaches several batches, which concurrent pollers run at the same time.
 */
export function attackWave(tag: string, o: { attacks: number; seed: number; perBatch: number }): Workload {
  const b = new Builder(tag);
  const rnd = prng(o.seed);
  const recs = shuffle(Array.from({ length: o.attacks }, (_, n) => attackOnHost(tag, n)).flat(), rnd);
  const messages: Message[] = [];
  for (let i = 0; i < recs.length;) {
    const take = rnd() < 0.5 ? 1 : 2;
    messages.push(b.send(recs.slice(i, i + take)));
    i += take;
  }
  return { name: 'wave', batches: chunk(messages, o.perBatch), expected: b.expected(o.attacks, o.attacks) };
}

/**
 * - attacks: two ticketable attacks on two hosts, one below the threshold, two bad records; 14 messages, 4 batches.
 * - duplicates: each alert sent up to 4 times (other messages, other batches, the same batch, twice in one body),
 *   batches of duplicates only, and one message delivered twice by SQS.
 * - out-of-order: two attacks' alerts shuffled in time across 6 batches of one-alert messages.
 * - burst: an open incident, then 8 batches of its attack, 4 alerts of which are in two batches each.
 * - update: one attack ticketed, then a second round with a new technique and a higher severity (a comment).
 */
export function workload(name: WorkloadName, tag: string): Workload {
  const b = new Builder(tag);
  const alertsOf = (s: AttackSpec, from: number, n: number, over?: Record<string, unknown>) =>
    Array.from({ length: n }, (_, i) => alertRec(tag, s, from + i, over));
  switch (name) {
    case 'attacks': {
      const recs = [...alertsOf(A, 0, 12), ...alertsOf(B, 0, 8), ...alertsOf(LOW, 0, 4)].sort((x, y) =>
        x.text.localeCompare(y.text),
      );
      const messages = chunk(recs, 2).map((r) => b.send(r));
      messages.splice(3, 0, b.send([alertRec(tag, A, 12), TRUNCATED]));
      messages.splice(9, 0, b.send([UNKNOWN]));
      return { name, batches: chunk(messages, 4), expected: b.expected(3, 2) };
    }
    case 'duplicates': {
      const a = alertsOf(A, 0, 10);
      const bb = alertsOf(B, 0, 3);
      const m1 = b.send([a[0], a[1]]);
      const batches: Message[][] = [
        [m1, b.send([a[2], a[3]]), b.send([a[4], a[4]])],
        [b.send([a[0], a[5]]), b.send([a[5], a[6]]), b.send([a[1], a[2], a[3]])],
        // Duplicates only: counted with one commutative update, no incident write.
        [b.send([a[0], a[1]]), b.send([a[4]])],
        [b.send([a[7], a[8], a[9]]), b.send([a[9]]), b.send(bb), b.send([bb[0], bb[2]])],
        // SQS hands the first message out again, long after it was processed.
        [b.redeliver(m1)],
      ];
      return { name, batches, expected: b.expected(2, 2) };
    }
    case 'out-of-order': {
      const rnd = prng(0x5eed);
      const recs = shuffle([...alertsOf(A, 0, 16), ...alertsOf(B, 0, 8)], rnd);
      return {
        name,
        batches: chunk(
          recs.map((r) => b.send([r])),
          4,
        ),
        expected: b.expected(2, 2),
      };
    }
    case 'burst': {
      const seed = [b.send([alertRec(tag, A, 0)])];
      const a = alertsOf(A, 1, 40);
      const shared = [a[3], a[11], a[19], a[27]];
      const batches = chunk(a, 5).map((five, i) =>
        chunk([...five, ...(i % 2 === 1 ? [shared[(i - 1) / 2]] : [])], 2).map((r) => b.send(r)),
      );
      return { name, batches: [seed, ...batches], expected: b.expected(1, 1) };
    }
    case 'wave':
      return attackWave(tag, { attacks: 5, seed: 0x3a7e, perBatch: 2 });
    case 'update': {
      // The update adds credential theft (T1003.001), a P1 row of the rubric: the ticket's priority must rise.
      const first = chunk(alertsOf(A, 0, 4), 2).map((r) => b.send(r));
      const update = [
        [
          b.send(alertsOf(A, 4, 3, { severity: 95, technique: ['T1547.001', 'T1218.011', 'T1003.001'] })),
          b.send([UNKNOWN]),
        ],
      ];
      return { name, batches: [first], update, expected: b.expected(1, 1) };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// DynamoDB: a table per cell, a client whose faults the cell chooses.

let tables = 0;
export async function freshTable(endpoint: string): Promise<string> {
  const name = `faults-${process.pid}-${++tables}`;
  await createTable(endpoint, name);
  return name;
}

/** Retries without waiting: the SDK's own retry loop, minus its backoff (which would only slow the suite). */
function quickRetries(maxAttempts: number) {
  const token = (n: number) => ({ getRetryCount: () => n, getRetryDelay: () => 0 });
  return {
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (t: { getRetryCount(): number }, info: { errorType: string }) => {
      const next = t.getRetryCount() + 1;
      if (next >= maxAttempts || info.errorType === 'CLIENT_ERROR') throw new Error('out of retries');
      return token(next);
    },
    recordSuccess: () => undefined,
  };
}

export type DynamoFaultRule =
  /** The requests number skip+1 … skip+count of `operation` fail with ProvisionedThroughputExceededException. */
  | { kind: 'throttle'; operation: string; count: number; skip?: number }
  /** The first `count` BatchWriteItem / BatchGetItem calls process half their items and return the rest unprocessed. */
  | { kind: 'unprocessed'; operation: 'BatchWriteItem' | 'BatchGetItem'; count: number };

/** What the faulty client served, and the requests it saw (SDK attempts included). */
export class DynamoFaults {
  served = 0;
  readonly attempts = new Map<string, number>();
  private readonly calls = new Map<string, number>();
  constructor(readonly rules: DynamoFaultRule[]) {}

  private bump(map: Map<string, number>, op: string): number {
    const n = (map.get(op) ?? 0) + 1;
    map.set(op, n);
    return n;
  }

  /**
   * Throttles inside the SDK's retry loop (finalizeRequest, after the retry middleware), before anything is sent: a
   * throttled request has no effect, as DynamoDB's own throttling has none. `beyondSdkRetries`: above the retry loop
   * instead, so each throttle reaches the caller as it would once the SDK's attempts are spent.
   */
  install(doc: DynamoDBDocumentClient, o: { beyondSdkRetries?: boolean } = {}): void {
    const throttle =
      <A, R>(next: (args: A) => Promise<R>, context: { commandName?: string }) =>
      async (args: A): Promise<R> => {
        const op = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        const n = this.bump(this.attempts, op);
        const hit = this.rules.find(
          (r) => r.kind === 'throttle' && r.operation === op && n > (r.skip ?? 0) && n <= (r.skip ?? 0) + r.count,
        );
        if (hit !== undefined) {
          this.served++;
          throw new ProvisionedThroughputExceededException({
            message:
              'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
            $metadata: { httpStatusCode: 400, requestId: `fault-${this.served}`, attempts: 1 },
          });
        }
        return next(args);
      };
    if (o.beyondSdkRetries)
      doc.middlewareStack.add(throttle, { step: 'initialize', priority: 'high', name: 'a2tFaultThrottle' });
    else doc.middlewareStack.add(throttle, { step: 'finalizeRequest', priority: 'low', name: 'a2tFaultThrottle' });
    // Above the document marshalling, so items and keys are plain objects both ways.
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const op = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        const n = this.bump(this.calls, op);
        const rule = this.rules.find((r) => r.kind === 'unprocessed' && r.operation === op && n <= r.count);
        const input = args.input as { RequestItems?: Record<string, unknown> };
        const [table, request] = Object.entries(input.RequestItems ?? {})[0] ?? [];
        if (rule === undefined || table === undefined) return next(args);
        if (op === 'BatchWriteItem') {
          const writes = request as unknown[];
          if (writes.length < 2) return next(args);
          const keep = writes.slice(0, Math.ceil(writes.length / 2));
          const result = await next({ ...args, input: { ...input, RequestItems: { [table]: keep } } });
          (result.output as { UnprocessedItems?: unknown }).UnprocessedItems = { [table]: writes.slice(keep.length) };
          this.served++;
          return result;
        }
        const { Keys: keys, ...rest } = request as { Keys: unknown[] };
        if (keys.length < 2) return next(args);
        const keep = keys.slice(0, Math.ceil(keys.length / 2));
        const result = await next({ ...args, input: { ...input, RequestItems: { [table]: { ...rest, Keys: keep } } } });
        (result.output as { UnprocessedKeys?: unknown }).UnprocessedKeys = {
          [table]: { ...rest, Keys: keys.slice(keep.length) },
        };
        this.served++;
        return result;
      },
      { step: 'initialize', priority: 'low', name: 'a2tFaultUnprocessed' },
    );
  }
}

/** A document client on the local server: `maxAttempts` 1 shows the pipeline every fault, 3 lets the SDK absorb. */
export function faultyClient(
  endpoint: string,
  o: { maxAttempts?: number; faults?: DynamoFaults; counter?: RequestCounter } = {},
): DynamoDBDocumentClient {
  const maxAttempts = o.maxAttempts ?? 1;
  const doc = documentClient(
    {
      endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts,
      retryStrategy: quickRetries(maxAttempts),
    },
    o.counter,
  );
  o.faults?.install(doc);
  return doc;
}

// ---------------------------------------------------------------------------------------------------------------
// Crashes: a port that dies at a step, the way a Lambda killed mid-invocation does.

export class Crash extends Error {}

/**
 * Wraps a port so that its `method` dies on the first call `when` accepts: before delegating (the step never
 * happened) or after (it happened and the invocation died before it could go on). Once it has fired, every call on
 * the port throws: a dead Lambda runs nothing more, whatever its code would catch.
 */
export function crashing<T extends object>(
  target: T,
  method: keyof T,
  o: { after: boolean; when?: (call: number, args: unknown[]) => boolean },
): { port: T; fired: () => boolean } {
  let calls = 0;
  let fired = false;
  const port = new Proxy(target, {
    get(t, p, r) {
      const v = Reflect.get(t, p, r);
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        if (fired) throw new Crash('the invocation is dead');
        if (p !== method) return (v as (...a: unknown[]) => Promise<unknown>).apply(t, args);
        calls++;
        const hit = o.when?.(calls, args) ?? true;
        if (hit && !o.after) {
          fired = true;
          throw new Crash(`crash before ${String(method)}`);
        }
        const result: unknown = await (v as (...a: unknown[]) => Promise<unknown>).apply(t, args);
        if (hit) {
          fired = true;
          throw new Crash(`crash after ${String(method)}`);
        }
        return result;
      };
    },
  });
  return { port, fired: () => fired };
}

// ---------------------------------------------------------------------------------------------------------------
// The intake queue: batches delivered to the ingest Lambda's code, failures redelivered after the others (the
// visibility timeout), at most maxReceiveCount receives, then the DLQ.

export interface IntakeRun {
  /** Ingest invocations (receives of a batch). */
  receives: number;
  /** The most batches in flight at once. */
  maxInFlight: number;
  /** Messages that failed maxReceiveCount times, by the batch they were last in. */
  dlq: Message[][];
  errors: string[];
  handOffs: HandOff[];
}

function sqsRecord(m: Message, receive: number): SQSRecord {
  return {
    messageId: m.id,
    receiptHandle: `${m.id}#${receive}`,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(receive),
      SentTimestamp: String(m.sentAt),
      SenderId: 'fault-suite',
      ApproximateFirstReceiveTimestamp: String(m.sentAt),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:000000000000:${TOPOLOGY.intake.name}`,
    awsRegion: LOCAL_REGION,
  };
}

/**
 * Runs batches through `ingestRecords` (the Lambda's own path: decode and normalize on every receive, one ingest
 * over the batch, all records failed on any storage error). `storeFor(receive)` gives the store for that receive,
 * so a fault can hit the first receive and spare the redelivery. `concurrency` batches run at once.
 */
/** What one ingest invocation runs on; `died`: the invocation crashed (no batch response reaches the queue). */
export interface Invocation {
  store: IngestStore;
  died?: () => boolean;
}

export async function deliver(
  batches: Message[][],
  o: {
    storeFor: (receive: number) => Invocation;
    queue?: MemoryTicketQueue;
    /** Pollers running at once, as the event source's maximum concurrency (default 1). */
    concurrency?: number;
    maxReceiveCount?: number;
    /** Decides which poller takes each step (store call or hand-off), for a replayable interleaving. */
    scheduler?: SeededScheduler;
  },
): Promise<IntakeRun> {
  const queue = o.queue ?? new MemoryTicketQueue();
  const max = o.maxReceiveCount ?? TOPOLOGY.intake.maxReceiveCount;
  const pending = batches.map((messages) => ({ messages, receive: 1 }));
  const run: IntakeRun = { receives: 0, maxInFlight: 0, dlq: [], errors: [], handOffs: queue.sent };
  let inFlight = 0;
  const receiveOne = async (d: { messages: Message[]; receive: number }, turn?: () => Promise<void>) => {
    run.receives++;
    // A redelivery comes later than the first receive (minutes in the stack): never within the same millisecond.
    if (d.receive > 1) await sleep(3);
    const records = d.messages.map((m) => sqsRecord(m, d.receive));
    const inv = o.storeFor(d.receive);
    // A dead invocation sends nothing either.
    const sendOrDie: TicketQueue = {
      send: async (handOffs) => {
        if (inv.died?.()) throw new Crash('the invocation is dead');
        await queue.send(handOffs);
      },
    };
    const store = turn !== undefined && o.scheduler !== undefined ? o.scheduler.port(inv.store, turn) : inv.store;
    const sender = turn !== undefined && o.scheduler !== undefined ? o.scheduler.port(sendOrDie, turn) : sendOrDie;
    const r = await ingestRecords(records, { store, queue: sender, settings: SETTINGS });
    if (r.error !== undefined) run.errors.push(r.error instanceof Error ? r.error.message : String(r.error));
    run.errors.push(...(r.result?.errors ?? []));
    // A partial batch response: only the messages reported failed come back; all of them when the Lambda died.
    const back = new Set(r.response.batchItemFailures.map((f) => f.itemIdentifier));
    const messages = d.messages.filter((m) => inv.died?.() === true || back.has(m.id));
    if (messages.length === 0) return;
    if (d.receive >= max) run.dlq.push(messages);
    else pending.push({ messages, receive: d.receive + 1 });
  };
  // Each poller takes the next batch when it is free, as Lambda's pollers do; a failed batch goes to the back.
  const poller = async (turn?: () => Promise<void>) => {
    for (let d = pending.shift(); d !== undefined; d = pending.shift()) {
      inFlight++;
      run.maxInFlight = Math.max(run.maxInFlight, inFlight);
      try {
        await receiveOne(d, turn);
      } finally {
        inFlight--;
      }
    }
  };
  // Pollers that find the queue empty while a batch is in flight come back for its redelivery.
  while (pending.length > 0) {
    const n = Math.min(o.concurrency ?? 1, pending.length);
    await Promise.all(
      Array.from({ length: n }, () => (o.scheduler !== undefined ? o.scheduler.run((turn) => poller(turn)) : poller())),
    );
  }
  return run;
}

// ---------------------------------------------------------------------------------------------------------------
// The ticket-sync FIFO queue: one group per incident, deduplicated by incident and version, in order; a failure is
// redelivered after the wait the handler set (ChangeMessageVisibility) or the queue's visibility timeout.

export interface Clock {
  now: number;
}

export interface SyncRun {
  receives: number;
  outcomes: SyncOutcome[];
  errors: string[];
  dlq: HandOff[];
}

export function syncDeps(
  o: { doc: DynamoDBDocumentClient; table: string; jira: TicketGateway; clock: Clock; emulator: JiraEmulator },
  over: Omit<Partial<SyncDeps>, 'settings'> & { settings?: Partial<SyncSettings> } = {},
): SyncDeps {
  const { settings, ...rest } = over;
  return {
    store: new DynamoTicketStore(o.doc, o.table),
    jira: o.jira,
    drafter: reportDrafter(),
    owner: 'fault-suite',
    now: () => o.clock.now,
    ...rest,
    settings: {
      ...ticketSyncSettings({ projectKey: o.emulator.site.projectKey, issueTypeName: o.emulator.site.issueTypes[0] }),
      ...settings,
    },
  };
}

/**
 * Every hand-off through `syncRecords` (the Lambda's path: FIFO processor, deferral, permanent errors consumed).
 * `depsFor(handOff, receive)` gives the dependencies for that receive; the clock moves by the wait before each
 * redelivery.
 */
export async function syncAll(
  handOffs: HandOff[],
  o: {
    depsFor: (h: HandOff, receive: number) => SyncDeps;
    clock: Clock;
    maxReceiveCount?: number;
  },
): Promise<SyncRun> {
  const max = o.maxReceiveCount ?? TOPOLOGY.ticketSync.maxReceiveCount;
  const run: SyncRun = { receives: 0, outcomes: [], errors: [], dlq: [] };
  const seen = new Set<string>();
  const unique = handOffs.filter((h) => {
    const id = `${h.incidentId}#${h.version}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  let n = 0;
  for (const h of unique) {
    const messageId = `sync-${++n}`;
    for (let receive = 1; ; receive++) {
      run.receives++;
      let deferredSeconds: number | undefined;
      const record: SQSRecord = {
        ...sqsRecord({ id: messageId, body: JSON.stringify(h), sentAt: o.clock.now }, receive),
        attributes: {
          ApproximateReceiveCount: String(receive),
          SentTimestamp: String(o.clock.now),
          SenderId: 'fault-suite',
          ApproximateFirstReceiveTimestamp: String(o.clock.now),
          MessageGroupId: h.incidentId,
          MessageDeduplicationId: `${h.incidentId}#${h.version}`,
          SequenceNumber: String(n),
        },
        eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:000000000000:${TOPOLOGY.ticketSync.name}`,
      };
      // The Lambda throws when every record of its batch failed (Powertools' FullBatchFailureError): same outcome.
      const failed = await syncRecords(
        { Records: [record] },
        {
          sync: o.depsFor(h, receive),
          maxReceiveCount: max,
          deferMessage: async (_handle, seconds) => {
            deferredSeconds = seconds;
          },
          onOutcome: (outcome) => run.outcomes.push(outcome),
          onError: (_r, err) => run.errors.push(err instanceof Error ? err.message : String(err)),
        },
      ).then(
        (response) => response.batchItemFailures.length > 0,
        () => true,
      );
      if (!failed) break;
      if (receive >= max) {
        run.dlq.push(h);
        break;
      }
      o.clock.now += (deferredSeconds ?? TOPOLOGY.ticketSync.visibilityTimeoutSeconds) * 1000;
    }
  }
  return run;
}

// ---------------------------------------------------------------------------------------------------------------
// Invariants over the table and the Jira site.

type Item = Record<string, unknown>;

async function scanAll(doc: DynamoDBDocumentClient, table: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...((r.Items as Item[] | undefined) ?? []));
    start = r.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

export interface Observed {
  incidents: number;
  /** Sum of alertCount over the incidents. */
  alerts: number;
  duplicates: number;
  rejections: number;
  /** Emulator issues carrying an incident label, and incidents at or above the ticket threshold. */
  tickets: number;
  ticketable: number;
  comments: number;
}

export interface Verdict {
  observed: Observed;
  /** Broken invariants. */
  violations: string[];
  /** Not an invariant, but worth knowing: an attack split over more incidents (and tickets) than it should be. */
  notes: string[];
  metas: IncidentMeta[];
  expected: Expected;
}

export interface CheckOptions {
  /** Jira refused every create permanently (400): no ticket, the error recorded on the incident instead. */
  permanentCreateError?: boolean;
  /** Comments each ticketed incident must carry exactly (the update workload: 1). */
  commentsPerTicket?: number;
  /** Whether a comment posted twice is a violation (default true). */
  exactComments?: boolean;
  intakeDlq?: unknown[];
  syncDlq?: unknown[];
}

/**
 * The suite's invariants, as a list of violations (empty: the cell holds):
 * every accepted alert is in exactly one incident, every rejected input is recorded once, no duplicate ticket
 * or comment, and the counts on each incident are exactly what was sent.
 */
export async function checkInvariants(
  doc: DynamoDBDocumentClient,
  table: string,
  expected: Expected,
  jira: JiraEmulator | undefined,
  o: CheckOptions = {},
): Promise<Verdict> {
  const items = await scanAll(doc, table);
  const v: string[] = [];
  const metas = new Map<string, IncidentMeta>();
  const tickets = new Map<string, Item>();
  const alertHomes = new Map<string, string[]>(); // alertId → incidents whose partition holds it
  const itemsPerIncident = new Map<string, number>();
  const claims = new Map<string, string>(); // alertId → incidentId of its SEEN claim
  let rejections = 0;
  for (const it of items) {
    const pk = String(it.pk);
    const sk = String(it.sk);
    if (pk.startsWith('INC#') && sk === 'META') metas.set(pk.slice(4), it as unknown as IncidentMeta);
    else if (pk.startsWith('INC#') && sk === 'TICKET') tickets.set(pk.slice(4), it);
    else if (pk.startsWith('INC#') && sk.startsWith('ALERT#')) {
      const id = String(it.alertId);
      alertHomes.set(id, [...(alertHomes.get(id) ?? []), pk.slice(4)]);
      itemsPerIncident.set(pk.slice(4), (itemsPerIncident.get(pk.slice(4)) ?? 0) + 1);
    } else if (pk.startsWith('ALERT#') && sk === 'SEEN') claims.set(pk.slice(6), String(it.incidentId));
    else if (pk.startsWith('REJECT#')) rejections++;
  }

  // Every accepted alert in exactly one incident.
  for (const id of expected.alerts) {
    const homes = alertHomes.get(id) ?? [];
    if (homes.length === 0) v.push(`alert ${id} is in no incident`);
    else if (homes.length > 1) v.push(`alert ${id} is in ${homes.length} incidents: ${homes.join(', ')}`);
    if (!claims.has(id)) v.push(`alert ${id} has no SEEN claim`);
    else if (homes.length === 1 && claims.get(id) !== homes[0])
      v.push(`alert ${id}: its claim names ${claims.get(id)}, it is stored under ${homes[0]}`);
  }
  for (const id of alertHomes.keys()) if (!expected.alerts.has(id)) v.push(`alert ${id} was never sent`);
  for (const [incidentId, n] of itemsPerIncident) {
    const meta = metas.get(incidentId);
    if (meta === undefined) v.push(`${n} alert item(s) under INC#${incidentId}, which has no META`);
    else if (meta.alertCount !== n) v.push(`${incidentId}: alertCount ${meta.alertCount}, ${n} alert items`);
  }
  const alerts = [...metas.values()].reduce((s, m) => s + m.alertCount, 0);
  if (alerts !== expected.alerts.size) v.push(`sum of alertCount ${alerts} ≠ ${expected.alerts.size} alerts sent`);

  // Counts exact: duplicates on each incident are the extra copies of its own alerts.
  const duplicates = [...metas.values()].reduce((s, m) => s + m.duplicates, 0);
  const expectedDuplicates = [...expected.extraCopies.values()].reduce((s, n) => s + n, 0);
  for (const [incidentId, meta] of metas) {
    const mine = [...expected.alerts].filter((id) => (alertHomes.get(id) ?? [])[0] === incidentId);
    const want = mine.reduce((s, id) => s + (expected.extraCopies.get(id) ?? 0), 0);
    if (meta.duplicates !== want) v.push(`${incidentId}: duplicates ${meta.duplicates}, ${want} sent`);
    if (meta.suppressed !== 0) v.push(`${incidentId}: ${meta.suppressed} suppressed, none expected`);
  }
  if (duplicates !== expectedDuplicates) v.push(`sum of duplicates ${duplicates} ≠ ${expectedDuplicates} sent`);

  // Every rejected input recorded, once.
  if (rejections !== expected.rejections) v.push(`${rejections} REJECT# items, ${expected.rejections} rejected`);
  const dead = (o.intakeDlq ?? []).flat();
  if (dead.length > 0) v.push(`${dead.length} intake message(s) in the DLQ`);
  if ((o.syncDlq ?? []).length > 0) v.push(`${o.syncDlq!.length} hand-off(s) in the ticket-sync DLQ`);

  // No duplicate ticket, no duplicate comment, and the ticket recorded where the incident says.
  let ticketCount = 0;
  let ticketable = 0;
  let comments = 0;
  if (jira !== undefined) {
    const byLabel = new Map<string, string[]>();
    for (const issue of jira.issues()) {
      for (const l of issue.labels.filter((x) => x.startsWith('a2t-inc-')))
        byLabel.set(l, [...(byLabel.get(l) ?? []), issue.key]);
      const markers = issue.comments.map((c) => /alert-to-ticket \S+ v\d+/.exec(JSON.stringify(c.body))?.[0]);
      const dup = markers.find((m, i) => m !== undefined && markers.indexOf(m) !== i);
      if (dup !== undefined && o.exactComments !== false) v.push(`${issue.key}: comment "${dup}" posted twice`);
      comments += issue.comments.length;
    }
    for (const [label, keys] of byLabel) if (keys.length > 1) v.push(`label ${label} on ${keys.join(', ')}`);
    const labels = new Map([...metas.keys()].map((id) => [incidentLabel(id), id] as const));
    for (const label of byLabel.keys()) if (!labels.has(label)) v.push(`issue labelled ${label}: no such incident`);
    for (const [incidentId, meta] of metas) {
      const keys = byLabel.get(incidentLabel(incidentId)) ?? [];
      const ticket = tickets.get(incidentId);
      if (meta.severity < SETTINGS.ticketThreshold) {
        if (keys.length > 0) v.push(`${incidentId} (severity ${meta.severity}) was ticketed: ${keys.join(', ')}`);
        continue;
      }
      ticketable++;
      if (o.permanentCreateError) {
        if (keys.length > 0) v.push(`${incidentId}: ticketed despite the permanent error`);
        if (ticket?.lastError === undefined) v.push(`${incidentId}: the permanent Jira error is not recorded`);
        continue;
      }
      if (keys.length !== 1) v.push(`${incidentId}: ${keys.length} issues, one expected`);
      else {
        ticketCount++;
        if (ticket?.ticketKey !== keys[0])
          v.push(`${incidentId}: TICKET names ${String(ticket?.ticketKey)}, not ${keys[0]}`);
        if (Number(ticket?.syncedVersion ?? 0) < meta.notifiedVersion)
          v.push(`${incidentId}: synced v${String(ticket?.syncedVersion)}, hand-off v${meta.notifiedVersion} lost`);
        const posted = jira.issue(keys[0])!.comments.length;
        if (o.commentsPerTicket !== undefined && posted !== o.commentsPerTicket)
          v.push(`${keys[0]}: ${posted} comments, ${o.commentsPerTicket} expected`);
      }
      if (ticket?.claimOwner !== undefined) v.push(`${incidentId}: create claim left behind`);
    }
  }
  // One attack, one incident (and one ticket): a quality, not an invariant, under redelivery and concurrency.
  const notes: string[] = [];
  if (metas.size !== expected.incidents || (jira !== undefined && ticketable !== expected.ticketable))
    notes.push(
      `split: ${expected.incidents} attacks → ${metas.size} incidents` +
        (jira !== undefined ? `, ${ticketable} to ticket for ${expected.ticketable}` : ''),
    );
  return {
    observed: { incidents: metas.size, alerts, duplicates, rejections, tickets: ticketCount, ticketable, comments },
    violations: v,
    notes,
    metas: [...metas.values()],
    expected,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The matrix.

export interface MatrixRow {
  fault: string;
  workload: string;
  /** Ingest invocations that ran at once (the pollers). */
  concurrency: string;
  attempts: string;
  tickets: string;
  alerts: string;
  duplicates: string;
  result: string;
}

export class Matrix {
  private readonly rows: MatrixRow[] = [];
  constructor(private readonly title: string) {}

  add(row: MatrixRow): void {
    this.rows.push(row);
  }

  /** One row per cell, in the order the cells ran. */
  render(): string {
    const head: MatrixRow = {
      fault: 'fault',
      workload: 'workload',
      concurrency: 'pollers',
      attempts: 'attempts',
      tickets: 'tickets',
      alerts: 'alerts',
      duplicates: 'duplicates',
      result: 'result',
    };
    const cols = Object.keys(head) as (keyof MatrixRow)[];
    const width = (c: keyof MatrixRow) => Math.max(...[head, ...this.rows].map((r) => r[c].length));
    const line = (r: MatrixRow) => `| ${cols.map((c) => r[c].padEnd(width(c))).join(' | ')} |`;
    const rule = `|${cols.map((c) => '-'.repeat(width(c) + 2)).join('|')}|`;
    const ok = this.rows.filter((r) => r.result.startsWith('ok')).length;
    const split = this.rows.filter((r) => r.result.includes('split:')).length;
    const pollers = [...new Set(this.rows.map((r) => r.concurrency))].sort((a, b) => Number(a) - Number(b));
    return [
      `${this.title}: ${this.rows.length} cells, ${ok} hold every invariant, ${this.rows.length - ok} fail; ${split} split an attack` +
        `; ingest pollers at once: ${pollers.join(', ')}`,
      line(head),
      rule,
      ...this.rows.map(line),
    ].join('\n');
  }
}

/** `ok` or `FAIL: <first violation> (+n)`, then the notes. */
export function resultOf(verdict: Verdict): string {
  const v = verdict.violations;
  const head = v.length === 0 ? 'ok' : `FAIL: ${v[0]}${v.length > 1 ? ` (+${v.length - 1})` : ''}`;
  return [head, ...verdict.notes].join(' · ');
}

/** The row for a cell: tickets against incidents to ticket, alerts and duplicates got/sent. */
export function rowOf(
  fault: string,
  workloadName: string,
  attempts: string,
  verdict: Verdict,
  result: string,
  concurrency = 1,
): MatrixRow {
  const e = verdict.expected;
  const dup = [...e.extraCopies.values()].reduce((s, n) => s + n, 0);
  return {
    fault,
    workload: workloadName,
    concurrency: String(concurrency),
    attempts,
    tickets: `${verdict.observed.tickets}/${verdict.observed.ticketable}`,
    alerts: `${verdict.observed.alerts}/${e.alerts.size}`,
    duplicates: `${verdict.observed.duplicates}/${dup}`,
    result,
  };
}

export { DynamoIngestStore, DynamoTicketStore, MemoryTicketQueue };
