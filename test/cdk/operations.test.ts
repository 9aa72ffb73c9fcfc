import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app-builder';
import { loadDeployConfig } from '../../lib/config';
import { OPERATOR_VALUES } from '../../lambdas/topology';
import { actionsOf, cdkJsonContext, defaultTemplate, statementsOfRole, templateOnlyContext } from './helpers';

/** What issue 17 asks of the template: what operators need, and what keeps a ticket from being lost at run time. */
const template = defaultTemplate();

function configError(overrides: Record<string, unknown>): string {
  const ctx = cdkJsonContext(overrides);
  try {
    loadDeployConfig((k) => ctx[k]);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('outputs', () => {
  it('has one for every A2T_* value the operator commands read, and the webhook URL and forwarder policy', () => {
    const outputs = template.findOutputs('*');
    for (const { output } of Object.values(OPERATOR_VALUES)) expect(Object.keys(outputs)).toContain(output);
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['WebhookUrl', 'ForwarderPolicyArn']));
    // Queue URLs are the queues' own (Ref), so they are right in every partition (aws-cn, aws-us-gov).
    expect(outputs.IntakeQueueUrl.Value).toEqual({ Ref: expect.stringMatching(/^IngestIntakeQueue/) });
    expect(outputs.TicketSyncDlqUrl.Value).toEqual({ Ref: expect.stringMatching(/^TicketSyncDlq/) });
    expect(outputs.IntakeQueueArn.Value).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^IngestIntakeQueue/), 'Arn'],
    });
  });

  it('publishes the same values in /<stack>/operator for `a2t --stack`', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/AlertToTicket/operator',
      Type: 'String',
      Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
    const param = Object.values(template.findResources('AWS::SSM::Parameter')).find(
      (p) => p.Properties.Name === '/AlertToTicket/operator',
    )!;
    const text = JSON.stringify(param.Properties.Value);
    for (const key of Object.keys(OPERATOR_VALUES)) expect(text).toContain(`\\"${key}\\"`);
    expect(text).toContain('siteExpectations');
  });

  it('adds a role the configured forwarders may assume, allowed only to send to the intake queue', () => {
    const t = Template.fromStack(
      buildApp({
        context: templateOnlyContext({ 'a2t:forwarderPrincipals': 'arn:aws:iam::123456789012:role/sysmon-forwarder' }),
      }).stack,
    );
    expect(Object.keys(t.findOutputs('*'))).toContain('ForwarderRoleArn');
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { AWS: 'arn:aws:iam::123456789012:role/sysmon-forwarder' } })],
      }),
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IngestIntakeQueue'), 'Arn'] },
          }),
        ],
      },
    });
    expect(Object.keys(template.findOutputs('*'))).not.toContain('ForwarderRoleArn');
  });
});

describe('queues', () => {
  it('retain both DLQs when the stack is deleted, and only them', () => {
    const retained = template.findResources('AWS::SQS::Queue', { DeletionPolicy: 'Retain' });
    expect(Object.keys(retained).sort()).toEqual([
      expect.stringMatching(/^IngestIntakeDlq/),
      expect.stringMatching(/^TicketSyncDlq/),
    ]);
  });
});

describe('ticket-sync', () => {
  it('reads the kill switch and the hourly cap from SSM parameters SSM itself validates', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/AlertToTicket/ticketing',
      Value: 'on',
      AllowedPattern: '^(on|dry-run|off)$',
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/AlertToTicket/max-tickets-per-hour',
      Value: '30',
      AllowedPattern: '^\\d{1,6}$',
    });
    const actions = actionsOf(statementsOfRole(template, 'TicketSyncTicketSyncFnRole'));
    expect(actions).toEqual(expect.arrayContaining(['ssm:GetParameters', 'sqs:ChangeMessageVisibility']));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Jira tickets'),
      Environment: {
        Variables: Match.objectLike({
          A2T_TICKETING_PARAMETER: { Ref: Match.stringLikeRegexp('^TicketingMode') },
          A2T_TICKET_CAP_PARAMETER: { Ref: Match.stringLikeRegexp('^TicketingCap') },
          // Its own queue's URL from the stack, not built from the ARN with `amazonaws.com`.
          A2T_TICKET_SYNC_QUEUE_URL: { Ref: Match.stringLikeRegexp('^TicketSyncQueue') },
        }),
      },
    });
  });
});

