import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app-builder';
import { loadDeployConfig } from '../../lib/config';
import { TOPOLOGY } from '../../lambdas/topology';
import { actionsOf, cdkJsonContext, defaultTemplate, statementsOfRole, templateOnlyContext } from './helpers';

const template = defaultTemplate();

describe('intake queue', () => {
  it('is encrypted, refuses plain HTTP, keeps messages 14 days and dead-letters after 5 receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
      VisibilityTimeout: TOPOLOGY.intake.visibilityTimeoutSeconds,
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() },
      FifoQueue: Match.absent(),
    });
    const policies = template.findResources('AWS::SQS::QueuePolicy');
    const denies = Object.values(policies).filter((p) =>
      (p.Properties.PolicyDocument.Statement as { Effect: string; Condition?: unknown }[]).some(
        (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}',
      ),
    );
    // Every queue (intake, ticket-sync and both DLQs) denies non-TLS requests.
    expect(denies).toHaveLength(4);
  });

  it('feeds ingest with partial batch responses, a batching window and a concurrency cap', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });
});

describe('ticket-sync queue', () => {
  it('is FIFO with sender-chosen dedup ids and a FIFO DLQ', () => {
    const fifo = template.findResources('AWS::SQS::Queue', { Properties: { FifoQueue: true } });
    expect(Object.keys(fifo)).toHaveLength(2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      RedrivePolicy: { maxReceiveCount: TOPOLOGY.ticketSync.maxReceiveCount, deadLetterTargetArn: Match.anyValue() },
    });
  });

  it('feeds ticket-sync in batches of 10 with partial batch responses and a concurrency cap on the source', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });
});

describe('table', () => {
  it('is on-demand, encrypted, point-in-time recoverable, with a TTL attribute and pk/sk keys', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });
});

describe('functions', () => {
  it('run on Node 24, arm64, traced, with JSON logs', () => {
    const fns = template.findResources('AWS::Lambda::Function', {
      Properties: { Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } },
    });
    expect(Object.keys(fns)).toHaveLength(3);
  });

  it('reserve no concurrency (it fails to deploy in accounts whose quota is 10): the event sources cap it', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(fns)) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    const sources = template.findResources('AWS::Lambda::EventSourceMapping');
    expect(Object.values(sources).map((m) => m.Properties.ScalingConfig?.MaximumConcurrency)).toEqual(
      expect.arrayContaining([10, 2]),
    );
  });

  it('reserve concurrency only when a context key asks for it', () => {
    const t = Template.fromStack(
      buildApp({
        context: templateOnlyContext({ 'a2t:ticketSyncReservedConcurrency': 3, 'a2t:webhookReservedConcurrency': 5 }),
      }).stack,
    );
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Jira tickets'),
      ReservedConcurrentExecutions: 3,
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Receives Jira webhooks'),
      ReservedConcurrentExecutions: 5,
    });
  });

  it('expose jira-webhook through a Function URL that authenticates by HMAC itself', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
  });

  it('have log groups with retention', () => {
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 90 }, 3);
  });
});

