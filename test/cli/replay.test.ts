import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../bin/a2t';
import { shadowReport } from '../../cli/commands/report';
import { failureLines, replay } from '../../cli/commands/replay';
import { readContextFiles } from '../../cli/context-files';
import { cliDetectStage } from '../../cli/detect-stage';
import { readInputs } from '../../cli/inputs';
import { runInMemory } from '../../cli/memory-pipeline';
import { DEFAULT_HANDOFF } from '../../lambdas/core/correlate/incident-meta';
import { draftReport } from '../../lambdas/core/draft';
import { startJiraEmulator } from '../../local/jira-emulator';

// An integration suite (jest.config.js): `replay` runs on the local SQS server jest's global setup starts.

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const REAL = path.join(ROOT, 'test', 'fixtures', 'real');

/** Each scenario folder of the examples (the context folder holds no alerts) and each source of the real corpus. */
function corpus(): string[] {
  const dirs = (root: string) =>
    fs
      .readdirSync(root)
      .filter((d) => d !== 'context' && fs.statSync(path.join(root, d)).isDirectory())
      .sort()
      .map((d) => path.join(root, d));
  return [...dirs(EXAMPLES), ...dirs(REAL)];
}

const quiet = (): PassThrough => new PassThrough().resume();

describe('replay failures', () => {
  it('names each distinct failure once, with its count, the most frequent first, and caps the lines', () => {
    const errors = [
      'ingest: incident a: throttled',
      'ticket-sync: Jira answered 500\n  at create',
      'ticket-sync: Jira answered 500 at create',
      ...Array.from({ length: 7 }, (_, i) => `ingest: incident x${i}: conditional write failed`),
    ];
    const lines = failureLines(errors, 3);
    expect(lines).toEqual([
      'failed: ticket-sync: Jira answered 500 at create (2 times)',
      'failed: ingest: incident a: throttled',
      'failed: ingest: incident x0: conditional write failed',
      'failed: … and 6 other distinct error(s)',
    ]);
    expect(failureLines([])).toEqual([]);
  });

  describe('`a2t replay` exit code', () => {
    let out: string;
    let stderr: string[];
    let restore: () => void;
    beforeEach(() => {
      out = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-replay-'));
      stderr = [];
      const e = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        stderr.push(String(chunk));
        return true;
      });
      const o = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      restore = () => {
        e.mockRestore();
        o.mockRestore();
      };
    });
    afterEach(() => {
      restore();
      fs.rmSync(out, { recursive: true, force: true });
    });

    it('exits 0 when every invocation succeeded', async () => {
      const code = await main(['node', 'a2t', 'replay', '--out', out, path.join(EXAMPLES, 'runkey-fin-ws-034')]);
      expect(stderr.filter((l) => l.includes('failed'))).toEqual([]);
      expect(code).toBe(0);
    });

    it('exits 1 and says why when a ticket-sync invocation failed, though its retry then succeeded', async () => {
      const jira = await startJiraEmulator();
      const env = { ...process.env };
      Object.assign(process.env, {
        JIRA_BASE_URL: jira.url,
        JIRA_EMAIL: jira.site.email,
        JIRA_API_TOKEN: jira.site.apiToken,
        JIRA_PROJECT_KEY: jira.site.projectKey,
        JIRA_ISSUE_TYPE: jira.site.issueTypes[0],
      });
      try {
        // The first attempts at creating the ticket fail; a later one succeeds.
        jira.faults.inject({ status: 500, count: 2, match: { method: 'POST', pathPrefix: '/rest/api/3/issue' } });
        const code = await main([
          'node',
          'a2t',
          'replay',
          '--jira',
          'env',
          '--out',
          out,
          path.join(EXAMPLES, 'runkey-fin-ws-034'),
        ]);
        expect(code).toBe(1);
        expect(jira.issues()).toHaveLength(1);
        const failed = stderr.filter((l) => l.startsWith('a2t: failed: '));
        expect(failed.length).toBeGreaterThan(0);
        expect(failed.length).toBeLessThanOrEqual(6);
        expect(failed[0]).toMatch(/^a2t: failed: ticket-sync: .*\n$/);
        expect(stderr.at(-1)).toMatch(/^a2t: \d+ ingest or ticket-sync invocation\(s\) failed/);
      } finally {
        process.env = env;
        await jira.close();
      }
    });
  });
});

describe('one core, one answer: draft, replay --report and replay', () => {
  // Each input alone, as a user would run each command on it. The same incidents are expected from the three paths:
  // `draft` (runInMemory: every file one unit, all in one batch), shadow mode (cli/shadow: streamed, batched by its
  // correlator) and `replay` (local SQS and DynamoDB, the ingest Lambda's poller batching whole-file messages).
  it.each(corpus().map((dir) => [path.relative(ROOT, dir), dir]))('%s', async (_name, dir) => {
    const { snapshot } = readContextFiles([]);
    const mem = await runInMemory(await readInputs([dir]), snapshot, cliDetectStage([], quiet()));
    const shadow = await shadowReport([dir], [], [], quiet(), { threads: 1 });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-replay-'));
    const run = await replay([dir], { jira: 'local', context: [], out });
    try {
      expect(run.errors).toEqual([]);
      expect(run.drained).toBe(true);
      // The same alerts in, the same incidents out.
      expect({ alerts: shadow.alerts, incidents: shadow.incidents }).toEqual({
        alerts: mem.result.accepted,
        incidents: mem.views.length,
      });
      expect({ alerts: run.accepted, incidents: run.incidents }).toEqual({
        alerts: mem.result.accepted,
        incidents: mem.views.length,
      });
      // What would be ticketed: the same incidents (by id), hosts and summaries.
      const ticketed = mem.views.filter((v) => v.severity >= DEFAULT_HANDOFF.ticketThreshold);
      const drafted = ticketed.map((v) => `${v.incidentId} ${v.hosts.join(',')} ${draftReport(v).summary}`).sort();
      // The ticket's hosts are read from draft's incident of the same id: a ticket draft has no incident for fails.
      const replayed = run.tickets.map((t) => {
        const view = mem.views.find((v) => v.incidentId === t.incidentId);
        return `${t.incidentId} ${view?.hosts.join(',') ?? '(no such incident in draft)'} ${t.summary}`;
      });
      expect(replayed.sort()).toEqual(drafted);
      expect(shadow.tickets).toBe(ticketed.length);
    } finally {
      await run.close();
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
