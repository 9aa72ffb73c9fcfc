import { createHash } from 'node:crypto';
import type { EnrichedAlert } from '../model/enrichment';
import { eventRef } from './display';
import { DEFAULT_ATTACHMENT_MAX_BYTES } from './limits';
import type { DraftLimits } from './limits';
import { byText, clip, utc } from './text';
import type { RawEvidence } from '../model/report';

/**
 * Raw evidence: each analysed alert's original record, kept out of the ticket description and attached to the
 * ticket as one file (`rawEventsFile`), where the timeline cites each record by its reference (`evidenceRef`).
 */

function recordText(raw: unknown): string {
  if (raw === undefined || raw === null) return 'The source kept no raw record for this alert.';
  if (typeof raw === 'string') return raw;
  const json = JSON.stringify(
    raw,
    (_k, v: unknown) => (v === null ? undefined : Array.isArray(v) ? v.filter((x) => x !== null) : v),
    2,
  );
  return json ?? 'The raw record could not be shown as text.';
}

/** `Sysmon 13 #483204 · registry value set · 2024-02-15 21:25:03Z`: reference, canonical type and time only. */
function title(a: EnrichedAlert): string {
  const kind = a.eventType.replace(/[^a-z0-9_]/gi, '').replace(/_/g, ' ') || 'event';
  return `${eventRef(a)} · ${kind} · ${utc(a.eventTime)}`;
}

/**
 * The report model's raw-evidence sample (`IncidentReport.rawEvidence`): the renderers count it and no longer print
 * it; the records themselves go to the ticket as its attachment (`rawEventsFile`).
 */
export function rawEvidence(alerts: EnrichedAlert[], limits: DraftLimits): { records: RawEvidence[]; omitted: number } {
  const records = alerts.slice(0, limits.rawRecords).map((a): RawEvidence => {
    // Cut before pretty-printing work grows with a hostile 10 MB record: a string is sliced, an object printed once.
    const full = recordText(a.raw);
    const text = clip(full, limits.rawChars);
    return {
      alertId: a.alertId,
      title: title(a),
      text,
      chars: full.length,
      truncated: a.rawTruncated || text !== full,
      severity: a.enrichment.severity.score,
    };
  });
  return { records, omitted: Math.max(0, alerts.length - records.length) };
}

// ---- the raw-events attachment ------------------------------------------------------------------------------

/**
 * The reference under which an alert's raw record appears in the attachment, and by which the ticket's timeline
 * cites it: the source event id (`Sysmon 13 #483204`, `CrowdStrike #ldt:8c2…`). Derived from the alert alone,
 * never from its position, so a reference stays right when later events join the incident and the file is
 * replaced.
 *
 * @example
 * evidenceRef(alert); // 'Sysmon 13 #483204'
 */
export function evidenceRef(a: EnrichedAlert): string {
  return eventRef(a);
}

/** Every raw-events file this integration attaches starts with this: the sync replaces only files so named. */
export const RAW_EVENTS_FILE_PREFIX = 'raw-events-';

/** Bytes kept free for the closing lines (the cut marker and the XML end tag), so a cut file still fits. */
const TRAILER_BYTES = 1024;

export interface RawEventsInput {
  incidentId: string;
  /** The incident's alerts that were loaded (any order: the file orders them by time, then alert id). */
  alerts: readonly EnrichedAlert[];
  /** Unique alerts the incident counts; more than `alerts.length` when only a sample was loaded. */
  alertCount?: number;
}

export interface RawEventsOptions {
  /** Largest file to produce, in bytes (UTF-8). Default `DEFAULT_ATTACHMENT_MAX_BYTES`. */
  maxBytes?: number;
}

/** One file per ticket holding the incident's events as received. */
export interface RawEventsFile {
  /** `raw-events-<8 hex of the content hash>.xml|.jsonl`: a new name whenever the content changes. */
  fileName: string;
  mediaType: 'application/xml' | 'application/x-ndjson';
  format: 'xml' | 'jsonl';
  content: string;
  /** UTF-8 size of `content`. */
  bytes: number;
  /** Events written to the file. */
  events: number;
  /** Events left out so the file fits `maxBytes` (the newest ones; the file says so). */
  cutForSize: number;
  /** Events the incident counts that were not loaded for drafting (sampling); the file says so. */
  notLoaded: number;
}

/** XML text of a Sysmon record that arrived as XML (the form the alert keeps when the record came as XML). */
function isXmlText(raw: unknown): raw is string {
  return typeof raw === 'string' && /^\s*</.test(raw);
}

/** Text safe inside an XML comment: no `--`, no control characters, one line. */
function commentText(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/-{2,}/g, (m) => m.split('').join(' '))
    .replace(/-$/, '- ');
}

