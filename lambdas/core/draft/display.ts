import { isIP } from 'node:net';
import { defang, quoteSource } from '../enrich';
import { defangText } from '../enrich/defang';
import type { SourceProduct } from '../model/alert';
import { productColumn } from '../model/products';
import type { EnrichedAlert, Ioc } from '../model/enrichment';
import { baseName } from '../windows';
import { code, oneLine, prose } from './text';
import type { Rich, Span } from '../model/report';

/** How alerts are named in a report: source event references, actors, defanged network values. */

/** Full product names (`CrowdStrike Falcon`), from the product table. */
export const PRODUCT_NAMES: Readonly<Record<SourceProduct, string>> = productColumn('name');

/** Short product names for event references (`CrowdStrike`), from the product table. */
const REF_NAMES: Readonly<Record<SourceProduct, string>> = productColumn('shortName');

/** Sysmon's names for its event ids, for when a source gave the id but no name. */
export const SYSMON_EVENT_NAMES: Readonly<Record<number, string>> = {
  1: 'Process Create',
  2: 'File creation time changed',
  3: 'Network connection',
  5: 'Process terminated',
  6: 'Driver loaded',
  7: 'Image loaded',
  8: 'CreateRemoteThread',
  9: 'RawAccessRead',
  10: 'ProcessAccess',
  11: 'FileCreate',
  12: 'Registry object added or deleted',
  13: 'Registry value set',
  14: 'Registry object renamed',
  15: 'FileCreateStreamHash',
  17: 'Pipe Created',
  18: 'Pipe Connected',
  19: 'WmiEventFilter activity detected',
  20: 'WmiEventConsumer activity detected',
  21: 'WmiEventConsumerToFilter activity detected',
  22: 'DNSEvent (DNS query)',
  23: 'FileDelete (archived)',
  24: 'ClipboardChange',
  25: 'ProcessTampering',
  26: 'FileDeleteDetected',
  27: 'FileBlockExecutable',
  28: 'FileBlockShredding',
  29: 'FileExecutableDetected',
};

/** Characters an id may keep in a reference: the rest of a hostile vendor id is dropped. */
function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9:._-]/g, '').slice(0, 48);
}

/**
 * The record id of an alert: the vendor id when there is one; for a Windows event (Sysmon's or another channel's),
 * the EventRecordID its alert id ends with (`sysmon:host:channel:483204`). An alert id that ends with a content hash
 * instead (a record exported without its EventRecordID) has no record id: its digits are no event's number.
 */
function recordId(a: EnrichedAlert): string | undefined {
  if (a.source.vendorId !== undefined) {
    const id = safeId(a.source.vendorId);
    if (id !== '') return id;
  }
  if (a.source.product === 'sysmon' || a.source.format === 'windows-event') {
    const parts = a.alertId.split(':');
    const last = parts[parts.length - 1] ?? '';
    if (parts.length >= 4 && /^\d+$/.test(last)) return last;
  }
  return undefined;
}

/** The name an event reference starts with: `Sysmon 13`, `Windows 4688`, `CrowdStrike`. */
function refName(a: EnrichedAlert): string {
  const windows = a.source.product === 'generic' && a.source.format === 'windows-event';
  const name = windows ? 'Windows' : (REF_NAMES[a.source.product] ?? 'Alert');
  const numbered = a.source.product === 'sysmon' || windows;
  return a.eventCode !== undefined && numbered ? `${name} ${a.eventCode}` : name;
}

/**
 * Source event reference: `Sysmon 13 #483204`, `CrowdStrike #ldt:8c2…`; without a record id, the short form of the
 * alert's own id (`Windows 4656 alert 066930d2`), which the raw-events attachment carries beside the record.
 */
export function eventRef(a: EnrichedAlert): string {
  const id = recordId(a);
  if (id !== undefined) return `${refName(a)} #${id}`;
  const own = a.alertId.split(':').pop() ?? a.alertId;
  return `${refName(a)} alert ${safeId(own).slice(0, 8)}`;
}

