import type { EnrichedAlert } from '../model/enrichment';
import type { NextQuery } from '../model/report';
import type { IncidentFacts } from './facts';
import { earliestNonSystemAncestor, parentOf } from './facts';
import type { AutostartValue } from './autostart-values';
import type { PersistenceFact } from './persistence';
import { credentialPathSet, credentialFiles } from './credential-material';
import {
  BROWSERS,
  MAIL_CLIENTS,
  OFFICE_APPS,
  baseKey,
  baseName,
  displayPath,
  forScan,
  isInstalledLocation,
  isUserWritable,
  normalizePath,
} from '../windows';
import { distinct, oneLine } from './text';

/**
 * The searches an analyst runs next, each built from this incident's own fields: the logon session behind the
 * activity, where the first file came from, whether the persistence has fired since it was written, the mail that
 * carried a document, the hash across the fleet, the same names on other hosts, and what the parent process did
 * before. Each is one vendor-neutral line, `field = "value" AND … | time …`, for the analyst to translate into the
 * SIEM's language: never JQL, and every value quoted and escaped as data (`\` and `"` escaped, controls shown), so an
 * intruder's file name cannot change the query it sits in.
 */

/** Most queries in a ticket: one line each, the most telling first. */
export const MAX_QUERIES = 7;
const MAX_HASHES = 3;
const MAX_NAMES = 3;
/** How far back a fleet-wide search looks. */
const FLEET_DAYS = 30;
/** How far back the mail search looks before the first event. */
const MAIL_DAYS = 7;

/** The SHA256 of zero bytes: every empty file on every host has it, so a fleet hunt for it finds everything. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Logon ids that are Windows' own sessions (SYSTEM, LOCAL SERVICE, NETWORK SERVICE): no 4624 to find. */
const SYSTEM_LOGON_IDS: ReadonlySet<string> = new Set(['0x3e7', '0x3e5', '0x3e4', '0x0']);

/** A value as query data: one line, controls visible, `\` and `"` escaped, in double quotes. */
export function queryValue(value: string): string {
  return `"${oneLine(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `2024-02-15T21:16:05Z`: ISO without milliseconds, as every SIEM's time picker reads it. */
function isoSecond(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

function daysBefore(iso: string, days: number): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? isoSecond(new Date(t - days * 86_400_000).toISOString()) : isoSecond(iso);
}

const hostClause = (f: IncidentFacts): string => `host = ${queryValue(f.hostDisplay)}`;

/** The LogonId of an alert, from its raw record (Sysmon `<Data Name='LogonId'>`, or a JSON key named for it). */
export function logonIdOf(a: EnrichedAlert): string | undefined {
  const raw = a.raw;
  let id: string | undefined;
  if (typeof raw === 'string') {
    id = /<Data Name=['"](?:Target)?LogonId['"]>\s*(0x[0-9a-f]{1,16}|\d{1,20})\s*</i.exec(forScan(raw))?.[1];
  } else id = findKey(raw, /^(?:target_?logon_?id|logon_?id)$/i, 4);
  if (id === undefined) return undefined;
  const hex = /^0x[0-9a-f]+$/i.test(id) ? id : /^\d+$/.test(id) ? `0x${BigInt(id).toString(16)}` : undefined;
  if (hex === undefined) return undefined;
  const norm = `0x${hex
    .slice(2)
    .replace(/^0+(?=.)/, '')
    .toUpperCase()}`;
  return SYSTEM_LOGON_IDS.has(norm.toLowerCase()) ? undefined : norm;
}

/** Most nodes of a raw JSON record searched for a LogonId: a hostile record's width and depth cost nothing more. */
const MAX_NODES = 2000;

/** The first string or number under a key matching `re`, breadth-first, at most `depth` levels and `MAX_NODES` nodes. */
function findKey(root: unknown, re: RegExp, depth: number): string | undefined {
  let level: unknown[] = [root];
  let visited = 0;
  for (let d = 0; d <= depth && level.length > 0; d++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (v === null || typeof v !== 'object') continue;
      for (const [k, x] of Object.entries(v)) {
        if (++visited > MAX_NODES) return undefined;
        if (re.test(k) && (typeof x === 'string' || typeof x === 'number')) return String(x).trim();
        if (x !== null && typeof x === 'object') next.push(x);
      }
    }
    level = next;
  }
  return undefined;
}

function sessionQueries(f: IncidentFacts): NextQuery[] {
  const ids = distinct(f.alerts.flatMap((a) => logonIdOf(a) ?? []));
  return ids.slice(0, 2).map((id) => ({
    question: `How did logon session ${id} start, and with admin rights?`,
    source: 'Windows Security log',
    query: `${hostClause(f)} AND event_id IN (4624, 4672) AND logon_id = ${queryValue(id)} | time <= ${isoSecond(f.firstSeen)}`,
  }));
}

/** Folders a file lands in when it arrives from outside: downloads, temp, Outlook's attachment cache. */
const ARRIVAL_FOLDER = /\\(?:downloads|temp|inetcache|content\.outlook|temporary internet files)\\/;
const DOCUMENT_EXT = 'docx?|docm|xlsx?|xlsm|xlsb|pptx?|pptm|rtf|one|pdf|iso|img|zip|rar|7z|lnk|hta|js|vbs|wsf';
/** A quoted document path (spaces allowed), else a bare one: `WINWORD.EXE /n "C:\…\invoice 42.docm"`. */
const QUOTED_DOCUMENT = new RegExp(`"([^"]{1,260}\\.(?:${DOCUMENT_EXT}))"`, 'i');
const BARE_DOCUMENT = new RegExp(`(?:^|\\s)([^\\s"<>|]{1,260}\\.(?:${DOCUMENT_EXT}))(?=\\s|$)`, 'i');

