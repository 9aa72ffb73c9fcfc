import type { ShadowReport } from './commands/report';

/**
 * The shadow report as one self-contained HTML page (`a2t replay --report-html FILE`): inline CSS and an inline SVG
 * chart of tickets per day, no script and nothing loaded from anywhere (a Content-Security-Policy says so to the
 * browser too), so it can be mailed, archived and opened offline. Every string that came from an alert (rule
 * titles, authors, host names, reasons) is escaped: archived alerts are attacker-written text. The page is also
 * well-formed XML, so a plain XML parser can check its structure.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element or a quoted attribute. Control characters go too (they are not allowed in XML 1.0). */
export function escapeHtml(s: string): string {
  return s
    .replace(/[&<>"']/g, (c) => ESCAPES[c])
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

const n = (x: number): string => x.toLocaleString('en-US');

export const PRIORITY_COLOURS: Record<string, string> = {
  P1: '#b3261e',
  P2: '#e8710a',
  P3: '#f9ab00',
  P4: '#80868b',
};
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'];

const DAY_MS = 86_400_000;

/**
 * Runs spanning up to this many days are charted on a calendar axis, a quiet day left as a gap (a month's replay,
 * the usual shadow run, reads as a month). Longer spans would make the bars too thin to read: only the days with
 * tickets are drawn, side by side, and the chart says so.
 */
export const CALENDAR_DAYS = 92;

/** Each day's slot on the x axis: its offset from the first day on a calendar axis, else its rank. */
function daySlots(days: ShadowReport['ticketsPerDay']): { slot: number[]; slots: number; calendar: boolean } {
  const t = days.map((d) => Date.parse(`${d.day}T00:00:00Z`));
  const span = Math.round((t[t.length - 1] - t[0]) / DAY_MS) + 1;
  if (t.every(Number.isFinite) && span <= CALENDAR_DAYS)
    return { slot: t.map((x) => Math.round((x - t[0]) / DAY_MS)), slots: span, calendar: true };
  return { slot: days.map((_, i) => i), slots: days.length, calendar: false };
}

/**
 * The tickets-per-day chart: one bar a day, stacked by priority, each segment with its own tooltip. The SVG scales
 * down to the page's width (viewBox), so a long run never widens the page.
 */
export function ticketsChart(days: ShadowReport['ticketsPerDay']): string {
  if (days.length === 0) return '<p class="empty">No tickets.</p>';
  const { slot, slots, calendar } = daySlots(days);
  const max = Math.max(...days.map((d) => d.tickets));
  const bar = Math.max(3, Math.min(28, Math.floor(900 / slots)));
  const plotH = 200;
  const left = 40;
  const width = left + slots * bar + 10;
  const height = plotH + 50;
  const y = (v: number): number => plotH + 10 - (v / max) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="Tickets per day" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<line x1="${left}" y1="${plotH + 10}" x2="${width - 5}" y2="${plotH + 10}" stroke="#999"/>`,
    `<text x="${left - 6}" y="${y(max) + 4}" text-anchor="end" class="axis">${n(max)}</text>`,
    `<text x="${left - 6}" y="${plotH + 14}" text-anchor="end" class="axis">0</text>`,
  ];
  days.forEach((d, i) => {
    const x = left + slot[i] * bar;
    let base = 0;
    for (const p of PRIORITIES) {
      const count = d.byPriority[p] ?? 0;
      if (count === 0) continue;
      const top = y(base + count);
      const h = Math.max(1, y(base) - top);
      parts.push(
        `<rect x="${x + 1}" y="${top.toFixed(1)}" width="${Math.max(1, bar - 2)}" height="${h.toFixed(1)}" fill="${PRIORITY_COLOURS[p]}"><title>${escapeHtml(d.day)}: ${n(count)} ${p}</title></rect>`,
      );
      base += count;
    }
  });
  // First and last day under the axis; every day is in the tooltips and the table.
  parts.push(
    `<text x="${left}" y="${plotH + 30}" class="axis">${escapeHtml(days[0].day)}</text>`,
    `<text x="${width - 5}" y="${plotH + 30}" text-anchor="end" class="axis">${escapeHtml(days[days.length - 1].day)}</text>`,
    '</svg>',
  );
  if (!calendar)
    parts.push(
      `<p class="note" id="days-note">Only the ${n(days.length)} days with tickets are drawn, side by side: the run spans more than ${CALENDAR_DAYS} days.</p>`,
    );
  return parts.join('');
}

function table(head: string[], rows: string[][], numeric: boolean[]): string {
  const th = head.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${h}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#202124}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.8em}
.summary{font-size:1.1em}.ratios,.note,.meta{color:#5f6368}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #e0e0e0;vertical-align:top}
th{background:#f1f3f4}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{display:block;max-width:100%;height:auto}.chart .axis{font-size:11px;fill:#5f6368}.legend span{display:inline-block;margin-right:1em}
.swatch{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:middle}
code{font-size:.9em;color:#5f6368}
`;

export interface HtmlReportMeta {
  /** When the report was made (ISO). */
  generatedAt: string;
}

export function renderReportHtml(r: ShadowReport, meta: HtmlReportMeta): string {
  const legend = PRIORITIES.map(
    (p) => `<span><span class="swatch" style="background:${PRIORITY_COLOURS[p]}"></span>${p}</span>`,
  ).join('');
  const sigma =
    r.noisiestSigmaRules.length === 0
      ? '<p class="empty">No Sigma rule matched.</p>'
      : table(
          ['Would-be tickets', 'Alerts', 'Rule', 'Author', 'Level', 'Rule id'],
          r.noisiestSigmaRules.map((s) => [
            n(s.tickets),
            n(s.alerts),
            escapeHtml(s.title),
            escapeHtml(s.author),
            escapeHtml(s.level),
            `<code>${escapeHtml(s.id)}</code>`,
          ]),
          [true, true, false, false, false, false],
        );
  const dayRows = r.ticketsPerDay.map((d) => [
    escapeHtml(d.day),
    n(d.tickets),
    ...PRIORITIES.map((p) => n(d.byPriority[p] ?? 0)),
  ]);
  const sections = [
    `<h1>Shadow run: what would have been ticketed</h1>`,
    `<p class="summary" id="summary">${n(r.files)} file(s)${r.skippedFiles > 0 ? ` (${n(r.skippedFiles)} skipped: not alerts)` : ''}, ${n(r.records)} records → ${n(r.alerts)} alerts (${n(r.duplicates)} duplicates, ${n(r.rejected)} rejected) → ${n(r.incidents)} incidents → <strong>${n(r.tickets)} tickets</strong></p>`,
    `<p class="ratios">dedup ratio ${r.dedupRatio} · ${r.correlationRatio} alerts per incident · ${r.alertsPerTicket} alerts per ticket</p>`,
    ...(r.lateAlerts > 0
      ? [
          `<p class="note">${n(r.lateAlerts)} alerts arrived out of time order (past their host's correlation horizon): their incidents may be split.</p>`,
        ]
      : []),
    `<section id="sigma-rules"><h2>Sigma rules to tune first</h2>${sigma}</section>`,
    `<section id="tickets-per-day"><h2>Tickets per day</h2><p class="legend">${legend}</p>${ticketsChart(r.ticketsPerDay)}${
      dayRows.length > 0 ? table(['Day', 'Tickets', ...PRIORITIES], dayRows, [false, true, true, true, true, true]) : ''
    }</section>`,
    `<section id="hosts"><h2>Noisiest hosts</h2>${table(
      ['Host', 'Alerts', 'Would-be tickets'],
      r.noisiestHosts.map((h) => [escapeHtml(h.host), n(h.alerts), n(h.tickets)]),
      [false, true, true],
    )}</section>`,
    `<section id="rules"><h2>Noisiest rules (the source's own rule names)</h2>${table(
      ['Rule', 'Alerts', 'Would-be tickets'],
      r.noisiestRules.map((x) => [escapeHtml(x.rule), n(x.alerts), n(x.tickets)]),
      [false, true, true],
    )}</section>`,
    ...(r.rejectionReasons.length > 0
      ? [
          `<section id="rejections"><h2>Rejections by reason</h2>${table(
            ['Reason', 'Records'],
            r.rejectionReasons.map((x) => [escapeHtml(x.reason), n(x.count)]),
            [false, true],
          )}</section>`,
        ]
      : []),
    `<p class="meta">Made by a2t replay --report on ${escapeHtml(meta.generatedAt)}. SigmaHQ rules are used under the Detection Rule License 1.1; each rule is shown with its author.</p>`,
  ];
  return [
    '<!DOCTYPE html>',
    '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">',
    '<head>',
    '<meta charset="utf-8"/>',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/>`,
    '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
    '<title>a2t shadow report</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
