import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { documentClient } from '../adapters/dynamodb/client';
import { DynamoWebhookStore } from '../adapters/dynamodb/webhook-store';
import { parseSettings, requireEnv } from '../adapters/config';
import { jiraSecret } from '../adapters/secrets';
import { ENV } from '../topology';
import { handleWebhook } from '../core/webhook/handle-webhook';

const logger = new Logger();
const settings = parseSettings(process.env[ENV.settings]);
const store = new DynamoWebhookStore(documentClient(), requireEnv(ENV.tableName));
const secretArn = requireEnv(ENV.jiraSecretArn);

/** Largest body accepted: Jira issue events are a few KB; anything bigger is not Jira. */
const MAX_BODY_BYTES = 256 * 1024;

/** jira-webhook Lambda (Function URL): HMAC first, then dedupe, then ticket status and false-positive verdicts. */
export const handler = async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (event.requestContext.http.method !== 'POST') return { statusCode: 405 };
  if (raw.length > MAX_BODY_BYTES) return { statusCode: 413 };
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const secret = await jiraSecret(secretArn);
  const r = await handleWebhook(
    { rawBody: raw, headers },
    {
      secret: secret.webhookSecret,
      ownAccountId: secret.accountId,
      falsePositiveResolutions: settings.falsePositiveResolutions,
      suppressionMs: settings.suppressionDays * 86_400_000,
      store,
    },
  );
  // Outcome and detail only: never headers (the signature) or the body.
  logger.info('webhook', {
    outcome: r.outcome,
    detail: r.detail,
    deliveryId: headers['x-atlassian-webhook-identifier'],
  });
  return {
    statusCode: r.statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outcome: r.outcome }),
  };
};
