import { contentHash, int, str, toIsoTime } from '../common';
import { hostKey } from '../../model/host';
import type { Alert } from '../../model/alert';
import { RecordRejected } from '../types';
import type { WinEvent } from './win-event';

/** Field readers shared by the Sysmon and generic Windows event mappers. */

/** EventData text by exact field name; empty and `-` (Sysmon's "none") are absent. */
export function field(ev: WinEvent, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = str(ev.data.get(n));
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * A process GUID field. Sysmon writes the all-zero GUID when it does not know the process (a parent that had
 * already exited); kept, it would link every such process to every other one.
 */
export function guidField(ev: WinEvent, ...names: string[]): string | undefined {
  const v = field(ev, ...names);
  return v === undefined || /^\{?[0-]+\}?$/.test(v.trim()) ? undefined : v;
}

/** An integer EventData field (decimal or `0x` hex), else undefined. */
export function intField(ev: WinEvent, ...names: string[]): number | undefined {
  for (const n of names) {
    const v = int(ev.data.get(n));
    if (v !== undefined) return v;
  }
  return undefined;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The event id as an integer 0–65535. @throws RecordRejected naming what was there instead. */
export function eventIdOf(ev: WinEvent): number {
  if (ev.eventId === undefined || ev.eventId === null || ev.eventId === '') {
    throw new RecordRejected('missing EventID');
  }
  const id = int(ev.eventId);
  if (id === undefined || id < 0 || id > 65535) {
    const shown = typeof ev.eventId === 'string' ? JSON.stringify(ev.eventId.slice(0, 40)) : describe(ev.eventId);
    throw new RecordRejected(`invalid EventID: ${shown} is not an event number`);
  }
  return id;
}

const IP_RE = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]+:[0-9a-f:.]*)$/i;

/** The host as the source wrote it. @throws RecordRejected when there is none or it is not text. */
export function hostOf(ev: WinEvent, os?: string): Alert['host'] {
  const v = ev.computer;
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    throw new RecordRejected('missing host: no Computer/Hostname field');
  }
  if (typeof v !== 'string') throw new RecordRejected(`invalid host: ${ev.computerField} is ${describe(v)}, not text`);
  const name = v.trim();
  const fqdn = name.includes('.') && !IP_RE.test(name) ? name : undefined;
  return compact({ name, fqdn, os }) as Alert['host'];
}

/** Did the text name its zone (`Z`, `+02:00`)? Epoch numbers are UTC by definition. */
function hasZone(v: unknown): boolean {
  return typeof v !== 'string' || /(?:Z|z|UTC|[+-]\d{2}:?\d{2})\s*$/.test(v.trim()) || /^\d+(\.\d+)?$/.test(v.trim());
}

/**
 * Event time: Sysmon's `UtcTime` when the event has one (Sysmon writes it in UTC, without a zone), else the system
 * time, flagged, because forwarders' system times are often the collector's local clock.
 */
export function timeOf(ev: WinEvent, flags: string[], preferred?: string): string {
  const utc = preferred === undefined ? undefined : ev.data.get(preferred);
  let utcError: RecordRejected | undefined;
  if (utc !== undefined && str(utc) !== undefined) {
    try {
      return toIsoTime(utc, preferred!);
    } catch (err) {
      if (!(err instanceof RecordRejected)) throw err;
      utcError = err;
    }
  }
  const sys = ev.timeCreated;
  if (sys === undefined || sys === null || sys === '') {
    if (utcError) throw utcError;
    throw new RecordRejected(`missing time: no ${preferred ? `${preferred} or ` : ''}${ev.timeField}`);
  }
  let iso: string;
  try {
    iso = toIsoTime(sys, ev.timeField);
  } catch (err) {
    throw utcError ?? err;
  }
  if (utcError) flags.push('utctime-invalid');
  if (preferred !== undefined) flags.push('time-from-timecreated');
  if (ev.timeZoneUnknown || !hasZone(sys)) flags.push('time-zone-unverified');
  return iso;
}

const WELL_KNOWN_SIDS: Record<string, { name: string; domain: string }> = {
  'S-1-5-18': { name: 'SYSTEM', domain: 'NT AUTHORITY' },
  'S-1-5-19': { name: 'LOCAL SERVICE', domain: 'NT AUTHORITY' },
  'S-1-5-20': { name: 'NETWORK SERVICE', domain: 'NT AUTHORITY' },
};

/** `DOMAIN\name` → name + domain; `name@domain` and bare names stay whole; a SID alone keeps its SID. */
export function accountOf(text: string | undefined, sid?: string): Alert['user'] {
  if (text === undefined) {
    if (sid === undefined) return undefined;
    const known = Object.prototype.hasOwnProperty.call(WELL_KNOWN_SIDS, sid) ? WELL_KNOWN_SIDS[sid] : undefined;
    return compact({ name: known?.name ?? sid, domain: known?.domain, sid }) as Alert['user'];
  }
  const t = text.trim();
  const slash = t.lastIndexOf('\\');
  if (slash > 0 && slash < t.length - 1) {
    return compact({ name: t.slice(slash + 1), domain: t.slice(0, slash), sid }) as Alert['user'];
  }
  return compact({ name: t, sid }) as Alert['user'];
}

/** EventRecordID as text when it is a number or text; anything else is no record id. */
export function recordIdOf(ev: WinEvent): string | undefined {
  const n = int(ev.recordId);
  if (n !== undefined) return String(n);
  return typeof ev.recordId === 'string' ? str(ev.recordId)?.trim() : undefined;
}

/**
 * Alert id from the event log's own identity: host + channel + EventRecordID. Without a record id, a hash of what
 * identifies the event itself: host, channel, event id, its time and its fields. The time is part of it: the same
 * "audit log cleared" event on three days has identical fields, and is three events, not one and two duplicates.
 * The same event delivered twice still gets one id (same time, same content).
 */
export function alertIdOf(
  prefix: string,
  ev: WinEvent,
  host: string,
  eventId: number,
  defaultChannel: string,
  eventTime: string,
): string {
  const h = hostKey(host);
  const channel = (ev.channel ?? defaultChannel).toLowerCase();
  const record = recordIdOf(ev);
  if (record !== undefined) return `${prefix}:${h}:${channel}:${record}`;
  // Map keys are distinct strings, so the default sort (by UTF-16 code units, as `<` compares) orders them the same.
  const fields = [...ev.data.keys()].sort().map((k) => [k, ev.data.get(k)]);
  return `${prefix}:${h}:${contentHash(JSON.stringify([h, channel, eventId, eventTime, fields]))}`;
}

/** Drop undefined members; undefined when nothing is left, so absent blocks stay absent. */
export function compact<T extends object>(o: T): T | undefined {
  // A loop over own keys, not Object.entries: this runs for every part of every alert, and the pairs were garbage.
  const out: Record<string, unknown> = {};
  let kept = false;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    const v: unknown = o[k];
    if (v === undefined) continue;
    out[k] = v;
    kept = true;
  }
  return kept ? (out as T) : undefined;
}
