import { formatBytes } from '../../lambdas/core/formats/decode';
import { PendingBytes, blankLines } from './bytes';
import { EXCERPT_BYTES } from './piece';
import type { Piece, StreamLimits } from './piece';

/**
 * Cuts JSON text (NDJSON, concatenated or pretty-printed documents, a top-level array) into segments that `decode`
 * reads exactly as it reads the whole text. `decode` only ever starts a value, or resumes after a broken one, at
 * the start of a line whose first character opens an object or array; cuts are made there and nowhere else (or
 * between the elements of a top-level array, which go on as arrays of their own), so the scanner here follows what
 * decode does at those points: where each value ends, where a run of non-JSON text ends, where decode resumes after
 * a value that breaks (the first later line opening a value at no deeper indentation).
 *
 * Memory is bounded whatever the input: a value that stays open past the record limit while a resume point exists
 * is cut there (decode would find it unterminated and resume there), and stretches that cannot be a record (text,
 * a broken value, a value past the body limit) are rejected and dropped as they are read.
 */

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;

/** decode's own reasons (formats/decode.ts), for the stretches rejected here. */
export const JSON_REASONS = {
  unterminated: 'truncated JSON: an object or array never closes',
  mismatched: 'invalid JSON: mismatched bracket',
  rawLineBreak: 'invalid JSON: a string runs past the end of its line (a cut-off line?)',
  text: 'not JSON or XML: text that is not a JSON object',
} as const;

const enum Mode {
  /** Between values. */
  Top,
  /** Inside a top-level object or array. */
  Value,
  /** A run of lines that do not open a value. */
  Run,
  /** After a value broke, until decode would resume. */
  Broken,
}

/** A stretch rejected and dropped as it is read. */
interface Long {
  kind: 'value' | 'run' | 'broken';
  start: number;
  line: number;
  excerpt: Buffer;
}

const isOpen = (c: number): boolean => c === OPEN_OBJ || c === OPEN_ARR;

export class JsonSegmenter {
  private readonly pending = new PendingBytes();
  private out: Piece[] = [];
  /** Next offset to scan. */
  private p = 0;
  private line = 1;
  /** Line of the first byte pending. */
  private baseLine = 1;
  private lineStart = 0;
  private atLineStart = true;
  private indent = 0;
  private lineIndent = 0;
  /** The byte being handled is the first non-blank one of its line. */
  private firstOfLine = false;
  private mode = Mode.Top;
  private inString = false;
  private escaped = false;
  /** Closing brackets expected, innermost last. */
  private stack: number[] = [];
  /** Something (a value or text) came before the current value. */
  private seen = false;
  // The current top-level value (or the broken one).
  private vStart = 0;
  private vLine = 1;
  private vIndent = 0;
  private vLineStart = 0;
  private vPrefixed = false;
  /** A top-level array that starts its line: its elements may go on in segments of their own. */
  private vElements = false;
  private brokenReason: string = JSON_REASONS.unterminated;
  /** The first line after the value's that opens a value at no deeper indentation: where decode would resume. */
  private cand = -1;
  private candLine = 0;
  // Runs of text.
  private runStart = 0;
  private runLine = 1;
  private runLastLine = 1;
  // Elements of a top-level array already sent in segments of their own.
  private elements = false;
  private elemIndex = 0;
  private elemCount = 0;
  private long: Long | undefined;
  /**
   * After a rewind to a resume point, no cut before the fault that caused it: decode must meet that fault in the
   * segment to give the broken value the same reason (a value cut at the resume point would only be unterminated).
   */
  private noCutBefore = 0;

  constructor(private readonly limits: StreamLimits) {}

  push(chunk: Uint8Array): Piece[] {
    this.pending.append(chunk);
    this.scan();
    this.checkSizes();
    return this.take();
  }

