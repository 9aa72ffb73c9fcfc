import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { ConfigError, RetryableError } from '../core/errors';

/**
 * The two secrets, each read by the one function that needs it: the Jira credentials (ticket-sync) and the webhook's
 * HMAC key (jira-webhook, which cannot read the API token). Values are cached for a few minutes, not for the life of
 * the container, so a `put-secret-value` reaches warm containers by itself; errors name the secret and the field,
 * never a value.
 */

/** `{"email": …, "apiToken": …}` (a legacy secret's `webhookSecret` beside them is ignored). */
const JiraCredentialsSchema = z.object({
  email: z.string().min(1),
  apiToken: z.string().min(1),
  /** The integration user's account id (unused by ticket-sync; kept for older secrets). */
  accountId: z.string().optional(),
});
export type JiraCredentials = z.infer<typeof JiraCredentialsSchema>;

/** `{"webhookSecret": …, "accountId": …}`: the HMAC key Jira signs with, and the integration user to ignore. */
const WebhookSecretSchema = z.object({
  webhookSecret: z.string().min(16),
  /** The integration user's account id: its own edits, echoed back by webhooks, are ignored. */
  accountId: z.string().optional(),
});
export type WebhookSecret = z.infer<typeof WebhookSecretSchema>;

/**
 * Values a secret holds before an operator filled it in: what the stack's template writes (`set-me…`) and what the
 * README's examples show in angle brackets (`<token>`).
 */
const PLACEHOLDER = /^<.*>$|^set-me(@example\.com)?$|keep the generated one/i;

/** The secret still holds a placeholder: ticketing waits (with an alarm) until an operator puts the real value. */
export class SecretNotSetError extends RetryableError {
  constructor(secretId: string, field: string) {
    super(
      `secret ${secretId}: field ${field} still holds a placeholder; put the real value with aws secretsmanager put-secret-value --secret-id ${secretId}`,
      { secretId, field },
    );
  }
}

/** Parsed from the secret's text; throws ConfigError (not JSON, a field missing) or SecretNotSetError. */
export function parseJiraCredentials(text: string, secretId: string): JiraCredentials {
  const value = parsed(JiraCredentialsSchema, text, secretId, 'email and apiToken');
  for (const field of ['email', 'apiToken'] as const) {
    if (PLACEHOLDER.test(value[field].trim())) throw new SecretNotSetError(secretId, field);
  }
  return value;
}

export function parseWebhookSecret(text: string, secretId: string): WebhookSecret {
  const value = parsed(WebhookSecretSchema, text, secretId, 'webhookSecret');
  if (PLACEHOLDER.test(value.webhookSecret.trim())) throw new SecretNotSetError(secretId, 'webhookSecret');
  return value;
}

function parsed<S extends z.ZodType>(schema: S, text: string, secretId: string, fields: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`secret ${secretId} is not JSON with ${fields}`);
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    throw new ConfigError(`secret ${secretId}: field ${r.error.issues[0].path.join('.')} is missing or invalid`);
  }
  return r.data;
}

export interface CachedSecretOptions<T> {
  /** The secret's text (Secrets Manager's `SecretString`). */
  read: () => Promise<string>;
  parse: (text: string) => T;
  /** How long a value is used before it is read again (default 5 minutes). */
  ttlMs?: number;
  /** The soonest a value is read again after `invalidate()` (default 30 s): a burst of refusals reads it once. */
  minRefreshMs?: number;
  now?: () => number;
}

/**
 * A secret read at most once per TTL, and again (no sooner than `minRefreshMs`) after `invalidate()`, which callers
 * use when the far side refused it. The text is parsed on each `get`, so a value that failed to parse is not kept
 * as if it were good.
 */
export class CachedSecret<T> {
  private text: Promise<string> | undefined;
  private fetchedAt = 0;
  private stale = false;
  private readonly ttlMs: number;
  private readonly minRefreshMs: number;
  private readonly now: () => number;

  constructor(private readonly o: CachedSecretOptions<T>) {
    this.ttlMs = o.ttlMs ?? 300_000;
    this.minRefreshMs = o.minRefreshMs ?? 30_000;
    this.now = o.now ?? Date.now;
  }

  async get(): Promise<T> {
    const age = this.now() - this.fetchedAt;
    if (this.text === undefined || age >= this.ttlMs || (this.stale && age >= this.minRefreshMs)) {
      this.fetchedAt = this.now();
      this.stale = false;
      const reading = this.o.read();
      this.text = reading;
      reading.catch(() => {
        // A failed read is retried at the next call, not cached.
        if (this.text === reading) this.text = undefined;
      });
    }
    return this.o.parse(await this.text);
  }

  /** The value was refused (or holds a placeholder): read it again at the next `get` after `minRefreshMs`. */
  invalidate(): void {
    this.stale = true;
  }
}

/** The text of a Secrets Manager secret. */
export function secretsManagerText(
  secretId: string,
  client: SecretsManagerClient = new SecretsManagerClient({}),
): () => Promise<string> {
  return async () => {
    const r = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (r.SecretString === undefined) throw new ConfigError(`secret ${secretId} has no string value`);
    return r.SecretString;
  };
}

/** The Jira credentials in Secrets Manager, cached (ticket-sync). */
export function jiraCredentialsSecret(
  secretId: string,
  options: Partial<CachedSecretOptions<JiraCredentials>> = {},
): CachedSecret<JiraCredentials> {
  return new CachedSecret({
    read: secretsManagerText(secretId),
    parse: (text) => parseJiraCredentials(text, secretId),
    ...options,
  });
}

/** The webhook's HMAC key in Secrets Manager, cached (jira-webhook). */
export function webhookSecret(
  secretId: string,
  options: Partial<CachedSecretOptions<WebhookSecret>> = {},
): CachedSecret<WebhookSecret> {
  return new CachedSecret({
    read: secretsManagerText(secretId),
    parse: (text) => parseWebhookSecret(text, secretId),
    ...options,
  });
}