/** A document an Office application was started to open, with its path as written and its file name. */
function officeDocuments(f: IncidentFacts): { app: string; path: string; name: string }[] {
  const out: { app: string; path: string; name: string }[] = [];
  for (const p of f.graph.procs.values()) {
    if (p.image === undefined || !OFFICE_APPS.has(baseKey(p.image)) || p.commandLine === undefined) continue;
    const cmd = forScan(p.commandLine);
    const m = QUOTED_DOCUMENT.exec(cmd) ?? BARE_DOCUMENT.exec(cmd);
    if (m === null) continue;
    out.push({ app: baseName(p.image), path: m[1], name: baseName(m[1]) });
  }
  return distinct(out, (d) => d.name.toLowerCase());
}

function originQueries(f: IncidentFacts): NextQuery[] {
  const candidates: string[] = [];
  const root = earliestNonSystemAncestor(f);
  if (root?.image !== undefined && isUserWritable(root.image)) candidates.push(root.image);
  for (const d of officeDocuments(f)) if (/^[a-z]:\\/i.test(d.path)) candidates.push(d.path);
  // A file a browser or mail client wrote into a download or attachment folder: its stream names the source URL.
  for (const x of f.files) {
    const writer = x.proc?.image !== undefined ? baseKey(x.proc.image) : undefined;
    const fetcher = writer !== undefined && (BROWSERS.has(writer) || MAIL_CLIENTS.has(writer));
    if (fetcher && x.action !== 'loaded' && ARRIVAL_FOLDER.test(normalizePath(x.path))) candidates.push(x.path);
  }
  const documents = new Set(officeDocuments(f).map((d) => normalizePath(d.path)));
  return distinct(candidates, normalizePath)
    .slice(0, 2)
    .map((path) => ({ path, kind: documents.has(normalizePath(path)) ? 'document' : 'file' }))
    .map(({ path, kind }) => ({
      question: `Where did the ${kind} come from (its Zone.Identifier)?`,
      // Sysmon 15 records the stream; without Sysmon the EDR's file events, or the file on the host, hold it.
      source: f.alerts.some((a) => a.source.product === 'sysmon') ? 'Sysmon' : 'EDR file events or the host',
      query: `${hostClause(f)} AND event_id = 15 AND file.path = ${queryValue(`${displayPath(path)}:Zone.Identifier`)}`,
    }));
}

