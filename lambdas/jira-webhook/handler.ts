import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { documentClient } from '../adapters/dynamodb/client';
import { DynamoWebhookStore } from '../adapters/dynamodb/webhook-store';
import { parseSettings, requireEnv } from '../adapters/config';
import { webhookSecret } from '../adapters/secrets';
import { ENV } from '../topology';
import { handleWebhook } from '../core/webhook/handle-webhook';

const logger = new Logger();
const settings = parseSettings(process.env[ENV.settings]);
const store = new DynamoWebhookStore(documentClient(), requireEnv(ENV.tableName));
// Its own secret (the HMAC key): this internet-facing function cannot read the Jira API token. Re-read every few
// minutes, and soon after a signature fails, so a rotated key reaches warm containers by itself.
const secret = webhookSecret(requireEnv(ENV.webhookSecretArn));
// Events about issues of any other project are ignored (when the stack passes the project; the recorded ticket key
// binds every verdict to its incident's own ticket either way).
const projectKey = process.env[ENV.jiraProjectKey] || undefined;

/** Largest body accepted: Jira issue events are a few KB; anything bigger is not Jira. */
const MAX_BODY_BYTES = 256 * 1024;

/** jira-webhook Lambda (Function URL): HMAC first, then dedupe, then ticket status and false-positive verdicts. */
export const handler = async (event: LambdaFunctionURLEvent, context?: Context): Promise<LambdaFunctionURLResult> => {
  if (context !== undefined) logger.addContext(context);
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (event.requestContext.http.method !== 'POST') return { statusCode: 405 };
  if (raw.length > MAX_BODY_BYTES) return { statusCode: 413 };
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const key = await secret.get();
  const r = await handleWebhook(
    { rawBody: raw, headers },
    {
      secret: key.webhookSecret,
      ownAccountId: key.accountId,
      ...(projectKey !== undefined ? { projectKey } : {}),
      falsePositiveResolutions: settings.falsePositiveResolutions,
      suppressionMs: settings.suppressionDays * 86_400_000,
      store,
    },
  );
  // A refused signature may mean the key was rotated: read it again (at most every 30 s).
  if (r.outcome === 'unauthorized') secret.invalidate();
  // Outcome and detail only: never headers (the signature) or the body. The stack's signature-failure alarm counts
  // these lines (message "webhook", outcome "unauthorized"): keep their shape.
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
