import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lambdas/adapters/dynamodb/client';
import { KEYS } from '../../lambdas/adapters/dynamodb/keys';
import { DynamoWebhookStore } from '../../lambdas/adapters/dynamodb/webhook-store';
import { handleWebhook } from '../../lambdas/core/webhook/handle-webhook';
import type { WebhookDeps } from '../../lambdas/core/webhook/handle-webhook';
import { sign } from '../../lambdas/core/webhook/signature';
import { LOCAL_CREDENTIALS, LOCAL_REGION, createTable, startLocalDynamo } from '../../local/dynamodb-server';
import type { LocalDynamo } from '../../local/dynamodb-server';

const TABLE = 'a2t-webhook-test';
const SECRET = 'a-webhook-secret-of-forty-characters-long';
let dynamo: LocalDynamo;
let doc: ReturnType<typeof documentClient>;
let deps: WebhookDeps;

function issueEvent(
  over: {
    status?: string;
    category?: string;
    resolution?: string | null;
    actor?: string;
    labels?: string[];
    key?: string;
    timestamp?: number | string | null;
  } = {},
) {
  return JSON.stringify({
    webhookEvent: 'jira:issue_updated',
    ...(over.timestamp === null ? {} : { timestamp: over.timestamp ?? Date.parse('2024-02-16T09:00:00Z') }),
    user: { accountId: over.actor ?? 'analyst-1' },
    issue: {
      key: over.key ?? 'SOC-7',
      fields: {
        labels: over.labels ?? ['T1547.001', 'a2t-inc-20240215-abcdef1234'],
        status: { name: over.status ?? 'Done', statusCategory: { key: over.category ?? 'done' } },
        resolution:
          over.resolution === undefined
            ? { name: 'Done' }
            : over.resolution === null
              ? null
              : { name: over.resolution },
      },
    },
  });
}

function request(body: string, headers: Record<string, string | undefined> = {}) {
  return { rawBody: Buffer.from(body), headers: { 'x-hub-signature': sign(body, SECRET), ...headers } };
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await createTable(dynamo.endpoint, TABLE);
  doc = documentClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await doc.send(
    new PutCommand({
      TableName: TABLE,
      Item: {
        ...KEYS.incidentMeta('INC-20240215-abcdef1234'),
        incidentId: 'INC-20240215-abcdef1234',
        groupKey: 'storm:fin-ws-034:rule:run key',
        status: 'open',
        version: 3,
      },
    }),
  );
  // The ticket ticket-sync opened for it: only this issue speaks for the incident.
  await doc.send(
    new PutCommand({
      TableName: TABLE,
      Item: {
        ...KEYS.incidentTicket('INC-20240215-abcdef1234'),
        incidentId: 'INC-20240215-abcdef1234',
        ticketKey: 'SOC-7',
      },
    }),
  );
  deps = {
    secret: SECRET,
    ownAccountId: 'a2t-bot',
    falsePositiveResolutions: ['False Positive'],
    suppressionMs: 30 * 86_400_000,
    store: new DynamoWebhookStore(doc, TABLE),
    now: () => Date.parse('2024-02-16T09:00:05Z'),
  };
});

afterAll(async () => {
  doc.destroy();
  await dynamo.close();
});

describe('jira-webhook', () => {
  it('refuses a missing, malformed or wrong signature before parsing anything', async () => {
    const body = issueEvent();
    expect((await handleWebhook({ rawBody: Buffer.from(body), headers: {} }, deps)).statusCode).toBe(401);
    expect((await handleWebhook(request(body, { 'x-hub-signature': 'sha256=zz' }), deps)).statusCode).toBe(401);
    expect(
      (await handleWebhook(request(body, { 'x-hub-signature': sign(body, 'another-secret') }), deps)).statusCode,
    ).toBe(401);
    // A body changed after signing fails too.
    expect(
      (
        await handleWebhook(
          { rawBody: Buffer.from(`${body} `), headers: { 'x-hub-signature': sign(body, SECRET) } },
          deps,
        )
      ).statusCode,
    ).toBe(401);
  });

  it('records a status change on the incident and ignores the replay of the same delivery', async () => {
    const body = issueEvent({ status: 'In Progress', category: 'indeterminate', resolution: null });
    const first = await handleWebhook(request(body, { 'x-atlassian-webhook-identifier': 'd-1' }), deps);
    const replay = await handleWebhook(request(body, { 'x-atlassian-webhook-identifier': 'd-1' }), deps);
    expect(first).toMatchObject({ statusCode: 200, outcome: 'recorded' });
    expect(replay).toMatchObject({ statusCode: 200, outcome: 'duplicate' });
    const ticket = await doc.send(
      new GetCommand({ TableName: TABLE, Key: KEYS.incidentTicket('INC-20240215-abcdef1234') }),
    );
    expect(ticket.Item).toMatchObject({ ticketStatus: 'In Progress', statusCategory: 'indeterminate' });
  });

  it("ignores the integration's own edits and issues without an incident label", async () => {
    expect(
      await handleWebhook(request(issueEvent({ actor: 'a2t-bot' }), { 'x-atlassian-webhook-identifier': 'd-2' }), deps),
    ).toMatchObject({ statusCode: 202, outcome: 'ignored', detail: 'own integration user' });
    expect(await handleWebhook(request(issueEvent({ labels: ['unrelated'] })), deps)).toMatchObject({
      statusCode: 202,
      outcome: 'ignored',
    });
    expect(await handleWebhook(request('not json'), deps)).toMatchObject({
      statusCode: 202,
      outcome: 'ignored',
      detail: 'body is not JSON',
    });
  });

  it('suppresses the group key when an analyst resolves the ticket as a false positive', async () => {
    const r = await handleWebhook(
      // A second after the status recorded above: a verdict acts when it is newer than what is recorded.
      request(issueEvent({ resolution: 'False Positive', timestamp: Date.parse('2024-02-16T09:00:01Z') }), {
        'x-atlassian-webhook-identifier': 'd-3',
      }),
      deps,
    );
    expect(r.outcome).toBe('suppressed');
    const sup = await doc.send(
      new GetCommand({ TableName: TABLE, Key: KEYS.suppression('storm:fin-ws-034:rule:run key') }),
    );
    expect(sup.Item?.until).toBe('2024-03-17T09:00:05.000Z');
    const meta = await doc.send(
      new GetCommand({ TableName: TABLE, Key: KEYS.incidentMeta('INC-20240215-abcdef1234') }),
    );
    // The version moves, so an ingest merge read before the verdict retries instead of writing the incident open.
    expect(meta.Item).toMatchObject({ status: 'suppressed', suppressedUntil: '2024-03-17T09:00:05.000Z', version: 4 });
  });
});

