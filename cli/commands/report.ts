import * as fs from 'node:fs';
import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import { readContextFiles } from '../context-files';
import { CliError } from '../errors';
import { renderReportHtml } from '../report-html';
import { listInputs } from '../inputs';
import type { Tally } from '../shadow/correlator';
import { runShadow } from '../shadow/run';
import type { ShadowRunOptions } from '../shadow/run';

export interface ShadowReport {
  /** Inputs read (files, or stdin). */
  files: number;
  /** Files a directory walk left out as not alerts (READMEs, CSV context, images). */
  skippedFiles: number;
  /** Records found in the inputs: each is an alert (unique or duplicate) or a rejection. */
  records: number;
  alerts: number;
  duplicates: number;
  rejected: number;
  incidents: number;
  tickets: number;
  /** Share of deliveries that were exact duplicates. */
  dedupRatio: number;
  /** Unique alerts per incident. */
  correlationRatio: number;
  /** Alerts per ticket: how much reading a ticket saves. */
  alertsPerTicket: number;
  ticketsPerDay: { day: string; tickets: number; byPriority: Record<string, number> }[];
  /**
   * The Sigma rules behind the most would-be tickets, then the most alerts: the rules to tune before go-live. The
   * author always goes with the title (the SigmaHQ rules' licence, DRL 1.1, asks for it).
   */
  noisiestSigmaRules: { id: string; title: string; level: string; author: string; alerts: number; tickets: number }[];
  /** By the source's own rule name (or event kind when it has none). */
  noisiestRules: { rule: string; alerts: number; tickets: number }[];
  noisiestHosts: { host: string; alerts: number; tickets: number }[];
  /** Why records were rejected, the most frequent reasons first. */
  rejectionReasons: { reason: string; count: number }[];
  /**
   * Alerts that arrived after their host's events had moved on past the correlation horizon (an export out of time
   * order): they were correlated with what was still open, so their incidents may be split.
   */
  lateAlerts: number;
}

/** Rows in each top list. */
export const TOP = 10;

const UNKNOWN_AUTHOR = 'unknown author';

/**
 * Shadow mode (`a2t replay --report`): what would have been ticketed from archived alerts, without touching Jira,
 * so a SOC can tune rules, thresholds and windows before go-live. Inputs of any size are streamed; the same decode,
 * normalize, detect, enrich, correlation and incident code as the Lambdas runs, on every core (see cli/shadow).
 */
export async function shadowReport(
  inputs: string[],
  contextFiles: string[],
  rules: readonly string[] = [],
  err: NodeJS.WritableStream = process.stderr,
  opts: ShadowRunOptions = {},
): Promise<ShadowReport> {
  const { snapshot } = readContextFiles(contextFiles);
  const run = await runShadow(inputs, snapshot, rules, err, opts);
  const t = run.totals;
  const deliveries = t.alerts + t.duplicates;
  const top = <K extends string>(m: Map<string, Tally>, key: K) =>
    [...m]
      .sort((a, b) => b[1].alerts - a[1].alerts || b[1].tickets - a[1].tickets || a[0].localeCompare(b[0]))
      .slice(0, TOP)
      .map(([k, e]) => ({ [key]: k, alerts: e.alerts, tickets: e.tickets }) as { [P in K]: string } & Tally);
  return {
    files: run.inputs,
    skippedFiles: run.skipped,
    records: run.records,
    alerts: t.alerts,
    duplicates: t.duplicates,
    rejected: run.rejected,
    incidents: t.incidents,
    tickets: t.tickets,
    dedupRatio: deliveries === 0 ? 0 : round(t.duplicates / deliveries),
    correlationRatio: t.incidents === 0 ? 0 : round(t.alerts / t.incidents),
    alertsPerTicket: t.tickets === 0 ? 0 : round(t.ticketAlerts / t.tickets),
    ticketsPerDay: [...t.perDay].sort((a, b) => a[0].localeCompare(b[0])).map(([day, d]) => ({ day, ...d })),
    noisiestSigmaRules: [...t.sigma.values()]
      .sort((a, b) => b.tickets - a.tickets || b.alerts - a.alerts || a.title.localeCompare(b.title))
      .slice(0, TOP)
      .map((s) => ({
        id: s.id,
        title: s.title,
        level: s.level,
        author: s.author ?? UNKNOWN_AUTHOR,
        alerts: s.alerts,
        tickets: s.tickets,
      })),
    noisiestRules: top(t.rules, 'rule'),
    noisiestHosts: top(t.hosts, 'host'),
    rejectionReasons: run.rejectionReasons.slice(0, TOP),
    lateAlerts: t.lateAlerts,
  };
}

const round = (x: number): number => Math.round(x * 100) / 100;

export interface ReportCommandOptions {
  context: string[];
  rules: string[];
  json?: boolean;
  /** Also write the report as an HTML page here. */
  reportHtml?: string;
  threads?: number;
}

/**
 * `a2t replay --report [--json] [--report-html FILE]`: the report on stdout (text, or JSON with `--json`), the HTML
 * page in FILE, and one line on stderr with the run's pace.
 */
