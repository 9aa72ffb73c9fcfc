/**
 * Sigma string values: the parsed form of a detection value (plain text interrupted by wildcards, windash
 * character sets and placeholders), and the small helpers that read event values as text.
 */

/** A wildcard, a set of interchangeable characters (windash), or an unresolved `%placeholder%` (expand). */
export type Special =
  | { readonly kind: 'star' }
  | { readonly kind: 'one' }
  | { readonly kind: 'set'; readonly chars: readonly string[] }
  | { readonly kind: 'placeholder'; readonly name: string };

/** One piece of a Sigma string: plain text (already unescaped) or a special. */
export type Part = string | Special;

/** `*`: any run of characters, including none. */
export const STAR: Special = { kind: 'star' };
/** `?`: exactly one character. */
export const ONE: Special = { kind: 'one' };

const ESCAPE = '\\';

/**
 * Parses a rule value the way the reference implementation (pySigma's SigmaString) does: `*` and `?` are
 * wildcards; a backslash escapes a following `*`, `?` or backslash; a backslash before anything else is a
 * plain backslash (so `C:\Windows` needs no escaping), and a trailing backslash is plain too.
 */
export function parseSigmaString(raw: string): Part[] {
  // The specials are ASCII, so scanning code units is exact; plain runs are sliced, not built char by char.
  const parts: Part[] = [];
  let acc = '';
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x5c) {
      // a backslash
      const next = raw[i + 1];
      if (next === '*' || next === '?' || next === ESCAPE) {
        acc += raw.slice(start, i) + next;
        i++;
        start = i + 1;
      }
      // Any other backslash (a trailing one included) is plain and stays in the run.
    } else if (c === 0x2a /* * */ || c === 0x3f /* ? */) {
      acc += raw.slice(start, i);
      if (acc !== '') parts.push(acc);
      parts.push(c === 0x2a ? STAR : ONE);
      acc = '';
      start = i + 1;
    }
  }
  acc += raw.slice(start);
  if (acc !== '') parts.push(acc);
  return parts;
}

/** A string holding no specials: the plain text as one string. */
export function plainText(parts: readonly Part[]): string | undefined {
  let s = '';
  for (const p of parts) {
    if (typeof p !== 'string') return undefined;
    s += p;
  }
  return s;
}

/** True when any part is a wildcard, a character set or a placeholder. */
export function hasSpecials(parts: readonly Part[]): boolean {
  return parts.some((p) => typeof p !== 'string');
}

/** Joins adjacent plain parts, so that matchers see the longest literal runs. */
export function mergeParts(parts: readonly Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      if (p === '') continue;
      const last = out.length - 1;
      if (last >= 0 && typeof out[last] === 'string') out[last] = (out[last] as string) + p;
      else out.push(p);
    } else {
      out.push(p);
    }
  }
  return out;
}

function isStar(p: Part | undefined): boolean {
  return p !== undefined && typeof p !== 'string' && p.kind === 'star';
}

/** `contains`/`endswith`: a leading `*` unless there is one already. */
export function withLeadingStar(parts: readonly Part[]): Part[] {
  return isStar(parts[0]) ? [...parts] : [STAR, ...parts];
}

/** `contains`/`startswith`: a trailing `*` unless there is one already. */
export function withTrailingStar(parts: readonly Part[]): Part[] {
  return isStar(parts[parts.length - 1]) ? [...parts] : [...parts, STAR];
}

const PLACEHOLDER = /(?<!\\)%(\w+)%/gu;

/**
 * The `expand` modifier: `%name%` in plain text becomes a placeholder, and `\%` a plain `%` (pySigma's
 * `insert_placeholders`).
 */
export function insertPlaceholders(parts: readonly Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    if (typeof p !== 'string') {
      out.push(p);
      continue;
    }
    let last = 0;
    for (const m of p.matchAll(PLACEHOLDER)) {
      const before = p.slice(last, m.index).replaceAll('\\%', '%');
      if (before !== '') out.push(before);
      out.push({ kind: 'placeholder', name: m[1] });
      last = m.index + m[0].length;
    }
    const rest = p.slice(last).replaceAll('\\%', '%');
    if (rest !== '') out.push(rest);
  }
  return out;
}

/** An event value as text: strings as they are, numbers and booleans as `String()` writes them, null as nothing. */
export function scalarText(v: string | number | boolean | null): string | undefined {
  if (typeof v === 'string') return v;
  if (v === null) return undefined;
  return String(v);
}

/*
 * Case-insensitive matching compares lower-cased text. The same event value is read by hundreds of rules, so its
 * lower-case form is memoised; the cache is bounded by the characters it holds (events carry long command lines
 * and script blocks) and simply starts over when full.
 */
const LOWER_CACHE_MAX_CHARS = 4_000_000;
const lowerCache = new Map<string, string>();
let lowerCacheChars = 0;

/** `s.toLowerCase()`, memoised. */
export function lowerCached(s: string): string {
  const hit = lowerCache.get(s);
  if (hit !== undefined) return hit;
  const low = s.toLowerCase();
  if (lowerCacheChars + s.length > LOWER_CACHE_MAX_CHARS) {
    lowerCache.clear();
    lowerCacheChars = 0;
  }
  lowerCache.set(s, low);
  lowerCacheChars += s.length;
  return low;
}
