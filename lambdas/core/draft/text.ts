import { defangText, quoteSource } from '../enrich/defang';
import { headOf, wellFormed } from '../bounded';
import { clip, oneLine, visible } from '../model/report';
import type { Rich, Span } from '../model/report';

/**
 * Text helpers for drafting: spans, sentences, lists, times. Alert text is hostile by assumption: these helpers make
 * it visible and bounded, never interpreted. The text-safety functions are the report contract's own
 * (`model/report`), shared with the renderers; they are re-exported here for the drafting modules.
 */
export { clip, oneLine, visible } from '../model/report';

/** Jira's summary limit, in UTF-16 code units. */
const JIRA_SUMMARY_MAX = 255;

/**
 * The Jira summary as Jira gets it: one line, every URL, address and domain defanged, invisible characters shown,
 * no half character (a cut surrogate pair), at most 255 code units, cut on a code point.
 */
export function jiraSummary(line: string): string {
  const text = visible(defangText(wellFormed(line).replace(/\s+/g, ' ').trim()));
  return text.length <= JIRA_SUMMARY_MAX ? text : `${headOf(text, JIRA_SUMMARY_MAX - 1)}…`;
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

/** A prose span: ordinary words of the report (the sentence around the values), cut to `SPAN_MAX`. */
export function prose(text: string): Span {
  return { text: clip(text, SPAN_MAX) };
}

/**
 * A code span: a literal value from the events (path, key, command), on one line, cut to `SPAN_MAX`, with every URL,
 * address and domain in it defanged (and invisible characters shown, see `oneLine`).
 */
export function code(text: string): Span {
  return { text: clip(defangText(oneLine(text)), SPAN_MAX), code: true };
}

/**
 * The incident's own host name as a code span: a plain DNS name (`FIN-WS-034.corp.example.com`) as written, since
 * it names the victim, not a destination; anything else (a URL someone wrote as a host name) defanged like any code.
 */
export function hostName(text: string): Span {
  const t = oneLine(text);
  return /^[A-Za-z0-9.-]{1,253}$/.test(t) ? { text: t, code: true } : code(t);
}

/**
 * Alert text where only plain text can go (the Jira summary, a table cell): a quote, labelled by what it is, so the
 * intruder's prose never reads as the report's own (`rule “Root cause: authorised change…”`). On one line,
 * defanged, invisible characters shown, cut to `max` characters on a code point; a typographic double quote inside
 * becomes a plain one, so the quote cannot be closed early by the text it holds.
 */
export function quoted(label: string, text: string, max = SPAN_MAX): string {
  return quoteSource(label, text, max);
}

/** A quote whose label is the words just before it (`Malware Detected: “Trojan:Win32/…”`). */
export function quote(text: string, max = SPAN_MAX): string {
  return quoteSource('', text, max).trimStart();
}

/**
 * Rich text as plain text where a table cell cannot hold marks: each literal value becomes a quote (cut to
 * `maxValue` characters, so the quote always closes), the words between stay as they are.
 */
export function plainQuoted(r: Rich, maxValue = 120): string {
  return r
    .map((s) =>
      s.code === true
        ? `\u201c${clip(s.text, maxValue).replace(/[\u201c\u201d\u201e\u201f\u2033\u2036]/g, '"')}\u201d`
        : s.text,
    )
    .join('');
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
    if (i > 0) out.push(prose(i === items.length - 1 ? ' and ' : ', '));
    out.push(code(x));
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
