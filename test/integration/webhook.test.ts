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
  over: { status?: string; category?: string; resolution?: string | null; actor?: string; labels?: string[] } = {},
) {
  return JSON.stringify({
    webhookEvent: 'jira:issue_updated',
    timestamp: Date.parse('2024-02-16T09:00:00Z'),
    user: { accountId: over.actor ?? 'analyst-1' },
    issue: {
      key: 'SOC-7',
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
      request(issueEvent({ resolution: 'False Positive' }), { 'x-atlassian-webhook-identifier': 'd-3' }),
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
    expect(meta.Item).toMatchObject({ status: 'suppressed', suppressedUntil: '2024-03-17T09:00:05.000Z', version: 3 });
  });
});