/** What a persistence entry starts, as text a process-creation command line will contain. */
function firedMarker(p: PersistenceFact | AutostartValue): string | undefined {
  const payload = p.payload;
  if (payload !== undefined) return displayPath(payload);
  if ('kind' in p && p.kind === 'scheduled-task') return p.action;
  if ('kind' in p && p.kind === 'service') return p.path;
  return 'kind' in p ? undefined : p.data;
}

/** What kind of entry it is, in plain words (its name, the intruder's, stays in the query). */
function label(p: PersistenceFact | AutostartValue): string {
  if (!('kind' in p)) return p.technique === 'T1037.001' ? 'the logon script' : 'the autostart value';
  switch (p.kind) {
    case 'run-key':
      return 'the Run value';
    case 'startup-folder':
      return 'the Startup item';
    case 'scheduled-task':
      return 'the task';
    case 'service':
      return 'the service';
    case 'wmi-subscription':
      return 'the WMI subscription';
  }
}

function firedQueries(f: IncidentFacts, entries: (PersistenceFact | AutostartValue)[]): NextQuery[] {
  const out: NextQuery[] = [];
  for (const p of entries) {
    const since = isoSecond(p.alert.eventTime);
    const marker = firedMarker(p);
    if ('kind' in p && p.kind === 'wmi-subscription') {
      out.push({
        question: `Has ${label(p)} fired since it was written?`,
        source: 'Sysmon',
        query: `${hostClause(f)} AND event_id = 1 AND process.parent.name = "WmiPrvSE.exe" | time >= ${since}`,
      });
      continue;
    }
    if (marker === undefined || oneLine(marker) === '') continue;
    out.push({
      question: `Has ${label(p)} fired since it was written?`,
      source: 'Sysmon or EDR',
      query: `${hostClause(f)} AND event_id = 1 AND process.command_line CONTAINS ${queryValue(marker)} | time >= ${since}`,
    });
  }
  return distinct(out, (q) => q.query).slice(0, 3);
}

function mailQueries(f: IncidentFacts): NextQuery[] {
  const names = officeDocuments(f).map((d) => d.name);
  // A file in Outlook's attachment cache was opened from a mail.
  for (const x of f.files) if (/\\content\.outlook\\/.test(normalizePath(x.path))) names.push(baseName(x.path));
  const user = f.users.find((u) => !u.system);
  return distinct(names, (n) => n.toLowerCase())
    .slice(0, 2)
    .map((name) => ({
      question: 'Who else received this attachment, and from whom?',
      source: 'mail gateway',
      query: `mail.attachment.name = ${queryValue(name)}${user !== undefined ? ` AND mail.recipient CONTAINS ${queryValue(user.key)}` : ''} | time from ${daysBefore(f.firstSeen, MAIL_DAYS)} to ${isoSecond(f.lastSeen)}`,
    }));
}

/**
 * SHA256s worth hunting: what the incident brought or wrote, not Windows' own binaries (rundll32, powershell) nor
 * credential material (a dump's hash matches nothing elsewhere).
 */
export function huntableHashes(f: IncidentFacts): string[] {
  const written = new Set(f.files.map((x) => normalizePath(x.path)));
  const credentials = credentialPathSet(credentialFiles(f));
  const excluded = new Set(
    [...f.graph.procs.values()]
      .filter((p) => p.image !== undefined && isInstalledLocation(p.image) && !written.has(normalizePath(p.image)))
      .flatMap((p) => Object.values(p.hashes ?? {}).map((h) => h.toLowerCase())),
  );
  for (const x of f.files) if (x.sha256 !== undefined && credentials.has(normalizePath(x.path))) excluded.add(x.sha256);
  excluded.add(EMPTY_SHA256);
  return distinct(
    f.iocs.filter((i) => i.type === 'sha256' && !excluded.has(i.value.toLowerCase())).map((i) => i.value.toLowerCase()),
  );
}

function hashQueries(f: IncidentFacts): NextQuery[] {
  const hashes = huntableHashes(f).slice(0, MAX_HASHES);
  if (hashes.length === 0) return [];
  const values = hashes.map(queryValue);
  return [
    {
      question: hashes.length === 1 ? 'Which other hosts have this file?' : 'Which other hosts have these files?',
      source: 'EDR or SIEM, all hosts',
      query: `${values.length === 1 ? `hash.sha256 = ${values[0]}` : `hash.sha256 IN (${values.join(', ')})`} | all hosts | time last ${FLEET_DAYS} days`,
    },
  ];
}

