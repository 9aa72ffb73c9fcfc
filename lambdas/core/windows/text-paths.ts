/**
 * Windows paths inside free text: command lines, registry value data, task actions. The text is the intruder's, so
 * the scan is bounded twice: it reads at most `MAX_SCAN_CHARS` characters, and it does a fixed amount of work per
 * character (a hand-written scanner over precomputed runs, not a backtracking regular expression). A `ScanMeter`
 * counts that work, so tests can prove the bound without timing anything.
 */

/** Longest path we look for inside free text (MAX_PATH). */
const MAX_PATH_CHARS = 260;

/**
 * Characters Windows path fields are capped at before we scan them. Sysmon command lines stop at 32 KiB; anything
 * longer is truncated for scanning only (the alert keeps the whole value).
 */
export const MAX_SCAN_CHARS = 32 * 1024;

/** The part of a text that is scanned: at most `MAX_SCAN_CHARS`. */
export function forScan(text: string): string {
  return text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text;
}

/**
 * Counts the elementary steps a scan over alert text takes (a character looked at, a position tried). Scanners
 * take one optionally; the property tests hand them one and check the count stays within a constant times the
 * length of the text, whatever the text.
 */
export interface ScanMeter {
  steps: number;
}

/** Extensions of files a LOLBin or script host can be asked to run. */
const PAYLOAD_EXTENSIONS = new Set(
  'exe|dll|sys|scr|cpl|ocx|drv|com|pif|msi|msp|ps1|psm1|bat|cmd|vbs|vbe|js|jse|wsf|wsh|hta|sct|inf|xsl|jar|lnk|bin|dat|tmp|txt'.split(
    '|',
  ),
);
const LONGEST_EXTENSION = 4;

/** A path found in text, as written, and where it starts. */
export interface PathInText {
  path: string;
  index: number;
}

const WHITESPACE = /\s/;
const isAsciiLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isAsciiAlnum = (c: number): boolean => isAsciiLetter(c) || (c >= 0x30 && c <= 0x39);
/** Characters that end a path in free text: quotes (typographic too), shell operators, wildcards, line breaks. */
const PATH_STOP = new Set([...'"\'<>|&\r\n*?\u2018\u2019\u201c\u201d'].map((c) => c.charCodeAt(0)));
/** JavaScript's `\s`, without a regular expression for ASCII. */
const isWhitespace = (ch: string, c: number): boolean =>
  c < 0x80 ? c === 0x20 || (c >= 0x09 && c <= 0x0d) : WHITESPACE.test(ch);
/** Characters a UNC host name (`\\host\`) cannot hold. */
const isUncHostChar = (ch: string, c: number): boolean =>
  c !== 0x5c && c !== 0x22 && c !== 0x27 && c !== 0x3c && c !== 0x3e && c !== 0x7c && !isWhitespace(ch, c);
/** Characters of an environment variable's name (`%SystemRoot%`). */
const isEnvNameChar = (c: number): boolean => isAsciiAlnum(c) || c === 0x5f || c === 0x28 || c === 0x29;

/**
 * Windows paths in a text, in order of appearance (the first `MAX_SCAN_CHARS` characters are scanned): absolute
 * (`C:\…`), UNC (`\\host\share\…`), environment-variable (`%APPDATA%\…`) and relative (`.\x.dll`) paths, each
 * ending at the first payload extension (`exe`, `dll`, `ps1`…, a whole word) within `MAX_PATH_CHARS` characters, with
 * no quote, shell operator, wildcard or line break before it: `rundll32 C:\x\a.dll,Start` yields `C:\x\a.dll`.
 *
 * The same matches as the regular expression
 * `(?:[a-z]:\\|\\\\[^\\\s"'<>|]+\\|%[a-z_()0-9]+%\\|\.{1,2}\\)[^"'<>|&\r\n*?‘’“”]{0,260}?\.(?:<ext>)(?![a-z0-9])`
 * (case-insensitive, global) found, in linear time: that expression retried up to 260 characters from every start.
 */
export function pathsInText(input: string, meter?: ScanMeter): PathInText[] {
  const text = forScan(input);
  const n = text.length;
  let steps = 0;
  // Right to left, one pass each: where the next stop character is, where each run ends, where the next
  // extension is. Every later question is then answered by looking up an index.
  const nextStop = new Int32Array(n + 1);
  const uncRunEnd = new Int32Array(n + 1);
  const envRunEnd = new Int32Array(n + 1);
  const alnumRunEnd = new Int32Array(n + 1);
  const nextExt = new Int32Array(n + 1);
  nextStop[n] = n;
  uncRunEnd[n] = n;
  envRunEnd[n] = n;
  alnumRunEnd[n] = n;
  nextExt[n] = n;
  for (let i = n - 1; i >= 0; i--) {
    steps++;
    const c = text.charCodeAt(i);
    nextStop[i] = PATH_STOP.has(c) ? i : nextStop[i + 1];
    uncRunEnd[i] = isUncHostChar(text[i], c) ? uncRunEnd[i + 1] : i;
    envRunEnd[i] = isEnvNameChar(c) ? envRunEnd[i + 1] : i;
    alnumRunEnd[i] = isAsciiAlnum(c) ? alnumRunEnd[i + 1] : i;
    // `.ext` is an extension when the whole word after the dot is one (`.jse`, not `.js` followed by `e`).
    const word = c === 0x2e ? alnumRunEnd[i + 1] - (i + 1) : 0;
    const isExt =
      word > 0 && word <= LONGEST_EXTENSION && PAYLOAD_EXTENSIONS.has(text.slice(i + 1, i + 1 + word).toLowerCase());
    nextExt[i] = isExt ? i : nextExt[i + 1];
  }

  /** Where the path body starts if a path prefix starts at `s`, else -1. */
  const bodyStart = (s: number): number => {
    const c = text.charCodeAt(s);
    if (isAsciiLetter(c)) return text.charCodeAt(s + 1) === 0x3a && text.charCodeAt(s + 2) === 0x5c ? s + 3 : -1;
    if (c === 0x5c) {
      if (text.charCodeAt(s + 1) !== 0x5c) return -1;
      const end = uncRunEnd[Math.min(s + 2, n)];
      return end > s + 2 && text.charCodeAt(end) === 0x5c ? end + 1 : -1;
    }
    if (c === 0x25) {
      const end = envRunEnd[Math.min(s + 1, n)];
      return end > s + 1 && text.charCodeAt(end) === 0x25 && text.charCodeAt(end + 1) === 0x5c ? end + 2 : -1;
    }
    if (c === 0x2e) {
      if (text.charCodeAt(s + 1) === 0x2e && text.charCodeAt(s + 2) === 0x5c) return s + 3;
      return text.charCodeAt(s + 1) === 0x5c ? s + 2 : -1;
    }
    return -1;
  };

  const out: PathInText[] = [];
  let s = 0;
  while (s < n) {
    steps++;
    const b = bodyStart(s);
    if (b >= 0) {
      // The shortest body: up to the first extension, if no stop character comes first and it is close enough.
      const dot = nextExt[Math.min(b, n)];
      if (dot < n && dot - b <= MAX_PATH_CHARS && nextStop[b] >= dot) {
        const end = alnumRunEnd[dot + 1];
        out.push({ path: text.slice(s, end), index: s });
        s = end;
        continue;
      }
    }
    s++;
  }
  if (meter !== undefined) meter.steps += steps;
  return out;
}
