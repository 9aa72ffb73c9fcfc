import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { useLocalDynamo } from '../helpers/local-dynamo';
import { DynamoIngestStore } from '../../lambdas/adapters/dynamodb/ingest-store';
import { MAX_ITEM_BYTES, itemBytes } from '../../lambdas/adapters/dynamodb/item-size';
import { KEYS } from '../../lambdas/adapters/dynamodb/keys';
import { settingsOf } from '../../lambdas/adapters/config';
import type { IncidentMeta } from '../../lambdas/core/correlate/incident-meta';
import { MemoryTicketQueue } from '../../lambdas/core/ingest/memory-store';
import type { IngestStore } from '../../lambdas/core/ingest/ports';
import type { EnrichedAlert } from '../../lambdas/core/model/enrichment';
import { ingestRecords } from '../../lambdas/ingest/ingest-records';
import { ATTACK_HOST, C2_IP, genericAlert, realAttack, sqsRecords, sysmonEvent } from '../helpers/hostile';

/**
 * Hostile records against the real table rules (dynalite enforces DynamoDB's key and item limits): no key, item
 * or single record may fail the batch that carries a real attack.
 */

const local = useLocalDynamo();

async function freshStore(): Promise<{ store: DynamoIngestStore; table: string }> {
  const table = await local.newTable('hostile');
  return { store: new DynamoIngestStore(local.doc, table), table };
}

const settings = settingsOf({});

async function ingest(store: IngestStore, bodies: string[], prefix = 'm') {
  const queue = new MemoryTicketQueue();
  const r = await ingestRecords(sqsRecords(bodies, prefix), { store, queue, settings });
  return { ...r, queue };
}

async function metaOf(table: string, incidentId: string): Promise<Record<string, unknown> | undefined> {
  const r = await local.doc.send(
    new GetCommand({ TableName: table, Key: KEYS.incidentMeta(incidentId), ConsistentRead: true }),
  );
  return r.Item;
}

async function alertItems(table: string, incidentId: string): Promise<Record<string, unknown>[]> {
  const r = await local.doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
      ExpressionAttributeValues: { ':pk': KEYS.incidentMeta(incidentId).pk, ':a': KEYS.alertPrefix },
      ConsistentRead: true,
    }),
  );
  return r.Items ?? [];
}

/** The incident the real attack's C2 connection landed in, from the hand-offs and the stored META items. */
async function attackIncident(table: string, incidentIds: string[]): Promise<IncidentMeta | undefined> {
  for (const id of incidentIds) {
    const meta = (await metaOf(table, id)) as IncidentMeta | undefined;
    if (meta?.iocs.some((i) => i.value === C2_IP)) return meta;
  }
  return undefined;
}

const JAVA = 'C:\\Users\\jwilliams\\AppData\\Local\\jdk-21\\bin\\java.exe';
const javaClasspath = `"${JAVA}" -cp ${Array.from({ length: 60 }, (_, i) => `C:\\Users\\jwilliams\\lib\\dependency-${i}-1.0.0.jar`).join(';')} com.example.Main`;

