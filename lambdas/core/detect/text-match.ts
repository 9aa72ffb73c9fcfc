import type { Part } from './values';
import { mergeParts } from './values';

/**
 * Matching one text value against one Sigma string, compiled once per rule value. Wildcard-free shapes use
 * `===`/`startsWith`/`endsWith`/`includes`; anything else goes to a glob matcher that finds each `*`-separated
 * segment leftmost-first (no backtracking: at worst length × pattern length, never exponential).
 */
export interface TextMatcher {
  /** `raw` is the event text, `low` its lower-case form (read instead of `raw` unless the match is cased). */
  test(raw: string, low: string): boolean;
  /** Lower-cased literals one of which any matching text contains; undefined when there is no such set. */
  readonly needles: readonly string[] | undefined;
  /** Set when the pattern is `*literal*`, case-insensitive: the lower-cased literal (see `compileLiteralSet`). */
  readonly contains?: string;
}

/** Below this length a literal is too common to be worth prefiltering on. */
export const MIN_NEEDLE_LENGTH = 3;

/** Windash sets are expanded into plain variants (fast paths) up to this many; beyond, the glob handles sets. */
const MAX_SET_VARIANTS = 64;

type Unit = string | null | readonly string[]; // one character, `?`, or a set of characters
interface Segment {
  readonly units: readonly Unit[];
  /** The segment as plain text when it holds no `?` and no set (`indexOf` can find it). */
  readonly lit: string | undefined;
}

/** Compiles a Sigma string (after modifiers) to a matcher; `cased` compares the raw text instead of lower case. */
export function compileTextMatcher(parts: readonly Part[], cased: boolean): TextMatcher {
  const norm = mergeParts(parts.map((p) => lowerPart(p, cased)));
  const variants = expandSets(norm);
  if (variants === undefined) return single(norm, cased);
  const matchers = variants.map((v) => single(mergeParts(v), cased));
  return {
    test: (raw, low) => matchers.some((m) => m.test(raw, low)),
    needles: unionNeedles(matchers.map((m) => m.needles)),
  };
}

function lowerPart(p: Part, cased: boolean): Part {
  if (cased) return p;
  if (typeof p === 'string') return p.toLowerCase();
  if (p.kind === 'set') return { kind: 'set', chars: p.chars.map((c) => c.toLowerCase()) };
  return p;
}

/** Every combination of set characters as plain parts; undefined when there are no sets or too many combinations. */
function expandSets(parts: readonly Part[]): Part[][] | undefined {
  let count = 1;
  for (const p of parts) if (typeof p !== 'string' && p.kind === 'set') count *= p.chars.length;
  if (count === 1 || count > MAX_SET_VARIANTS) return undefined;
  let out: Part[][] = [[]];
  for (const p of parts) {
    if (typeof p !== 'string' && p.kind === 'set') out = out.flatMap((prefix) => p.chars.map((c) => [...prefix, c]));
    else out = out.map((prefix) => [...prefix, p]);
  }
  return out;
}

function unionNeedles(sets: readonly (readonly string[] | undefined)[]): readonly string[] | undefined {
  const out = new Set<string>();
  for (const s of sets) {
    if (s === undefined) return undefined;
    for (const n of s) out.add(n);
  }
  return [...out];
}

function single(parts: readonly Part[], cased: boolean): TextMatcher {
  const needle = longestLiteral(parts, cased);
  const needles = needle === undefined ? undefined : [needle];
  const pick = cased ? (raw: string) => raw : (_raw: string, low: string) => low;
  const star = (p: Part | undefined) => p !== undefined && typeof p !== 'string' && p.kind === 'star';

  // Shapes that need no glob: '', 'x', '*', 'x*', '*x', '*x*' (after merging, x is one plain string).
  const onlyStars = parts.length > 0 && parts.every(star);
  if (onlyStars) return { test: () => true, needles: undefined };
  if (parts.length === 0) return { test: (raw, low) => pick(raw, low) === '', needles: undefined };
  if (parts.length === 1 && typeof parts[0] === 'string') {
    const lit = parts[0];
    return { test: (raw, low) => pick(raw, low) === lit, needles };
  }
  if (parts.length === 2 && typeof parts[0] === 'string' && star(parts[1])) {
    const lit = parts[0];
    return { test: (raw, low) => pick(raw, low).startsWith(lit), needles };
  }
  if (parts.length === 2 && star(parts[0]) && typeof parts[1] === 'string') {
    const lit = parts[1];
    return { test: (raw, low) => pick(raw, low).endsWith(lit), needles };
  }
  if (parts.length === 3 && star(parts[0]) && typeof parts[1] === 'string' && star(parts[2])) {
    const lit = parts[1];
    return { test: (raw, low) => pick(raw, low).includes(lit), needles, ...(cased ? {} : { contains: lit }) };
  }
  const glob = compileGlob(parts);
  return { test: (raw, low) => glob(pick(raw, low)), needles };
}

