import { draftReport } from '../../../lambdas/core/draft';
import { JIRA_MAX_CHARS, renderAdf, renderMarkdown, validateAdf } from '../../../lambdas/core/render';
import { descriptionText } from '../../../lambdas/core/render/adf-text';
import { DESCRIPTION_TARGET_CHARS } from '../../../lambdas/core/render/budget';
import type { EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import { incidentOf, sysmonAlert } from '../draft/factories';
import { nodes, paragraphs, RENDER_FAULTS, texts } from './helpers';

/**
 * Alert text is data. A command line, value, user and rule written to break out of code spans, tables and
 * escapes, with bidi overrides and a 10 MB raw record, must render as inert text within Jira's limit.
 */

const EVIL = [
  'cmd.exe /c ``` `x` </code>',
  '| a|b \\| c',
  '[link](http://x.example/p)',
  '<script>alert(1)</script>',
  'invoice\u202Egpj.exe',
  '# heading',
  '* _em_ ~~s~~ &amp; www.evil.example user@evil.example',
].join(' ');

function hostileIncident() {
  const common = {
    host: { name: 'WS-<b>|1' },
    user: { name: 'eve|`x`', domain: 'CORP' },
    rule: { name: '<script>rule</script> [r](http://r.example)' },
  };
  const alerts: EnrichedAlert[] = [
    sysmonAlert(
      {
        ...common,
        alertId: 'evil:1',
        eventTime: '2024-06-01T10:00:00.000Z',
        eventType: 'process_create',
        eventCode: 1,
        process: {
          pid: 666,
          image: 'C:\\Users\\eve\\Downloads\\[link](http://x.example).exe',
          commandLine: `${EVIL}\n${'A'.repeat(100000)}`,
          user: 'CORP\\eve|`x`',
          parent: { pid: 1, image: 'C:\\Windows\\explorer.exe' },
        },
        raw: `${'<Data>'.repeat(10)}${'A'.repeat(10 * 1024 * 1024)}<script>`,
        rawTruncated: false,
      },
      {
        hostKey: 'ws-<b>|1',
        heuristics: [{ id: 'x', title: EVIL, explanation: EVIL, weight: 10, evidence: EVIL }],
        severity: { score: 95, reasons: [EVIL] },
      },
    ),
    sysmonAlert(
      {
        ...common,
        alertId: 'evil:2',
        eventTime: '2024-06-01T10:00:01.000Z',
        eventType: 'registry_value_set',
        eventCode: 13,
        process: { pid: 666, image: 'C:\\Users\\eve\\Downloads\\[link](http://x.example).exe' },
        registry: {
          key: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
          valueName: EVIL,
          valueData: `rundll32.exe C:\\Users\\eve\\${EVIL}.dll,Go`,
        },
      },
      {
        hostKey: 'ws-<b>|1',
        iocs: [{ type: 'registry', value: EVIL, defanged: EVIL, role: EVIL }],
        severity: { score: 95, reasons: [] },
      },
    ),
  ];
  return incidentOf('inc-<evil>|`1`', alerts);
}

/**
 * Markdown with fenced blocks and code spans removed: what a renderer parses as markup. Scans like CommonMark: a
 * backslash escapes the next character, a run of n backticks opens a span closed by the next run of exactly n.
 */
function outsideCode(md: string): string {
  const text = md.replace(/^( *)(`{3,})[^\n]*\n[\s\S]*?\n\1\2 *$/gm, '');
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '\\') {
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (text[i] !== '`') {
      out += text[i];
      i += 1;
      continue;
    }
    let n = 0;
    while (text[i + n] === '`') n += 1;
    const close = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, 'g');
    close.lastIndex = i + n;
    const m = close.exec(text);
    if (m === null) {
      out += text.slice(i, i + n);
      i += n;
    } else i = m.index + n;
  }
  return out;
}

describe('rendering a hostile incident', () => {
  const report = draftReport(hostileIncident());
  const adf = renderAdf(report);
  const md = renderMarkdown(report);

  it('keeps the ADF valid, within the limit and the length target, saying what was cut if anything was', () => {
    expect(validateAdf(adf)).toEqual({ valid: true });
    expect(JSON.stringify(adf).length).toBeLessThanOrEqual(JIRA_MAX_CHARS);
    expect(descriptionText(adf).length).toBeLessThanOrEqual(DESCRIPTION_TARGET_CHARS);
    expect(paragraphs(adf)[0]).toMatch(/^(Note: shortened to fit: .+\. The attachment has every event\.|What: )/);
  });

  it('uses only text nodes for alert text: no links, no unknown marks or nodes', () => {
    const all = nodes(adf);
    const marks = all.flatMap((n) => ((n as { marks?: { type: string }[] }).marks ?? []).map((m) => m.type));
    expect(marks.every((m) => m === 'code' || m === 'strong')).toBe(true);
    const allowed = [
      'doc',
      'heading',
      'paragraph',
      'text',
      'codeBlock',
      'bulletList',
      'orderedList',
      'listItem',
      'table',
      'tableRow',
      'tableHeader',
      'tableCell',
      'expand',
    ];
    expect(all.every((n) => allowed.includes(n.type))).toBe(true);
    expect(JSON.stringify(adf)).not.toContain('"href"');
  });

  it('shows bidi overrides as visible escapes instead of obeying them', () => {
    expect(JSON.stringify(adf)).not.toMatch(/\u202E/);
    expect(md).not.toMatch(/\u202E/);
    expect(texts(adf).join('')).toContain('invoice\\u202Egpj.exe');
  });

  it('bounds the report: the 10 MB raw record is cut, the Markdown stays small', () => {
    expect(report.rawEvidence[0].truncated).toBe(true);
    expect(report.rawEvidence[0].chars).toBeGreaterThan(10 * 1024 * 1024);
    expect(md.length).toBeLessThan(200_000);
    expect(md).not.toMatch(RENDER_FAULTS);
    expect(texts(adf).join('\n')).not.toMatch(RENDER_FAULTS);
  });

  it('lets no markup out of the Markdown escapes', () => {
    const prose = outsideCode(md);
    expect(prose).not.toMatch(/(^|[^\\])<(script|b|\/code)/);
    expect(prose).not.toMatch(/(^|[^\\])\[(link|r)(\\?)\]\(/);
    expect(prose).not.toMatch(/(^|[^\\])\[link\]/);
    expect(prose).not.toMatch(/https?:\/\//);
    expect(prose).not.toMatch(/(^|[^\\])www\.evil/);
  });

  it('keeps every Markdown table row to its header’s column count', () => {
    const tables = md.split('\n\n').filter((b) => b.startsWith('| '));
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) {
      const counts = t.split('\n').map((row) => row.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length);
      expect(new Set(counts).size).toBe(1);
    }
  });

  it('starts no Markdown line with data: every # line is one of the renderer’s headings', () => {
    const headings = md.split('\n').filter((l) => /^\s*#/.test(l));
    for (const h of headings) expect(h).toMatch(/^(# T|# [A-Z]|## [A-Z]|### [A-Z]|#### [A-Za-z])/);
    expect(md.split('\n').filter((l) => /^\s*# heading/.test(l))).toEqual([]);
  });

  it('renders a hostile incident the same way twice', () => {
    expect(renderMarkdown(draftReport(hostileIncident()))).toBe(md);
    expect(JSON.stringify(renderAdf(draftReport(hostileIncident())))).toBe(JSON.stringify(adf));
  });
});
