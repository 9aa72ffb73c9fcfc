import * as path from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { documentClient } from '../adapters/dynamodb/client';
import { DynamoIngestStore } from '../adapters/dynamodb/ingest-store';
import { DynamoFailureStore } from '../adapters/dynamodb/failure-store';
import { SqsTicketQueue } from '../adapters/sqs/ticket-queue';
import { parseSettings, requireEnv } from '../adapters/config';
import { ENV } from '../topology';
import { errorMessage } from '../core/errors';
import { loadDetectStage } from '../core/detect/stage';
import { ingestRecords } from './ingest-records';

const logger = new Logger();
const metrics = new Metrics();
// Read once per cold start; a missing variable fails here, loudly, not per message.
const settings = parseSettings(process.env[ENV.settings]);
const doc = documentClient();
const store = new DynamoIngestStore(doc, requireEnv(ENV.tableName));
// Why a message went back to the queue, by message id, for `a2t dlq list` should it end in the DLQ.
const failures = new DynamoFailureStore(doc, requireEnv(ENV.tableName));
const queue = new SqsTicketQueue(new SQSClient({}), requireEnv(ENV.ticketSyncQueueUrl));
// The Sigma packs sit beside the bundle (copied there at synth); rules compile on first use, so this stays cheap.
const userPack = process.env[ENV.sigmaUserPack];
const detect = loadDetectStage(settings.sigma, userPack !== undefined ? path.join(__dirname, userPack) : undefined);
logger.info('detect stage ready', { rules: detect.detector.summary.rules, excluded: detect.detector.summary.excluded });

/** Ingest Lambda: SQS intake → decode, normalize, dedupe, correlate, enrich, store, hand off to ticket-sync. */
export const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  if (context !== undefined) logger.addContext(context);
  const { response, result, error } = await ingestRecords(event.Records, { store, queue, settings, detect });
  const at = new Date().toISOString();
  const why = (id: string) =>
    error !== undefined ? errorMessage(error) : (result?.errors.find((e) => e.includes(id)) ?? 'incident write failed');
  await Promise.all(
    response.batchItemFailures.map((f) =>
      failures.record(f.itemIdentifier, why(f.itemIdentifier), at).catch(() => undefined),
    ),
  );
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