function compileGlob(parts: readonly Part[]): (s: string) => boolean {
  const segments: Segment[] = [];
  let units: Unit[] = [];
  const flush = () => {
    const allChars = units.every((u) => typeof u === 'string');
    segments.push({ units, lit: allChars ? (units as string[]).join('') : undefined });
    units = [];
  };
  for (const p of parts) {
    if (typeof p === 'string') for (let i = 0; i < p.length; i++) units.push(p[i]);
    else if (p.kind === 'star') flush();
    else if (p.kind === 'one') units.push(null);
    else if (p.kind === 'set') units.push(p.chars);
    else throw new Error(`placeholder %${p.name}% reached the matcher`); // compile rejects these earlier
  }
  flush();

  if (segments.length === 1) {
    const only = segments[0];
    return (s) => s.length === only.units.length && segmentAt(s, 0, only);
  }
  const first = segments[0];
  const last = segments[segments.length - 1];
  const middle = segments.slice(1, -1);
  const minLength = segments.reduce((n, seg) => n + seg.units.length, 0);
  return (s) => {
    if (s.length < minLength) return false;
    if (!segmentAt(s, 0, first)) return false;
    const end = s.length - last.units.length;
    if (!segmentAt(s, end, last)) return false;
    let pos = first.units.length;
    for (const seg of middle) {
      // The leftmost occurrence leaves the most room for the segments after it, so no other choice can succeed
      // where it fails.
      const at = findSegment(s, pos, seg);
      if (at < 0 || at + seg.units.length > end) return false;
      pos = at + seg.units.length;
    }
    return true;
  };
}

function segmentAt(s: string, at: number, seg: Segment): boolean {
  const units = seg.units;
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    const c = s[at + i];
    if (u === null) continue;
    if (typeof u === 'string') {
      if (c !== u) return false;
    } else if (!u.includes(c)) {
      return false;
    }
  }
  return true;
}

function findSegment(s: string, from: number, seg: Segment): number {
  if (seg.lit !== undefined) return s.indexOf(seg.lit, from);
  const last = s.length - seg.units.length;
  for (let i = from; i <= last; i++) if (segmentAt(s, i, seg)) return i;
  return -1;
}

/**
 * The longest literal run of a pattern, lower-cased, if it makes a safe prefilter needle: long enough, and not
 * something a number or boolean could print as (an event view might not list those among its text values).
 * A cased literal holding a sigma is skipped: lower-casing Σ depends on what follows it, so the event's lower
 * case need not contain the literal's.
 */
const NON_TEXT_WORDS = ['-infinity', 'nan', 'true', 'false'];

function longestLiteral(parts: readonly Part[], cased: boolean): string | undefined {
  let best = '';
  for (const p of parts) if (typeof p === 'string' && p.length > best.length) best = p;
  const needle = cased ? best.toLowerCase() : best;
  if (needle.length < MIN_NEEDLE_LENGTH) return undefined;
  if (/^[-+.0-9e]+$/.test(needle) || NON_TEXT_WORDS.some((w) => w.includes(needle))) return undefined;
  if (cased && /[σς]/.test(needle)) return undefined;
  return needle;
}

/** Prefix length hashed by the literal-set matcher (at most; less when a literal is shorter). */
const SET_PREFIX = 16;
const HASH_BASE = 31;

function hashOf(s: string, from: number, length: number): number {
  let h = 0;
  for (let i = 0; i < length; i++) h = (Math.imul(h, HASH_BASE) + s.charCodeAt(from + i)) | 0;
  return h;
}

/**
 * "Contains any of these literals" for long lists (hash and file-name lists of hundreds or thousands of values):
 * one pass over the text with a rolling hash of the first `k` characters of each literal, then `startsWith` on the
 * few literals sharing that hash, instead of one `includes` per literal. Allocation-free per call.
 */
export function compileLiteralSet(literals: readonly string[]): (text: string) => boolean {
  if (literals.some((l) => l === '')) return () => true;
  const k = Math.min(SET_PREFIX, ...literals.map((l) => l.length));
  const buckets = new Map<number, string[]>();
  for (const lit of new Set(literals)) {
    const h = hashOf(lit, 0, k);
    const bucket = buckets.get(h);
    if (bucket === undefined) buckets.set(h, [lit]);
    else bucket.push(lit);
  }
  let pow = 1; // HASH_BASE^(k-1), modulo 2^32
  for (let i = 1; i < k; i++) pow = Math.imul(pow, HASH_BASE);
  return (text) => {
    const last = text.length - k;
    if (last < 0) return false;
    let h = hashOf(text, 0, k);
    for (let i = 0; ; i++) {
      const bucket = buckets.get(h);
      if (bucket !== undefined) for (const lit of bucket) if (text.startsWith(lit, i)) return true;
      if (i === last) return false;
      h = (Math.imul((h - Math.imul(text.charCodeAt(i), pow)) | 0, HASH_BASE) + text.charCodeAt(i + k)) | 0;
    }
  };
}
