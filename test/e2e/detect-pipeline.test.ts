import * as fs from 'node:fs';
import * as path from 'node:path';
import { startStack } from './harness';
import type { Stack } from './harness';

/**
 * The detect stage in the deployed path: events reach the local intake queue, the ingest code runs the SigmaHQ pack
 * (as the Lambda loads it at cold start), and the Jira issue names the technique the rules' tags give, with each rule's
 * title, level and author in the description.
 */

const FIXTURE = path.resolve(__dirname, '..', 'core', 'detect', 'fixtures', 'certutil-three-sensors.ndjson');

/** Every text node of an ADF document, in order. */
function adfText(node: unknown): string {
  if (typeof node !== 'object' || node === null) return '';
  const n = node as { text?: unknown; content?: unknown };
  const own = typeof n.text === 'string' ? n.text : '';
  const kids = Array.isArray(n.content) ? n.content.map(adfText).join(' ') : '';
  return `${own} ${kids}`;
}

describe('Sigma detections through the embedded stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('tickets a certutil download no source tagged, named by the rules, with the rules and their authors', async () => {
    // One record per message, as forwarders send them; the fixture's last line is deliberately cut short.
    const lines = fs
      .readFileSync(FIXTURE, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    await stack.runtime.send(lines);
    expect(await stack.runtime.drain(60_000)).toBe(true);

    const issues = stack.jira.issues();
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(issue.summary).toMatch(/^T1105 – .* on FIN-WS-07$/);
    expect(issue.labels).toEqual(expect.arrayContaining(['T1105', 'command-and-control']));
    const text = adfText(issue.description).replace(/\s+/g, ' ');
    expect(text).toContain('Detections Sigma rule Level Author');
    expect(text).toContain('Suspicious File Downloaded From Direct IP Via Certutil.EXE');
    expect(text).toContain('Nasreddine Bencherchali (Nextron Systems)');
    expect(stack.runtime.totals.rejected).toBe(1);
  });
});