export async function reportCommand(
  inputs: string[],
  opts: ReportCommandOptions,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<ShadowReport> {
  // A page that cannot be written fails the run before its minutes of work, not after.
  if (opts.reportHtml !== undefined) checkWritable(opts.reportHtml);
  const started = performance.now();
  const bar = progressBar(inputs, opts.json !== true && (err as NodeJS.WriteStream).isTTY === true, started);
  let r: ShadowReport;
  try {
    r = await shadowReport(inputs, opts.context, opts.rules, err, {
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
      ...(bar !== undefined ? { onProgress: bar.update } : {}),
    });
  } finally {
    bar?.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  if (opts.reportHtml !== undefined) {
    try {
      fs.writeFileSync(opts.reportHtml, renderReportHtml(r, { generatedAt: new Date().toISOString() }));
    } catch (e) {
      throw new CliError(`cannot write ${opts.reportHtml}: ${(e as NodeJS.ErrnoException).code ?? 'unwritable'}`);
    }
  }
  if (opts.json === true) out.write(`${JSON.stringify(r, null, 2)}\n`);
  else printShadowReport(r, out);
  err.write(
    `a2t replay --report: ${r.records} record(s) in ${seconds.toFixed(1)} s (${Math.round(r.records / Math.max(seconds, 0.001))} records/s)` +
      `${opts.reportHtml !== undefined ? `; HTML report in ${opts.reportHtml}` : ''}\n`,
  );
  return r;
}

/** A progress bar by bytes read, on a terminal, when the inputs are files whose size is known. */
function progressBar(
  inputs: string[],
  show: boolean,
  started: number,
): { update: (p: { bytes: number; records: number }) => void; stop: () => void } | undefined {
  if (!show || inputs.length === 0 || inputs.includes('-')) return undefined;
  let total = 0;
  try {
    for (const ref of listInputs(inputs)) total += fs.statSync(ref.file!).size;
  } catch {
    return undefined; // the run itself reports the missing file
  }
  const bar = new SingleBar({
    format: 'shadow |{bar}| {percentage}% · {records} records · {rate} records/s',
    hideCursor: true,
    stream: process.stderr,
  });
  bar.start(total, 0, { records: 0, rate: 0 });
  return {
    update: ({ bytes, records }) =>
      bar.update(bytes, { records, rate: Math.round((records * 1000) / Math.max(1, performance.now() - started)) }),
    stop: () => bar.stop(),
  };
}

function checkWritable(file: string): void {
  try {
    fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK);
    if (fs.existsSync(file)) fs.accessSync(file, fs.constants.W_OK);
  } catch (e) {
    throw new CliError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unwritable'}`);
  }
}

const pad = (n: number, w: number): string => String(n).padStart(w);

/** Alert-written text on a terminal: control characters (escape sequences, line breaks) shown, never obeyed. */
const safe = (s: string): string =>
  s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function printShadowReport(r: ShadowReport, out: NodeJS.WritableStream): void {
  out.write(
    `Shadow run: ${r.files} file(s)${r.skippedFiles > 0 ? ` (${r.skippedFiles} skipped: not alerts)` : ''}, ${r.records} records → ${r.alerts} alerts (${r.duplicates} duplicates, ${r.rejected} rejected) → ${r.incidents} incidents → ${r.tickets} tickets\n`,
  );
  out.write(
    `dedup ratio ${r.dedupRatio} · ${r.correlationRatio} alerts per incident · ${r.alertsPerTicket} alerts per ticket\n`,
  );
  if (r.lateAlerts > 0)
    out.write(
      `${r.lateAlerts} alerts arrived out of time order (past their host's correlation horizon): their incidents may be split\n`,
    );
  // The rules to tune come first: they decide how many tickets go-live brings.
  out.write('\nSigma rules to tune first (would-be tickets, alerts)\n');
  if (r.noisiestSigmaRules.length === 0) out.write('  (no Sigma rule matched)\n');
  for (const s of r.noisiestSigmaRules)
    out.write(
      `  ${pad(s.tickets, 4)} ${pad(s.alerts, 7)}  ${safe(s.title)} (${safe(s.author)}) [${safe(s.level)}] ${safe(s.id)}\n`,
    );
  out.write('\nTickets per day\n');
  for (const d of r.ticketsPerDay)
    out.write(
      `  ${safe(d.day)}  ${pad(d.tickets, 4)}  ${Object.entries(d.byPriority)
        .sort()
        .map(([p, n]) => `${p}:${n}`)
        .join(' ')}\n`,
    );
  out.write('\nNoisiest rules (alerts, tickets)\n');
  for (const x of r.noisiestRules) out.write(`  ${pad(x.alerts, 7)} ${pad(x.tickets, 4)}  ${safe(x.rule)}\n`);
  out.write('\nNoisiest hosts (alerts, tickets)\n');
  for (const x of r.noisiestHosts) out.write(`  ${pad(x.alerts, 7)} ${pad(x.tickets, 4)}  ${safe(x.host)}\n`);
  if (r.rejectionReasons.length > 0) {
    out.write('\nRejections by reason\n');
    for (const x of r.rejectionReasons) out.write(`  ${pad(x.count, 7)}  ${safe(x.reason)}\n`);
  }
}
