import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { documentClient } from '../adapters/dynamodb/client';
import { DynamoIngestStore } from '../adapters/dynamodb/ingest-store';
import { SqsTicketQueue } from '../adapters/sqs/ticket-queue';
import { parseSettings, requireEnv } from '../adapters/config';
import { ENV } from '../topology';
import { errorMessage } from '../core/errors';
import { ingestRecords } from './ingest-records';

const logger = new Logger();
const metrics = new Metrics();
// Read once per cold start; a missing variable fails here, loudly, not per message.
const settings = parseSettings(process.env[ENV.settings]);
const store = new DynamoIngestStore(documentClient(), requireEnv(ENV.tableName));
const queue = new SqsTicketQueue(new SQSClient({}), requireEnv(ENV.ticketSyncQueueUrl));

/** Ingest Lambda: SQS intake → decode, normalize, dedupe, correlate, enrich, store, hand off to ticket-sync. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const { response, result, error } = await ingestRecords(event.Records, { store, queue, settings });
  if (result !== undefined) {
    metrics.addMetric('AlertsAccepted', MetricUnit.Count, result.accepted);
    metrics.addMetric('AlertsDuplicate', MetricUnit.Count, result.duplicates);
    metrics.addMetric('AlertsSuppressed', MetricUnit.Count, result.suppressed);
    metrics.addMetric('RecordsRejected', MetricUnit.Count, result.rejected);
    metrics.addMetric('HandOffs', MetricUnit.Count, result.handOffs.length);
    logger.info('batch ingested', {
      records: event.Records.length,
      accepted: result.accepted,
      duplicates: result.duplicates,
      rejected: result.rejected,
      incidents: [...result.incidents.keys()],
      retried: result.failedMessages.size,
      errors: result.errors,
    });
  } else {
    metrics.addMetric('BatchesRetried', MetricUnit.Count, 1);
    logger.warn('batch failed; every record goes back to the queue', { error: errorMessage(error) });
  }
  metrics.publishStoredMetrics();
  return response;
};
