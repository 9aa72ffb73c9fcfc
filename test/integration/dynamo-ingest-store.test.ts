import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoIngestStore } from '../../lambdas/adapters/dynamodb/ingest-store';
import { RequestCounter, documentClient } from '../../lambdas/adapters/dynamodb/client';
import { KEYS } from '../../lambdas/adapters/dynamodb/keys';
import { emptyMeta, mergeIntoMeta, messageToken } from '../../lambdas/core/correlate/incident-meta';
import { LOCAL_CREDENTIALS, LOCAL_REGION, createTable, startLocalDynamo } from '../../local/dynamodb-server';
import type { LocalDynamo } from '../../local/dynamodb-server';
import { makeEnriched } from '../helpers/alerts';

const TABLE = 'a2t-store-test';
let dynamo: LocalDynamo;
const counter = new RequestCounter();
let doc: ReturnType<typeof documentClient>;
let store: DynamoIngestStore;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await createTable(dynamo.endpoint, TABLE);
  doc = documentClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }, counter);
  store = new DynamoIngestStore(doc, TABLE);
});

afterAll(async () => {
  doc.destroy();
  await dynamo.close();
});

describe('DynamoIngestStore against a local DynamoDB server', () => {
  it('claims an alert id once; a second claimant learns the first claim', async () => {
    const first = await store.claimSeen({ alertId: 'a-1', incidentId: 'INC-1', messageId: 'm-1' });
    const second = await store.claimSeen({ alertId: 'a-1', incidentId: 'INC-2', messageId: 'm-2' });
    expect(first).toBe('claimed');
    expect(second).toEqual({ incidentId: 'INC-1', messageId: 'm-1' });
    expect((await store.getSeen(['a-1', 'a-unknown'])).get('a-1')).toEqual({ incidentId: 'INC-1', messageId: 'm-1' });
  });

  it('writes META only on the version it was merged from', async () => {
    const a = makeEnriched();
    const v1 = mergeIntoMeta(emptyMeta('INC-V', 'storm:x', '2024-02-15T21:30:00.000Z', a), {
      alerts: [a],
      duplicates: 0,
      suppressed: 0,
      messageIds: ['m-1'],
    });
    expect(await store.writeMeta(v1, 0)).toBe(true);
    expect(await store.writeMeta(v1, 0)).toBe(false);
    const v2 = mergeIntoMeta(v1, { alerts: [makeEnriched()], duplicates: 2, suppressed: 0, messageIds: ['m-2'] });
    expect(await store.writeMeta(v2, 5)).toBe(false);
    expect(await store.writeMeta(v2, 1)).toBe(true);
    const stored = (await store.getMetas(['INC-V'])).get('INC-V')!;
    expect(stored).toMatchObject({
      version: 2,
      alertCount: 2,
      duplicates: 2,
      appliedMessages: [messageToken('m-1'), messageToken('m-2')],
    });
  });

  it('never loses an update when two writers race on one incident', async () => {
    const a = makeEnriched();
    await store.writeMeta(
      mergeIntoMeta(emptyMeta('INC-RACE', 'storm:r', a.eventTime, a), {
        alerts: [a],
        duplicates: 0,
        suppressed: 0,
        messageIds: [],
      }),
      0,
    );
    // 20 concurrent writers, each adding one alert with read → merge → conditional write → retry on conflict.
    const writer = async (i: number): Promise<number> => {
      for (let attempt = 1; ; attempt++) {
        const prev = (await store.getMetas(['INC-RACE'])).get('INC-RACE')!;
        const next = mergeIntoMeta(prev, {
          alerts: [makeEnriched()],
          duplicates: 0,
          suppressed: 0,
          messageIds: [`w-${i}`],
        });
        if (await store.writeMeta(next, prev.version)) return attempt;
      }
    };
    const attempts = await Promise.all(Array.from({ length: 20 }, (_, i) => writer(i)));
    const final = (await store.getMetas(['INC-RACE'])).get('INC-RACE')!;
    expect(final.alertCount).toBe(21);
    expect(final.version).toBe(21);
    // The race was real: some writer had to retry.
    expect(Math.max(...attempts)).toBeGreaterThan(1);
  });

  it('counts duplicates commutatively, once per message, and bumps the version so a versioned writer re-reads', async () => {
    const a = makeEnriched();
    const v1 = mergeIntoMeta(emptyMeta('INC-DUP', 'storm:d', a.eventTime, a), {
      alerts: [a],
      duplicates: 0,
      suppressed: 0,
      messageIds: [],
    });
    await store.writeMeta(v1, 0);
    expect(
      await Promise.all([store.addDuplicates('INC-DUP', 3, 'm-1'), store.addDuplicates('INC-DUP', 4, 'm-2')]),
    ).toEqual(['applied', 'applied']);
    // The redelivery of m-1 counts nothing; an incident that does not exist says so.
    expect(await store.addDuplicates('INC-DUP', 3, 'm-1')).toBe('already');
    expect(await store.addDuplicates('INC-NONE', 1, 'm-3')).toBe('missing');
    expect(
      await store.writeMeta(mergeIntoMeta(v1, { alerts: [], duplicates: 0, suppressed: 0, messageIds: [] }), 1),
    ).toBe(false);
    expect((await store.getMetas(['INC-DUP'])).get('INC-DUP')).toMatchObject({ duplicates: 7, version: 3 });
  });

  it('keeps an alert item under 400 KB whatever its raw record', async () => {
    const huge = makeEnriched({ raw: 'x'.repeat(2 * 1024 * 1024) });
    await store.putAlerts(new Map([['INC-BIG', [huge]]]));
    const r = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'INC#INC-BIG' },
      }),
    );
    const data = String(r.Items![0].data);
    expect(Buffer.byteLength(data)).toBeLessThan(400 * 1024);
    expect(JSON.parse(data).rawTruncated).toBe(true);
  });

  it('writes many items in batches of 25 and reads them back in batches of 100', async () => {
    counter.reset();
    const rejections = Array.from({ length: 120 }, (_, i) => ({
      rejected: true as const,
      source: `sqs:m-${i}`,
      position: 'line 1',
      reason: 'invalid JSON',
      excerpt: `{"n":${i}`,
      // Another day than the test below reads.
      time: '2024-02-10T21:25:03.000Z',
    }));
    await store.putRejections(rejections);
    const read = await store.getSeen(Array.from({ length: 120 }, (_, i) => `nothing-${i}`));
    expect(read.size).toBe(0);
    expect(counter.byOperation.get('BatchWriteItem')).toBe(5);
    expect(counter.byOperation.get('BatchGetItem')).toBe(2);
  });

  it("keeps a host's heads in one item, written only on the version it was read at", async () => {
    const heads = Array.from({ length: 120 }, (_, i) => ({
      key: `storm:h:${i}`,
      incidentId: 'INC-H',
      lastSeen: '2024-02-15T21:25:03.000Z',
      incidentCreated: '2024-02-15T21:25:03.000Z',
    }));
    counter.reset();
    expect(await store.putHostHeads({ host: 'h', version: 1, heads }, 0)).toBe(true);
    // A second opener that read no heads loses, as does a writer that read an older version.
    expect(await store.putHostHeads({ host: 'h', version: 1, heads: heads.slice(0, 1) }, 0)).toBe(false);
    const read = (await store.getHostHeads(['h', 'other'])).get('h')!;
    expect(await store.putHostHeads({ ...read, version: 2 }, 1)).toBe(true);
    expect(await store.putHostHeads({ ...read, version: 2 }, 1)).toBe(false);
    const again = await store.getHostHeads(['h', 'other']);
    expect([...again.keys()]).toEqual(['h']);
    expect(again.get('h')!.version).toBe(2);
    expect(again.get('h')!.heads).toHaveLength(120);
    expect(new Set(again.get('h')!.heads)).toEqual(new Set(heads));
    expect(counter.byOperation.get('PutItem')).toBe(4);
  });

  it('stores rejections under the day with their reason', async () => {
    await store.putRejections([
      {
        rejected: true,
        source: 'sqs:m-9',
        position: 'line 2',
        reason: 'invalid JSON: Unexpected end',
        excerpt: '{"a":',
        time: '2024-02-15T21:25:03.000Z',
      },
    ]);
    const r = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'REJECT#2024-02-15' },
      }),
    );
    expect(r.Items).toHaveLength(1);
    expect(r.Items![0]).toMatchObject({
      reason: 'invalid JSON: Unexpected end',
      position: 'line 2',
      source: 'sqs:m-9',
    });
    const none = await doc.send(new GetCommand({ TableName: TABLE, Key: KEYS.seen('never') }));
    expect(none.Item).toBeUndefined();
  });
});
