import { gunzipSync } from 'node:zlib';
import { makeRejection } from '../model/rejection';
import type { Rejection } from '../model/rejection';
import { isObject } from './common';
import type { Json } from './common';
import { JsonRejected, newScanMemo, parseJsonSafely, parsePlainJson, scanJsonValue } from './safe-json';
import type { RawRecord } from './types';
import { DTD_REASON, XmlRejected, hasDtd, locateEvents, parseEventXml } from './xml';

/**
 * Decode an SQS body or a file into raw records, by content and never by name: text encoding (UTF-8, UTF-8 with
 * BOM, UTF-16LE/BE, gzip), envelopes (SNS notification, EventBridge event, API result pages, OpenSearch hits), and
 * layout (one JSON document, a JSON array, NDJSON, concatenated JSON objects, Windows Event Log XML). Whatever cannot
 * become a record becomes a rejection with a one-line reason; nothing throws.
 */

export interface DecodeOptions {
  /** Largest record, in UTF-8 bytes (default 1 MiB). */
  maxRecordBytes?: number;
  /** Deepest JSON nesting accepted (default 64). */
  maxDepth?: number;
  /** Largest body after decompression, in bytes (default 64 MiB). */
  maxBodyBytes?: number;
  /** Clock for rejection times (tests pin it). */
  now?: () => string;
}

export const DECODE_DEFAULTS = {
  maxRecordBytes: 1024 * 1024,
  maxDepth: 64,
  maxBodyBytes: 64 * 1024 * 1024,
} as const;

export interface DecodeResult {
  records: RawRecord[];
  rejections: Rejection[];
}

/** Envelopes nested deeper than this (an SNS message holding an EventBridge event holding a page…) are refused. */
const MAX_ENVELOPES = 8;

interface Run {
  source: string;
  maxRecordBytes: number;
  maxDepth: number;
  maxBodyBytes: number;
  now: () => string;
  out: DecodeResult;
}

