import { request } from 'node:http';
import type { JiraEmulator } from '../../../local/jira-emulator';

/** A one-paragraph ADF document. */
export function adf(text: string): { version: 1; type: 'doc'; content: unknown[] } {
  return { version: 1, type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

export function basicAuth(jira: JiraEmulator): string {
  return `Basic ${Buffer.from(`${jira.site.email}:${jira.site.apiToken}`).toString('base64')}`;
}

/** A raw REST call with the emulator's credentials; returns status, headers and the parsed JSON body (if any). */
export async function rest(
  jira: JiraEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${jira.url}${path}`, {
    method,
    headers: {
      Authorization: basicAuth(jira),
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    headers: res.headers,
    body: text !== '' && type.includes('json') ? JSON.parse(text) : text,
  };
}

/** The fields of a valid create. */
export function createFields(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    project: { key: 'SOC' },
    issuetype: { name: 'Incident' },
    summary: 'T1547.001 – Registry Run Key Persistence on FIN-WS-034',
    description: adf('A Run key was added.'),
    labels: ['a2t-inc-20261122-abc123', 'T1547.001', 'sysmon'],
    priority: { name: 'High' },
    ...overrides,
  };
}

/**
 * A GET through node:http rather than fetch: Node's own sockets and timers keep working while a test fakes the
 * global timers (fetch's would stop with them).
 */
export function rawGet(jira: JiraEmulator, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${jira.url}${path}`, { headers: { Authorization: basicAuth(jira) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Lets the event loop turn until `condition` holds: a count of turns, never a time, bounds the wait. */
export async function untilTrue(condition: () => boolean, turns = 100_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`condition still false after ${turns} event-loop turns`);
}
