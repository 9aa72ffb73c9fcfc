/**
 * JSON reading that hostile input cannot turn against us: nesting depth is measured by a flat scanner before
 * `JSON.parse` runs (so a 100,000-deep array costs a loop, not the stack), and `__proto__` keys are dropped so that
 * no later object copy can be tricked into setting a prototype.
 */

/** Why a scan stopped before the value closed. */
export type ScanError = 'unterminated' | 'mismatched bracket' | 'raw line break inside a string';

/** Result of scanning one JSON object or array from its opening bracket. */
export interface JsonScan {
  /** Index just past the closing bracket, or where the scan gave up. */
  end: number;
  /** Deepest bracket nesting seen (1 for a flat object). */
  depth: number;
  /** Set when the value does not close properly; `end` is then where the fault was found. */
  error?: ScanError;
}

const OPEN_OBJ = 0x7b; // {
const CLOSE_OBJ = 0x7d; // }
const OPEN_ARR = 0x5b; // [
const CLOSE_ARR = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;

/**
 * What earlier scans learnt about brackets that open a line, so that resuming after a broken value never rescans
 * the same text. Without it, NDJSON of many unterminated lines (`{"a":1` ×100,000) costs a scan to the end of the
 * body per line: quadratic.
 */
export interface ScanMemo {
  /** Opening bracket index → index just past its closing bracket. */
  closes: Map<number, number>;
  /** Opening bracket index → why it never closed. */
  fails: Map<number, ScanError>;
}

export function newScanMemo(): ScanMemo {
  return { closes: new Map(), fails: new Map() };
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;

/**
 * Find where the JSON object or array starting at `start` ends, tracking strings and escapes, without parsing it.
 * Iterative with an explicit bracket stack: its cost is linear and it never recurses, whatever the nesting.
 *
 * With a memo, the outcome for every bracket that is the first thing on its line is recorded, and a scan starting
 * at such a bracket is answered from the memo. The answer is the same as a fresh scan's: at a line start an earlier
 * scan cannot have been inside a string (a raw line break in a string stops it), and a bracket still open where an
 * earlier scan stopped meets the same fault.
 */
export function scanJsonValue(text: string, start: number, memo?: ScanMemo): JsonScan {
  const known = memo?.closes.get(start);
  if (known !== undefined) return { end: known, depth: jsonDepth(text.slice(start, known)) };
  const failed = memo?.fails.get(start);
  if (failed !== undefined) return { end: text.length, depth: 0, error: failed };

  const stack: number[] = [];
  const opens: number[] = []; // index of each open bracket that starts its line, else -1
  let depth = 0;
  let inString = false;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineBlank = /^[ \t]*$/.test(text.slice(lineStart, start));
  const fail = (end: number, error: ScanError): JsonScan => {
    if (memo) for (const o of opens) if (o >= 0) memo.fails.set(o, error);
    return { end, depth, error };
  };
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      // JSON forbids raw control characters in strings; a line break here almost always means a cut-off line.
      else if (c === LF) return fail(i, 'raw line break inside a string');
      continue;
    }
    if (c === LF) {
      lineBlank = true;
      continue;
    }
    if (c === SPACE || c === TAB || c === CR) continue;
    if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJ || c === OPEN_ARR) {
      stack.push(c === OPEN_OBJ ? CLOSE_OBJ : CLOSE_ARR);
      opens.push(lineBlank ? i : -1);
      if (stack.length > depth) depth = stack.length;
    } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
      if (stack[stack.length - 1] !== c) return fail(i, 'mismatched bracket');
      stack.pop();
      const o = opens.pop()!;
      if (memo && o >= 0) memo.closes.set(o, i + 1);
      if (stack.length === 0) return { end: i + 1, depth };
    }
    lineBlank = false;
  }
  return fail(text.length, 'unterminated');
}

/** Nesting depth of any JSON text (0 for a scalar), measured without recursion. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJ || c === OPEN_ARR) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === CLOSE_OBJ || c === CLOSE_ARR) depth--;
  }
  return max;
}

/** Raised by `parseJsonSafely` with a one-line reason. */
export class JsonRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'JsonRejected';
  }
}

/** Text whose parse `parseJsonSafely` takes with the reviver: a `__proto__` key is possible (also escaped). */
const PROTO_OR_ESCAPE = /__proto__|\\u/;

/** Whether a parsed value nests at most `budget` brackets deep (what `jsonDepth` measures of its text). */
function nestsWithin(v: unknown, budget: number): boolean {
  if (typeof v !== 'object' || v === null) return true;
  if (budget === 0) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!nestsWithin(x, budget - 1)) return false;
    return true;
  }
  for (const k in v) if (!nestsWithin((v as Record<string, unknown>)[k], budget - 1)) return false;
  return true;
}

/**
 * What `parseJsonSafely(text, maxDepth)` returns, when reading it needs no care: text that is valid JSON, nests at
 * most `maxDepth` deep and holds no `__proto__` key (nor any `\u` escape that could spell one). Undefined otherwise,
 * and the caller takes the careful path. The depth is measured on the parsed value, its early exit bounding the walk,
 * so a well-formed line costs one parse instead of a character scan and a parse.
 */
export function parsePlainJson(text: string, maxDepth: number): unknown {
  if (PROTO_OR_ESCAPE.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return nestsWithin(value, maxDepth) ? value : undefined;
}

// `JSON.parse` itself only ever creates own data properties; the danger is a later `Object.assign` or merge that
// meets an own `__proto__` key and sets the target's prototype. Dropping the key removes that possibility.
const dropProtoKey = (key: string, value: unknown): unknown => (key === '__proto__' ? undefined : value);

/**
 * Parse JSON text with a depth limit and without `__proto__` keys. `constructor` and `prototype` stay as plain data:
 * as own properties of a parsed object they shadow nothing that is ever invoked.
 * @throws JsonRejected when the text is nested deeper than `maxDepth` or is not valid JSON.
 */
export function parseJsonSafely(text: string, maxDepth: number, knownDepth?: number): unknown {
  const depth = knownDepth ?? jsonDepth(text);
  if (depth > maxDepth) throw new JsonRejected(`JSON nested ${depth} levels deep exceeds the limit of ${maxDepth}`);
  try {
    // The reviver costs a second walk, so take it only when a `__proto__` key could be present (also escaped).
    return /__proto__|\\u/.test(text) ? JSON.parse(text, dropProtoKey) : JSON.parse(text);
  } catch (err) {
    throw new JsonRejected(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}