/** `1 MiB` for whole mebibytes, else bytes: limits read the way they were configured. */
export function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`;
}

/** Join a position inside an envelope to the envelope's own: `line 3` + `record 2` → `line 3, record 2`. */
function at(outer: string, inner: string): string {
  if (outer === 'body') return inner;
  if (inner === 'body') return outer;
  return `${outer}, ${inner}`;
}

function reject(run: Run, position: string, reason: string, text: string): void {
  run.out.rejections.push(makeRejection(run.source, position, reason, text, run.now()));
}

// ---------------------------------------------------------------------------------------------------------------
// Bytes → text

const SNIFF = 8192;

/** NUL, or more than one character in ten a control character other than tab, line ends, form feed and escape. */
function binaryReason(codeAt: (i: number) => number, length: number): string | undefined {
  const n = Math.min(length, SNIFF);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const c = codeAt(i);
    if (c === 0) return 'not text: binary content (NUL bytes)';
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x1b) controls++;
  }
  return controls * 10 > n ? 'not text: binary content (control characters)' : undefined;
}

const textCodes = (s: string) => (i: number) => s.charCodeAt(i);
const byteCodes = (b: Buffer) => (i: number) => b[i]!;

function utf16(buf: Buffer, bigEndian: boolean): string {
  const even = buf.subarray(0, buf.length - (buf.length % 2));
  if (!bigEndian) return even.toString('utf16le');
  const swapped = Buffer.from(even);
  swapped.swap16();
  return swapped.toString('utf16le');
}

type Decoded = { text: string; envelopes: string[] } | { reason: string };

function bytesToText(buf: Buffer, run: Run, gzipped = false): Decoded {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    if (gzipped) return { reason: 'not text: gzip inside gzip is not accepted' };
    let inflated: Buffer;
    try {
      // maxOutputLength turns a decompression bomb into an error instead of an allocation.
      inflated = gunzipSync(buf, { maxOutputLength: run.maxBodyBytes });
    } catch (err) {
      const code = (err as { code?: string }).code;
      return code === 'ERR_BUFFER_TOO_LARGE'
        ? { reason: `gzip content exceeds the ${formatBytes(run.maxBodyBytes)} limit` }
        : { reason: `not text: gzip data that does not decompress (${(err as Error).message})` };
    }
    const inner = bytesToText(inflated, run, true);
    return 'text' in inner ? { text: inner.text, envelopes: ['gzip', ...inner.envelopes] } : inner;
  }
  if (buf.length > run.maxBodyBytes) {
    return { reason: `input of ${buf.length} bytes exceeds the ${formatBytes(run.maxBodyBytes)} limit` };
  }
  let text: string | undefined;
  if (buf[0] === 0xff && buf[1] === 0xfe) text = utf16(buf.subarray(2), false);
  else if (buf[0] === 0xfe && buf[1] === 0xff) text = utf16(buf.subarray(2), true);
  // UTF-16 without a BOM still shows itself: ASCII markup with every other byte zero.
  else if (buf.length >= 4 && buf[0] !== 0 && buf[1] === 0 && buf[2] !== 0 && buf[3] === 0) text = utf16(buf, false);
  else if (buf.length >= 4 && buf[0] === 0 && buf[1] !== 0 && buf[2] === 0 && buf[3] !== 0) text = utf16(buf, true);
  if (text !== undefined) {
    const why = binaryReason(textCodes(text), text.length);
    return why === undefined ? { text, envelopes: [] } : { reason: why };
  }
  const body = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  const why = binaryReason(byteCodes(body), body.length);
  if (why !== undefined) return { reason: why };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), envelopes: [] };
  } catch {
    // Not UTF-8 but text-like: Windows forwarders that are not told otherwise write the ANSI code page. Every byte
    // has a windows-1252 character, so nothing is lost, and the record says how it was read.
    return { text: new TextDecoder('windows-1252').decode(body), envelopes: ['windows-1252'] };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Text → values

/** Advances a line counter over monotonically increasing offsets, so numbering a whole body stays linear. */
class LineCounter {
  private line = 1;
  private pos = 0;
  constructor(private readonly text: string) {}
  at(offset: number): number {
    for (let nl = this.text.indexOf('\n', this.pos); nl >= 0 && nl < offset; nl = this.text.indexOf('\n', nl + 1)) {
      this.line++;
      this.pos = nl + 1;
    }
    return this.line;
  }
}

/** Skip JSON whitespace (space, tab, line ends). */
function skipWs(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
  }
  return i;
}

function endOfLine(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

function lineStartOf(text: string, i: number): number {
  return text.lastIndexOf('\n', i - 1) + 1;
}

function indentOf(text: string, lineStart: number): number {
  let i = lineStart;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i - lineStart;
}

/**
 * Where to resume after a value that does not close: the next line that opens a value (`{` or `[` first) at no
 * deeper indentation than the broken one. NDJSON lines and concatenated pretty-printed documents start at column 0;
 * the nested lines of a broken pretty-printed object are indented and are skipped with it.
 */
function resumeAfter(text: string, start: number): number {
  const indent = indentOf(text, lineStartOf(text, start));
  let ls = endOfLine(text, start) + 1;
  while (ls < text.length) {
    const ind = indentOf(text, ls);
    const c = text[ls + ind];
    if (ind <= indent && (c === '{' || c === '[')) return ls;
    ls = endOfLine(text, ls) + 1;
  }
  return text.length;
}

const SCAN_REASON = {
  unterminated: 'truncated JSON: an object or array never closes',
  'mismatched bracket': 'invalid JSON: mismatched bracket',
  'raw line break inside a string': 'invalid JSON: a string runs past the end of its line (a cut-off line?)',
} as const;

interface Span {
  start: number;
  end: number;
  line: number;
  depth: number;
  /** Already parsed (see `wholeLineValue`). */
  value?: unknown;
}

/**
 * The common case read at once: the rest of the line from `pos` is exactly one object or array (NDJSON), plain
 * enough for `parsePlainJson`. Such a line is what the scan would find too: a string cannot cross a line end and the
 * brackets of valid JSON match, so the value ends at the line's last bracket. Undefined for anything else (a value
 * spread over lines, two values on a line, a broken one, `__proto__`, too deep): the scan decides, as always.
 */
function wholeLineValue(text: string, pos: number, maxDepth: number): { value: unknown; end: number } | undefined {
  let end = endOfLine(text, pos);
  for (let c = text.charCodeAt(end - 1); c === 0x20 || c === 0x09 || c === 0x0d; c = text.charCodeAt(end - 1)) end--;
  if (end <= pos) return undefined;
  const value = parsePlainJson(text.slice(pos, end), maxDepth);
  return value === undefined ? undefined : { value, end };
}

function scalarKind(text: string): string | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v === null ? 'null' : typeof v;
  } catch {
    return undefined;
  }
}

/**
 * Split JSON text into top-level values: one document, NDJSON, or objects written one after another (pretty-printed
 * or not). Each broken stretch becomes its own rejection; the values around it survive.
 */
function decodeJsonText(text: string, from: number, run: Run, position: string, envelopes: string[], nest: number) {
  const lines = new LineCounter(text);
  const memo = newScanMemo();
  const spans: Span[] = [];
  const faults: { start: number; end: number; line: number; reason: string }[] = [];
  for (let pos = skipWs(text, from); pos < text.length; pos = skipWs(text, pos)) {
    const c = text[pos];
    const line = lines.at(pos);
    if (c === '{' || c === '[') {
      const whole = wholeLineValue(text, pos, run.maxDepth);
      if (whole !== undefined) {
        spans.push({ start: pos, end: whole.end, line, depth: 0, value: whole.value });
        pos = whole.end;
        while (text[pos] === ' ' || text[pos] === '\t') pos++;
        continue;
      }
      const scan = scanJsonValue(text, pos, memo);
      if (scan.error !== undefined) {
        const resume = resumeAfter(text, pos);
        faults.push({ start: pos, end: resume, line, reason: SCAN_REASON[scan.error] });
        pos = resume;
        continue;
      }
      let after = scan.end;
      while (text[after] === ' ' || text[after] === '\t') after++;
      // `},` at a line end: an element of an array whose brackets were lost (truncated, or objects joined by commas).
      if (text[after] === ',') {
        after++;
        while (text[after] === ' ' || text[after] === '\t') after++;
      }
      const next = text[after];
      if (after >= text.length || next === '\n' || next === '\r' || next === '{' || next === '[') {
        spans.push({ start: pos, end: scan.end, line, depth: scan.depth });
        pos = after;
      } else {
        const eol = endOfLine(text, after);
        faults.push({ start: pos, end: eol, line, reason: 'invalid JSON: unexpected text after the value' });
        pos = eol;
      }
      continue;
    }
    // A run of lines that do not open a JSON value is one rejection, not one per line.
    let end = endOfLine(text, pos);
    let lastLine = line;
    for (let n = skipWs(text, end); n < text.length && text[n] !== '{' && text[n] !== '[';) {
      end = endOfLine(text, n);
      lastLine = lines.at(n);
      n = skipWs(text, end);
    }
    const kind = lastLine === line ? scalarKind(text.slice(pos, end).trim()) : undefined;
    const what =
      kind !== undefined ? `a JSON ${kind} is not a record` : 'not JSON or XML: text that is not a JSON object';
    faults.push({
      start: pos,
      end,
      line,
      reason: lastLine > line ? `${what} (lines ${line}–${lastLine})` : what,
    });
    pos = end;
  }

  // Handle faults and values in text order, so rejections read top to bottom like the input.
  const single = spans.length === 1 && faults.length === 0;
  const items = [
    ...faults.map((f) => ({ ...f, fault: true as const })),
    ...spans.map((sp) => ({ ...sp, fault: false as const })),
  ];
  items.sort((a, b) => a.start - b.start);
  for (const item of items) {
    if (item.fault) {
      reject(run, at(position, `line ${item.line}`), item.reason, text.slice(item.start, item.end));
      continue;
    }
    const here = at(position, single ? 'body' : `line ${item.line}`);
    const slice = text.slice(item.start, item.end);
    let value: unknown;
    try {
      value = item.value !== undefined ? item.value : parseJsonSafely(slice, run.maxDepth, item.depth);
    } catch (err) {
      reject(run, here, err instanceof JsonRejected ? err.message : String(err), slice);
      continue;
    }
    expand(value, slice, run, here, envelopes, nest);
  }
}

function decodeXmlText(text: string, run: Run, position: string, envelopes: string[]): void {
  if (hasDtd(text)) {
    reject(run, position, DTD_REASON, text);
    return;
  }
  for (const span of locateEvents(text)) {
    if (span.kind === 'fault') {
      reject(run, position, span.reason, span.text);
      continue;
    }
    const here = at(position, `event ${span.index}`);
    const bytes = Buffer.byteLength(span.text, 'utf8');
    if (bytes > run.maxRecordBytes) {
      reject(run, here, `record of ${bytes} bytes exceeds the ${formatBytes(run.maxRecordBytes)} limit`, span.text);
      continue;
    }
    try {
      const value = parseEventXml(span.text);
      run.out.records.push({ value, kind: 'xml', position: here, text: span.text, envelopes });
    } catch (err) {
      reject(run, here, err instanceof XmlRejected ? err.message : `invalid XML: ${String(err)}`, span.text);
    }
  }
}

function decodeText(text: string, run: Run, position: string, envelopes: string[], nest: number): void {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const start = skipWs(body, 0);
  if (start >= body.length) {
    reject(run, position, 'empty input', body);
    return;
  }
  if (body[start] === '<') decodeXmlText(body, run, position, envelopes);
  else decodeJsonText(body, start, run, position, envelopes, nest);
}

// ---------------------------------------------------------------------------------------------------------------
// Envelopes and pages

const own = (v: Json, k: string): boolean => Object.prototype.hasOwnProperty.call(v, k);
const onlyKeys = (v: Json, main: string, allowed: (k: string) => boolean): boolean =>
  Object.keys(v).every((k) => k === main || allowed(k));

const OPENSEARCH_RESPONSE_KEYS = new Set([
  'took',
  'timed_out',
  '_shards',
  'hits',
  'aggregations',
  '_scroll_id',
  'pit_id',
]);

/** The array of records inside an API result page, and the page's name; undefined when `v` is not a page. */
function pageOf(v: Json): { name: string; items: unknown[] } | undefined {
  // Microsoft Graph and the MDE API: `{ "@odata.context": …, "value": [ … ] }`.
  if (Array.isArray(v.value) && onlyKeys(v, 'value', (k) => k.startsWith('@odata.'))) {
    return { name: 'page:value', items: v.value };
  }
  // CrowdStrike APIs: `{ "meta": …, "resources": [ … ], "errors": [] }`. An OCSF finding also has `resources`, but
  // never with only these siblings.
  if (Array.isArray(v.resources) && onlyKeys(v, 'resources', (k) => k === 'meta' || k === 'errors')) {
    return { name: 'page:resources', items: v.resources };
  }
  // elastic-package test files and bulk exports: `{ "events": [ … ] }`.
  if (Array.isArray(v.events) && onlyKeys(v, 'events', () => false)) return { name: 'page:events', items: v.events };
  // Security Hub GetFindings and its EventBridge detail: `{ "findings": [ … ] }`.
  if (Array.isArray(v.findings) && onlyKeys(v, 'findings', (k) => k === 'NextToken' || k === 'nextToken')) {
    return { name: 'page:findings', items: v.findings };
  }
  // OpenSearch / Elasticsearch search response: `{ "hits": { "hits": [ {_source}… ] } }`.
  const hits = v.hits;
  if (isObject(hits) && Array.isArray(hits.hits) && onlyKeys(v, 'hits', (k) => OPENSEARCH_RESPONSE_KEYS.has(k))) {
    return { name: 'page:hits', items: hits.hits };
  }
  return undefined;
}

function isSns(v: Json): boolean {
  return (
    v.Type === 'Notification' &&
    typeof v.Message === 'string' &&
    (typeof v.TopicArn === 'string' || typeof v.MessageId === 'string')
  );
}

function isEventBridge(v: Json): boolean {
  return typeof v['detail-type'] === 'string' && own(v, 'detail') && typeof v.source === 'string';
}

function isSearchHit(v: Json): boolean {
  return typeof v._index === 'string' && isObject(v._source);
}

/**
 * Turn one parsed JSON value into records: unwrap envelopes and pages, split arrays, keep objects as records.
 * `text` is the value's own text when it came straight from the input; unwrapped records are re-serialised.
 */
function expand(value: unknown, text: string | undefined, run: Run, position: string, envs: string[], nest: number) {
  if (nest > MAX_ENVELOPES) {
    reject(
      run,
      position,
      `records nested more than ${MAX_ENVELOPES} levels deep in envelopes or arrays`,
      text ?? JSON.stringify(value),
    );
    return;
  }
  const inner = (v: unknown, pos: string, env: string[]): void => expand(v, undefined, run, pos, env, nest + 1);
  if (Array.isArray(value)) {
    value.forEach((el, i) => inner(el, at(position, `record ${i + 1}`), envs));
    return;
  }
  if (!isObject(value)) {
    const kind = value === null ? 'null' : typeof value;
    reject(run, position, `a JSON ${kind} is not a record`, text ?? String(JSON.stringify(value)));
    return;
  }
  if (isSns(value)) {
    decodeText(value.Message as string, run, position, [...envs, 'sns'], nest + 1);
    return;
  }
  if (isEventBridge(value)) {
    const detail = value.detail;
    if (typeof detail === 'string') decodeText(detail, run, position, [...envs, 'eventbridge'], nest + 1);
    else inner(detail, position, [...envs, 'eventbridge']);
    return;
  }
  const page = pageOf(value);
  if (page !== undefined) {
    page.items.forEach((el, i) => inner(el, at(position, `record ${i + 1}`), [...envs, page.name]));
    return;
  }
  if (isSearchHit(value)) {
    inner(value._source, position, [...envs, 'opensearch']);
    return;
  }
  const recordText = text ?? JSON.stringify(value);
  const bytes = Buffer.byteLength(recordText, 'utf8');
  if (bytes > run.maxRecordBytes) {
    reject(run, position, `record of ${bytes} bytes exceeds the ${formatBytes(run.maxRecordBytes)} limit`, recordText);
    return;
  }
  run.out.records.push({ value, kind: 'json', position, text: recordText, envelopes: envs });
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Decode a body into raw records and rejections. Never throws.
 * @param body SQS body, SNS message or file content; a Buffer is decoded by its content (BOM, UTF-16, gzip).
 * @param source Where it came from (file path, message id), copied onto every rejection.
 * @example
 * const { records, rejections } = decode(fs.readFileSync('events.xml'), 'events.xml');
 */
export function decode(body: string | Buffer, source: string, opts: DecodeOptions = {}): DecodeResult {
  const run: Run = {
    source,
    maxRecordBytes: opts.maxRecordBytes ?? DECODE_DEFAULTS.maxRecordBytes,
    maxDepth: opts.maxDepth ?? DECODE_DEFAULTS.maxDepth,
    maxBodyBytes: opts.maxBodyBytes ?? DECODE_DEFAULTS.maxBodyBytes,
    now: opts.now ?? (() => new Date().toISOString()),
    out: { records: [], rejections: [] },
  };
  try {
    if (body.length === 0) {
      reject(run, 'body', 'empty input', '');
      return run.out;
    }
    let text: string;
    let envelopes: string[] = [];
    if (typeof body === 'string') {
      if (body.length > run.maxBodyBytes) {
        reject(
          run,
          'body',
          `input of ${body.length} characters exceeds the ${formatBytes(run.maxBodyBytes)} limit`,
          body,
        );
        return run.out;
      }
      const why = binaryReason(textCodes(body), body.length);
      if (why !== undefined) {
        reject(run, 'body', why, body);
        return run.out;
      }
      text = body;
    } else {
      const decoded = bytesToText(body, run);
      if ('reason' in decoded) {
        reject(run, 'body', decoded.reason, body.subarray(0, 256).toString('latin1'));
        return run.out;
      }
      ({ text, envelopes } = decoded);
    }
    decodeText(text, run, 'body', envelopes, 0);
  } catch (err) {
    // A decoder fault is a bug, but it must still leave a rejection behind rather than lose the input.
    const excerpt = typeof body === 'string' ? body : body.subarray(0, 256).toString('latin1');
    reject(run, 'body', `decoder failed: ${err instanceof Error ? err.message : String(err)}`, excerpt);
  }
  return run.out;
}
