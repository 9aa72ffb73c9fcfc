import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launch } from 'puppeteer-core';
import type { Browser, Page } from 'puppeteer-core';
import { main } from '../../bin/a2t';
import type { ShadowReport } from '../../cli/commands/report';
import { PRIORITY_COLOURS } from '../../cli/report-html';
import { genericAlert } from '../helpers/hostile';
import { REAL_DIR } from '../helpers/real-fixtures';

/**
 * The HTML shadow report as a user sees it: `a2t replay --report-html` on the repository's examples and published
 * samples, plus alerts an intruder wrote, opened from disk in a real headless Chromium (Debian's `chromium`, driven
 * by puppeteer-core; nothing downloads a browser). test/cli/report-html.test.ts checks the markup with an XML parser;
 * this suite checks what the browser makes of it: the chart drawn, the tables filled, nothing loaded or run.
 * Without Chromium every test fails with the install hint: a browser check that is skipped proves nothing.
 */

const CHROMIUM = process.env.A2T_CHROMIUM ?? '/usr/bin/chromium';
const INSTALL_HINT =
  `Chromium is needed at ${CHROMIUM} for the HTML report's browser test: ` +
  '`apt-get install -y --no-install-recommends chromium` (bash .ci/run does it), or set A2T_CHROMIUM to its path';

// The flags this closed network needs: without the background-networking ones Chromium keeps dialling Google.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the full-page screenshot is left for a person to look at (the test only checks it was taken). */
const SCREENSHOT = path.join(os.tmpdir(), 'a2t-report-html.png');

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

/**
 * Alert-written text built to run if it were ever pasted in as markup: each payload sets the page global
 * `__a2tpwned` (lower case and without dots, since host names are lower-cased and cut at the first dot).
 */
const FLAG = '__a2tpwned';
const payload = (where: string): string => `<script>self['${FLAG}']='${where}'</script>`;
const HOSTILE_RULES = [
  `Ransom <img src=x onerror="self['${FLAG}']='img'">`,
  `Wiper <svg onload="self['${FLAG}']='svg'">`,
  `Exfil </title><style>*{background:url(https://evil.example/x)}</style>`,
];

/**
 * A noisy hostile source: each hostile rule fires 60 times in an hour on its own host and day (so it ranks among
 * the noisiest hosts and rules), with a hostile host name, rule name and command line.
 */
function hostileAlerts(): string {
  return HOSTILE_RULES.flatMap((rule, i) =>
    Array.from({ length: 60 }, (_, k) =>
      genericAlert({
        alert_id: `HOSTILE-${i}-${k}`,
        timestamp: `2026-03-0${i + 1}T10:${String(k).padStart(2, '0')}:00Z`,
        host: `WS-${i}${payload('host')}`,
        rule,
        severity: 'critical',
        technique: 'T1486',
        process: { pid: 4242 + k, image: 'C:\\Users\\Public\\x.exe', command_line: `x.exe ${k} ${payload('cmd')}` },
      }),
    ),
  ).join('\n');
}

/** Runs the CLI in-process, its stdout and stderr captured. */
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

/** One load of the page: what it asked for, and what it said on its console. */
interface Visit {
  page: Page;
  requests: string[];
  console: string[];
}

/** Only the page's own file and inline data may load; anything else is recorded and aborted. */
const LOCAL = new Set(['file:', 'data:', 'about:']);

async function open(browser: Browser, file: string, opts: { bypassCsp?: boolean } = {}): Promise<Visit> {
  const page = await browser.newPage();
  const visit: Visit = { page, requests: [], console: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') visit.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => visit.console.push(`pageerror: ${String(e)}`));
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    visit.requests.push(r.url());
    void (LOCAL.has(new URL(r.url()).protocol) ? r.continue() : r.abort('blockedbyclient'));
  });
  await page.setViewport({ width: 1280, height: 800 });
  // With the page's own policy lifted, what keeps alert text from running is the escaping alone.
  if (opts.bypassCsp === true) await page.setBypassCSP(true);
  // Idle network and settled fonts, so a late request (a font, a lazy image) is seen too.
  await page.goto(`file://${file}`, { waitUntil: ['load', 'networkidle0'] });
  await page.evaluate(async () => {
    await (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready;
  });
  return visit;
}