  /** The end of the input: what is pending goes as the last segment (or fault). */
  end(): Piece[] {
    const P = this.pending;
    if (this.long !== undefined) {
      const reason =
        this.long.kind === 'value'
          ? JSON_REASONS.unterminated
          : this.long.kind === 'run'
            ? this.runReason()
            : this.brokenReason;
      this.fault(this.long, reason);
    } else {
      this.emitLines(P.end, this.line);
    }
    return this.take();
  }

  private take(): Piece[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private scan(): void {
    const P = this.pending;
    while (this.p < P.end) {
      // Inside a value, the common bytes go through a tight loop; anything that needs more (a line break, an escape
      // at a chunk's end, the closing bracket, an element's comma, a bracket that does not match) comes back here.
      if (this.mode === Mode.Value && !this.atLineStart && !this.escaped && this.long === undefined) {
        this.skipInside();
        if (this.p >= P.end) break;
      }
      const p = this.p++;
      const c = P.bytes[p - P.base];
      if (this.escaped) {
        this.escaped = false;
        if (c === LF) this.newline(p);
        continue;
      }
      if (c === LF) {
        this.newline(p);
        if (this.inString) this.fail(JSON_REASONS.rawLineBreak);
        continue;
      }
      if (this.atLineStart) {
        if (c === SP || c === TAB) {
          this.indent++;
          continue;
        }
        if (c === CR) continue;
        this.atLineStart = false;
        this.lineIndent = this.indent;
        this.firstOfLine = true;
        const before = this.p;
        this.lineFirst(c, p);
        // A cut at a resume point rewinds the scan: start again from there.
        if (this.p !== before) {
          this.firstOfLine = false;
          continue;
        }
      }
      if (this.inString) {
        if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
      } else if (this.mode === Mode.Value) {
        if (c === QUOTE) this.inString = true;
        else if (isOpen(c)) this.stack.push(c === OPEN_OBJ ? CLOSE_OBJ : CLOSE_ARR);
        else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
          if (this.stack[this.stack.length - 1] !== c) this.fail(JSON_REASONS.mismatched);
          else {
            this.stack.pop();
            if (this.stack.length === 0) this.endValue(p);
          }
        } else if (c === COMMA && this.vElements && this.stack.length === 1 && this.long === undefined) {
          this.elementEnd(p);
        }
      } else if (this.mode === Mode.Top) {
        if (isOpen(c)) this.startValue(p, c);
        else if (c !== SP && c !== TAB && c !== CR) this.startRun(p);
      }
      this.firstOfLine = false;
    }
    // Dropped stretches keep nothing but their excerpt: what is scanned of them goes (the current line's start is
    // kept while its first character is still to come, since a value may start there).
    if (this.long !== undefined) this.pending.drop(this.atLineStart ? this.lineStart : this.p);
  }