describe('least privilege', () => {
  it('keeps the Jira secret away from ingest', () => {
    expect(actionsOf(statementsOfRole(template, 'IngestIngestFnRole'))).not.toContain('secretsmanager:GetSecretValue');
  });

  it('lets ticket-sync read the Jira secret, and jira-webhook only its own', () => {
    const secretsRead = (rolePrefix: string) =>
      statementsOfRole(template, rolePrefix)
        .filter((s) => actionsOf([s]).includes('secretsmanager:GetSecretValue'))
        .map((s) => JSON.stringify(s.Resource));
    expect(secretsRead('TicketSyncTicketSyncFnRole')).toEqual([expect.stringContaining('JiraSecret')]);
    // The internet-facing function cannot read the API token: its one secret is the webhook's HMAC key.
    expect(secretsRead('WebhookJiraWebhookFnRole')).toEqual([expect.stringContaining('WebhookSecret')]);
    expect(secretsRead('WebhookJiraWebhookFnRole').join()).not.toContain('JiraSecret');
  });

  it('grants no wildcard action and no wildcard resource on DynamoDB or SQS', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const offending: string[] = [];
    for (const policy of Object.values(policies)) {
      for (const s of policy.Properties.PolicyDocument.Statement as {
        Action: string | string[];
        Resource: unknown;
      }[]) {
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        const wildcardAction = actions.some((a) => a === '*' || a.endsWith(':*'));
        const dataPlane = actions.some((a) => a.startsWith('dynamodb:') || a.startsWith('sqs:'));
        if (wildcardAction || (dataPlane && /"\*"|\/\*"/.test(JSON.stringify(s.Resource)))) {
          offending.push(JSON.stringify(s));
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('lets ingest send to ticket-sync and update the table, and nothing on Secrets Manager', () => {
    const actions = actionsOf(statementsOfRole(template, 'IngestIngestFnRole'));
    expect(actions).toEqual(expect.arrayContaining(['sqs:SendMessage', 'dynamodb:UpdateItem']));
    expect(actions.some((a) => a.startsWith('secretsmanager:'))).toBe(false);
  });
});

describe('alarms', () => {
  it('watch both DLQs, both queue ages, errors and throttles of the three functions, and the application, into SNS', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    // 2 DLQs + 2 queue ages + 3 × (errors, throttles) + 9 on the application's own metrics (operations.test.ts).
    expect(Object.keys(alarms)).toHaveLength(2 + 2 + 3 * 2 + 9);
    for (const alarm of Object.values(alarms)) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });
});

describe('configuration', () => {
  it('names a missing key and shows an example', () => {
    const ctx = cdkJsonContext();
    delete ctx['a2t:jiraSiteUrl'];
    expect(() => loadDeployConfig((k) => ctx[k])).toThrow(
      /context a2t:jiraSiteUrl is missing: set it in cdk.json or pass -c a2t:jiraSiteUrl=https:\/\//,
    );
  });

  it('names an invalid key', () => {
    const ctx = cdkJsonContext({ 'a2t:jiraProjectKey': 'soc ops', 'a2t:ingestBatchSize': '0' });
    expect(() => loadDeployConfig((k) => ctx[k])).toThrow(
      /a2t:jiraProjectKey is invalid[\s\S]*a2t:ingestBatchSize is invalid/,
    );
  });

  it('validates the pipeline settings and names a misspelt one', () => {
    const ctx = cdkJsonContext({ 'a2t:settings': '{"ticketTreshold": 40}' });
    expect(() => loadDeployConfig((k) => ctx[k])).toThrow(/a2t:settings is invalid/);
    const ok = loadDeployConfig((k) => cdkJsonContext({ 'a2t:settings': '{"ticketThreshold": 55}' })[k]);
    expect(ok.settings.ticketThreshold).toBe(55);
  });

  it('accepts -c strings for numbers, booleans and JSON objects', () => {
    const ctx = cdkJsonContext({
      'a2t:ingestBatchSize': '250',
      'a2t:createSecret': 'false',
      'a2t:priorityNames': '{"P1":"Blocker","P2":"Critical","P3":"Major","P4":"Minor"}',
    });
    const cfg = loadDeployConfig((k) => ctx[k]);
    expect(cfg.ingestBatchSize).toBe(250);
    expect(cfg.createSecret).toBe(false);
    expect(cfg.priorityNames.P1).toBe('Blocker');
  });

  it('imports an existing secret by name instead of creating one', () => {
    const { stack } = buildApp({ context: templateOnlyContext({ 'a2t:createSecret': false }) });
    const imported = Template.fromStack(stack);
    imported.resourceCountIs('AWS::SecretsManager::Secret', 0);
    // The functions still get the imported secret's ARN (by name, with Secrets Manager's random suffix).
    expect(JSON.stringify(imported.toJSON())).toContain('secret:alert-to-ticket/jira');
  });
});