/** The minimal DOM the snapshot reads (the project compiles without the DOM library). */
interface El {
  tagName: string;
  textContent: string | null;
  attributes: ArrayLike<{ name: string; value: string }>;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  querySelectorAll(selector: string): ArrayLike<El>;
  querySelector(selector: string): El | null;
}
interface Win {
  document: El & { title: string; documentElement: { scrollWidth: number } };
  innerWidth: number;
  getComputedStyle(e: El): { fill: string; visibility: string };
  [FLAG]?: unknown;
}

/** What a reader sees, read off the rendered page. */
interface Seen {
  title: string;
  heading: string;
  summary: string;
  chart: { width: number; height: number } | null;
  bars: { x: string; title: string; fill: string; width: number; height: number }[];
  sigmaHead: string[];
  sigmaRows: { cells: string[]; authorWidth: number }[];
  hosts: string[];
  rules: string[];
  days: string[];
  flag: unknown;
  elements: string[];
  handlers: string[];
  overflow: number;
}

function snapshot(page: Page): Promise<Seen> {
  return page.evaluate((flag: string): Seen => {
    const w = globalThis as unknown as Win;
    const doc = w.document;
    const all = (sel: string, root: El = doc): El[] => Array.from(root.querySelectorAll(sel));
    const text = (e: El | null): string => e?.textContent ?? '';
    const column = (section: string, i: number): string[] =>
      all(`section#${section} tbody tr`).map((tr) => text(all('td', tr)[i]));
    const svg = doc.querySelector('section#tickets-per-day svg');
    const box = svg?.getBoundingClientRect();
    return {
      title: doc.title,
      heading: text(doc.querySelector('h1')),
      summary: text(doc.querySelector('#summary')),
      chart: box === undefined ? null : { width: box.width, height: box.height },
      bars:
        svg === null
          ? []
          : all('rect', svg).map((r) => {
              const b = r.getBoundingClientRect();
              return {
                x: r.getAttribute('x') ?? '',
                title: text(r.querySelector('title')),
                fill: w.getComputedStyle(r).fill,
                width: b.width,
                height: b.height,
              };
            }),
      sigmaHead: all('section#sigma-rules thead th').map(text),
      sigmaRows: all('section#sigma-rules tbody tr').map((tr) => ({
        cells: all('td', tr).map(text),
        authorWidth: all('td', tr)[3]?.getBoundingClientRect().width ?? 0,
      })),
      hosts: column('hosts', 0),
      rules: column('rules', 0),
      days: column('tickets-per-day', 0),
      flag: (w as unknown as Record<string, unknown>)[flag],
      elements: all('*').map((e) => e.tagName.toLowerCase()),
      handlers: all('*').flatMap((e) =>
        Array.from(e.attributes)
          .filter((a) => a.name.toLowerCase().startsWith('on'))
          .map((a) => `${e.tagName}[${a.name}]`),
      ),
      overflow: doc.documentElement.scrollWidth - w.innerWidth,
    };
  }, FLAG);
}

const rgb = (hex: string): string => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