/** CDATA that survives any text: `]]>` is split across two sections. */
function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** One event in the XML file: a comment naming it, then the `<Event>` element as received. */
function xmlEntry(a: EnrichedAlert, raw: string): string {
  const head = `<!-- ${commentText(`${evidenceRef(a)} · ${utc(a.eventTime)} · alert ${a.alertId}`)} -->`;
  // A record cut at ingest is no longer well-formed XML: kept as text so the file still parses.
  if (a.rawTruncated) {
    return `${head}\n<TruncatedEvent note="cut at ingest: the start of the record as received">${cdata(raw)}</TruncatedEvent>\n`;
  }
  // An XML declaration may only open a document: drop one the record carried.
  return `${head}\n${raw.replace(/^\s*<\?xml[^>]*\?>\s*/, '').trim()}\n`;
}

/** One event in the JSON Lines file: its reference and the record as received (XML or a cut record as text). */
function jsonEntry(a: EnrichedAlert): string {
  const format = isXmlText(a.raw) ? 'xml' : 'json';
  const line = {
    ref: evidenceRef(a),
    alertId: a.alertId,
    time: a.eventTime,
    format,
    ...(a.rawTruncated ? { truncated: true } : {}),
    record: a.raw === undefined ? null : a.raw,
  };
  return `${JSON.stringify(line)}\n`;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function sentenceOf(cut: number, notLoaded: number, maxBytes: number): string | undefined {
  const parts: string[] = [];
  if (cut > 0) parts.push(`${cut} later event(s) were cut so this file stays within ${maxBytes} bytes`);
  if (notLoaded > 0) parts.push(`${notLoaded} event(s) of the incident were not loaded for the ticket (sample)`);
  return parts.length > 0 ? `Not complete: ${parts.join('; ')}.` : undefined;
}

/**
 * Build the raw-events attachment of a ticket: the incident's events as received, oldest first, each under its
 * `evidenceRef`. Sysmon XML only → an XML file (`<Events>` holding each `<Event>` as received, a comment before each
 * naming it); anything else → JSON Lines, one object per event `{ref, alertId, time, format, truncated?, record}`
 * where `record` is the JSON record as received (or the XML text). Past `maxBytes` the newest events are left out
 * and the file ends with a marker that says how many; it never fails. Pure and deterministic.
 *
 * @example
 * const file = rawEventsFile({ incidentId, alerts: view.alerts, alertCount: view.alertCount });
 * file.fileName; // 'raw-events-3f9a1c2b.xml'
 */
export function rawEventsFile(input: RawEventsInput, opts: RawEventsOptions = {}): RawEventsFile {
  const maxBytes = Math.max(TRAILER_BYTES * 2, opts.maxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES);
  const alerts = [...input.alerts].sort((a, b) => byText(a.eventTime, b.eventTime) || byText(a.alertId, b.alertId));
  const notLoaded = Math.max(0, (input.alertCount ?? alerts.length) - alerts.length);
  const xml = alerts.length > 0 && alerts.every((a) => isXmlText(a.raw));
  const open = xml
    ? `<?xml version="1.0" encoding="UTF-8"?>\n<!-- ${commentText(
        `Raw events of incident ${input.incidentId}, as received, oldest first. Each event follows a comment with its reference, as the ticket's timeline cites it.`,
      )} -->\n<Events>\n`
    : '';
  const entries: string[] = [];
  let bytes = utf8Bytes(open);
  for (const a of alerts) {
    const entry = xml ? xmlEntry(a, a.raw as string) : jsonEntry(a);
    const size = utf8Bytes(entry);
    // Stop at the first event that does not fit: the file stays a prefix in time order, which the marker describes.
    if (bytes + size > maxBytes - TRAILER_BYTES) break;
    entries.push(entry);
    bytes += size;
  }
  const cutForSize = alerts.length - entries.length;
  const note = sentenceOf(cutForSize, notLoaded, maxBytes);
  let close = '';
  if (xml) close = `${note ? `<!-- ${commentText(note)} -->\n` : ''}</Events>\n`;
  else if (note) close = `${JSON.stringify({ note, cutForSize, notLoaded })}\n`;
  const content = open + entries.join('') + close;
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 8);
  return {
    fileName: `${RAW_EVENTS_FILE_PREFIX}${hash}.${xml ? 'xml' : 'jsonl'}`,
    mediaType: xml ? 'application/xml' : 'application/x-ndjson',
    format: xml ? 'xml' : 'jsonl',
    content,
    bytes: utf8Bytes(content),
    events: entries.length,
    cutForSize,
    notLoaded,
  };
}
