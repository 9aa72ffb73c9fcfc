import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { shadowReport } from '../../cli/commands/report';
import { normalizeCommand } from '../../cli/commands/normalize';
import { DryRunGateway } from '../../cli/dry-run-gateway';
import { main } from '../../bin/a2t';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('a2t normalize', () => {
  it('writes alerts as NDJSON, rejections as JSON lines and a one-line summary', async () => {
    const out = capture();
    const err = capture();
    const s = await normalizeCommand(
      [path.join(EXAMPLES, 'runkey-fin-ws-034', 'events.xml'), path.join(EXAMPLES, 'malformed', 'truncated.json')],
      out.stream,
      err.stream,
    );
    const alerts = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { host: { name: string } });
    expect(s).toMatchObject({ files: 2, alerts: 4, rejected: 1 });
    expect(alerts.every((a) => a.host.name === 'FIN-WS-034.corp.example.com')).toBe(true);
    const lines = err.text().trim().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({
      rejected: true,
      position: 'line 1',
      reason: expect.stringContaining('truncated JSON'),
    });
    expect(lines.at(-1)).toMatch(/^a2t normalize: 2 file\(s\), 4 alert\(s\), 1 rejection\(s\)/);
  });

  it('exits 1 with one line for a missing file and 2 for a usage error', async () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'a2t', 'normalize', '/no/such/file'])).toBe(1);
      expect(write).toHaveBeenCalledWith('a2t: cannot read /no/such/file: no such file or directory\n');
      expect(await main(['node', 'a2t', 'draft', '--format', 'pdf', path.join(EXAMPLES, 'malformed')])).toBe(2);
    } finally {
      write.mockRestore();
    }
  });
});

describe('a2t replay --report (shadow mode)', () => {
  it('says what would have been ticketed, with the ratios and the noisiest rules and hosts', async () => {
    const r = await shadowReport(
      [path.join(EXAMPLES, 'storm-hr-ws-112'), path.join(EXAMPLES, 'runkey-fin-ws-034', 'events.xml')],
      [],
    );
    expect(r).toMatchObject({ alerts: 54, duplicates: 150, tickets: 2, dedupRatio: 0.74 });
    expect(r.ticketsPerDay).toEqual([{ day: '2024-02-15', tickets: 2, byPriority: expect.any(Object) }]);
    expect(r.noisiestRules[0]).toEqual({ rule: 'PowerShell Download Cradle', alerts: 50, tickets: 1 });
    expect(r.noisiestHosts[0]).toEqual({ host: 'hr-ws-112', alerts: 50, tickets: 1 });
  });
});

describe('--jira env --dry-run', () => {
  it('prints the requests it would send and never a credential', async () => {
    const lines: string[] = [];
    const g = new DryRunGateway('SOC', (l) => lines.push(l));
    const { key } = await g.createIssue({
      projectKey: 'SOC',
      issueTypeName: 'Incident',
      summary: 'S',
      description: { version: 1, type: 'doc', content: [] },
      labels: ['a'],
      priorityName: 'High',
    });
    await g.updateIssue(key, { addLabels: ['b'], priorityName: 'Highest' });
    expect(key).toBe('SOC-DRY1');
    expect(lines[0]).toMatch(/^POST \/rest\/api\/3\/issue {2}summary="S" priority=High labels=a/);
    expect(lines[1]).toBe('PUT  /rest/api/3/issue/SOC-DRY1  add labels b priority Highest');
  });
});
