import type { Rich, Span } from './types';

/**
 * Text helpers shared by drafting and rendering. Alert text is hostile by assumption: these helpers make it
 * visible and bounded, never interpreted.
 */

/**
 * Bidi overrides/isolates and marks (`invoice\u202Egpj.exe` displays as `invoiceexe.jpg`) and C0/C1 controls
 * other than tab and newline. Shown as `\uXXXX` so an analyst sees the trick instead of being fooled by it.
 */
const INVISIBLE_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Replace bidi and control characters with a visible `\uXXXX`; keeps tab and newline. */
export function visible(text: string): string {
  return text.replace(INVISIBLE_RE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** One line of visible text: controls made visible, newlines and runs of whitespace folded to one space. */
export function oneLine(text: string): string {
  return visible(text.replace(/\s+/g, ' ').trim());
}

/**
 * Cut `text` to at most about `max` characters and say how long it was. Never splits a surrogate pair, so the
 * result is still valid UTF-16 (JSON.stringify of a lone surrogate would be an escape Jira may refuse).
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}… [cut: ${text.length.toLocaleString('en-US')} characters in all]`;
}

/** Last path component, for Windows or POSIX paths, as written. */
export function baseName(path: string): string {
  const p = path.replace(/\//g, '\\');
  return p.slice(p.lastIndexOf('\\') + 1);
}

/** Lower-case base name, for table lookups. */
export function baseKey(path: string): string {
  return baseName(path).toLowerCase();
}

/** UTC display time `YYYY-MM-DD HH:MM:SSZ`; text that is not a time is shown as it is, on one line. */
export function utc(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return oneLine(iso);
  const s = new Date(ms).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 19)}Z`;
}

/** Deterministic string order (code units), independent of the runtime's locale. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Distinct values in first-seen order. */
export function distinct<T>(items: Iterable<T>, key: (x: T) => string = String): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const x of items) {
    const k = key(x);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(x);
  }
  return out;
}

/**
 * Longest span a sentence carries: values in prose are for recognition, the full value is in the tables, code
 * blocks and raw evidence. Keeps a hostile value from turning one sentence into megabytes.
 */
export const SPAN_MAX = 1000;

/** A plain text span. */
export function t(text: string): Span {
  return { text: clip(text, SPAN_MAX) };
}

/** A code span (a literal value from the events), on one line. */
export function c(text: string): Span {
  return { text: clip(oneLine(text), SPAN_MAX), code: true };
}

/** Rich text from parts: strings are plain, spans are kept; empty strings are dropped. */
export function rich(...parts: (string | Span | Rich | undefined)[]): Rich {
  const out: Rich = [];
  for (const p of parts) {
    if (p === undefined) continue;
    if (typeof p === 'string') {
      if (p !== '') out.push({ text: clip(p, SPAN_MAX) });
    } else if (Array.isArray(p)) {
      out.push(...p.filter((s) => s.text !== ''));
    } else if (p.text !== '') out.push(p);
  }
  return out;
}

/** The plain text of rich text (code spans without their marks). */
export function plain(r: Rich): string {
  return r.map((s) => s.text).join('');
}

/** `a`, `a and b`, `a, b and c`. */
export function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Rich list `x, y and z` of code spans. */
export function codeList(items: string[]): Rich {
  const out: Rich = [];
  items.forEach((x, i) => {
    if (i > 0) out.push(t(i === items.length - 1 ? ' and ' : ', '));
    out.push(c(x));
  });
  return out;
}

/** `1 alert`, `3 alerts`. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Rich text as a sentence: its first letter upper case when it starts with plain text (not a literal value). */
export function sentence(r: Rich): Rich {
  const first = r[0];
  if (first === undefined || first.code === true || first.text === '') return r;
  return [{ ...first, text: first.text[0].toUpperCase() + first.text.slice(1) }, ...r.slice(1)];
}
