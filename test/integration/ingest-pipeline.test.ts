import * as fs from 'node:fs';
import { DynamoIngestStore } from '../../lambdas/adapters/dynamodb/ingest-store';
import { DynamoTicketStore } from '../../lambdas/adapters/dynamodb/ticket-store';
import { RequestCounter, documentClient } from '../../lambdas/adapters/dynamodb/client';
import { normalizeInput } from '../../lambdas/core/formats';
import { ingestBatch } from '../../lambdas/core/ingest/ingest-batch';
import type { IngestUnit } from '../../lambdas/core/ingest/ingest-batch';
import { MemoryTicketQueue } from '../../lambdas/core/ingest/memory-store';
import type { IngestStore } from '../../lambdas/core/ingest/ports';
import { LOCAL_CREDENTIALS, LOCAL_REGION, createTable, startLocalDynamo } from '../../local/dynamodb-server';
import type { LocalDynamo } from '../../local/dynamodb-server';
import { realFixture } from '../helpers/real-fixtures';

let dynamo: LocalDynamo;
const counter = new RequestCounter();
let doc: ReturnType<typeof documentClient>;
let n = 0;

async function freshStore(): Promise<DynamoIngestStore> {
  const table = `ingest-${++n}`;
  await createTable(dynamo.endpoint, table);
  return new DynamoIngestStore(doc, table);
}

function unit(messageId: string, body: string): IngestUnit {
  return { messageId, ...normalizeInput(body, messageId, { receivedTime: '2024-02-15T21:30:00.000Z' }) };
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  doc = documentClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }, counter);
});
afterAll(async () => {
  doc.destroy();
  await dynamo.close();
});

const storm = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) =>
    JSON.stringify(
      makeAlertJson(`storm-${from + i}`, new Date(Date.parse('2024-02-15T21:00:00Z') + (from + i) * 100).toISOString()),
    ),
  );

/** A generic-format alert (the reference ticket's shape), each with its own id. */
function makeAlertJson(id: string, time: string) {
  return {
    alert_id: id,
    timestamp: time,
    host: 'FIN-WS-034',
    user: 'jwilliams',
    rule_name: 'Registry Run Key Modification by Suspicious Process',
    severity: 85,
    technique: 'T1547.001',
  };
}

async function metaOf(store: IngestStore, id: string) {
  return (await store.getMetas([id])).get(id)!;
}

describe('ingest against the local DynamoDB server', () => {
  it('counts a storm of one rule on one host as one incident, with one conditional write per incident per batch', async () => {
    const store = await freshStore();
    const queue = new MemoryTicketQueue();
    const units = storm(100).map((b, i) => unit(`m-${i}`, b));
    counter.reset();
    const r = await ingestBatch(units, store, queue);
    expect(r.accepted).toBe(100);
    expect(r.incidents.size).toBe(1);
    const [id] = [...r.incidents.keys()];
    expect(await metaOf(store, id)).toMatchObject({ alertCount: 100, duplicates: 0, version: 1 });
    expect(counter.byOperation.get('UpdateItem')).toBe(1);
    // One claim per unique alert and one conditional write of the host's heads; everything else batched.
    expect(counter.byOperation.get('PutItem')).toBe(100 + 1);
    expect(counter.total).toBeLessThan(100 * 1.2);
    expect(queue.sent).toEqual([expect.objectContaining({ incidentId: id, version: 1, reason: 'new incident' })]);
  });

  it('counts a redelivered message and the same alert inside an SNS envelope as duplicates, never twice', async () => {
    const store = await freshStore();
    const queue = new MemoryTicketQueue();
    const body = storm(1)[0];
    const first = await ingestBatch([unit('m-1', body)], store, queue);
    const sns = JSON.stringify({
      Type: 'Notification',
      MessageId: 'sns-1',
      TopicArn: 'arn:aws:sns:us-east-1:111111111111:alerts',
      Message: body,
    });
    const again = await ingestBatch([unit('m-2', body), unit('m-3', sns)], store, queue);
    const [id] = [...first.incidents.keys()];
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await metaOf(store, id)).toMatchObject({ alertCount: 1, duplicates: 2 });
    expect(queue.sent).toHaveLength(1);
  });

  it('is exact when a crashed batch is retried: alerts claimed by the same message are counted once', async () => {
    const store = await freshStore();
    const units = storm(10).map((b, i) => unit(`m-${i}`, b));
    // The incident write fails after the claims: every message touching it goes back to the queue.
    const crashing: IngestStore = Object.create(store, {
      writeMeta: { value: async () => Promise.reject(new Error('Lambda timed out')) },
    });
    const crashed = await ingestBatch(units, crashing, new MemoryTicketQueue());
    expect(crashed.failedMessages.size).toBe(10);
    expect(crashed.accepted).toBe(0);
    const retry = await ingestBatch(units, store, new MemoryTicketQueue());
    const [id] = [...retry.incidents.keys()];
    expect(await metaOf(store, id)).toMatchObject({ alertCount: 10, duplicates: 0 });
    // And a crash right after the incident write, retried again, adds nothing.
    const crashLate: IngestStore = Object.create(store, {
      writeMeta: {
        value: async (next: never, v: number) => {
          await store.writeMeta(next, v);
          throw new Error('killed');
        },
      },
    });
    const late = await ingestBatch(
      storm(2, 10).map((b, i) => unit(`late-${i}`, b)),
      crashLate,
      new MemoryTicketQueue(),
    );
    expect(late.failedMessages.size).toBe(2);
    await ingestBatch(
      storm(2, 10).map((b, i) => unit(`late-${i}`, b)),
      store,
      new MemoryTicketQueue(),
    );
    await ingestBatch(units, store, new MemoryTicketQueue());
    expect(await metaOf(store, id)).toMatchObject({ alertCount: 12, duplicates: 0 });
  });

  it('gives back only the messages of an incident whose write failed, and their retry is exact', async () => {
    const store = await freshStore();
    const onHostA = unit('m-a', JSON.stringify({ ...makeAlertJson('a-1', '2024-02-15T21:00:00Z'), host: 'HOST-A' }));
    const onHostB = unit('m-b', JSON.stringify({ ...makeAlertJson('b-1', '2024-02-15T21:00:01Z'), host: 'HOST-B' }));
    const failingB: IngestStore = Object.create(store, {
      writeMeta: {
        value: async (next: { hosts: string[] }, v: number) =>
          next.hosts.includes('host-b') ? Promise.reject(new Error('throttled')) : store.writeMeta(next as never, v),
      },
    });
    const first = await ingestBatch([onHostA, onHostB], failingB, new MemoryTicketQueue());
    expect([...first.failedMessages]).toEqual(['m-b']);
    expect(first.errors).toEqual([expect.stringContaining('throttled')]);
    expect(first.accepted).toBe(1);
    const retry = await ingestBatch([onHostB], store, new MemoryTicketQueue());
    expect(retry).toMatchObject({ accepted: 1, duplicates: 0 });
    const metas = await store.getMetas([...first.incidents.keys(), ...retry.incidents.keys()]);
    expect([...metas.values()].map((m) => [m.hosts[0], m.alertCount]).sort()).toEqual([
      ['host-a', 1],
      ['host-b', 1],
    ]);
  });

  it('loses no update when invocations write one incident concurrently', async () => {
    const store = await freshStore();
    const seed = await ingestBatch([unit('seed', storm(1)[0])], store, new MemoryTicketQueue());
    const [id] = [...seed.incidents.keys()];
    const batches = Array.from({ length: 8 }, (_, b) =>
      storm(25, 1 + b * 25).map((body, i) => unit(`c-${b}-${i}`, body)),
    );
    const results = await Promise.all(batches.map((u) => ingestBatch(u, store, new MemoryTicketQueue())));
    expect(results.every((r) => r.incidents.has(id))).toBe(true);
    expect(await metaOf(store, id)).toMatchObject({ alertCount: 201 });
  });

  it('makes every record either an alert or a stored rejection', async () => {
    const store = await freshStore();
    const r = await ingestBatch([unit('m-1', `${storm(1)[0]}\n{"truncated": \n`)], store, new MemoryTicketQueue());
    expect(r).toMatchObject({ accepted: 1, rejected: 1 });
  });
});

