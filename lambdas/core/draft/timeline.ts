import type { IncidentFacts } from './facts';
import { describeLine } from './describe';
import { actor, actorLabel, defangValue } from './display';
import type { DraftLimits } from './limits';
import { evidenceRef } from './raw-evidence';
import { isMicrosoftModule } from '../enrich';
import { hasMeasuredTime } from '../formats/sysmon/local-time';
import type { EnrichedAlert } from '../model/enrichment';
import { baseName, isInstalledLocation } from '../windows';
import { clip, code, codeList, distinct, oneLine, plain, rich, utc } from './text';
import type { Rich, TimelineEntry } from '../model/report';

/**
 * The timeline: one line per thing that happened, oldest first, UTC, each with the reference of its (first) event.
 * Repeats collapse into counted lines (`42 × image load by rundll32.exe (PID 4711): …`) so a storm of DLL loads,
 * registry churn or beacon connections takes one line, and what matters stays visible between them:
 *
 * - an event a heuristic or detection rule flagged, or that set up persistence or touched LSASS, keeps its own line
 *   (identical lines still fold, with their count);
 * - Windows' own modules loaded by one process, quiet registry and file events of one process, its connections to one
 *   destination, its DNS queries for one name, and the same program started again and again by one parent each
 *   collapse into one counted line at the time of the first.
 */

/** Example values a counted line names before saying how many more there are. */
const EXAMPLES = 3;

/** The reference of an event on a timeline line: the one the raw-events attachment files it under. */
const timelineRef = evidenceRef;

/** Whether nothing marks the event out: no heuristic, no rule, no persistence, no LSASS access. */
function quiet(a: EnrichedAlert, signal: ReadonlySet<string>): boolean {
  return a.enrichment.heuristics.length === 0 && (a.detections ?? []).length === 0 && !signal.has(a.alertId);
}

type Kind = 'load' | 'registry' | 'file' | 'connection' | 'dns' | 'start';

interface Group {
  kind: Kind;
  alerts: EnrichedAlert[];
}

function actorKey(f: IncidentFacts, a: EnrichedAlert): string {
  return f.graph.actorOf.get(a.alertId) ?? actorLabel(a.process);
}

/** The counted line's group, or undefined when the event keeps a line of its own. */
function groupKey(f: IncidentFacts, a: EnrichedAlert, signal: ReadonlySet<string>): [Kind, string] | undefined {
  const who = actorKey(f, a);
  if (a.eventType === 'process_create' && a.process !== undefined) {
    if (!quiet(a, signal)) return undefined;
    const parent = a.process.parent;
    return ['start', `${parent !== undefined ? actorLabel(parent) : ''}|${(a.process.image ?? '').toLowerCase()}`];
  }
  if (a.module !== undefined) {
    // A module Windows or Microsoft ships says nothing on its own; one from a user-writable folder does.
    const stock = isMicrosoftModule(a.module) || isInstalledLocation(a.module.path);
    return stock || quiet(a, signal) ? ['load', who] : undefined;
  }
  if (a.registry !== undefined) {
    if (!quiet(a, signal)) return undefined;
    const op = /delete/i.test(`${a.registry.operation ?? ''} ${a.eventType}`)
      ? 'deleted'
      : a.registry.valueData !== undefined
        ? 'set'
        : 'created';
    return ['registry', `${who}|${op}`];
  }
  if (a.file !== undefined) return quiet(a, signal) ? ['file', `${who}|${a.eventType}`] : undefined;
  if (a.network !== undefined) {
    const n = a.network;
    return ['connection', `${who}|${n.direction ?? ''}|${(n.dstIp ?? n.dstHostname ?? '').toLowerCase()}`];
  }
  if (a.dns !== undefined) return ['dns', `${who}|${a.dns.query.toLowerCase()}`];
  return undefined;
}

/** `a, b, c and 39 more` of code spans. */
function examples(values: string[]): Rich {
  const shown = values.slice(0, EXAMPLES);
  const more = values.length - shown.length;
  if (more <= 0) return codeList(shown);
  return rich(...shown.flatMap((v, i) => [i > 0 ? ', ' : '', code(v)]), ` and ${more} more`);
}

function registryPath(r: NonNullable<EnrichedAlert['registry']>): string {
  return r.valueName !== undefined ? `${r.key}\\${r.valueName}` : r.key;
}

/** The words of a counted line. */
function countedText(g: Group): Rich {
  const first = g.alerts[0];
  const n = `${g.alerts.length.toLocaleString('en-US')} × `;
  const by = actor(first.process);
  switch (g.kind) {
    case 'load': {
      const names = distinct(
        g.alerts.map((a) => baseName(a.module?.path ?? '')),
        (x) => x.toLowerCase(),
      );
      return rich(n, 'image load by ', by, ': ', examples(names));
    }
    case 'registry': {
      const op = /delete/i.test(`${first.registry?.operation ?? ''} ${first.eventType}`)
        ? 'registry delete'
        : first.registry?.valueData !== undefined
          ? 'registry value set'
          : 'registry key create';
      const paths = distinct(g.alerts.map((a) => clip(oneLine(registryPath(a.registry!)), 90)));
      return rich(
        n,
        `${op} by `,
        by,
        ', e.g. ',
        code(paths[0] ?? ''),
        paths.length > 1 ? ` (${paths.length} distinct)` : '',
      );
    }
    case 'file': {
      const names = distinct(
        g.alerts.map((a) => baseName(a.file?.path ?? '')),
        (x) => x.toLowerCase(),
      );
      const verb = /delete/i.test(first.eventType) ? 'file delete' : 'file write';
      return rich(n, `${verb} by `, by, ': ', examples(names));
    }
    case 'connection': {
      const net = first.network!;
      const dest = defangValue(net.dstIp ?? net.dstHostname ?? '', first.enrichment.iocs);
      const ports = distinct(
        g.alerts.flatMap((a) => (a.network?.dstPort !== undefined ? [String(a.network.dstPort)] : [])),
      );
      const verb = net.direction === 'inbound' ? ' accepted connections from ' : ' connected to ';
      return rich(
        n,
        by,
        verb,
        code(dest),
        ports.length > 0 ? ` (port${ports.length > 1 ? 's' : ''} ${ports.slice(0, 5).join(', ')})` : '',
      );
    }
    case 'dns':
      return rich(n, by, ' resolved ', code(defangValue(first.dns!.query, first.enrichment.iocs)));
    case 'start': {
      const parent = first.process?.parent;
      return rich(
        n,
        parent !== undefined ? rich(actor(parent), ' started ') : 'started ',
        code(baseName(first.process?.image ?? '')),
      );
    }
  }
}

