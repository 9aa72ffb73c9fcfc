import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { ConfigError } from '../core/errors';

const JiraSecretSchema = z.object({
  email: z.string().min(1),
  apiToken: z.string().min(1),
  webhookSecret: z.string().min(16),
  /** The integration user's account id: its own edits, echoed back by webhooks, are ignored. */
  accountId: z.string().optional(),
});
export type JiraSecret = z.infer<typeof JiraSecretSchema>;

let cached: Promise<JiraSecret> | undefined;

/**
 * The Jira credentials, read once per cold start and kept in memory. Errors name the secret and the missing field,
 * never a value.
 */
export function jiraSecret(
  secretArn: string,
  client: SecretsManagerClient = new SecretsManagerClient({}),
): Promise<JiraSecret> {
  cached ??= client.send(new GetSecretValueCommand({ SecretId: secretArn })).then((r) => {
    let json: unknown;
    try {
      json = JSON.parse(r.SecretString ?? '');
    } catch {
      throw new ConfigError(`secret ${secretArn} is not JSON with email, apiToken and webhookSecret`);
    }
    const parsed = JiraSecretSchema.safeParse(json);
    if (!parsed.success)
      throw new ConfigError(
        `secret ${secretArn}: field ${parsed.error.issues[0].path.join('.')} is missing or invalid`,
      );
    return parsed.data;
  });
  cached.catch(() => {
    cached = undefined; // a failed read is retried at the next invocation, not cached forever
  });
  return cached;
}