/** Human name of the event: the source's, else Sysmon's table, else the canonical type. */
export function eventName(a: EnrichedAlert): string {
  if (a.eventName !== undefined && a.eventName.trim() !== '') return oneLine(a.eventName);
  if (a.source.product === 'sysmon' && a.eventCode !== undefined && SYSMON_EVENT_NAMES[a.eventCode] !== undefined) {
    return SYSMON_EVENT_NAMES[a.eventCode];
  }
  return a.eventType.replace(/_/g, ' ');
}

/**
 * Whether the event's name is the pipeline's own words (Sysmon's table, the canonical event type) rather than text
 * the source sent (an EDR's or a generic alert's `event_name`, which whoever writes the alert chooses).
 */
function ownEventName(a: EnrichedAlert): boolean {
  return a.source.product === 'sysmon' || a.eventName === undefined || a.eventName.trim() === '';
}

/** The event's name as a span: the pipeline's words as prose, a name the source sent as a literal value (code). */
export function eventNameSpan(a: EnrichedAlert): Span {
  return ownEventName(a) ? prose(eventName(a)) : code(eventName(a));
}

/**
 * Detection source line: `Sysmon (Event ID 13 – Registry value set)`, `CrowdStrike Falcon (detection)`; an event
 * name the source sent is a literal value (`Generic alert (`Malicious Activity`)`), never prose of the report.
 */
export function detectionSource(a: EnrichedAlert): Rich {
  const product = PRODUCT_NAMES[a.source.product] ?? a.source.product;
  if (a.source.product === 'sysmon' && a.eventCode !== undefined) {
    return [prose(`${product} (Event ID ${a.eventCode} – ${eventName(a)})`)];
  }
  return [prose(`${product} (`), eventNameSpan(a), prose(')')];
}

/** Sysmon writes these when it could not resolve a process; they name nobody. */
const UNKNOWN_IMAGES = new Set(['<unknown process>', 'unknown', '-', '']);

/** The image path if it names a real file, else undefined. */
export function knownImage(image: string | undefined): string | undefined {
  if (image === undefined) return undefined;
  return UNKNOWN_IMAGES.has(image.trim().toLowerCase()) ? undefined : image;
}

/** `powershell.exe (PID 7842)`, `an unnamed process (PID 4880)` (the events did not name it). */
export function actorLabel(p: { image?: string; pid?: number } | undefined): string {
  const image = knownImage(p?.image);
  const pid = p?.pid !== undefined ? ` (PID ${p.pid})` : '';
  if (image !== undefined) return `${oneLine(baseName(image))}${pid}`;
  return `an unnamed process${pid}`;
}

/**
 * Defanged display of a network value. The enrichment's IOC carries the canonical defanged form; when the value
 * is not among the IOCs (a private address, a name the extractor skipped), it is defanged the same way here, so no
 * network value is ever shown live.
 */
export function defangValue(value: string, iocs: Ioc[]): string {
  const low = value.toLowerCase();
  const hit = iocs.find((i) => i.value.toLowerCase() === low);
  if (hit !== undefined) return oneLine(hit.defanged);
  const v = oneLine(value);
  const type = /^https?:\/\//i.test(v) ? 'url' : isIP(v) === 4 ? 'ipv4' : isIP(v) === 6 ? 'ipv6' : 'domain';
  // Text that is no single name (a hostile "query" with spaces and a URL in it) is defanged as text, so the URL in
  // it is caught whole before its dots are bracketed.
  if (type === 'domain' && !/^[A-Za-z0-9._-]+$/.test(v)) return defangText(v);
  return defang(type, v);
}

/**
 * The actor where only plain text can go (a table cell): a named image quoted, `“powershell.exe” (PID 7842)`, an
 * unnamed one described.
 */
export function actorText(p: { image?: string; pid?: number } | undefined): string {
  const image = knownImage(p?.image);
  if (image === undefined) return actorLabel(p);
  const pid = p?.pid !== undefined ? ` (PID ${p.pid})` : '';
  return `${quoteSource('', baseName(image), 120).trimStart()}${pid}`;
}

/** The actor as a span: a named image is a literal value (code); a description of an unnamed one is prose. */
export function actor(p: { image?: string; pid?: number } | undefined): Span {
  return knownImage(p?.image) !== undefined ? code(actorLabel(p)) : prose(actorLabel(p));
}
