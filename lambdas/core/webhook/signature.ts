import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Jira admin webhooks with a secret send `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.
 * Verified on the raw bytes, before any parsing, with a constant-time compare.
 */
export function verifySignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (header === undefined || secret === '') return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (m === null) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(m[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function sign(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