describe('jira-webhook against forged and replayed verdicts', () => {
  const INCIDENT = 'INC-20240216-0123456789';
  const LABEL = 'a2t-inc-20240216-0123456789';
  const GROUP = 'storm:fin-ws-035:rule:forged';
  let hostile: WebhookDeps;
  let clock = Date.parse('2024-02-16T10:00:05Z');

  beforeAll(async () => {
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...KEYS.incidentMeta(INCIDENT), incidentId: INCIDENT, groupKey: GROUP, status: 'open', version: 1 },
      }),
    );
    await doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...KEYS.incidentTicket(INCIDENT), incidentId: INCIDENT, ticketKey: 'SOC-42' },
      }),
    );
    hostile = {
      ...deps,
      projectKey: 'SOC',
      falsePositiveResolutions: ['False Positive', "Won't Do"],
      now: () => clock,
    };
  });

  const suppression = async () =>
    (await doc.send(new GetCommand({ TableName: TABLE, Key: KEYS.suppression(GROUP) }))).Item;
  const wontDo = (o: Parameters<typeof issueEvent>[0] = {}) =>
    issueEvent({ labels: [LABEL], resolution: "Won't Do", timestamp: Date.parse('2024-02-16T10:00:00Z'), ...o });

  it('ignores any other issue that carries the incident’s label, in another project or this one', async () => {
    for (const key of ['OPS-1', 'SOC-999']) {
      const r = await handleWebhook(request(wontDo({ key })), hostile);
      expect(r).toMatchObject({ statusCode: 202, outcome: 'ignored' });
    }
    expect(await suppression()).toBeUndefined();
  });

  it('ignores a malformed timestamp with 202 instead of failing', async () => {
    for (const timestamp of [1e20, -1e20, 8.64e15 + 1]) {
      const r = await handleWebhook(request(wontDo({ key: 'SOC-42', timestamp })), hostile);
      expect(r).toMatchObject({ statusCode: 202, outcome: 'ignored', detail: 'malformed timestamp' });
    }
    const r = await handleWebhook(request(wontDo({ key: 'SOC-42', timestamp: 'yesterday' })), hostile);
    expect(r.statusCode).toBe(202);
  });

  it('reads every label: an analyst’s own a2t- label first does not hide the incident’s', async () => {
    const body = issueEvent({
      key: 'SOC-42',
      labels: ['a2t-checked', 'a2t-escalated', LABEL],
      status: 'In Progress',
      category: 'indeterminate',
      resolution: null,
      timestamp: Date.parse('2024-02-16T09:59:00Z'),
    });
    expect(await handleWebhook(request(body), hostile)).toMatchObject({ statusCode: 200, outcome: 'recorded' });
  });

  it('ignores a verdict whose signed time is stale (a captured delivery sent again)', async () => {
    const r = await handleWebhook(
      request(wontDo({ key: 'SOC-42', timestamp: Date.parse('2024-02-16T08:00:00Z') }), {
        'x-atlassian-webhook-identifier': 'stale-1',
      }),
      hostile,
    );
    expect(r.outcome).toBe('recorded');
    expect(r.detail).toMatch(/not applied/);
    expect(await suppression()).toBeUndefined();
  });

  it('suppresses once on the real verdict, and a replay after a reopen does not suppress again', async () => {
    const verdict = wontDo({ key: 'SOC-42' });
    expect((await handleWebhook(request(verdict, { 'x-atlassian-webhook-identifier': 'v-1' }), hostile)).outcome).toBe(
      'suppressed',
    );
    // An analyst reopens the ticket; the webhook records it and the suppression is lifted by hand.
    clock = Date.parse('2024-02-16T10:05:00Z');
    const reopen = issueEvent({
      key: 'SOC-42',
      labels: [LABEL],
      status: 'Reopened',
      category: 'indeterminate',
      resolution: null,
      timestamp: Date.parse('2024-02-16T10:04:00Z'),
    });
    expect((await handleWebhook(request(reopen, { 'x-atlassian-webhook-identifier': 'v-2' }), hostile)).outcome).toBe(
      'recorded',
    );
    await doc.send(new PutCommand({ TableName: TABLE, Item: { ...KEYS.suppression(GROUP), until: 'lifted' } }));
    // The old signed verdict, replayed with a new delivery id and with none.
    for (const headers of [{ 'x-atlassian-webhook-identifier': 'v-replay' }, {}]) {
      const r = await handleWebhook(request(verdict, headers), hostile);
      expect(r.outcome).toBe('recorded');
    }
    expect((await suppression())?.until).toBe('lifted');
  });
});
