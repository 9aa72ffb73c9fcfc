import { Writable } from 'node:stream';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import { ticketSyncSettings } from '../../lambdas/adapters/config';
import { importContext } from '../../lambdas/adapters/dynamodb/context-store';
import { listRejections, recentDays } from '../../lambdas/adapters/dynamodb/rejection-store';
import { DynamoTicketStore } from '../../lambdas/adapters/dynamodb/ticket-store';
import { decode } from '../../lambdas/core/formats';
import { draftReport } from '../../lambdas/core/draft';
import { renderMarkdown } from '../../lambdas/core/render';
import { rawEventsFile } from '../../lambdas/core/draft/raw-evidence';
import { reportDrafter } from '../../lambdas/core/sync/drafter';
import type { SyncAction } from '../../lambdas/core/sync/sync-incident';
import { LocalRuntime } from '../../local/runtime';
import { cliDetectStage } from '../detect-stage';
import { readContextFiles } from '../context-files';
import { CliError } from '../errors';
import type { InputFile } from '../inputs';
import { decodeSegment, faultRejection, streamInputs } from '../stream/records';
import { envJira, localJira } from '../local-jira';
import type { JiraTarget } from '../local-jira';

export interface ReplayOptions {
  jira: string;
  /** With `--jira env`: print the requests instead of sending them. */
  dryRun?: boolean;
  context: string[];
  json?: boolean;
  out?: string;
  serve?: boolean;
  port?: number;
  /** Seconds to wait for the queues to drain. */
  timeout?: number;
  /** User Sigma rule folders, run beside the builtin pack. */
  rules?: string[];
}

export interface TicketLine {
  key: string;
  incidentId: string;
  action: SyncAction;
  priority: string;
  summary: string;
  alerts: number;
  url: string;
  markdown?: string;
}

export interface ReplaySummary {
  accepted: number;
  rejected: number;
  duplicates: number;
  suppressed: number;
  incidents: number;
  tickets: TicketLine[];
  rejections: { source: string; position: string; reason: string }[];
  errors: string[];
  drained: boolean;
}

/** SQS's message size limit (1 MiB since 2025). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Inputs as a forwarder shipping files would send them: a file that fits in a message goes whole, as one message, so
 * the ingest Lambda sees the unit `draft` and `replay --report` see (a file's records are normalized together: the
 * Sysmon events of a host measure its collector's clock offset for the host's local-time events, which one record
 * alone cannot; records sent one per message would stay flagged "time-zone-unverified" and split incidents by hours)
 * and itself rejects what is bad (storing the rejection). A file over the size limit goes one record per message
 * (text that is not UTF-8 as well, as a message body is a string); what cannot be sent at all is rejected here.
 */
export function messagesOf(files: InputFile[]): { bodies: string[]; rejections: ReplaySummary['rejections'] } {
  const out = { bodies: [] as string[], rejections: [] as ReplaySummary['rejections'] };
  for (const f of files) messagesOfBody(f.content, f.source, out);
  return out;
}

/** One input's messages: whole when it fits and is UTF-8, else one record per message (see `messagesOf`). */
function messagesOfBody(
  content: Buffer,
  source: string,
  out: { bodies: string[]; rejections: ReplaySummary['rejections'] },
): void {
  if (content.length <= MAX_MESSAGE_BYTES) {
    const text = content.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(content)) {
      out.bodies.push(text);
      return;
    }
  }
  const d = decode(content, source);
  for (const r of d.records) out.bodies.push(r.text);
  for (const r of d.rejections) out.rejections.push({ source: r.source, position: r.position, reason: r.reason });
}

/**
 * `messagesOf` over inputs read as streams (cli/stream): a file that fits in a message comes whole (its own bytes)
 * and is sent as before; a larger one is cut into segments of whole records, each record a message, with the 1 MiB
 * limit per record and positions of rejections in the file, as `decode` of the whole file gives them.
 */
export async function streamedMessages(
  inputs: string[],
  onSkip?: (file: string) => void,
): Promise<{ bodies: string[]; rejections: ReplaySummary['rejections'] }> {
  const out = { bodies: [] as string[], rejections: [] as ReplaySummary['rejections'] };
  // A file of exactly the message limit still comes whole, as `messagesOf` sends it.
  const streamed = streamInputs(inputs, { onSkip, limits: { wholeFileBytes: MAX_MESSAGE_BYTES + 1 } });
  for (const ref of streamed.refs) {
    for await (const piece of streamed.pieces(ref)) {
      if (piece.kind === 'fault') {
        const r = faultRejection(piece, ref.source);
        out.rejections.push({ source: r.source, position: r.position, reason: r.reason });
      } else if (piece.place.kind === 'whole') messagesOfBody(piece.bytes, ref.source, out);
      else {
        const d = decodeSegment(piece, ref.source);
        for (const r of d.records) out.bodies.push(r.text);
        for (const r of d.rejections) out.rejections.push({ source: r.source, position: r.position, reason: r.reason });
      }
    }
  }
  return out;
}