describe('poison keys: every key built from alert text is bounded', () => {
  it('stores a 2.4 KB Java -cp command line, a long path, rule name and host name and a 1 KB record id beside the attack', async () => {
    expect(javaClasspath.length).toBeGreaterThan(2400);
    const { store, table } = await freshStore();
    const poison = [
      genericAlert({
        alert_id: 'JAVA-1',
        host: 'DEV-WS-001',
        severity: 'medium',
        process: { pid: 5000, image: JAVA, command_line: javaClasspath },
      }),
      genericAlert({
        alert_id: 'PATH-1',
        host: 'DEV-WS-002',
        file: { path: `C:\\Users\\Public\\${'deep\\'.repeat(600)}x.dll` },
      }),
      genericAlert({ alert_id: 'RULE-1', host: 'DEV-WS-003', rule: `Rule ${'R'.repeat(3000)}` }),
      genericAlert({ alert_id: 'HOST-1', host: `H${'h'.repeat(3000)}` }),
      genericAlert({ alert_id: `ID-${'9'.repeat(1100)}`, host: 'DEV-WS-004' }),
      sysmonEvent({
        recordId: '7'.repeat(1100),
        eventId: 1,
        host: 'DEV-WS-005',
        data: { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd.exe /c whoami', ProcessId: 77 },
      }),
    ];
    const { response, result, error, queue } = await ingest(store, [...poison, realAttack().join('\n')]);
    expect(error).toBeUndefined();
    expect(response.batchItemFailures).toEqual([]);
    expect(result!.rejected).toBe(0);
    expect(result!.accepted).toBe(poison.length + 3);
    const attack = await attackIncident(table, [...result!.incidents.keys()]);
    expect(attack?.alertCount).toBe(3);
    expect(queue.sent.map((h) => h.incidentId)).toContain(attack!.incidentId);

    // A redelivery finds every one of them again under the same bounded keys: all duplicates, nothing new.
    const again = await ingest(store, [...poison, realAttack().join('\n')], 'again');
    expect(again.response.batchItemFailures).toEqual([]);
    expect(again.result!.accepted).toBe(0);
    expect(again.result!.duplicates).toBe(poison.length + 3);
  });

  it('keeps the readable prefix of a hashed key, within DynamoDB limits', () => {
    const pk = KEYS.indicator(`commandline#${javaClasspath.toLowerCase()}`).pk;
    expect(Buffer.byteLength(pk)).toBeLessThanOrEqual(2048);
    expect(pk.startsWith('IOC#commandline#"c:\\users\\jwilliams')).toBe(true);
    const sk = KEYS.alertItem('INC-1', '2024-02-15T21:25:03.000Z', `x${'é'.repeat(900)}`).sk;
    expect(Buffer.byteLength(sk)).toBeLessThanOrEqual(1024);
    expect(sk.startsWith('ALERT#2024-02-15T21:25:03.000Z#x')).toBe(true);
  });
});

describe('oversized items: alert and incident items are bounded by construction', () => {
  it('stores a 420,000-character command line as an item under 400 KB, marked as cut', async () => {
    const { store, table } = await freshStore();
    const huge = `powershell.exe -c ${'A'.repeat(420_000)}`;
    const body = sysmonEvent({
      recordId: 90001,
      eventId: 1,
      host: 'DEV-WS-010',
      data: { Image: 'C:\\Users\\Public\\p.exe', CommandLine: huge, ParentCommandLine: huge, ProcessId: 1 },
    });
    const { response, result } = await ingest(store, [body]);
    expect(response.batchItemFailures).toEqual([]);
    const [incidentId] = [...result!.incidents.keys()];
    const [item] = await alertItems(table, incidentId);
    expect(itemBytes(item)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
    const alert = JSON.parse(String(item.data)) as EnrichedAlert;
    expect(alert.flags).toContain('field-truncated');
    expect(alert.process!.commandLine!.endsWith('…')).toBe(true);
    expect(alert.process!.commandLine!.length).toBeLessThanOrEqual(32_768);
  });

  it('keeps the incident under 400 KB when twenty 21,000-character host names share its host key, and stores the attack that joins it', async () => {
    const { store, table } = await freshStore();
    // Every name resolves to the attack host's key (`fin-ws-034`): they all join the attack's incident.
    const forged = Array.from({ length: 20 }, (_, i) =>
      sysmonEvent({
        recordId: 10 + i,
        eventId: 13,
        host: `${ATTACK_HOST}.${String(i).padStart(2, '0')}${'x'.repeat(21_000)}.example`,
        data: {
          RuleName: 'technique_id=T1547.001,technique_name=Registry Run Keys / Start Folder',
          EventType: 'SetValue',
          ProcessGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
          ProcessId: 7842,
          Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
          TargetObject: `HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\${'v'.repeat(20_000)}${i}`,
          Details: `C:\\Users\\Public\\${'y'.repeat(20_000)}${i}.exe`,
        },
      }),
    );
    const first = await ingest(store, forged, 'forged');
    expect(first.response.batchItemFailures).toEqual([]);
    const second = await ingest(store, [realAttack().join('\n')], 'attack');
    expect(second.error).toBeUndefined();
    expect(second.response.batchItemFailures).toEqual([]);
    const attack = await attackIncident(table, [...second.result!.incidents.keys()]);
    expect(attack).toBeDefined();
    const meta = (await metaOf(table, attack!.incidentId))!;
    expect(meta.alertCount).toBe(23);
    expect(itemBytes(meta)).toBeLessThan(MAX_ITEM_BYTES / 2);
    expect((meta.hostNames as string[]).every((h) => h.length <= 128)).toBe(true);
  });
});

describe('one record never fails the batch', () => {
  /**
   * The document client, refusing every request that carries `marker` in what `carries` picks out of it, as
   * DynamoDB refuses a whole request with one key or item over its limits (a ValidationException).
   */
  function refusing(
    marker: string,
    carries: (command: string, input: Record<string, unknown>) => unknown,
  ): DynamoDBDocumentClient {
    return new Proxy(local.doc, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'send' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
        return async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
          if (JSON.stringify(carries(command.constructor.name, command.input) ?? null).includes(marker)) {
            throw Object.assign(new Error('One or more parameter values were invalid: refused for the test'), {
              name: 'ValidationException',
            });
          }
          return (v as (c: unknown) => Promise<unknown>).call(target, command);
        };
      },
    });
  }

  /** The alert items a write request carries (batch or single put): what an oversized alert makes DynamoDB refuse. */
  const alertItemsIn = (command: string, input: Record<string, unknown>): unknown[] => {
    const items =
      command === 'PutCommand'
        ? [input.Item]
        : command === 'BatchWriteCommand'
          ? Object.values(input.RequestItems as Record<string, { PutRequest?: { Item: unknown } }[]>)
              .flat()
              .map((r) => r.PutRequest?.Item)
          : [];
    return items.filter((i) => String((i as { sk?: unknown } | undefined)?.sk).startsWith('ALERT#'));
  };

  it('turns an alert the store refuses into a rejection with its reason; the attack beside it gets its incident', async () => {
    const { table } = await freshStore();
    const marker = 'refuse-me-9f2c';
    const store = new DynamoIngestStore(refusing(marker, alertItemsIn), table);
    const bad = genericAlert({ alert_id: 'BAD-1', host: 'DEV-WS-020', rule: marker });
    const { response, result, queue } = await ingest(store, [bad, realAttack().join('\n')]);
    expect(response.batchItemFailures).toEqual([]);
    expect(result!.rejected).toBe(1);
    expect(result!.accepted).toBe(3);
    const attack = await attackIncident(table, [...result!.incidents.keys()]);
    expect(queue.sent.map((h) => h.incidentId)).toContain(attack!.incidentId);
    const rejections = await local.doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': KEYS.rejectionDay('2024-02-15').pk },
      }),
    );
    expect(rejections.Items?.map((i) => i.reason)).toEqual([
      expect.stringMatching(/^cannot be stored: DynamoDB refused the request/),
    ]);
    // Its claim was given back: re-driving the body after a fix stores it, not a duplicate of nothing.
    const redrive = await ingest(new DynamoIngestStore(local.doc, table), [bad], 'redrive');
    expect(redrive.result!.accepted).toBe(1);
  });

  it('rejects only the message whose data makes a whole request fail; every other message of the batch is done', async () => {
    const { table } = await freshStore();
    const marker = 'poison-context-77';
    // Reading context for the marked message fails, as a batch read with one key over the limit does.
    const store = new DynamoIngestStore(
      refusing(marker, (command, input) => (command === 'BatchGetCommand' ? input : undefined)),
      table,
    );
    const bad = genericAlert({ alert_id: 'CTX-1', host: `DEV-${marker}` });
    const other = genericAlert({ alert_id: 'OK-1', host: 'DEV-WS-031', severity: 'high', rule: 'Other detection' });
    const { response, result, error } = await ingest(store, [bad, realAttack().join('\n'), other]);
    expect(error).toBeUndefined();
    expect(response.batchItemFailures).toEqual([]);
    expect(result!.rejected).toBe(1);
    expect(result!.accepted).toBe(4);
    expect(await attackIncident(table, [...result!.incidents.keys()])).toBeDefined();
  });
});
