import * as fs from 'node:fs';
import * as path from 'node:path';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, LambdaFunctionURLEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type * as Ssm from '@aws-sdk/client-ssm';
import { sign } from '../../lambdas/core/webhook/signature';
import { createTable, startLocalDynamo } from '../../local/dynamodb-server';
import type { LocalDynamo } from '../../local/dynamodb-server';
import { startJiraEmulator } from '../../local/jira-emulator';
import type { JiraEmulator } from '../../local/jira-emulator';
import { createQueues, sqsClient } from '../../local/sqs-server';
import type { LocalQueues } from '../../local/sqs-server';

/**
 * The three Lambda handler modules themselves, as Lambda loads them (configuration from the environment at cold
 * start), against the local DynamoDB and SQS servers and the Jira emulator. Only Secrets Manager and SSM (the kill
 * switch) are mocked: there is no local server for them. Every log line they write is captured to prove no credential
 * ever reaches the logs.
 */
const WEBHOOK_SECRET = 'whsec-0123456789abcdef0123456789abcdef';
let dynamo: LocalDynamo;
let jira: JiraEmulator;
let queues: LocalQueues;
const sqs = sqsClient(process.env.A2T_LOCAL_SQS_ENDPOINT!);
const logged: string[] = [];
type Handler<E, R> = (event: E, context: Context) => Promise<R>;
let ingest: Handler<SQSEvent, SQSBatchResponse>;
let ticketSync: Handler<SQSEvent, SQSBatchResponse>;
let webhook: Handler<LambdaFunctionURLEvent, { statusCode: number; body?: string }>;

const context = {
  awsRequestId: 'req-1',
  functionName: 'test',
  getRemainingTimeInMillis: () => 100_000,
} as unknown as Context;
const JIRA_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:alert-to-ticket/jira-AbCdEf';
const WEBHOOK_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:alert-to-ticket/jira-webhook-GhIjKl';

function sqsEvent(bodies: { id: string; body: string; receipt?: string; group?: string }[], arn: string): SQSEvent {
  return {
    Records: bodies.map((b) => ({
      messageId: b.id,
      receiptHandle: b.receipt ?? b.id,
      body: b.body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'x',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
        ...(b.group ? { MessageGroupId: b.group } : {}),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
      awsRegion: 'us-east-1',
    })),
  };
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await createTable(dynamo.endpoint, 'handlers');
  queues = await createQueues(sqs, 'handlers-', 1 / 360);
  jira = await startJiraEmulator();
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: process.env.A2T_LOCAL_SQS_ENDPOINT,
    // Never AWS: should the mock below not apply, Secrets Manager calls fail on a closed local port.
    AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9',
    AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:9',
    POWERTOOLS_METRICS_NAMESPACE: 'AlertToTicketTest',
    A2T_TABLE_NAME: 'handlers',
    A2T_TICKET_SYNC_QUEUE_URL: queues.ticketSync.url,
    A2T_JIRA_SECRET_ARN: JIRA_SECRET_ARN,
    A2T_WEBHOOK_SECRET_ARN: WEBHOOK_SECRET_ARN,
    A2T_TICKETING_PARAMETER: '/AlertToTicket/ticketing',
    A2T_TICKET_CAP_PARAMETER: '/AlertToTicket/max-tickets-per-hour',
    A2T_JIRA_SITE_URL: jira.url,
    A2T_JIRA_PROJECT_KEY: 'SOC',
    A2T_JIRA_ISSUE_TYPE: 'Incident',
    A2T_PRIORITY_NAMES: '{"P1":"Highest","P2":"High","P3":"Medium","P4":"Low"}',
    A2T_SETTINGS: '{"commentIntervalMinutes":0}',
  });
  const capture = (chunk: unknown): boolean => {
    logged.push(String(chunk));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logged.push(a.join(' ')));
  jest.spyOn(console, 'info').mockImplementation((...a: unknown[]) => void logged.push(a.join(' ')));
  jest.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void logged.push(a.join(' ')));
  jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void logged.push(a.join(' ')));
  // Loaded after the environment is set, as Lambda does at cold start.
  jest.isolateModules(() => {
    // The mock must patch the client class of this module registry, the one the handlers will load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the class of this isolated registry
    const sm = require('@aws-sdk/client-secrets-manager') as typeof SecretsManager;
    // Two secrets: ticket-sync reads only the credentials, the webhook only its HMAC key.
    const secrets = mockClient(sm.SecretsManagerClient);
    secrets
      .on(sm.GetSecretValueCommand, { SecretId: JIRA_SECRET_ARN })
      .resolves({ SecretString: JSON.stringify({ email: jira.site.email, apiToken: jira.site.apiToken }) });
    secrets
      .on(sm.GetSecretValueCommand, { SecretId: WEBHOOK_SECRET_ARN })
      .resolves({ SecretString: JSON.stringify({ webhookSecret: WEBHOOK_SECRET }) });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the class of this isolated registry
    const ssm = require('@aws-sdk/client-ssm') as typeof Ssm;
    mockClient(ssm.SSMClient)
      .on(ssm.GetParametersCommand)
      .resolves({
        Parameters: [
          { Name: '/AlertToTicket/ticketing', Value: 'on' },
          { Name: '/AlertToTicket/max-tickets-per-hour', Value: '30' },
        ],
      });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the environment, like a cold start
    ingest = require('../../lambdas/ingest/handler').handler;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the environment, like a cold start
    ticketSync = require('../../lambdas/ticket-sync/handler').handler;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the environment, like a cold start
    webhook = require('../../lambdas/jira-webhook/handler').handler;
  });
});