describe('jira-webhook', () => {
  it('may touch only the items it writes (dynamodb:LeadingKeys), action by action', () => {
    const dynamo = statementsOfRole(template, 'WebhookJiraWebhookFnRole').filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('dynamodb:')),
    ) as unknown as { Action: string | string[]; Condition?: Record<string, Record<string, string[]>> }[];
    // Every statement is conditioned (statements with the same condition may be merged into one).
    const byAction = Object.fromEntries(
      dynamo.flatMap((s) =>
        actionsOf([s as never]).map((a) => [a, s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']]),
      ),
    );
    expect(byAction).toEqual({
      'dynamodb:GetItem': ['INC#*'],
      'dynamodb:UpdateItem': ['INC#*'],
      'dynamodb:PutItem': ['WEBHOOK#*', 'GROUP#*'],
    });
  });

  it('has its own secret, generated, and reads it from A2T_WEBHOOK_SECRET_ARN', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'alert-to-ticket/jira-webhook',
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'webhookSecret' }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Receives Jira webhooks'),
      Environment: {
        Variables: Match.objectLike({
          A2T_WEBHOOK_SECRET_ARN: { Ref: Match.stringLikeRegexp('^WebhookSecret') },
          A2T_JIRA_SECRET_ARN: Match.absent(),
        }),
      },
    });
  });
});

describe('alarms on the application', () => {
  it.each([
    'TicketCapReached',
    'JiraAuthFailures',
    'SyncPermanentFailures',
    'JiraSiteCheckFailed',
    'JiraCircuitOpen',
    'ControlParameterInvalid',
    'RecordsRejected',
  ])('fires on the first %s', (metricName) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AlertToTicket',
      MetricName: metricName,
      Dimensions: [{ Name: 'service', Value: 'alert-to-ticket' }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('fires when tickets created in an hour pass half the cap', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 15,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(created, 0) + FILL(followups, 0)' }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Tickets_created' }) }),
        }),
      ]),
    });
  });

  it('counts refused webhook signatures from the log lines', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.message = "webhook") && ($.outcome = "unauthorized") }',
      MetricTransformations: [Match.objectLike({ MetricName: 'WebhookSignatureFailures', MetricValue: '1' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'WebhookSignatureFailures', Threshold: 0 });
  });
});

describe('configuration is checked as CloudFormation will check it', () => {
  it('refuses a log retention CloudWatch Logs does not offer', () => {
    expect(configError({ 'a2t:logRetentionDays': 45 })).toMatch(
      /a2t:logRetentionDays is invalid \(CloudWatch Logs accepts only 1, 3, 5, 7, 14, 30, 60, 90,/,
    );
    expect(loadDeployConfig((k) => cdkJsonContext({ 'a2t:logRetentionDays': 30 })[k]).logRetentionDays).toBe(30);
  });

  it('says why an http:// site is refused', () => {
    expect(configError({ 'a2t:jiraSiteUrl': 'http://acme.atlassian.net' })).toMatch(
      /a2t:jiraSiteUrl is invalid \(http:\/\/ is not allowed: Jira Cloud is served over https only\)/,
    );
    expect(configError({ 'a2t:jiraSiteUrl': 'acme' })).toMatch(/a2t:jiraSiteUrl is invalid \(not a URL\)/);
  });

  it('names each missing priority once, in one line', () => {
    const message = configError({ 'a2t:priorityNames': '{"P1":"Blocker"}' });
    expect(message.split('\n').filter((l) => l.includes('a2t:priorityNames'))).toEqual([
      expect.stringContaining('a2t:priorityNames is invalid (missing P2, P3, P4)'),
    ]);
  });

  it('keeps MaximumConcurrency within what Lambda accepts', () => {
    expect(configError({ 'a2t:ticketSyncMaxConcurrency': 1 })).toMatch(/a2t:ticketSyncMaxConcurrency is invalid/);
    expect(configError({ 'a2t:ticketingMode': 'paused' })).toMatch(/a2t:ticketingMode is invalid/);
  });
});
