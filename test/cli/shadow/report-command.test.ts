import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { main } from '../../../bin/a2t';
import type { ShadowReport } from '../../../cli/commands/report';

const STORM = path.resolve(__dirname, '..', '..', '..', 'examples', 'storm-hr-ws-112');

/** Runs the CLI, capturing stdout and stderr. */
async function a2t(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c) => (err.push(String(c)), true));
  try {
    const code = await main(['node', 'a2t', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('a2t replay --report-html', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-report-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the page, prints the JSON report, and ends stderr with one line on the run', async () => {
    const file = path.join(dir, 'report.html');
    const r = await a2t('replay', '--report-html', file, '--json', '--threads', '1', STORM);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as ShadowReport;
    expect(report).toMatchObject({ files: 1, skippedFiles: 1, records: 200, alerts: 50, duplicates: 150, tickets: 1 });
    const html = fs.readFileSync(file, 'utf8');
    expect(XMLValidator.validate(html)).toBe(true);
    expect(html).toContain('PowerShell Download and Execution Cradles</td><td>Florian Roth (Nextron Systems)</td>');
    expect(r.err).toMatch(/^a2t replay --report: 200 record\(s\) in [\d.]+ s \(\d+ records\/s\); HTML report in /);
  });

  it('exits 2 on a thread count that is no count, or given without shadow mode; 1 when the page cannot be written', async () => {
    expect((await a2t('replay', '--report', '--threads', '0', STORM)).code).toBe(2);
    expect((await a2t('replay', '--threads', '2', STORM)).code).toBe(2);
    const r = await a2t(
      'replay',
      '--report-html',
      path.join(dir, 'no', 'such', 'dir', 'r.html'),
      '--threads',
      '1',
      STORM,
    );
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n').at(-1)).toMatch(/^a2t: cannot write .*r\.html: ENOENT$/);
  });
});
