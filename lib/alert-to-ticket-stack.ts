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

    this.ticketSync = new TicketSyncStage(this, 'TicketSync', {
      table: this.store.table,
      secret: secret.secret,
      reservedConcurrency: config.ticketSyncReservedConcurrency,
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
      secret: secret.secret,
      logRetentionDays: config.logRetentionDays,
      settings,
    });

    const monitoring = new Monitoring(this, 'Monitoring', { alarmEmail: config.alarmEmail });
    monitoring.watchDlq('Intake', this.ingest.intake.dlq);
    monitoring.watchDlq('TicketSync', this.ticketSync.queues.dlq);
    monitoring.watchQueueAge('Intake', this.ingest.intake.queue, 900);
    monitoring.watchQueueAge('TicketSync', this.ticketSync.queues.queue, 1800);
    monitoring.watchFunction('Ingest', this.ingest.function.fn);
    monitoring.watchFunction('TicketSync', this.ticketSync.function.fn);
    monitoring.watchFunction('JiraWebhook', this.webhook.function.fn);
  }
}
