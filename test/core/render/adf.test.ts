import { draftReport } from '../../../lambdas/core/draft';
import { JIRA_MAX_CHARS, renderAdf, validateAdf } from '../../../lambdas/core/render';
import { descriptionText } from '../../../lambdas/core/render/adf-text';
import { DESCRIPTION_TARGET_CHARS } from '../../../lambdas/core/render/budget';
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

  it('has every section in the triage order, each with content', () => {
    const sections = adfSections(adf);
    expect(sections.every((s) => s.blocks > 0)).toBe(true);
    const titles = sections.map((s) => s.title.replace(/^Timeline \(UTC.*\)$/, 'Timeline (UTC)'));
    const order = [
      'Executive summary',
      'Attack chain',
      'Timeline (UTC)',
      'Indicators of compromise',
      'MITRE ATT&CK',
      'Root cause',
      'Impact',
      'Remediation',
    ];
    expect(titles.filter((t) => order.includes(t))).toEqual(order);
    // Next queries and detections, when there are any, come last, in that order.
    expect(titles.slice(order.length).every((t) => t === 'Next queries' || t === 'Detections')).toBe(true);
  });

  it('opens with the five header lines', () => {
    expect(
      paragraphs(adf)
        .slice(0, 5)
        .map((p) => p.split(': ')[0]),
    ).toEqual(['What', 'Where', 'Who', 'How bad', 'Do now']);
  });

  it('carries no raw record: the raw events are the attachment', () => {
    expect(nodes(adf).filter((n) => n.type === 'expand')).toEqual([]);
    expect(json).not.toContain('EventRecordID');
  });

  it('is deterministic', () => {
    expect(JSON.stringify(renderAdf(draftReport(make())))).toBe(json);
  });
});

describe('renderAdf layout', () => {
  const adf = renderAdf(draftReport(runKeyIncident()));
  const all = nodes(adf);

  it('puts the command line in a code block and the registry value data on its timeline line, once', () => {
    const code = all.filter((n) => n.type === 'codeBlock').map(textOf);
    expect(code).toContain(PS_COMMAND);
    // The Run key's key, value name and data are all on the line of its registry event: said there, not again.
    expect(code).not.toContain(RUN_DATA);
    expect(paragraphs(adf).filter((p) => p.includes(RUN_DATA) && /^21:25:03Z — /.test(p))).toHaveLength(1);
  });

  it('says where the raw events are instead of embedding them', () => {
    expect(all.filter((n) => n.type === 'expand')).toEqual([]);
    expect(paragraphs(adf).at(-1)).toBe("Raw events: 4 records, attached under the timeline's references.");
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
    expect(paragraphs(adf).some((p) => p.startsWith(`Delete ${DLL}`))).toBe(true);
  });

  it('marks alert values as code and never builds a link', () => {
    const marks = all.flatMap((n) => ((n as { marks?: { type: string }[] }).marks ?? []).map((m) => m.type));
    expect(new Set(marks)).toEqual(new Set(['code', 'strong']));
  });
});

describe('renderAdf size limit', () => {
  it('renders an ordinary incident whole, within the length target', () => {
    const adf = renderAdf(draftReport(runKeyIncident()));
    expect(paragraphs(adf)[0]).toMatch(/^What: /);
    expect(descriptionText(adf).length).toBeLessThanOrEqual(DESCRIPTION_TARGET_CHARS);
    // Every event on its own line: four in the run-key incident.
    expect(paragraphs(adf).filter((p) => /^\d\d:\d\d:\d\dZ — /.test(p))).toHaveLength(4);
  });

  it('shortens a description over the limit, and says what it cut', () => {
    const report = draftReport(runKeyIncident());
    const full = JSON.stringify(renderAdf(report, { maxChars: 1e9, targetChars: 1e9 })).length;
    const adf = renderAdf(report, { maxChars: full - 100, targetChars: 1e9 });
    expect(JSON.stringify(adf).length).toBeLessThanOrEqual(full - 100);
    expect(paragraphs(adf)[0]).toMatch(/^Note: shortened to fit: .+\. The attachment has every event\.$/);
    expect(validateAdf(adf)).toEqual({ valid: true });
  });

  it('shortens a description over the length target the same way', () => {
    const report = draftReport(runKeyIncident());
    const full = descriptionText(renderAdf(report, { targetChars: 1e9 })).length;
    const adf = renderAdf(report, { targetChars: full - 200 });
    expect(descriptionText(adf).length).toBeLessThanOrEqual(full - 200);
    expect(paragraphs(adf)[0]).toMatch(/^Note: shortened to fit: /);
  });

  it('collapses a storm into one counted line with its span, and keeps the sample note', () => {
    const report = draftReport(stormIncident());
    expect(report.timeline).toHaveLength(1);
    expect(report.timeline[0]).toMatchObject({ count: 120, lastTime: '2024-05-01 12:01:59Z' });
    const adf = renderAdf(report);
    const paras = paragraphs(adf).join('\n');
    expect(JSON.stringify(adf).length).toBeLessThanOrEqual(JIRA_MAX_CHARS);
    expect(paras).toContain('This analysis covers a sample of 120 of 10,000 alerts in the incident.');
    expect(paras).toMatch(/^12:00:00Z–12:01:59Z — 120 × .+ \[[^\]]+ \+119\]$/m);
  });

  it('falls back to a valid summary document under an absurdly small limit', () => {
    const adf = renderAdf(draftReport(runKeyIncident()), { maxChars: 3000 });
    expect(JSON.stringify(adf).length).toBeLessThanOrEqual(3000);
    expect(validateAdf(adf)).toEqual({ valid: true });
    expect(texts(adf)[0]).toBe('Note: ');
  });
});
