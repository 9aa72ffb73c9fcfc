import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { documentClient } from '../adapters/dynamodb/client';
import { DynamoTicketStore } from '../adapters/dynamodb/ticket-store';
import { DynamoTicketBudget } from '../adapters/dynamodb/budget-store';
import { DynamoFailureStore } from '../adapters/dynamodb/failure-store';
import { CircuitBreaker } from '../adapters/jira/circuit-breaker';
import { requireEnv, ticketSyncSettingsFromEnv } from '../adapters/config';
import { ControlSource, ssmParameterReader } from '../adapters/control';
import { jiraCredentialsSecret } from '../adapters/secrets';
import { reportDrafter } from '../core/sync/drafter';
import { ENV, TOPOLOGY } from '../topology';
import { JiraSession, siteExpectations } from './jira-session';
import { METRICS, runTicketSync } from './run-ticket-sync';
import type { Telemetry } from './run-ticket-sync';

const logger = new Logger();
const metrics = new Metrics();
// Validated at cold start, by the same function the CLI, the bench and the tests use.
const sync = ticketSyncSettingsFromEnv();
const doc = documentClient();
const table = requireEnv(ENV.tableName);
const store = new DynamoTicketStore(doc, table);
const failures = new DynamoFailureStore(doc, table);
// The queue's URL comes from the stack (a token CloudFormation resolves), so it is right in every partition.
const queueUrl = requireEnv(ENV.ticketSyncQueueUrl);
const sqs = new SQSClient({});

/** The invocation running now: each Jira call checks its remaining time before it is sent. */
let invocation: Context | undefined;

const telemetry: Telemetry = {
  count: (metric, n = 1) => metrics.addMetric(metric, MetricUnit.Count, n),
  info: (message, fields) => logger.info(message, fields ?? {}),
  warn: (message, fields) => logger.warn(message, fields ?? {}),
  error: (message, fields) => logger.error(message, fields ?? {}),
};

/**
 * Jira through one session per container: credentials from Secrets Manager (never logged, re-read every five minutes
 * and after a 401), the same site check as `a2t jira check` whenever they change, and a circuit breaker that stops
 * calling a site that is down.
 */
const session = new JiraSession({
  siteUrl: requireEnv(ENV.jiraSiteUrl),
  credentials: jiraCredentialsSecret(requireEnv(ENV.jiraSecretArn)),
  expectations: siteExpectations(sync),
  gateway: { remainingMs: () => invocation?.getRemainingTimeInMillis() },
  breaker: new CircuitBreaker(),
  onWarnings: (warnings) => logger.warn('Jira site check: ticketing goes on, but fix these', { warnings }),
});

/** The kill switch and the hourly cap (SSM), re-read at most once a minute. */
const control = new ControlSource({
  read: ssmParameterReader(),
  modeParameter: requireEnv(ENV.ticketingParameter),
  capParameter: requireEnv(ENV.ticketCapParameter),
  onProblem: (problem) => {
    logger.error('ticketing control unreadable', { problem });
    metrics.addMetric(METRICS.controlInvalid, MetricUnit.Count, 1);
  },
});

/** ticket-sync Lambda: the FIFO consumer that drafts incidents and opens or updates their Jira tickets. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  invocation = context;
  // Every log line of this invocation carries its request id and whether it was a cold start.
  logger.addContext(context);
  const before = session.stats();
  try {
    return await runTicketSync(
      event.Records,
      {
        store,
        jira: session,
        drafter: reportDrafter(),
        settings: sync,
        control: () => control.get(),
        budget: (limit) => new DynamoTicketBudget(doc, table, () => limit),
        recordFailure: (incidentId, error, receives) =>
          failures.record(incidentId, error, new Date().toISOString(), receives),
        maxReceiveCount: TOPOLOGY.ticketSync.maxReceiveCount,
        deferMessage: async (receiptHandle, seconds) => {
          await sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: receiptHandle,
              VisibilityTimeout: seconds,
            }),
          );
        },
        telemetry,
      },
      { owner: context.awsRequestId, remainingMs: () => context.getRemainingTimeInMillis() },
    );
  } finally {
    const after = session.stats();
    metrics.addMetric('JiraRequests', MetricUnit.Count, after.requests - before.requests);
    metrics.addMetric('JiraRateLimited', MetricUnit.Count, after.rateLimited - before.rateLimited);
    metrics.publishStoredMetrics();
    invocation = undefined;
  }
};
