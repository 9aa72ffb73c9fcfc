import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { ENV, TOPOLOGY } from '../../lambdas/topology';
import { QueueWithDlq } from './queues';
import { PipelineFunction } from './lambda-function';
import { TABLE_ACTIONS, grantItemAccess } from './grants';

export interface TicketSyncStageProps {
  table: dynamodb.ITable;
  secret: secretsmanager.ISecret;
  jiraEnvironment: Record<string, string>;
  reservedConcurrency: number;
  logRetentionDays: number;
  settings: string;
}

/**
 * `ticket-sync.fifo` (group = incident id, so one incident's updates are applied in order and never concurrently)
 * and the only Lambda that talks to Jira. Reserved concurrency caps the whole deployment's Jira burst.
 */
export class TicketSyncStage extends Construct {
  readonly queues: QueueWithDlq;
  readonly function: PipelineFunction;

  constructor(scope: Construct, id: string, props: TicketSyncStageProps) {
    super(scope, id);
    this.queues = new QueueWithDlq(this, 'TicketSync', { fifo: true, ...TOPOLOGY.ticketSync });
    this.function = new PipelineFunction(this, 'TicketSyncFn', {
      entryDir: 'ticket-sync',
      description: 'Drafts incident reports and opens or updates Jira tickets exactly once',
      ...TOPOLOGY.functions.ticketSync,
      logRetentionDays: props.logRetentionDays,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        [ENV.tableName]: props.table.tableName,
        [ENV.jiraSecretArn]: props.secret.secretArn,
        [ENV.settings]: props.settings,
        ...props.jiraEnvironment,
      },
    });
    grantItemAccess(props.table, this.function.role, TABLE_ACTIONS.ticketSync);
    props.secret.grantRead(this.function.role);
    // ChangeMessageVisibility: a message Jira rate-limited goes back with the wait Jira asked for.
    this.queues.queue.grant(this.function.role, 'sqs:ChangeMessageVisibility');
    this.function.fn.addEventSource(
      new SqsEventSource(this.queues.queue, {
        batchSize: TOPOLOGY.ticketSync.batchSize,
        reportBatchItemFailures: true,
      }),
    );
  }
}
