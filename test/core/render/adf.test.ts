import { draftReport } from '../../../lambdas/core/draft';
import { JIRA_MAX_CHARS, renderAdf, validateAdf } from '../../../lambdas/core/render';
import { DLL, PS_COMMAND, RUN_DATA, runKeyIncident } from '../draft/factories';
import { adfSections, nodes, paragraphs, RENDER_FAULTS, textOf, texts } from './helpers';
import { SCENARIOS, stormIncident } from './scenarios';

describe.each(SCENARIOS)('renderAdf: %s', (_name, make) => {
  const report = draftReport(make());
  const adf = renderAdf(report);
  const json = JSON.stringify(adf);

  it("validates against Atlassian's ADF schema", () => {
    expect(validateAdf(adf)).toEqual({ valid: true });
  });

  it('fits the description limit', () => {
    expect(json.length).toBeLessThanOrEqual(JIRA_MAX_CHARS);
  });

  it('has no empty text node and no rendering fault words', () => {
    expect(texts(adf).every((t) => t.length > 0)).toBe(true);
    expect(texts(adf).join('\n')).not.toMatch(RENDER_FAULTS);
  });

  it('has every section, each with content', () => {
    const sections = adfSections(adf);
    expect(sections.filter((s) => s.title !== 'Technical analysis').every((s) => s.blocks > 0)).toBe(true);
    expect(sections.map((s) => s.title)).toEqual(
      expect.arrayContaining([
        'Executive summary',
        'Initial context',
        'Attack chain (process tree)',
        'Persistence mechanism',
        'File activity',
        'Network activity',
        'Timeline (UTC)',
        'Indicators of compromise',
        'MITRE ATT&CK mapping',
        'Root-cause hypothesis',
        'Business impact',
        'Recommended containment and remediation',
        'Raw evidence',
      ]),
    );
  });

  it('is deterministic', () => {
    expect(JSON.stringify(renderAdf(draftReport(make())))).toBe(json);
  });
});

describe('renderAdf layout', () => {
  const adf = renderAdf(draftReport(runKeyIncident()));
  const all = nodes(adf);

  it('puts the command line and the registry value data in code blocks', () => {
    const code = all.filter((n) => n.type === 'codeBlock').map(textOf);
    expect(code).toContain(PS_COMMAND);
    expect(code).toContain(RUN_DATA);
  });

  it('collapses each raw record in an expand titled with its event reference', () => {
    const titles = all.filter((n) => n.type === 'expand').map((n) => n.attrs?.title);
    expect(titles).toEqual([
      'Sysmon 1 #482913 · process create · 2024-02-15 21:16:05Z',
      'Sysmon 11 #483122 · file create · 2024-02-15 21:24:12Z',
      'Sysmon 1 #483190 · process create · 2024-02-15 21:24:51Z',
      'Sysmon 13 #483204 · registry value set · 2024-02-15 21:25:03Z',
    ]);
  });

  it('gives every heading a level and every table header cells with a paragraph', () => {
    expect(all.filter((n) => n.type === 'heading').every((n) => typeof n.attrs?.level === 'number')).toBe(true);
    const cells = all.filter((n) => n.type === 'tableHeader' || n.type === 'tableCell');
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every((c) => c.content?.[0]?.type === 'paragraph')).toBe(true);
  });

  it('numbers remediation across phases without restarting', () => {
    const lists = all.filter((n) => n.type === 'orderedList');
    const starts = lists.map((l) => (l.attrs?.order as number | undefined) ?? 1);
    const sizes = lists.map((l) => l.content?.length ?? 0);
    expect(starts[0]).toBe(1);
    for (let i = 1; i < lists.length; i++) expect(starts[i]).toBe(starts[i - 1] + sizes[i - 1]);
    expect(paragraphs(adf)).toContain(`Delete ${DLL}.`);
  });

  it('marks alert values as code and never builds a link', () => {
    const marks = all.flatMap((n) => ((n as { marks?: { type: string }[] }).marks ?? []).map((m) => m.type));
    expect(new Set(marks)).toEqual(new Set(['code', 'strong']));
  });
});

describe('renderAdf size limit', () => {
  it('shrinks the raw evidence before anything else and says so', () => {
    const report = draftReport(runKeyIncident());
    const full = JSON.stringify(renderAdf(report, { maxChars: 1e9 })).length;
    const adf = renderAdf(report, { maxChars: full - 100 });
    const paras = paragraphs(adf);
    expect(JSON.stringify(adf).length).toBeLessThanOrEqual(full - 100);
    expect(paras[0]).toMatch(
      /^Note: this description was shortened to fit Jira's 32,767-character limit: raw evidence shows the [0-3] most severe of 4 records|^Note: .*: the raw evidence appendix was left out\./,
    );
    expect(paras[0]).not.toMatch(/timeline|rows|values/);
    expect(nodes(adf).filter((n) => n.type === 'expand').length).toBeLessThan(4);
    // Everything else is whole: four timeline entries and the full command line.
    expect(paras.filter((p) => /^2024-02-15 \d\d:\d\d:\d\dZ — /.test(p))).toHaveLength(4);
    expect(
      nodes(adf)
        .filter((n) => n.type === 'codeBlock')
        .map(textOf),
    ).toContain(PS_COMMAND);
  });

  it('keeps the most severe raw records when only some fit', () => {
    const incident = runKeyIncident();
    for (const a of incident.alerts) a.raw = `${a.eventType} `.repeat(400);
    const report = draftReport(incident);
    const full = JSON.stringify(renderAdf(report, { maxChars: 1e9 })).length;
    let titles: unknown[] = [];
    for (let max = full; max > 0 && titles.length !== 3; max -= 100) {
      titles = nodes(renderAdf(report, { maxChars: max }))
        .filter((n) => n.type === 'expand')
        .map((n) => n.attrs?.title);
    }
    // scanner.exe's start (severity 45) is the least severe of the four and goes first.
    expect(titles.map((t) => String(t).split(' · ')[0])).toEqual([
      'Sysmon 11 #483122',
      'Sysmon 1 #483190',
      'Sysmon 13 #483204',
    ]);
  });

  it('cuts a storm to fit, keeping the folds and the sample note', () => {
    const report = draftReport(stormIncident());
    expect(report.timeline).toHaveLength(1);
    expect(report.timeline[0]).toMatchObject({ count: 120, lastTime: '2024-05-01 12:01:59Z' });
    expect(report.technicalAnalysis.network).toHaveLength(1);
    const adf = renderAdf(report);
    const paras = paragraphs(adf);
    expect(JSON.stringify(adf).length).toBeLessThanOrEqual(JIRA_MAX_CHARS);
    expect(paras[0]).toMatch(
      /^Note: this description was shortened to fit Jira's 32,767-character limit: raw (evidence shows the \d+ most severe of 20 records|records were cut)/,
    );
    expect(paras.join('\n')).toContain('This analysis covers a sample of 120 of 10,000 alerts in the incident.');
    expect(paras.join('\n')).toContain('(×120, last 2024-05-01 12:01:59Z)');
    expect(paras.join('\n')).toContain('2024-05-01 12:00:00Z (×120, last 2024-05-01 12:01:59Z)');
  });

  it('falls back to a valid summary document under an absurdly small limit', () => {
    const adf = renderAdf(draftReport(runKeyIncident()), { maxChars: 3000 });
    expect(JSON.stringify(adf).length).toBeLessThanOrEqual(3000);
    expect(validateAdf(adf)).toEqual({ valid: true });
    expect(texts(adf)[0]).toBe('Note: ');
  });
});
