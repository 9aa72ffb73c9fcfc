import { ConfigError } from '../../lambdas/core/errors';
import {
  CachedSecret,
  SecretNotSetError,
  parseJiraCredentials,
  parseWebhookSecret,
} from '../../lambdas/adapters/secrets';

describe('the Jira secret', () => {
  it('refuses the placeholders the stack and the README put there, naming the field, never the value', () => {
    for (const [email, apiToken, field] of [
      ['set-me@example.com', 'set-me', 'email'],
      ['bot@example.com', '<token>', 'apiToken'],
      ['bot@example.com', 'set-me', 'apiToken'],
    ]) {
      const err = (() => {
        try {
          parseJiraCredentials(JSON.stringify({ email, apiToken }), 'alert-to-ticket/jira');
        } catch (e) {
          return e as Error;
        }
        throw new Error('accepted');
      })();
      expect(err).toBeInstanceOf(SecretNotSetError);
      expect(err.message).toBe(
        `secret alert-to-ticket/jira: field ${field} still holds a placeholder; put the real value with aws secretsmanager put-secret-value --secret-id alert-to-ticket/jira`,
      );
    }
    expect(() => parseWebhookSecret('{"webhookSecret":"<keep the generated one>"}', 'w')).toThrow(SecretNotSetError);
    expect(() => parseJiraCredentials('{"email":"a@b.c"}', 's')).toThrow(ConfigError);
  });

  it('accepts real values, and a legacy secret that still carries the webhook key', () => {
    expect(
      parseJiraCredentials('{"email":"bot@acme.com","apiToken":"ATATT3x","webhookSecret":"0123456789abcdef"}', 's'),
    ).toEqual({ email: 'bot@acme.com', apiToken: 'ATATT3x' });
  });
});

describe('CachedSecret', () => {
  it('reads once per TTL, again soon after a refusal, and never keeps a failed read', async () => {
    const clock = { now: 0 };
    let text = 'one';
    let reads = 0;
    let fail = false;
    const s = new CachedSecret({
      read: async () => {
        reads += 1;
        if (fail) throw new Error('throttled');
        return text;
      },
      parse: (t) => t,
      now: () => clock.now,
    });
    expect(await s.get()).toBe('one');
    text = 'two';
    clock.now = 299_999;
    expect(await s.get()).toBe('one');
    clock.now = 300_000;
    expect(await s.get()).toBe('two');
    expect(reads).toBe(2);
    text = 'three';
    s.invalidate();
    clock.now = 310_000;
    expect(await s.get()).toBe('two'); // refused 10 s ago: not read again yet
    clock.now = 330_000;
    expect(await s.get()).toBe('three');
    fail = true;
    clock.now = 700_000;
    await expect(s.get()).rejects.toThrow('throttled');
    fail = false;
    expect(await s.get()).toBe('three');
    expect(reads).toBe(5);
  });
});