/** The same persistence names on other hosts: names made to pass for Windows components are reused. */
function nameQueries(entries: (PersistenceFact | AutostartValue)[]): NextQuery[] {
  const clauses: string[] = [];
  for (const p of entries) {
    if (!('kind' in p)) clauses.push(`registry.value_name = ${queryValue(p.valueName)}`);
    else if (p.kind === 'run-key') clauses.push(`registry.value_name = ${queryValue(p.valueName)}`);
    else if (p.kind === 'scheduled-task') clauses.push(`task.name = ${queryValue(p.name)}`);
    else if (p.kind === 'service') clauses.push(`service.name = ${queryValue(p.name)}`);
  }
  const unique = distinct(clauses).slice(0, MAX_NAMES);
  if (unique.length === 0) return [];
  return [
    {
      question: 'Which other hosts have the same persistence names?',
      source: 'EDR or SIEM, all hosts',
      query: `${unique.length === 1 ? unique[0] : `(${unique.join(' OR ')})`} | all hosts | time last ${FLEET_DAYS} days`,
    },
  ];
}

/** A GUID as Sysmon writes it, in braces (the process graph keeps it bare). */
const sysmonGuid = (guid: string): string => (/^[0-9a-f-]{36}$/i.test(guid) ? `{${guid}}` : guid);

function parentQueries(f: IncidentFacts): NextQuery[] {
  const root = earliestNonSystemAncestor(f);
  if (root === undefined) return [];
  const until = isoSecond(root.created?.eventTime ?? root.firstSeen);
  // A chain under installed server software (sqlservr.exe, w3wp.exe): what else that process started is the question.
  if (root.image !== undefined && isInstalledLocation(root.image) && root.pid !== undefined) {
    return [
      {
        question: `What else did the server process (PID ${root.pid}) start in the days before?`,
        source: 'Sysmon or EDR',
        query: `${hostClause(f)} AND event_id = 1 AND process.parent.pid = ${root.pid} AND process.parent.name = ${queryValue(baseName(root.image))} | time from ${daysBefore(until, 7)} to ${isoSecond(f.lastSeen)}`,
      },
    ];
  }
  const parent = parentOf(f, root);
  if (parent?.image === undefined) return [];
  const id =
    parent.guid !== undefined
      ? /^[0-9a-f-]{36}$/i.test(parent.guid)
        ? `process.guid = ${queryValue(sysmonGuid(parent.guid))}`
        : `process.entity_id = ${queryValue(parent.guid)}`
      : parent.pid !== undefined
        ? `process.pid = ${parent.pid} AND process.name = ${queryValue(baseName(parent.image))}`
        : undefined;
  if (id === undefined) return [];
  return [
    {
      question: `What did the parent process${parent.pid !== undefined ? ` (PID ${parent.pid})` : ''} do before it started the chain (files opened, connections, other children)?`,
      source: 'Sysmon or EDR',
      query: `${hostClause(f)} AND ${id} | time from ${daysBefore(until, 1)} to ${until}`,
    },
  ];
}

/**
 * The next queries for an incident, most telling first, at most `MAX_QUERIES`. Pure: built only from the facts
 * (and the LogonId in the raw records), the same incident always giving the same lines.
 *
 * @example
 * nextQueries(facts, persistence)[0].query
 * // 'host = "FIN-WS-034" AND event_id IN (4624, 4672) AND logon_id = "0x3EA517" | time <= 2024-02-15T21:16:05Z'
 */
export function nextQueries(f: IncidentFacts, extra: readonly AutostartValue[] = []): NextQuery[] {
  const entries: (PersistenceFact | AutostartValue)[] = [...f.persistence, ...extra];
  return [
    ...sessionQueries(f),
    ...originQueries(f),
    ...firedQueries(f, entries),
    ...mailQueries(f),
    ...hashQueries(f),
    ...nameQueries(entries),
    ...parentQueries(f),
  ].slice(0, MAX_QUERIES);
}
