import * as fs from 'node:fs';
import * as path from 'node:path';
import { contextFiles } from '../../cli/commands/demo';
import { readContextFiles } from '../../cli/context-files';
import { readInputs } from '../../cli/inputs';
import { runInMemory } from '../../cli/memory-pipeline';
import { DEFAULT_HANDOFF } from '../../lambdas/core/correlate/incident-meta';
import { draftReport } from '../../lambdas/core/draft';
import type { IncidentReport } from '../../lambdas/core/model/report';
import { JIRA_MAX_CHARS, renderAdf, renderMarkdown, validateAdf } from '../../lambdas/core/render';
import { emptyContext } from '../../lambdas/core/model/enrichment';
import { allRealFixtures, realFixture } from '../helpers/real-fixtures';

/** One `## ` section of a Markdown report. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n## ', start + 3);
  return markdown.slice(start, end < 0 ? undefined : end);
}

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

async function draftFrom(
  dir: string,
): Promise<{ report: IncidentReport; markdown: string; adf: ReturnType<typeof renderAdf> }[]> {
  const { snapshot } = readContextFiles(contextFiles());
  const run = await runInMemory(await readInputs([path.join(EXAMPLES, dir)]), snapshot);
  return run.views
    .filter((v) => v.severity >= DEFAULT_HANDOFF.ticketThreshold)
    .map((v) => {
      const report = draftReport(v);
      return { report, markdown: renderMarkdown(report), adf: renderAdf(report) };
    });
}

describe('the reference SOC ticket, rebuilt from the Sysmon events it implies (examples/runkey-fin-ws-034)', () => {
  it('drafts one ticket carrying every fact the events contain, at P2, and nothing they cannot show', async () => {
    const tickets = await draftFrom('runkey-fin-ws-034');
    expect(tickets).toHaveLength(1);
    const { report, markdown, adf } = tickets[0];
    expect(report.summary).toBe('T1547.001 – Registry Run Key Persistence via rundll32 DLL on FIN-WS-034');
    expect(report.priority).toMatchObject({ level: 'P2', name: 'High' });
    // The most specific technique ids only (no T1547 beside T1547.001), the primary tactic, the source; ≤ 8 in all.
    expect(report.labels).toEqual(expect.arrayContaining(['T1547.001', 'persistence', 'sysmon']));
    expect(report.labels).not.toContain('T1547');
    expect(report.labels.length).toBeLessThanOrEqual(8);
    for (const fact of [
      'FIN-WS-034',
      'jwilliams',
      'Jennifer Williams',
      'Finance',
      'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
      'WindowsSecurityUpdate',
      'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow',
      'UpdateNow',
      'powershell.exe',
      '7842',
      'explorer.exe',
      'Registry Run Keys / Startup Folder',
    ]) {
      expect(markdown).toContain(fact);
    }
    const steps = section(markdown, 'Remediation');
    expect(steps).toMatch(/WindowsSecurityUpdate/);
    expect(steps).toMatch(/C:\\ProgramData\\Microsoft\\Drivers\\security\.dll/);
    expect(steps).toMatch(/[Ii]solate FIN-WS-034/);
    expect(steps).toMatch(/password of `jwilliams`/);
    // The events never saw the C2, the e-mail or the backdoor: the ticket must not claim them.
    expect(markdown).not.toContain('194.165.16');
    expect(markdown).toMatch(/delivery vector is unknown|unknown/i);
    expect(validateAdf(adf)).toEqual({ valid: true });
    expect(JSON.stringify(adf).length).toBeLessThanOrEqual(JIRA_MAX_CHARS);
  });
});

describe('the example ticket docs/ticket.md shows', () => {
  it('is the ticket the code drafts from examples/runkey-fin-ws-034, character for character', async () => {
    const [{ markdown }] = await draftFrom('runkey-fin-ws-034');
    const doc = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'ticket.md'), 'utf8');
    const shown = /<!-- example-ticket:start -->\n````markdown\n([\s\S]*?)````\n<!-- example-ticket:end -->/.exec(doc);
    // When the layout changes on purpose, paste the new rendering between the markers (docs/ticket.md says how).
    expect(shown?.[1]).toBe(markdown);
  });
});

describe('the CISA procsrv triage report, rebuilt as Sysmon events (examples/procsrv)', () => {
  it('names the Run key, the System32 files, the C2 connection and the discovery technique', async () => {
    const tickets = await draftFrom('procsrv');
    expect(tickets).toHaveLength(1);
    const { report, markdown } = tickets[0];
    expect(report.attack.map((a) => a.id)).toEqual(expect.arrayContaining(['T1547.001', 'T1218.011', 'T1082']));
    for (const fact of ['Local Network Manager', 'lanman.dll', 'procsrv.exe', '5332', '162.125.6[.]18'])
      expect(markdown).toContain(fact);
    expect(section(markdown, 'Remediation')).toContain('162.125.6[.]18:443');
  });
});

describe('every incident drafted from the real fixtures', () => {
  it('renders valid ADF within Jira limits, with no broken values and no empty section', async () => {
    const run = await runInMemory(await readInputs(allRealFixtures().map(realFixture)), emptyContext());
    const views = run.views.filter((v) => v.severity >= DEFAULT_HANDOFF.ticketThreshold);
    expect(views.length).toBeGreaterThan(10);
    for (const v of views) {
      const report = draftReport(v);
      const adf = renderAdf(report);
      expect(validateAdf(adf)).toEqual({ valid: true });
      expect(JSON.stringify(adf).length).toBeLessThanOrEqual(JIRA_MAX_CHARS);
      expect(report.summary.length).toBeLessThanOrEqual(255);
      // The raw events (which quote vendors verbatim: SentinelOne writes "undefined" itself) are the attachment.
      const md = renderMarkdown(report);
      expect(md).not.toMatch(/\bundefined\b|\bNaN\b|\[object Object\]|: null\b/);
      expect(md).not.toMatch(/## [^\n]+\n\n## /);
    }
  });
});
