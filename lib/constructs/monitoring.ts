import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoringProps {
  alarmEmail: string;
}

/**
 * Alarms that mean "something is being lost or stuck": a dead letter, a queue falling behind, a Lambda erroring or
 * throttled. They go to one encrypted SNS topic (a customer key, because CloudWatch cannot publish to a topic
 * encrypted with the AWS-managed SNS key).
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', { enableKeyRotation: true, description: 'alert-to-ticket alarm topic' });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Alarms', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'alert-to-ticket alarms',
    });
    if (props.alarmEmail !== '') this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.action = new actions.SnsAction(this.topic);
  }

  /** Any message in a DLQ is an alert or a ticket update that needs a person. */
  watchDlq(name: string, dlq: sqs.IQueue): void {
    this.alarm(`${name}DlqNotEmpty`, dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }), 0, {
      description: `${name}: messages in the dead-letter queue; inspect with "a2t dlq list", re-drive with "a2t dlq redrive"`,
    });
  }

  /** Alerts waiting longer than this are not being turned into tickets. */
  watchQueueAge(name: string, queue: sqs.IQueue, maxAgeSeconds: number): void {
    this.alarm(
      `${name}OldestMessageAge`,
      queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1) }),
      maxAgeSeconds,
      { description: `${name}: oldest message older than ${maxAgeSeconds}s: the consumer is failing or throttled` },
    );
  }

  watchFunction(name: string, fn: lambda.IFunction): void {
    this.alarm(`${name}Errors`, fn.metricErrors({ period: Duration.minutes(5) }), 0, {
      description: `${name}: Lambda errors`,
    });
    this.alarm(`${name}Throttles`, fn.metricThrottles({ period: Duration.minutes(5) }), 0, {
      description: `${name}: Lambda throttles`,
    });
  }

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, opts: { description: string }): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: opts.description,
    });
    alarm.addAlarmAction(this.action);
  }
}
