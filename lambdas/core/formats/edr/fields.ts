import { isIP } from 'node:net';
import type { Alert } from '../../model/alert';
import { get, int, isObject, severityScore, str, toIsoTime } from '../common';
import { RecordRejected } from '../types';

/**
 * Readers for the loosely typed fields of EDR and finding formats. Every reader takes `unknown` and either returns a
 * well-typed value, `undefined` (absent), or throws `RecordRejected` with a one-line reason when the field is present
 * but unusable (a time that is `true`, a severity that is an object). None of them can throw a TypeError.
 */

export type Severity = Alert['severity'];

/** Score used when a source gives no severity, or one outside its own scale: `unknown` on the shared word scale. */
export const UNKNOWN_SCORE = severityScore('unknown') ?? 20;

/** Present means: not undefined, not null, not an empty or blank string. */
export function present(v: unknown): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
}

/** An array to iterate, whatever was there: a non-array becomes `[]`, so `for…of` over vendor data never throws. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A string list from a string, a number or an array of them; blanks dropped. */
export function strs(v: unknown): string[] {
  const out: string[] = [];
  for (const x of Array.isArray(v) ? v : [v]) {
    const s = str(x);
    if (s !== undefined) out.push(s);
  }
  return out;
}

/** Own-property lookup of the first path that is present (see `present`), with the path it was found at. */
export function firstPresent(obj: unknown, paths: readonly string[]): { path: string; value: unknown } | undefined {
  for (const path of paths) {
    const value = get(obj, path);
    if (present(value)) return { path, value };
  }
  return undefined;
}

/**
 * The event time from the first present path, as UTC ISO-8601. The first present field decides: a wrong value there
 * rejects the record rather than silently falling through to a less meaningful time.
 */
export function timeAt(obj: unknown, paths: readonly string[]): string {
  const hit = firstPresent(obj, paths);
  if (hit === undefined) throw new RecordRejected(`missing timestamp: none of ${paths.join(', ')}`);
  return toIsoTime(hit.value, hit.path);
}

/**
 * A vendor severity (word, or number on `scaleMax`) mapped to 0–100, or undefined when absent. A value of the wrong
 * type is rejected; a word outside the shared vocabulary keeps its text and scores as unknown.
 */
export function severityOf(v: unknown, field: string, scaleMax = 100): Severity | undefined {
  if (!present(v)) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') {
    throw new RecordRejected(`invalid severity in ${field}: expected a word or a number, got ${kindOf(v)}`);
  }
  if (typeof v === 'number' && !Number.isFinite(v)) throw new RecordRejected(`invalid severity in ${field}: ${v}`);
  return { vendor: String(v).trim(), score: severityScore(v, scaleMax) ?? UNKNOWN_SCORE };
}

/** The severity to use when the source has none: scored as unknown, with no vendor text (the builder flags it). */
export const NO_SEVERITY: Severity = { score: UNKNOWN_SCORE };

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** An integer that survives JSON (a safe integer); vendor process ids beyond 2^53 lost precision in JSON.parse. */
export function safeInt(v: unknown): number | undefined {
  const n = int(v);
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

/** A TCP/UDP port, else undefined. */
export function port(v: unknown): number | undefined {
  const n = safeInt(v);
  return n !== undefined && n >= 0 && n <= 65535 ? n : undefined;
}

/** A syntactically valid IPv4/IPv6 address, else undefined: dummy values such as `000.111.222.10` stay in raw only. */
export function ip(v: unknown): string | undefined {
  const s = str(v)?.trim();
  return s !== undefined && isIP(s) !== 0 ? s : undefined;
}

const MAX_HOST_IPS = 16;

/** Valid addresses from strings, comma-separated lists or arrays; loopback dropped (it names no host); capped. */
export function ipsOf(...values: unknown[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    for (const s of strs(v)) {
      for (const part of s.split(',')) {
        const a = ip(part);
        if (a !== undefined && a !== '127.0.0.1' && a !== '::1') out.add(a);
      }
    }
  }
  return [...out].slice(0, MAX_HOST_IPS);
}

const HASH_LENGTHS: Record<string, number> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

/**
 * Hashes by lower-case algorithm from `{ md5: …, sha1: …, sha256: … }`. Values that are not hex of the algorithm's
 * length are dropped, and so are all-zero hashes: CrowdStrike writes zeros for hashes it did not compute, and a
 * zero "hash" would match every other such alert as a shared indicator.
 */
export function hashesOf(input: Record<string, unknown>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [algo, raw] of Object.entries(input)) {
    const hex = str(raw)?.trim().toLowerCase();
    if (hex === undefined || !/^[0-9a-f]+$/.test(hex) || /^0+$/.test(hex)) continue;
    const want = HASH_LENGTHS[algo];
    if (want !== undefined && hex.length !== want) continue;
    out[algo] = hex;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The algorithm of a bare hex hash by its length, for indicators that give a value but no type. */
export function hashAlgorithm(hex: string): string | undefined {
  return Object.entries(HASH_LENGTHS).find(([, n]) => n === hex.length)?.[0];
}

/**
 * Join a directory and a file name the way the source writes paths. Sources disagree on whether `FilePath` holds the
 * directory or the full path, so a directory that already ends with the name is returned as is.
 */
export function joinPath(dir: string | undefined, name: string | undefined): string | undefined {
  if (dir === undefined) return name;
  if (name === undefined) return dir;
  const lowerDir = dir.toLowerCase();
  const lowerName = name.toLowerCase();
  if (lowerDir.endsWith(`\\${lowerName}`) || lowerDir.endsWith(`/${lowerName}`) || lowerDir === lowerName) return dir;
  const sep = dir.includes('\\') || !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}

const ATTACK_TACTICS = [
  'Reconnaissance',
  'Resource Development',
  'Initial Access',
  'Execution',
  'Persistence',
  'Privilege Escalation',
  'Defense Evasion',
  'Credential Access',
  'Discovery',
  'Lateral Movement',
  'Collection',
  'Command and Control',
  'Exfiltration',
  'Impact',
];
const tacticKey = (s: string): string =>
  s
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z]/g, '');
const TACTIC_KEYS = new Set(ATTACK_TACTICS.map(tacticKey));

/**
 * The ATT&CK tactic names among the values, as written, deduplicated. Vendors put their own categories in the same
 * fields (CrowdStrike `Malware`, `Machine Learning`; Defender `SuspiciousActivity`): those are not tactics and would
 * become misleading labels, so only names ATT&CK defines are kept (spacing and case tolerated: `DefenseEvasion`).
 */
export function attackTactics(...values: unknown[]): string[] {
  const out = new Map<string, string>();
  for (const v of values) {
    for (const s of strs(v)) {
      const key = tacticKey(s);
      if (TACTIC_KEYS.has(key) && !out.has(key)) out.set(key, s.trim());
    }
  }
  return [...out.values()];
}

/** Strings at `path` in every object of an array (e.g. `MitreAttack[].TechniqueID`). */
export function pluck(list: unknown, path: string): string[] {
  const out: string[] = [];
  for (const item of arr(list)) if (isObject(item)) out.push(...strs(get(item, path)));
  return out;
}

/** An account as text: `CORP\jwilliams` becomes name and domain; anything else is the name as written. */
export function accountOf(v: unknown): { name: string; domain?: string } | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const slash = s.indexOf('\\');
  return slash > 0 && slash < s.length - 1 ? { name: s.slice(slash + 1), domain: s.slice(0, slash) } : { name: s };
}