/**
 * The timeline lines, oldest first: counted lines for repeats, one line for each event that stands out.
 *
 * @example
 * timeline(facts, DEFAULT_LIMITS).entries[0]; // { time: '2024-02-15 21:16:05Z', text: […], ref: 'Sysmon 1 #482913', count: 1 }
 */
export function timeline(f: IncidentFacts, limits: DraftLimits): { entries: TimelineEntry[]; omitted: number } {
  const signal = new Set([...f.persistence.map((p) => p.alert.alertId), ...f.lsass.map((l) => l.alert.alertId)]);
  // One account in the incident: the header's Who line names it, so process starts need not repeat it.
  const withUser = f.users.length > 1;
  // A local clock reading with an unknown offset is no UTC instant: it has its own list (`localTimeLines`).
  const measured = f.alerts.filter(hasMeasuredTime);
  // First pass: which events share a group; a group of one is an ordinary line.
  const groups = new Map<string, Group>();
  const keyOf = new Map<string, string>();
  for (const a of measured) {
    const k = groupKey(f, a, signal);
    if (k === undefined) continue;
    const key = `${k[0]}#${k[1]}`;
    keyOf.set(a.alertId, key);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { kind: k[0], alerts: [a] });
    else g.alerts.push(a);
  }

  const entries: TimelineEntry[] = [];
  const byText = new Map<string, TimelineEntry>();
  const placed = new Set<string>();
  for (const a of measured) {
    const key = keyOf.get(a.alertId);
    const g = key !== undefined ? groups.get(key) : undefined;
    if (g !== undefined && key !== undefined && g.alerts.length > 1) {
      if (placed.has(key)) continue;
      placed.add(key);
      const last = utc(g.alerts[g.alerts.length - 1].eventTime);
      const time = utc(a.eventTime);
      entries.push({
        time,
        text: countedText(g),
        ref: timelineRef(a),
        count: g.alerts.length,
        ...(last !== time ? { lastTime: last } : {}),
        ...(g.kind === 'load' || g.kind === 'registry' || g.kind === 'file' ? { routine: true } : {}),
      });
      continue;
    }
    // Lines that say the same thing (a storm's copies) fold into the first, which keeps the count and last time.
    const text = describeLine(a, withUser);
    const k = plain(text);
    const time = utc(a.eventTime);
    const seen = byText.get(k);
    if (seen !== undefined) {
      seen.count += 1;
      if (time !== seen.time) seen.lastTime = time;
      continue;
    }
    const entry: TimelineEntry = { time, text, ref: timelineRef(a), count: 1 };
    byText.set(k, entry);
    entries.push(entry);
  }
  // A folded line says its count the way a counted line does, in front.
  for (const e of byText.values()) if (e.count > 1) e.text = rich(`${e.count.toLocaleString('en-US')} × `, e.text);
  return {
    entries: entries.slice(0, limits.timelineEntries),
    omitted: Math.max(0, entries.length - limits.timelineEntries),
  };
}

/** A local clock reading as the source wrote it, without a zone it does not have: `2024-02-15 16:16:05`. */
function localReading(iso: string): string {
  return utc(iso).replace(/Z$/, '');
}

/**
 * The events whose time is a local clock reading with an unknown offset (`time-zone-unverified`), in their own
 * list: placed on the UTC timeline they could be hours off. Oldest reading first; identical lines fold.
 *
 * @example
 * localTimeLines(facts, DEFAULT_LIMITS).entries[0]; // { time: '2024-02-15 16:16:05', text: […], ref: 'Security 4688', count: 1 }
 */
export function localTimeLines(f: IncidentFacts, limits: DraftLimits): { entries: TimelineEntry[]; omitted: number } {
  const entries: TimelineEntry[] = [];
  const byText = new Map<string, TimelineEntry>();
  for (const a of f.unmeasuredTimes ?? f.alerts.filter((x) => !hasMeasuredTime(x))) {
    const text = describeLine(a);
    const time = localReading(a.eventTime);
    const seen = byText.get(plain(text));
    if (seen !== undefined) {
      seen.count += 1;
      if (time !== seen.time) seen.lastTime = time;
      continue;
    }
    const entry: TimelineEntry = { time, text, ref: timelineRef(a), count: 1 };
    byText.set(plain(text), entry);
    entries.push(entry);
  }
  for (const e of entries) if (e.count > 1) e.text = rich(`${e.count.toLocaleString('en-US')} × `, e.text);
  return {
    entries: entries.slice(0, limits.timelineEntries),
    omitted: Math.max(0, entries.length - limits.timelineEntries),
  };
}