afterAll(async () => {
  jest.restoreAllMocks();
  sqs.destroy();
  await jira.close();
  await dynamo.close();
});

describe('the Lambda handlers', () => {
  it('ingest → ticket-sync → jira-webhook: one ticket, its status back on the incident, and no secret in any log', async () => {
    const xml = fs.readFileSync(
      path.resolve(__dirname, '..', '..', 'examples', 'runkey-fin-ws-034', 'events.xml'),
      'utf8',
    );
    const r1 = await ingest(
      sqsEvent(
        [
          { id: 'm-1', body: xml },
          { id: 'm-2', body: '{"broken": ' },
        ],
        queues.intake.arn,
      ),
      context,
    );
    expect(r1).toEqual({ batchItemFailures: [] });

    const handOffs = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.ticketSync.url,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(handOffs.Messages).toHaveLength(1);
    const m = handOffs.Messages![0];
    const r2 = await ticketSync(
      sqsEvent(
        [{ id: m.MessageId!, body: m.Body!, receipt: m.ReceiptHandle!, group: m.Attributes?.MessageGroupId }],
        queues.ticketSync.arn,
      ),
      context,
    );
    expect(r2).toEqual({ batchItemFailures: [] });
    expect(jira.issues()).toHaveLength(1);
    const issue = jira.issues()[0];
    expect(issue.summary).toBe('T1547.001 – Registry Run Key Persistence via rundll32 DLL on FIN-WS-034');

    const body = JSON.stringify({
      webhookEvent: 'jira:issue_updated',
      timestamp: Date.now(),
      user: { accountId: 'analyst-7' },
      issue: {
        key: issue.key,
        fields: {
          labels: issue.labels,
          status: { name: 'In Progress', statusCategory: { key: 'indeterminate' } },
          resolution: null,
        },
      },
    });
    const url = (headers: Record<string, string>): LambdaFunctionURLEvent =>
      ({
        body,
        isBase64Encoded: false,
        headers,
        requestContext: { http: { method: 'POST' } },
      }) as unknown as LambdaFunctionURLEvent;
    expect((await webhook(url({ 'X-Hub-Signature': 'sha256=00' }), context)).statusCode).toBe(401);
    const ok = await webhook(
      url({ 'X-Hub-Signature': sign(body, WEBHOOK_SECRET), 'X-Atlassian-Webhook-Identifier': 'd-1' }),
      context,
    );
    expect(ok).toMatchObject({ statusCode: 200, body: '{"outcome":"recorded"}' });

    const logs = logged.join('\n');
    expect(logs).toContain('incident synced');
    // The stack's signature-failure alarm counts these lines ({ $.message = "webhook" && $.outcome = "unauthorized" }),
    // and every line carries the request id and whether it was a cold start.
    const lines = logged
      .flatMap((l) => l.split('\n'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'webhook', outcome: 'unauthorized', function_request_id: 'req-1' }),
    );
    expect(lines.find((l) => l.message === 'incident synced')).toMatchObject({
      function_request_id: 'req-1',
      cold_start: expect.any(Boolean),
    });
    for (const secret of [
      jira.site.apiToken,
      WEBHOOK_SECRET,
      Buffer.from(`${jira.site.email}:${jira.site.apiToken}`).toString('base64'),
    ]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toMatch(/authorization|x-hub-signature/i);
  });
});
