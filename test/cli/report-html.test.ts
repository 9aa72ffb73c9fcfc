import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ShadowReport } from '../../cli/commands/report';
import { CALENDAR_DAYS, PRIORITY_COLOURS, escapeHtml, renderReportHtml, ticketsChart } from '../../cli/report-html';

/**
 * The HTML report is checked with a plain XML parser, not a browser: the page is written as well-formed XHTML, so
 * its structure, its escaping and the absence of anything that runs or loads can be read from the parsed tree.
 */

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '</title><style>*{background:url(https://evil.example/x)}</style>',
  'a & b &amp; c',
  '<svg onload=alert(1)>',
  'ctrl\u0001\u001bchar\ud800',
];

function report(over: Partial<ShadowReport> = {}): ShadowReport {
  return {
    files: 3,
    skippedFiles: 1,
    records: 1000,
    alerts: 900,
    duplicates: 80,
    rejected: 20,
    incidents: 40,
    tickets: 7,
    dedupRatio: 0.08,
    correlationRatio: 22.5,
    alertsPerTicket: 30,
    ticketsPerDay: [
      { day: '2026-03-01', tickets: 3, byPriority: { P1: 1, P2: 2 } },
      { day: '2026-03-02', tickets: 4, byPriority: { P3: 3, P4: 1 } },
    ],
    noisiestSigmaRules: HOSTILE.map((h, i) => ({
      id: `id-${i}-${h}`,
      title: `title ${h}`,
      level: 'high',
      author: `author ${h}`,
      alerts: 100 - i,
      tickets: 5 - (i % 3),
    })),
    noisiestRules: HOSTILE.map((h, i) => ({ rule: `rule ${h}`, alerts: 50 - i, tickets: 1 })),
    noisiestHosts: HOSTILE.map((h, i) => ({ host: `host ${h}`, alerts: 40 - i, tickets: 1 })),
    rejectionReasons: HOSTILE.map((h, i) => ({ reason: `reason ${h}`, count: 9 - i })),
    lateAlerts: 12,
    ...over,
  };
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  processEntities: true,
  htmlEntities: true,
});

/** Every element of the parsed page, depth first, with its name and attributes. */
function elements(tree: Node[]): { name: string; attrs: Record<string, string>; children: Node[] }[] {
  const out: { name: string; attrs: Record<string, string>; children: Node[] }[] = [];
  const walk = (nodes: Node[]): void => {
    for (const n of nodes) {
      const name = Object.keys(n).find((k) => k !== ':@');
      if (name === undefined || name === '#text') continue;
      const children = n[name] as Node[];
      out.push({ name, attrs: (n[':@'] ?? {}) as Record<string, string>, children });
      walk(children);
    }
  };
  walk(tree);
  return out;
}

/** The text of a node and its descendants, entities decoded. */
function textOf(nodes: Node[]): string {
  return nodes
    .map((n) => {
      if ('#text' in n) return String(n['#text']);
      const name = Object.keys(n).find((k) => k !== ':@')!;
      return textOf(n[name] as Node[]);
    })
    .join('');
}