/** The whole pipeline over the inputs: local SQS + DynamoDB, the real ingest and ticket-sync code, and Jira. */
export async function replay(
  inputs: string[],
  opts: ReplayOptions,
  log: (line: string) => void = () => undefined,
): Promise<ReplaySummary & { close(): Promise<void> }> {
  if (opts.jira !== 'local' && opts.jira !== 'env')
    throw new CliError(`--jira must be local or env (got ${opts.jira})`, 2);
  const { parsed } = readContextFiles(opts.context, (line) => log(`context: ${line}`));
  // Built before anything starts, so an invalid user rule stops the replay (exit 2) with nothing to clean up.
  const ruleErrors = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log(
        chunk
          .toString('utf8')
          .trimEnd()
          .replace(/^a2t: /, ''),
      );
      done();
    },
  });
  const detect = (opts.rules ?? []).length > 0 ? cliDetectStage(opts.rules ?? [], ruleErrors) : undefined;
  const skipped: string[] = [];
  const { bodies, rejections } = await streamedMessages(inputs, (file) => skipped.push(file));
  if (skipped.length > 0) log(`skipped ${skipped.length} file(s) that are not alerts: ${skipped.join(', ')}`);
  const jira: JiraTarget =
    opts.jira === 'local' ? await localJira(opts.port ?? 0) : envJira(process.env, opts.dryRun ? log : undefined);
  const settings = { commentIntervalMinutes: 0 };
  const runtime = await LocalRuntime.start({
    // A local SQS server already running (jest's global setup starts one; fauxqs cannot load in its CommonJS tests).
    ...(process.env.A2T_LOCAL_SQS_ENDPOINT ? { sqsEndpoint: process.env.A2T_LOCAL_SQS_ENDPOINT } : {}),
    jira: jira.gateway,
    drafter: reportDrafter(),
    // A replay takes seconds: a shorter claim than the Lambda's two minutes lets a crashed create recover in time.
    sync: {
      ...ticketSyncSettings({ projectKey: jira.projectKey, issueTypeName: jira.issueTypeName }, settings),
      staleClaimMs: 5_000,
      // Each replay starts with an empty table: against a real site, look each incident's ticket up by its label
      // first, so running the same inputs again updates last run's tickets instead of opening new ones.
      lookupBeforeCreate: opts.jira === 'env',
    },
    settings,
    ...(detect !== undefined ? { detect } : {}),
  });
  try {
    if (parsed.assets.length + parsed.users.length + parsed.indicators.length > 0) {
      await importContext(runtime.doc, runtime.tableName, parsed);
    }
    await runtime.send(bodies);
    const bar =
      process.stderr.isTTY && !opts.json
        ? new SingleBar({
            format:
              'replay |{bar}| {value}/{total} alerts · {incidents} incidents · {tickets} tickets · {rate} alerts/s',
            hideCursor: true,
          })
        : undefined;
    const started = Date.now();
    bar?.start(bodies.length, 0, { incidents: 0, tickets: 0, rate: 0 });
    const drained = await runtime.drain((opts.timeout ?? 120) * 1000, () => {
      const t = runtime.totals;
      const done = t.accepted + t.duplicates + t.rejected + t.suppressed;
      bar?.update(Math.min(done, bodies.length), {
        incidents: t.incidents.size,
        tickets: new Set(t.outcomes.filter((o) => o.key).map((o) => o.key)).size,
        rate: Math.round((done * 1000) / Math.max(1, Date.now() - started)),
      });
    });
    bar?.stop();
    const tickets = await ticketLines(runtime, jira, opts.out);
    const stored = await storedRejections(runtime);
    const t = runtime.totals;
    return {
      accepted: t.accepted,
      rejected: t.rejected + rejections.length,
      duplicates: t.duplicates,
      suppressed: t.suppressed,
      incidents: t.incidents.size,
      tickets,
      rejections: [...stored, ...rejections],
      errors: t.errors,
      drained,
      close: async () => {
        await runtime.close();
        await jira.emulator?.close();
      },
    };
  } catch (err) {
    await runtime.close();
    await jira.emulator?.close();
    throw err;
  }
}

/** Distinct failures `replay` names before it exits 1; the rest are counted. */
export const MAX_FAILURE_LINES = 5;