describe('the HTML shadow report in headless Chromium', () => {
  let dir: string;
  let file: string;
  let report: ShadowReport;
  let browser: Browser;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(INSTALL_HINT);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-report-browser-'));
    fs.mkdirSync(path.join(dir, 'hostile'));
    fs.writeFileSync(path.join(dir, 'hostile', 'edr.ndjson'), `${hostileAlerts()}\n`);
    file = path.join(dir, 'report.html');
    const r = await a2t(
      'replay',
      '--report-html',
      file,
      '--json',
      '--threads',
      '1',
      EXAMPLES,
      REAL_DIR,
      path.join(dir, 'hostile'),
    );
    if (r.code !== 0) throw new Error(`a2t replay --report-html exited ${r.code}: ${r.err}`);
    report = JSON.parse(r.out) as ShadowReport;
    try {
      browser = await launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        userDataDir: path.join(dir, 'profile'),
      });
    } catch (e) {
      throw new Error(`${INSTALL_HINT}\n${String(e)}`, { cause: e });
    }
  });

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the run had something to show: several days of tickets, Sigma matches, hostile hosts and rules', () => {
    expect(report.ticketsPerDay.length).toBeGreaterThanOrEqual(5);
    expect(report.noisiestSigmaRules.length).toBeGreaterThanOrEqual(3);
    expect(report.noisiestHosts.some((h) => h.host.includes('<script>'))).toBe(true);
    expect(report.noisiestRules.map((r) => r.rule)).toEqual(expect.arrayContaining(HOSTILE_RULES));
  });

  it('loads nothing but itself and says nothing on the console', async () => {
    const v = await open(browser, file);
    try {
      expect(v.console).toEqual([]);
      expect(v.requests).toContain(`file://${file}`);
      expect(v.requests.filter((u) => !LOCAL.has(new URL(u).protocol))).toEqual([]);
    } finally {
      await v.page.close();
    }
  });

  it('shows the title, the run in one line, the chart and the tables, within the window, and screenshots it', async () => {
    const v = await open(browser, file);
    try {
      const seen = await snapshot(v.page);
      expect(seen.title).toBe('a2t shadow report');
      expect(seen.heading).toBe('Shadow run: what would have been ticketed');
      expect(seen.summary).toContain(`${report.tickets.toLocaleString('en-US')} tickets`);

      // The chart is drawn: one bar per day with tickets, one segment per day and priority, each visible and in
      // its priority's colour, its tooltip naming the day.
      expect(seen.chart?.width).toBeGreaterThan(100);
      expect(seen.chart?.height).toBeGreaterThan(100);
      const segments = report.ticketsPerDay.flatMap((d) =>
        Object.entries(d.byPriority)
          .filter(([, n]) => n > 0)
          .map(([p, n]) => ({ day: d.day, p, n })),
      );
      expect(new Set(seen.bars.map((b) => b.x)).size).toBe(report.ticketsPerDay.length);
      expect(seen.bars).toHaveLength(segments.length);
      expect(seen.bars.map((b) => b.title).sort()).toEqual(segments.map((s) => `${s.day}: ${s.n} ${s.p}`).sort());
      for (const b of seen.bars) {
        expect(b.width).toBeGreaterThan(0);
        expect(b.height).toBeGreaterThan(0);
      }
      const colour = Object.fromEntries(Object.entries(PRIORITY_COLOURS).map(([p, hex]) => [p, rgb(hex)]));
      expect(seen.bars.map((b) => b.fill).sort()).toEqual(segments.map((s) => colour[s.p]).sort());
      expect(seen.days).toEqual(report.ticketsPerDay.map((d) => d.day));

      // The per-rule noise table: every Sigma rule with its author beside it, shown, not squeezed to nothing.
      expect(seen.sigmaHead.slice(2, 4)).toEqual(['Rule', 'Author']);
      expect(seen.sigmaRows.map((r) => r.cells.slice(2, 4))).toEqual(
        report.noisiestSigmaRules.map((s) => [s.title, s.author]),
      );
      for (const r of seen.sigmaRows) {
        expect(r.cells[3]).not.toBe('');
        expect(r.authorWidth).toBeGreaterThan(50);
      }
      expect(seen.sigmaRows.map((r) => r.cells[3])).toContain('Florian Roth (Nextron Systems)');

      // Nothing wider than a laptop window: the page scrolls down, never sideways.
      expect(seen.overflow).toBeLessThanOrEqual(0);

      await v.page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(fs.readFileSync(SCREENSHOT).subarray(1, 4).toString('latin1')).toBe('PNG');
    } finally {
      await v.page.close();
    }
  });

  // Twice: as shipped, and with the page's Content-Security-Policy lifted, so the escaping is proven on its own.
  it.each([
    ['as shipped', false],
    ['with its Content-Security-Policy lifted', true],
  ])('shows alert-written markup as text and never runs it (%s)', async (_, bypassCsp) => {
    const v = await open(browser, file, { bypassCsp });
    try {
      const seen = await snapshot(v.page);
      expect(seen.flag).toBeUndefined();
      expect(v.console).toEqual([]);
      expect(v.requests.filter((u) => !LOCAL.has(new URL(u).protocol))).toEqual([]);
      // Exactly the elements the report writes: no script, image or second svg came from an alert.
      expect(seen.elements.filter((e) => ['script', 'img', 'iframe', 'object', 'embed', 'link'].includes(e))).toEqual(
        [],
      );
      expect(seen.elements.filter((e) => e === 'svg')).toHaveLength(1);
      expect(seen.elements.filter((e) => e === 'style')).toHaveLength(1);
      expect(seen.elements.filter((e) => e === 'title')).toHaveLength(1 + seen.bars.length);
      expect(seen.handlers).toEqual([]);
      // The hostile text itself is on the page, character for character.
      const hostileHosts = report.noisiestHosts.map((h) => h.host).filter((h) => h.includes('<script>'));
      expect(hostileHosts.length).toBeGreaterThan(0);
      expect(seen.hosts).toEqual(expect.arrayContaining(hostileHosts));
      expect(seen.rules).toEqual(expect.arrayContaining(HOSTILE_RULES));
    } finally {
      await v.page.close();
    }
  });
});