describe('the HTML shadow report', () => {
  const html = renderReportHtml(report(), { generatedAt: '2026-04-01T00:00:00.000Z' });
  const tree = parser.parse(html) as Node[];
  const all = elements(tree);

  it('is well-formed, with the sections a SOC reads first', () => {
    expect(XMLValidator.validate(html)).toBe(true);
    const ids = all.filter((e) => e.name === 'section').map((e) => e.attrs['@id']);
    expect(ids).toEqual(['sigma-rules', 'tickets-per-day', 'hosts', 'rules', 'rejections']);
    // Sigma rules before anything else: they decide how many tickets go-live brings.
    expect(html.indexOf('id="sigma-rules"')).toBeLessThan(html.indexOf('id="tickets-per-day"'));
  });

  it('runs and loads nothing: no script, no event handler, no external reference, a policy that forbids them', () => {
    expect(all.filter((e) => ['script', 'iframe', 'img', 'link', 'object', 'embed', 'image'].includes(e.name))).toEqual(
      [],
    );
    for (const e of all) {
      for (const [k, v] of Object.entries(e.attrs)) {
        expect(k.toLowerCase().startsWith('@on')).toBe(false);
        if (k === '@href' || k === '@src') throw new Error(`${e.name} loads ${v}`);
      }
    }
    const styles = all.filter((e) => e.name === 'style').map((e) => textOf(e.children));
    expect(styles).toHaveLength(1);
    expect(styles[0]).not.toMatch(/url\(|@import/);
    const csp = all.find((e) => e.name === 'meta' && e.attrs['@http-equiv'] === 'Content-Security-Policy');
    expect(csp?.attrs['@content']).toBe("default-src 'none'; style-src 'unsafe-inline'");
  });

  it('shows every alert-written string as text, exactly, and never as markup', () => {
    const cells = all.filter((e) => e.name === 'td').map((e) => textOf(e.children));
    for (const h of HOSTILE.slice(0, -1)) {
      for (const shown of [
        `title ${h}`,
        `author ${h}`,
        `host ${h}`,
        `rule ${h}`,
        `reason ${h}`,
        `id-${HOSTILE.indexOf(h)}-${h}`,
      ])
        expect(cells).toContain(shown);
    }
    // Characters XML cannot hold are replaced, not passed through.
    expect(cells).toContain('title ctrl\ufffd\ufffdchar\ufffd');
    // Markup from the alerts never opens an element (their text stays text: the tree above has no such element).
    expect(html).not.toMatch(/<script|<img|<svg onload/i);
  });

  it('puts the author beside every Sigma rule title (the rules’ licence, DRL 1.1, asks for it)', () => {
    const sigma = all.find((e) => e.attrs['@id'] === 'sigma-rules')!;
    const rows = elements(sigma.children).filter((e) => e.name === 'tr');
    expect(rows.map((r) => r.children.length)).toEqual(Array(HOSTILE.length + 1).fill(6));
    const head = rows[0].children.map((c) => textOf(c.th as Node[]));
    expect(head.slice(2, 4)).toEqual(['Rule', 'Author']);
    for (const [i, tr] of rows.slice(1).entries()) {
      const [title, author] = tr.children.slice(2, 4).map((c) => textOf(c.td as Node[]));
      expect(title.replace(/^title /, '')).toBe(author.replace(/^author /, ''));
      expect(author).toBe(i === HOSTILE.length - 1 ? 'author ctrl\ufffd\ufffdchar\ufffd' : `author ${HOSTILE[i]}`);
    }
  });

  it('charts tickets per day: one bar segment per day and priority, in the priority colours, with tooltips', () => {
    const svg = all.find((e) => e.name === 'svg')!;
    const rects = elements(svg.children).filter((e) => e.name === 'rect');
    expect(rects.map((r) => r.attrs['@fill'])).toEqual([
      PRIORITY_COLOURS.P1,
      PRIORITY_COLOURS.P2,
      PRIORITY_COLOURS.P3,
      PRIORITY_COLOURS.P4,
    ]);
    expect(rects.map((r) => textOf(r.children))).toEqual([
      '2026-03-01: 1 P1',
      '2026-03-01: 2 P2',
      '2026-03-02: 3 P3',
      '2026-03-02: 1 P4',
    ]);
    // Heights follow the counts: P2 on the first day is twice P1.
    const h = rects.map((r) => Number(r.attrs['@height']));
    expect(h[1]).toBeCloseTo(2 * h[0], 0);
    expect(h[2]).toBeCloseTo(3 * h[3], 0);
  });

  it('charts a month on a calendar axis (a quiet day is a gap), a longer run by its days with tickets, saying so', () => {
    const bars = (days: ShadowReport['ticketsPerDay']): number[] =>
      elements(parser.parse(ticketsChart(days)) as Node[])
        .filter((e) => e.name === 'rect')
        .map((e) => Number(e.attrs['@x']));
    const day = (d: string) => ({ day: d, tickets: 1, byPriority: { P3: 1 } });
    // 2 March, then 5 March: two empty slots between them.
    const [a, b, c] = bars([day('2026-03-01'), day('2026-03-02'), day('2026-03-05')]);
    expect(c - b).toBe(3 * (b - a));
    expect(ticketsChart([day('2026-03-01'), day('2026-03-05')])).not.toContain('days-note');
    // More than CALENDAR_DAYS apart: side by side, and the note says the axis is not a calendar.
    const far = [day('2026-01-01'), day('2026-01-02'), day('2026-06-01')];
    const [x, y, z] = bars(far);
    expect(z - y).toBe(y - x);
    expect(ticketsChart(far)).toContain(
      `Only the 3 days with tickets are drawn, side by side: the run spans more than ${CALENDAR_DAYS} days.`,
    );
  });

  it('says so when there is nothing to chart or no Sigma rule matched', () => {
    const empty = renderReportHtml(report({ ticketsPerDay: [], noisiestSigmaRules: [], rejectionReasons: [] }), {
      generatedAt: 'x',
    });
    expect(XMLValidator.validate(empty)).toBe(true);
    expect(empty).toContain('No tickets.');
    expect(empty).toContain('No Sigma rule matched.');
    expect(empty).not.toContain('<svg');
  });

  it('escapes the five XML specials', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
