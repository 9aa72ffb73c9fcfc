import { formatBytes } from '../../lambdas/core/formats/decode';
import { DTD_REASON, hasDtd } from '../../lambdas/core/formats/xml';
import { PendingBytes, blankLines } from './bytes';
import { EXCERPT_BYTES } from './piece';
import type { Piece, StreamLimits } from './piece';

/**
 * Cuts Windows Event Log XML (`<Event>` after `<Event>`, with or without an `<Events>` wrapper) after a closing
 * `</Event>`, so each segment holds whole events and `decode` locates and parses them as it does in a whole file.
 * Events are counted as decode counts them (formats/xml.ts `locateEvents`), so `event k` positions run on across
 * segments.
 */

// The same expressions as formats/xml.ts: an `<Event` tag (not `<Events>`), optionally namespace-prefixed.
const EVENT_OPEN_RE = /<(?:[A-Za-z_][\w.-]*:)?Event(?=[\s>/])/g;
const EVENT_CLOSE_RE = /<\/(?:[A-Za-z_][\w.-]*:)?Event\s*>/g;
const CLOSE_AT_RE = /^<\/(?:[A-Za-z_][\w.-]*:)?Event\s*>/;
const EVENT_OPEN_AT_RE = /^<(?:[A-Za-z_][\w.-]*:)?Event(?=[\s>/])/;
/** Longest closing tag recognised: `</prefix:Event   >` with a generous prefix. */
const CLOSE_WINDOW = 96;

/** How many events decode's `locateEvents` finds in the text (a truncated last one included, as it counts it). */
export function countEvents(text: string): number {
  const open = new RegExp(EVENT_OPEN_RE.source, 'g');
  const close = new RegExp(EVENT_CLOSE_RE.source, 'g');
  let n = 0;
  let pos = 0;
  for (let m = open.exec(text); m !== null; m = open.exec(text)) {
    if (m.index < pos) continue;
    const tagEnd = text.indexOf('>', m.index);
    if (tagEnd < 0) return n + 1;
    n++;
    if (text[tagEnd - 1] === '/') pos = tagEnd + 1;
    else {
      close.lastIndex = tagEnd;
      const c = close.exec(text);
      if (c === null) return n;
      pos = c.index + c[0].length;
    }
    open.lastIndex = pos;
  }
  return n;
}

export class XmlSegmenter {
  private readonly pending = new PendingBytes();
  private out: Piece[] = [];
  /** Where to look for the next `</`. */
  private p = 0;
  /** Events in the segments already sent. */
  private events = 0;
  private checkedDtd = false;
  /** The input declared a DTD: it is rejected whole, as decode rejects such a body, and the rest is not read. */
  private refused = false;
  /** An event past the body limit, dropped up to its closing tag. */
  private long: { excerpt: Buffer; bytes: number } | undefined;

  constructor(private readonly limits: StreamLimits) {}

  /** True once the input is refused as a whole: the caller may stop reading it. */
  get done(): boolean {
    return this.refused;
  }

  push(chunk: Uint8Array): Piece[] {
    if (this.refused) return [];
    this.pending.append(chunk);
    this.scan(false);
    return this.take();
  }

  end(): Piece[] {
    if (this.refused) return [];
    this.scan(true);
    const P = this.pending;
    if (this.long !== undefined) this.tooLarge(P.end);
    else if (!this.checkDtd(P.end)) this.emit(P.end);
    return this.take();
  }

  private take(): Piece[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private scan(final: boolean): void {
    const P = this.pending;
    for (;;) {
      const at = P.indexOf('</', this.p);
      if (at < 0) {
        this.p = Math.max(P.base, P.end - 1);
        break;
      }
      if (!final && P.end - at < CLOSE_WINDOW) {
        this.p = at;
        break;
      }
      const m = CLOSE_AT_RE.exec(P.latin1(at, at + CLOSE_WINDOW));
      this.p = at + 2;
      if (m === null) continue;
      const end = at + m[0].length;
      this.p = end;
      if (this.long !== undefined) {
        this.tooLarge(end);
        continue;
      }
      if (this.checkDtd(end)) return;
      if (end - P.base < this.limits.segmentBytes) continue;
      // The cut goes just before the next event, so each segment starts as XML (decode tells XML from JSON by its
      // first character) and holds an event, and what lies between two events stays in one piece, as decode reports it.
      const next = P.indexOf('<', end);
      if (next < 0 || (!final && P.end - next < CLOSE_WINDOW)) {
        this.p = at;
        break;
      }
      if (!EVENT_OPEN_AT_RE.test(P.latin1(next, next + CLOSE_WINDOW))) continue;
      this.emit(next);
      this.p = next;
    }
    if (this.long === undefined && P.end - P.base > this.limits.maxValueBytes) {
      // No closing tag within the body limit: one event too large to read. It is dropped up to its `</Event>`.
      this.long = { excerpt: P.copy(P.base, P.base + EXCERPT_BYTES), bytes: 0 };
    }
    if (this.long !== undefined) {
      this.long.bytes += this.p - P.base;
      P.drop(this.p);
    }
  }

  /** The prolog (before the first cut) declares a DTD: reject the input whole. */
  private checkDtd(end: number): boolean {
    if (this.checkedDtd) return false;
    this.checkedDtd = true;
    const P = this.pending;
    const head = P.copy(P.base, end);
    if (!hasDtd(head.toString('latin1'))) return false;
    this.out.push({
      kind: 'fault',
      position: 'body',
      reason: DTD_REASON,
      excerpt: head.subarray(0, EXCERPT_BYTES).toString('utf8'),
    });
    this.refused = true;
    P.drop(P.end);
    return true;
  }

  private tooLarge(end: number): void {
    const P = this.pending;
    const long = this.long!;
    const bytes = long.bytes + (end - P.base);
    this.events++;
    this.out.push({
      kind: 'fault',
      position: `event ${this.events}`,
      reason: `record of ${bytes} bytes exceeds the ${formatBytes(this.limits.maxRecordBytes)} limit`,
      excerpt: long.excerpt.toString('utf8'),
    });
    this.long = undefined;
    P.drop(end);
  }

  private emit(end: number): void {
    const P = this.pending;
    const bytes = P.copy(P.base, end);
    P.drop(end);
    if (blankLines(bytes) < 0) return;
    const index = this.events;
    this.events += countEvents(bytes.toString('latin1'));
    this.out.push({ kind: 'segment', bytes, place: { kind: 'events', index } });
  }
}
