import * as crypto from 'node:crypto';
import { RecordRejected } from './types';

/** Shared helpers for format adapters: reading loosely typed JSON safely, times, severities, raw capping. */

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own-property path lookup (`a.b.c`); never walks the prototype chain. */
export function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** A non-empty string (numbers become text), else undefined. Empty and `-` (Sysmon's "none") are absent. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' || t === '-' ? undefined : v;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  return undefined;
}

/** First non-empty string among the paths. */
export function firstStr(obj: unknown, ...paths: string[]): string | undefined {
  for (const p of paths) {
    const s = str(get(obj, p));
    if (s !== undefined) return s;
  }
  return undefined;
}

/** An integer from a number or numeric/hex text, else undefined. */
export function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^-?\d{1,15}$/.test(t)) return Number(t);
    if (/^0x[0-9a-f]{1,13}$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  }
  return undefined;
}

export function firstInt(obj: unknown, ...paths: string[]): number | undefined {
  for (const p of paths) {
    const n = int(get(obj, p));
    if (n !== undefined) return n;
  }
  return undefined;
}

/** Earliest plausible and latest plausible event times: outside is a broken clock or a forged record. */
const MIN_TIME = Date.UTC(1990, 0, 1);
const MAX_FUTURE_MS = 2 * 24 * 3600 * 1000;

/**
 * Parse an event time to UTC ISO-8601. Accepts ISO-8601 (with or without zone; no zone means UTC, as Sysmon's
 * UtcTime), `YYYY-MM-DD HH:MM:SS.mmm`, epoch seconds / milliseconds / microseconds / nanoseconds (number or text),
 * and 7-digit fractions (`2024-02-15T21:25:03.1234567Z`). Throws RecordRejected naming the field.
 */
export function toIsoTime(v: unknown, field: string, now: number = Date.now()): string {
  let ms: number | undefined;
  if (typeof v === 'number' || (typeof v === 'string' && /^\d{9,19}(\.\d+)?$/.test(v.trim()))) {
    const n = Number(v);
    if (Number.isFinite(n)) {
      // Pick the unit that lands in a plausible range.
      if (n < 1e11) ms = n * 1000;
      else if (n < 1e14) ms = n;
      else if (n < 1e17) ms = n / 1000;
      else ms = n / 1e6;
    }
  } else if (typeof v === 'string') {
    let t = v.trim();
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?\s*(Z|z|UTC|[+-]\d{2}:?\d{2})?$/.exec(t);
    if (m) {
      const frac = m[3] ? m[3].slice(0, 4) : '';
      let zone = m[4] ?? 'Z';
      if (zone === 'UTC' || zone === 'z') zone = 'Z';
      if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
      const hms = m[2].length === 5 ? `${m[2]}:00` : m[2];
      t = `${m[1]}T${hms}${frac}${zone}`;
      ms = Date.parse(t);
    } else if (/^[A-Z][a-z]{2},? /.test(t) || /^\d{1,2}\/\d{1,2}\/\d{4}/.test(t)) {
      // RFC 2822 style or US dates some forwarders emit; Date.parse handles both.
      ms = Date.parse(t);
    }
  }
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new RecordRejected(`invalid timestamp in ${field}: ${JSON.stringify(String(v)).slice(0, 60)}`);
  }
  if (ms < MIN_TIME || ms > now + MAX_FUTURE_MS) {
    throw new RecordRejected(`implausible timestamp in ${field}: ${new Date(ms).toISOString()}`);
  }
  return new Date(ms).toISOString();
}

/** Map a vendor severity (word or number on a known scale) to 0–100. */
export function severityScore(v: unknown, scaleMax = 100): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    return Math.max(0, Math.min(100, Math.round((v / scaleMax) * 100)));
  }
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (s === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return severityScore(Number(s), scaleMax);
  const words: Record<string, number> = {
    informational: 10,
    info: 10,
    unknown: 20,
    low: 30,
    medium: 50,
    moderate: 50,
    high: 75,
    critical: 95,
    fatal: 95,
    severe: 90,
  };
  return words[s];
}

const TECHNIQUE_RE = /\bT\d{4}(?:\.\d{3})?\b/g;

/** Every ATT&CK technique id in the text(s), upper-cased, deduplicated, in order of appearance. */
export function techniqueIds(...values: unknown[]): string[] {
  const out = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (depth > 4) return;
    if (typeof v === 'string') for (const m of v.toUpperCase().matchAll(TECHNIQUE_RE)) out.add(m[0]);
    else if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else if (isObject(v)) for (const x of Object.values(v)) visit(x, depth + 1);
  };
  for (const v of values) visit(v, 0);
  return [...out];
}

/** A stable content hash of a record's text, for alerts whose source gives no id. */
export function contentHash(text: string): string {
  return sha256Hex(text).slice(0, 32);
}

/**
 * SHA-256 of a text, in hex. Node's one-shot `crypto.hash` (20.12+) where there is one: no Hash object per call, half
 * the time, the same digest.
 */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** Keep the raw record unless its JSON exceeds `maxBytes`; then keep a prefix of its text and say so. */
export function capRaw(value: unknown, text: string, maxBytes: number): { raw: unknown; rawTruncated: boolean } {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return { raw: value, rawTruncated: false };
  // Cut on a character boundary, not mid-code-point.
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(cut, 'utf8') > maxBytes) cut = cut.slice(0, -1);
  return { raw: cut, rawTruncated: true };
}

/** Unicode bidi override/isolate characters: `invoice\u202Egpj.exe` shows as `invoiceexe.jpg`. */
export const BIDI_RE = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

export function hasBidi(...values: (string | undefined)[]): boolean {
  return values.some((v) => v !== undefined && BIDI_RE.test(v));
}

/** Split `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` (Sysmon Hashes) into a map of lower-case algorithm → hex. */
export function splitHashes(v: unknown): Record<string, string> | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const part of s.split(/[,;\s]+/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const algo = part.slice(0, eq).trim().toLowerCase();
    const hex = part.slice(eq + 1).trim();
    if (/^[a-z0-9-]{2,12}$/.test(algo) && /^[0-9a-fA-F]{16,128}$/.test(hex)) out[algo] = hex.toLowerCase();
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
