import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { documentClient } from '../adapters/dynamodb/client';
import { DynamoTicketStore } from '../adapters/dynamodb/ticket-store';
import { JiraGateway } from '../adapters/jira/gateway';
import { requireEnv, ticketSyncSettingsFromEnv } from '../adapters/config';
import { jiraSecret } from '../adapters/secrets';
import { ConfigError, errorMessage } from '../core/errors';
import { reportDrafter } from '../core/sync/drafter';
import { ENV, TOPOLOGY } from '../topology';
import { syncRecords } from './sync-records';

const logger = new Logger();
const metrics = new Metrics();
// Validated at cold start, by the same function the CLI, the bench and the tests use.
const sync = ticketSyncSettingsFromEnv();
const store = new DynamoTicketStore(documentClient(), requireEnv(ENV.tableName));
const sqs = new SQSClient({});

/**
 * Cold start: credentials from Secrets Manager (never logged), then the same site check as `a2t jira check`. A site
 * that cannot take our tickets fails here, loudly, once, instead of failing every message.
 */
let ready: Promise<JiraGateway> | undefined;
function gateway(): Promise<JiraGateway> {
  ready ??= (async () => {
    const secret = await jiraSecret(requireEnv(ENV.jiraSecretArn));
    const jira = new JiraGateway({
      baseUrl: requireEnv(ENV.jiraSiteUrl),
      email: secret.email,
      apiToken: secret.apiToken,
    });
    const problems = await jira.checkSite({
      projectKey: sync.projectKey,
      issueTypeName: sync.issueTypeName,
      priorityNames: Object.values(sync.priorityNames),
      transitionNames: [sync.reopenTransition],
      components: sync.components,
      customFieldIds: Object.keys(sync.customFields),
    });
    if (problems.length > 0) throw new ConfigError(`Jira site check failed: ${problems.join(' | ')}`);
    return jira;
  })();
  ready.catch(() => {
    ready = undefined; // checked again at the next invocation, after an operator fixed the site
  });
  return ready;
}

/** ticket-sync Lambda: the FIFO consumer that drafts incidents and opens or updates their Jira tickets. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  let jira: JiraGateway;
  try {
    jira = await gateway();
  } catch (err) {
    logger.error('ticket-sync cannot reach a usable Jira site; every message goes back to the queue', {
      error: errorMessage(err),
    });
    metrics.addMetric('JiraSiteCheckFailed', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
  }
  const before = jira.stats();
  const response = await syncRecords(event, {
    maxReceiveCount: TOPOLOGY.ticketSync.maxReceiveCount,
    sync: { store, jira, drafter: reportDrafter(), settings: sync, owner: context.awsRequestId },
    deferMessage: async (receiptHandle, seconds) => {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrlOf(event.Records[0].eventSourceARN),
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    },
    onOutcome: (o) => {
      metrics.addMetric(`Tickets_${o.action}`, MetricUnit.Count, 1);
      logger.info('incident synced', { incidentId: o.incidentId, key: o.key, action: o.action, reason: o.reason });
    },
    onError: (record, err) =>
      logger.warn('incident not synced', { messageId: record.messageId, error: errorMessage(err) }),
  });
  const after = jira.stats();
  metrics.addMetric('JiraRequests', MetricUnit.Count, after.requests - before.requests);
  metrics.addMetric('JiraRateLimited', MetricUnit.Count, after.rateLimited - before.rateLimited);
  metrics.publishStoredMetrics();
  return response;
};

/** arn:aws:sqs:region:account:name → https://sqs.region.amazonaws.com/account/name */
function queueUrlOf(arn: string): string {
  const [, , , region, account, name] = arn.split(':');
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}