describe('correlation on the real fixtures', () => {
  async function ingestFiles(files: string[]) {
    const store = await freshStore();
    const units = files.map((f) => ({ messageId: f, ...normalizeInput(fs.readFileSync(realFixture(f)), f) }));
    const result = await ingestBatch(units, store, new MemoryTicketQueue());
    const metas = await store.getMetas([...result.incidents.keys()]);
    return { result, metas: [...metas.values()], store };
  }

  it.each([
    [
      'otrf-security-datasets/psh_mavinject_dll_notepad_2020-10-2121410529.json',
      ['dns_query', 'network_connect', 'file_create', 'process_create', 'create_remote_thread'],
    ],
    [
      'otrf-security-datasets/cmd_lsass_memory_dumpert_syscalls_2020-10-1822561997.json',
      ['process_create', 'process_access', 'file_create'],
    ],
    [
      'otrf-security-datasets/cmd_userinitmprlogonscript_batch_2020-10-1922471810.json',
      ['file_create', 'process_create', 'registry_value_set'],
    ],
  ])('puts the attack chain of %s in one incident on one host', async (file, chain) => {
    const { metas, store } = await ingestFiles([file]);
    const tickets = new DynamoTicketStore(doc, store.table);
    const views = await Promise.all(metas.map((m) => tickets.loadView(m.incidentId, 10_000)));
    const holding = views.filter((v) => chain.every((t) => v!.alerts.some((a) => a.eventType === t)));
    expect(holding).toHaveLength(1);
    expect(holding[0]!.hosts).toEqual(['workstation5']);
  });

  it('does not merge the Sigma registry event on another host with the OTRF logon-script attack', async () => {
    const { metas } = await ingestFiles([
      'otrf-security-datasets/cmd_userinitmprlogonscript_batch_2020-10-1922471810.json',
      'sigmahq-regression-data/9ace0707-b560-49b8-b6ca-5148b42f39fb.json',
    ]);
    for (const m of metas) expect(m.hosts).toHaveLength(1);
    const hosts = new Set(metas.flatMap((m) => m.hosts));
    expect(hosts.size).toBeGreaterThanOrEqual(2);
  });

  it('counts the repeated Defender and SentinelOne alert ids as duplicates', async () => {
    const { result } = await ingestFiles([
      'elastic-integrations-microsoft-defender-endpoint/test-defenderatp.log',
      'elastic-integrations-sentinel-one/test-pipeline-threat.log',
    ]);
    // MDE: one id twice (one row per evidence); SentinelOne: five records share one id.
    expect(result.duplicates).toBe(1 + 4);
  });
});