/**
 * The failed invocations as lines a user reads: each distinct error once, with how often it happened, the most
 * frequent first, at most `max` lines and one that counts the rest.
 */
export function failureLines(errors: readonly string[], max = MAX_FAILURE_LINES): string[] {
  const counts = new Map<string, number>();
  for (const e of errors) {
    // One line each: an error message from a server may span several.
    const line = e.replace(/\s*\n\s*/g, ' ').trim();
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const lines = sorted.slice(0, max).map(([e, n]) => `failed: ${e}${n > 1 ? ` (${n} times)` : ''}`);
  if (sorted.length > max) lines.push(`failed: … and ${sorted.length - max} other distinct error(s)`);
  return lines;
}

/**
 * Exit 1 when any ingest or ticket-sync invocation failed, even if a retry then succeeded: the run's tickets are
 * printed, but a replay that needed retries or lost messages is not a clean answer. Each distinct failure goes to
 * `log` first, one line each.
 */
export function assertNoFailures(s: Pick<ReplaySummary, 'errors'>, log: (line: string) => void): void {
  if (s.errors.length === 0) return;
  for (const line of failureLines(s.errors)) log(line);
  throw new CliError(`${s.errors.length} ingest or ticket-sync invocation(s) failed (see above)`);
}

/** Rejections the ingest stage stored during this run (today's and, past midnight, yesterday's), every page. */
async function storedRejections(runtime: LocalRuntime): Promise<ReplaySummary['rejections']> {
  const stored = await listRejections(runtime.doc, runtime.tableName, recentDays(Date.now(), 2));
  return stored.map((r) => ({ source: r.source, position: r.position, reason: r.reason }));
}

/** The last action per ticket, with what the ticket says, and its Markdown under `out/`. */
async function ticketLines(runtime: LocalRuntime, jira: JiraTarget, outDir: string | undefined): Promise<TicketLine[]> {
  const last = new Map<string, { incidentId: string; action: SyncAction; first: SyncAction }>();
  for (const o of runtime.totals.outcomes) {
    if (o.key === undefined || o.action === 'noop') continue;
    const prev = last.get(o.key);
    last.set(o.key, { incidentId: o.incidentId, action: o.action, first: prev?.first ?? o.action });
  }
  const store = new DynamoTicketStore(runtime.doc, runtime.tableName);
  const lines: TicketLine[] = [];
  for (const [key, o] of last) {
    const view = await store.loadView(o.incidentId, 200);
    if (view === undefined) continue;
    const report = draftReport(view);
    let markdown: string | undefined;
    if (outDir !== undefined) {
      fs.mkdirSync(outDir, { recursive: true });
      markdown = path.join(outDir, `${key}.md`);
      // The raw events go beside the Markdown, as they go to the ticket as an attachment: the same file, named for
      // the ticket (the Jira copy's name carries a content hash instead).
      const input = { incidentId: view.incidentId, alerts: view.alerts, alertCount: view.alertCount };
      const raw = rawEventsFile(input);
      const rawName = `${key}-raw-events.${raw.format}`;
      fs.writeFileSync(path.join(outDir, rawName), raw.content);
      fs.writeFileSync(markdown, renderMarkdown(report, { rawEventsFile: rawName }));
    }
    lines.push({
      key,
      incidentId: o.incidentId,
      action: o.first,
      priority: report.priority.name,
      summary: report.summary,
      alerts: view.alertCount,
      url: jira.browseUrl(key),
      ...(markdown ? { markdown } : {}),
    });
  }
  return lines.sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
}

export function printTable(s: ReplaySummary, out: NodeJS.WritableStream): void {
  const rows = s.tickets.map((t) => [
    t.key,
    t.priority,
    t.summary.length > 90 ? `${t.summary.slice(0, 89)}…` : t.summary,
    String(t.alerts),
    t.action,
  ]);
  const head = ['KEY', 'PRIORITY', 'SUMMARY', 'ALERTS', 'ACTION'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  out.write(`${line(head)}\n${rows.map(line).join('\n')}${rows.length > 0 ? '\n' : ''}`);
  out.write(
    `\n${s.accepted} accepted · ${s.duplicates} duplicates · ${s.rejected} rejected · ${s.incidents} incidents · ${s.tickets.length} tickets\n`,
  );
  for (const r of s.rejections) out.write(`rejected: ${r.source} ${r.position}: ${r.reason}\n`);
  for (const t of s.tickets) out.write(`${t.key}: ${t.markdown ?? ''}${t.markdown ? ' · ' : ''}${t.url}\n`);
  if (!s.drained) out.write('warning: the queues did not drain in time; some messages are still in flight\n');
}
