import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { ENV, TOPOLOGY } from '../../lambdas/topology';
import { QueueWithDlq } from './queues';
import { PipelineFunction } from './lambda-function';
import { TABLE_ACTIONS, grantItemAccess } from './grants';

export interface TicketSyncStageProps {
  table: dynamodb.ITable;
  /** The Jira credentials: only this function reads them. */
  secret: secretsmanager.ISecret;
  jiraEnvironment: Record<string, string>;
  /** The event source's `MaximumConcurrency`: concurrent invocations, so the deployment's Jira burst. */
  maxConcurrency: number;
  /** Reserved concurrency; 0: none (the default, which deploys in accounts with the 10-execution quota). */
  reservedConcurrency: number;
  /** The kill switch and the hourly ticket cap, read at run time. */
  ticketing: { mode: ssm.IStringParameter; cap: ssm.IStringParameter };
  logRetentionDays: number;
  settings: string;
}

/**
 * `ticket-sync.fifo` (group = incident id, so one incident's updates are applied in order and never concurrently)
 * and the only Lambda that talks to Jira. Its concurrency is capped where AWS caps SQS consumers, on the event
 * source (`ScalingConfig.MaximumConcurrency`), not by reserving account concurrency.
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
      ...(props.reservedConcurrency > 0 ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: {
        [ENV.tableName]: props.table.tableName,
        [ENV.ticketSyncQueueUrl]: this.queues.queue.queueUrl,
        [ENV.jiraSecretArn]: props.secret.secretArn,
        [ENV.ticketingParameter]: props.ticketing.mode.parameterName,
        [ENV.ticketCapParameter]: props.ticketing.cap.parameterName,
        [ENV.settings]: props.settings,
        ...props.jiraEnvironment,
      },
    });
    grantItemAccess(props.table, this.function.role, TABLE_ACTIONS.ticketSync);
    props.secret.grantRead(this.function.role);
    props.ticketing.mode.grantRead(this.function.role);
    props.ticketing.cap.grantRead(this.function.role);
    // ChangeMessageVisibility: a failed hand-off goes back with its own wait (Jira's Retry-After, the retry schedule).
    this.queues.queue.grant(this.function.role, 'sqs:ChangeMessageVisibility');
    this.function.fn.addEventSource(
      new SqsEventSource(this.queues.queue, {
        batchSize: TOPOLOGY.ticketSync.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency,
      }),
    );
  }
}
