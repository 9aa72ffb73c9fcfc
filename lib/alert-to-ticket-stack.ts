import { Stack, Tags } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENV } from '../lambdas/topology';
import { settingsOf } from '../lambdas/adapters/config';
import type { DeployConfig } from './config';
import { prepareSigmaRules } from './sigma-rules';
import { IncidentStore } from './constructs/storage';
import { IngestStage } from './constructs/ingest-stage';
import { TicketSyncStage } from './constructs/ticket-sync-stage';
import { WebhookStage } from './constructs/webhook-stage';
import { JiraSecret } from './constructs/jira-secret';
import { WebhookSecret } from './constructs/webhook-secret';
import { TicketingControl } from './constructs/ticketing-control';
import { ForwarderAccess } from './constructs/forwarder-access';
import { OperatorOutputs } from './constructs/operator-outputs';
import { Monitoring } from './constructs/monitoring';

export interface AlertToTicketStackProps extends StackProps {
  config: DeployConfig;
}

/** Wires the stages; each construct owns its queue, DLQ, function, grants and environment. */
export class AlertToTicketStack extends Stack {
  readonly store: IncidentStore;
  readonly ingest: IngestStage;
  readonly ticketSync: TicketSyncStage;
  readonly webhook: WebhookStage;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: AlertToTicketStackProps) {
    super(scope, id, props);
    const { config } = props;
    Tags.of(this).add('application', 'alert-to-ticket');
    // The Sigma rules are checked and packed before anything is built: a bad user rule or an unknown disabled id
    // fails the synth with its file and field.
    const sigma = prepareSigmaRules(config.sigmaRulesDir, config.disabledSigmaRules, settingsOf(config.settings).sigma);
    const settings = JSON.stringify({ ...config.settings, sigma: sigma.sigma });

    this.store = new IncidentStore(this, 'Store');
    const secret = new JiraSecret(this, 'JiraSecret', {
      secretName: config.jiraSecretName,
      create: config.createSecret,
    });
    const webhookSecret = new WebhookSecret(this, 'WebhookSecret', {
      secretName: config.webhookSecretName,
      create: config.createSecret,
    });
    const ticketing = new TicketingControl(this, 'Ticketing', {
      mode: config.ticketingMode,
      maxTicketsPerHour: config.maxTicketsPerHour,
    });

    this.ticketSync = new TicketSyncStage(this, 'TicketSync', {
      table: this.store.table,
      secret: secret.secret,
      maxConcurrency: config.ticketSyncMaxConcurrency,
      reservedConcurrency: config.ticketSyncReservedConcurrency,
      ticketing,
      logRetentionDays: config.logRetentionDays,
      settings,
      jiraEnvironment: {
        [ENV.jiraSiteUrl]: config.jiraSiteUrl,
        [ENV.jiraProjectKey]: config.jiraProjectKey,
        [ENV.jiraIssueType]: config.jiraIssueType,
        [ENV.priorityNames]: JSON.stringify(config.priorityNames),
      },
    });
    this.ingest = new IngestStage(this, 'Ingest', {
      table: this.store.table,
      ticketSyncQueue: this.ticketSync.queues.queue,
      batchSize: config.ingestBatchSize,
      batchingWindowSeconds: config.ingestBatchingWindowSeconds,
      maxConcurrency: config.ingestMaxConcurrency,
      logRetentionDays: config.logRetentionDays,
      settings,
      sigma,
    });
    this.webhook = new WebhookStage(this, 'Webhook', {
      table: this.store.table,
      secret: webhookSecret.secret,
      logRetentionDays: config.logRetentionDays,
      reservedConcurrency: config.webhookReservedConcurrency,
      settings,
      jiraProjectKey: config.jiraProjectKey,
    });
    const forwarders = new ForwarderAccess(this, 'Forwarders', {
      intake: this.ingest.intake.queue,
      principals: config.forwarderPrincipals,
    });

    const monitoring = new Monitoring(this, 'Monitoring', { alarmEmail: config.alarmEmail });
    this.monitoring = monitoring;
    monitoring.watchDlq('Intake', this.ingest.intake.dlq);
    monitoring.watchDlq('TicketSync', this.ticketSync.queues.dlq);
    monitoring.watchQueueAge('Intake', this.ingest.intake.queue, 900);
    monitoring.watchQueueAge('TicketSync', this.ticketSync.queues.queue, 1800);
    monitoring.watchFunction('Ingest', this.ingest.function.fn);
    monitoring.watchFunction('TicketSync', this.ticketSync.function.fn);
    monitoring.watchFunction('JiraWebhook', this.webhook.function.fn);
    // The application's own metrics (lambdas/ticket-sync/run-ticket-sync.ts METRICS, the ingest handler's).
    monitoring.watchTicketsCreated(Math.max(1, Math.floor(config.maxTicketsPerHour / 2)));
    monitoring.watchAppMetric('TicketCapReached', {
      minutes: 5,
      description: 'The hourly ticket cap refused creates: tickets wait for the next hour (docs/runbook.md "A flood")',
    });
    monitoring.watchAppMetric('JiraAuthFailures', {
      minutes: 5,
      description:
        'Jira refused the credentials or a permission, or the Jira secret holds placeholders: tickets wait on the ' +
        'queue until it is fixed (docs/runbook.md "Rotating the token")',
    });
    monitoring.watchAppMetric('SyncPermanentFailures', {
      minutes: 5,
      description: "Jira refused an incident's content (400…): recorded on the incident, not retried; see the logs",
    });
    monitoring.watchAppMetric('JiraSiteCheckFailed', {
      minutes: 5,
      description: 'The Jira site check found the project, issue type or a priority missing: no ticket can be created',
    });
    monitoring.watchAppMetric('JiraCircuitOpen', {
      minutes: 15,
      description: 'Jira unavailable: calls stopped, hand-offs wait on the queue (docs/runbook.md "Jira down")',
    });
    monitoring.watchAppMetric('ControlParameterInvalid', {
      minutes: 5,
      description: 'A ticketing control parameter could not be read: ticketing is stopped until it is fixed',
    });
    monitoring.watchAppMetric('RecordsRejected', {
      minutes: 15,
      description: 'Ingest rejected records (bad format, too large): "a2t dlq list" shows them and why',
    });
    monitoring.watchWebhookSignatures(this.webhook.function.logGroup);

    new OperatorOutputs(this, 'Operator', {
      values: {
        tableName: this.store.table.tableName,
        intakeQueueUrl: this.ingest.intake.queue.queueUrl,
        intakeQueueArn: this.ingest.intake.queue.queueArn,
        intakeDlqUrl: this.ingest.intake.dlq.queueUrl,
        ticketSyncQueueUrl: this.ticketSync.queues.queue.queueUrl,
        ticketSyncDlqUrl: this.ticketSync.queues.dlq.queueUrl,
        jiraSecretArn: secret.secret.secretArn,
        webhookSecretArn: webhookSecret.secret.secretArn,
        ticketingParameter: ticketing.mode.parameterName,
        ticketCapParameter: ticketing.cap.parameterName,
        alarmTopicArn: monitoring.topic.topicArn,
        jiraSiteUrl: config.jiraSiteUrl,
        jiraProjectKey: config.jiraProjectKey,
        jiraIssueType: config.jiraIssueType,
      },
      extra: {
        WebhookUrl: {
          value: this.webhook.url.url,
          description: "Paste into Jira: Settings → System → WebHooks, with the webhook secret's webhookSecret",
        },
        ForwarderPolicyArn: {
          value: forwarders.policy.managedPolicyArn,
          description: "Attach to a forwarder's role: it may send to the intake queue, nothing else",
        },
        ...(forwarders.role !== undefined
          ? {
              ForwarderRoleArn: {
                value: forwarders.role.roleArn,
                description: 'A role the configured forwarder principals assume to send alerts',
              },
            }
          : {}),
      },
      siteExpectations: {
        projectKey: config.jiraProjectKey,
        issueTypeName: config.jiraIssueType,
        priorityNames: Object.values(config.priorityNames),
        transitionNames: [settingsOf(config.settings).reopenTransition],
        components: settingsOf(config.settings).components,
        customFieldIds: Object.keys(settingsOf(config.settings).customFields),
      },
    });
  }
}