  /** The tight loop of `scan` inside a value: strings, escapes, nested brackets, nothing else. */
  private skipInside(): void {
    const P = this.pending;
    const bytes = P.bytes;
    const base = P.base;
    const end = P.end - base;
    const stack = this.stack;
    const elements = this.vElements;
    let inString = this.inString;
    let i = this.p - base;
    while (i < end) {
      const c = bytes[i];
      if (inString) {
        if (c === QUOTE) inString = false;
        else if (c === BACKSLASH) {
          if (i + 1 >= end || bytes[i + 1] === LF) break;
          i++;
        } else if (c === LF) break;
        i++;
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_OBJ) stack.push(CLOSE_OBJ);
      else if (c === OPEN_ARR) stack.push(CLOSE_ARR);
      else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        if (stack.length <= 1 || stack[stack.length - 1] !== c) break;
        stack.pop();
      } else if (c === LF || (c === COMMA && elements && stack.length === 1)) break;
      i++;
    }
    this.p = base + i;
    this.inString = inString;
  }

  private newline(p: number): void {
    this.line++;
    this.lineStart = p + 1;
    this.atLineStart = true;
    this.indent = 0;
  }

  /** The first non-blank byte of a line: where runs and broken stretches end and resume points are. */
  private lineFirst(c: number, p: number): void {
    if (this.mode === Mode.Run) {
      if (isOpen(c)) {
        if (this.long !== undefined) this.fault(this.long, this.runReason(), this.lineStart, this.line);
        this.mode = Mode.Top;
      } else {
        this.runLastLine = this.line;
        this.checkSizes();
      }
    } else if (this.mode === Mode.Broken) {
      if (isOpen(c) && this.lineIndent <= this.vIndent) {
        if (this.long !== undefined) this.fault(this.long, this.brokenReason, this.lineStart, this.line);
        this.mode = Mode.Top;
      } else this.checkSizes();
    } else if (this.mode === Mode.Value) {
      if (this.cand < 0 && isOpen(c) && this.lineIndent <= this.vIndent && this.line > this.vLine) {
        this.cand = this.lineStart;
        this.candLine = this.line;
      }
      if (p - this.vStart > this.limits.maxRecordBytes) this.checkSizes();
    }
  }

  private startValue(p: number, c: number): void {
    const P = this.pending;
    if (this.firstOfLine && this.lineStart >= this.noCutBefore && this.lineStart - P.base >= this.limits.segmentBytes)
      this.emitLines(this.lineStart, this.line);
    this.mode = Mode.Value;
    this.stack = [c === OPEN_OBJ ? CLOSE_OBJ : CLOSE_ARR];
    this.vStart = p;
    this.vLine = this.line;
    this.vIndent = this.lineIndent;
    this.vLineStart = this.lineStart;
    this.vPrefixed = this.seen;
    this.vElements = c === OPEN_ARR && this.firstOfLine;
    this.cand = -1;
    this.elements = false;
    this.elemCount = 0;
    this.seen = true;
  }

  private startRun(p: number): void {
    this.mode = Mode.Run;
    this.runStart = p;
    this.runLine = this.line;
    this.runLastLine = this.line;
    this.seen = true;
  }

  private endValue(p: number): void {
    const P = this.pending;
    if (this.long !== undefined) {
      const bytes = p + 1 - this.long.start;
      this.fault(
        this.long,
        `record of ${bytes} bytes exceeds the ${formatBytes(this.limits.maxRecordBytes)} limit`,
        p + 1,
        this.line,
      );
    } else if (this.elements) {
      // The rest of the array, closing bracket included, as an array of its own.
      this.emit(Buffer.concat([Buffer.from('['), P.copy(P.base, p + 1)]), this.elementsPlace());
      P.drop(p + 1);
      this.baseLine = this.line;
      this.elements = false;
    }
    this.mode = Mode.Top;
  }

  /** A comma between two elements of a top-level array that starts its line. */
  private elementEnd(p: number): void {
    const P = this.pending;
    this.elemCount++;
    if (p + 1 - P.base < this.limits.segmentBytes || p < this.noCutBefore) return;
    let bytes: Buffer;
    if (!this.elements) {
      // What came before the array goes on its own; then the array's line, its `[` and the elements so far.
      this.emitLines(this.vLineStart, this.vLine);
      this.elements = true;
      this.elemIndex = 0;
      bytes = Buffer.concat([P.copy(P.base, p), Buffer.from(']')]);
    } else {
      bytes = Buffer.concat([Buffer.from('['), P.copy(P.base, p), Buffer.from(']')]);
    }
    this.emit(bytes, this.elementsPlace());
    this.elemIndex += this.elemCount;
    this.elemCount = 0;
    P.drop(p + 1);
    this.baseLine = this.line;
  }

  private elementsPlace() {
    return {
      kind: 'elements' as const,
      index: this.elemIndex,
      line: this.baseLine,
      ...(this.vPrefixed ? { arrayLine: this.vLine } : {}),
    };
  }

  /** The current value broke (mismatched bracket, line break inside a string). */
  private fail(reason: string): void {
    this.inString = false;
    this.escaped = false;
    this.stack = [];
    if (this.long !== undefined) {
      // A value past the body limit broke as well: drop on until decode would resume.
      this.long.kind = 'broken';
      this.brokenReason = reason;
      this.mode = Mode.Broken;
      return;
    }
    if (this.elements) {
      // Elements before the last cut are sent; what follows is read again as plain text, as decode will read it.
      this.elements = false;
      this.vElements = false;
      this.rewind(this.pending.base, this.baseLine, false);
      return;
    }
    if (this.cand >= 0) {
      // decode resumes at the first line after the value's that opens one at no deeper indentation: so do we.
      this.noCutBefore = this.p;
      this.rewind(this.cand, this.candLine, true);
      return;
    }
    this.brokenReason = reason;
    this.mode = Mode.Broken;
  }

  private rewind(at: number, line: number, lineStart: boolean): void {
    this.p = at;
    this.line = line;
    this.lineStart = at;
    this.atLineStart = lineStart;
    this.indent = 0;
    this.mode = Mode.Top;
    this.stack = [];
    this.inString = false;
    this.escaped = false;
    this.cand = -1;
  }

  /** Bounds: called at line starts and after each chunk. */
  private checkSizes(): void {
    if (this.long !== undefined) return;
    const P = this.pending;
    const { maxRecordBytes, maxValueBytes } = this.limits;
    if (this.mode === Mode.Value) {
      // Once an array's elements stream, only what is pending counts: the element being read.
      const size = this.p - (this.elements ? P.base : this.vStart);
      // A value open past the record limit while decode would resume at a later line is taken for a broken one
      // (NDJSON with a cut-off line): cut there and go on. Arrays that start their line stream their elements.
      if (!this.vElements && size > maxRecordBytes && this.cand >= 0) {
        const [at, line] = [this.cand, this.candLine];
        this.emitLines(at, line);
        this.rewind(at, line, true);
        return;
      }
      if (size > maxValueBytes) {
        const start = this.elements ? P.base : this.vStart;
        this.emitLines(start, this.vLine);
        this.long = { kind: 'value', start, line: this.vLine, excerpt: P.copy(start, start + EXCERPT_BYTES) };
        this.elements = false;
      }
    } else if (this.mode === Mode.Run && this.p - this.runStart > maxRecordBytes) {
      this.emitLines(this.runStart, this.runLine);
      this.long = {
        kind: 'run',
        start: this.runStart,
        line: this.runLine,
        excerpt: P.copy(this.runStart, this.runStart + EXCERPT_BYTES),
      };
    } else if (this.mode === Mode.Broken && this.p - this.vStart > maxRecordBytes) {
      const start = Math.max(this.vStart, P.base);
      this.emitLines(start, this.vLine);
      this.long = { kind: 'broken', start, line: this.vLine, excerpt: P.copy(start, start + EXCERPT_BYTES) };
    }
  }

  private runReason(): string {
    return this.runLastLine > this.runLine
      ? `${JSON_REASONS.text} (lines ${this.runLine}–${this.runLastLine})`
      : JSON_REASONS.text;
  }

  /** A dropped stretch ends (at `resume`, on line `line`): one fault for it. */
  private fault(long: Long, reason: string, resume = this.pending.end, line = this.line): void {
    this.out.push({
      kind: 'fault',
      position: `line ${long.line}`,
      reason,
      excerpt: long.excerpt.toString('utf8'),
    });
    this.long = undefined;
    this.pending.drop(resume);
    this.baseLine = line;
  }

  /** Pending bytes before `at` go as a segment of lines (unless blank); `line` is the line at `at`. */
  private emitLines(at: number, line: number): void {
    const P = this.pending;
    if (at > P.base) {
      const bytes = P.copy(P.base, at);
      const blank = blankLines(bytes);
      if (blank >= 0) this.emit(bytes, { kind: 'lines', line: this.baseLine, bodyLine: this.baseLine + blank });
      P.drop(at);
    }
    this.baseLine = line;
  }

  private emit(bytes: Buffer, place: Extract<Piece, { kind: 'segment' }>['place']): void {
    this.out.push({ kind: 'segment', bytes, place });
  }
}
