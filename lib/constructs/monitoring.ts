import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoringProps {
  alarmEmail: string;
}

/** Where the functions' own metrics go (Powertools Metrics: POWERTOOLS_METRICS_NAMESPACE, `service` dimension). */
export const APP_METRICS = { namespace: 'AlertToTicket', service: 'alert-to-ticket' } as const;

/**
 * Alarms that mean "something is being lost or stuck": a dead letter, a queue falling behind, a Lambda erroring or
 * throttled; and the application's own: tickets created faster than expected, the hourly cap reached, Jira refusing
 * the credentials or an incident's content, the site check failing, Jira down, rejections, forged webhook calls.
 * They go to one encrypted SNS topic (a customer key, because CloudWatch cannot publish to a topic encrypted with
 * the AWS-managed SNS key).
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

  /**
   * An alarm on one of the functions' own metrics (run-ticket-sync.ts METRICS, the ingest handler's): `Sum` over
   * `minutes` above `threshold`.
   */
  watchAppMetric(metricName: string, opts: { minutes: number; threshold?: number; description: string }): void {
    this.alarm(metricName, appMetric(metricName, opts.minutes), opts.threshold ?? 0, { description: opts.description });
  }

  /** Tickets created (new and follow-up) in an hour above `threshold`: a flood, before the cap stops it. */
  watchTicketsCreated(threshold: number): void {
    const created = new cloudwatch.MathExpression({
      expression: 'FILL(created, 0) + FILL(followups, 0)',
      usingMetrics: { created: appMetric('Tickets_created', 60), followups: appMetric('Tickets_followup', 60) },
      period: Duration.hours(1),
      label: 'tickets created per hour',
    });
    this.alarm('TicketsCreatedHigh', created, threshold, {
      description: `More than ${threshold} tickets created in an hour: a flood? See docs/runbook.md "A flood of tickets"`,
    });
  }

  /**
   * Webhook calls whose signature was refused, counted from the webhook's log lines (`message` "webhook", `outcome`
   * "unauthorized"): forged calls, or a key that no longer matches Jira's.
   */
  watchWebhookSignatures(logGroup: logs.ILogGroup): void {
    new logs.MetricFilter(this, 'WebhookSignatureFailuresFilter', {
      logGroup,
      metricNamespace: APP_METRICS.namespace,
      metricName: 'WebhookSignatureFailures',
      metricValue: '1',
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.message', '=', 'webhook'),
        logs.FilterPattern.stringValue('$.outcome', '=', 'unauthorized'),
      ),
    });
    this.alarm(
      'WebhookSignatureFailures',
      new cloudwatch.Metric({
        namespace: APP_METRICS.namespace,
        metricName: 'WebhookSignatureFailures',
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      0,
      {
        description:
          'jira-webhook refused signatures: forged calls, or the webhook secret no longer matches the one in Jira',
      },
    );
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

function appMetric(metricName: string, minutes: number): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: APP_METRICS.namespace,
    metricName,
    dimensionsMap: { service: APP_METRICS.service },
    statistic: 'Sum',
    period: Duration.minutes(minutes),
  });
}
