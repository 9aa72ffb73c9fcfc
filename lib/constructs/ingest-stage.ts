import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { ENV, TOPOLOGY } from '../../lambdas/topology';
import type { SigmaDeployment } from '../sigma-rules';
import { QueueWithDlq } from './queues';
import { PipelineFunction } from './lambda-function';
import { TABLE_ACTIONS, grantItemAccess } from './grants';

export interface IngestStageProps {
  table: dynamodb.ITable;
  ticketSyncQueue: sqs.IQueue;
  batchSize: number;
  batchingWindowSeconds: number;
  maxConcurrency: number;
  logRetentionDays: number;
  settings: string;
  /** The Sigma packs to ship beside the bundle (lib/sigma-rules.ts). */
  sigma: SigmaDeployment;
}

/** The intake queue the forwarders write to, its DLQ, and the `ingest` Lambda that decodes, dedupes and correlates. */
export class IngestStage extends Construct {
  readonly intake: QueueWithDlq;
  readonly function: PipelineFunction;

  constructor(scope: Construct, id: string, props: IngestStageProps) {
    super(scope, id);
    this.intake = new QueueWithDlq(this, 'Intake', { fifo: false, ...TOPOLOGY.intake });
    this.function = new PipelineFunction(this, 'IngestFn', {
      entryDir: 'ingest',
      description: 'Decodes, normalizes, dedupes, correlates and enriches alerts into incidents',
      ...TOPOLOGY.functions.ingest,
      logRetentionDays: props.logRetentionDays,
      environment: {
        [ENV.tableName]: props.table.tableName,
        [ENV.ticketSyncQueueUrl]: props.ticketSyncQueue.queueUrl,
        [ENV.settings]: props.settings,
        ...(props.sigma.userPackFile !== undefined ? { [ENV.sigmaUserPack]: props.sigma.userPackFile } : {}),
      },
      bundleFiles: props.sigma.bundleFiles,
    });
    grantItemAccess(props.table, this.function.role, TABLE_ACTIONS.ingest);
    props.ticketSyncQueue.grantSendMessages(this.function.role);
    this.function.fn.addEventSource(
      new SqsEventSource(this.intake.queue, {
        batchSize: props.batchSize,
        maxBatchingWindow: props.batchingWindowSeconds > 0 ? Duration.seconds(props.batchingWindowSeconds) : undefined,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency,
      }),
    );
  }
}
