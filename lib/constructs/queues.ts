import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface QueueWithDlqProps {
  fifo: boolean;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  retentionDays: number;
}

/**
 * A queue and its dead-letter queue, both encrypted (SSE-SQS) and refusing plain HTTP. The DLQ keeps messages
 * for the 14-day maximum so an operator has two weeks to `a2t dlq redrive` them, and is retained when the stack is
 * deleted: dead letters are alerts or ticket updates nobody has looked at yet.
 */
export class QueueWithDlq extends Construct {
  readonly queue: sqs.Queue;
  readonly dlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const common = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      fifo: props.fifo || undefined,
    };
    this.dlq = new sqs.Queue(this, 'Dlq', {
      ...common,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      removalPolicy: RemovalPolicy.DESTROY,
      // FIFO dedup ids are set by the sender (incident id + version), never by content.
      contentBasedDeduplication: props.fifo ? false : undefined,
      visibilityTimeout: Duration.seconds(props.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(props.retentionDays),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
