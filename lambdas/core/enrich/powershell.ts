import { POWERSHELL, forScan } from '../windows';
import type { ScanMeter } from '../windows';

/**
 * PowerShell options and idioms that hide what a command does. PowerShell accepts any unambiguous prefix of a
 * parameter (`-w`, `-win`, `-WindowStyle`) and `/` or an en/em dash in place of `-`, so the patterns do too.
 */

const DASH = '[-/\u2013\u2014\u2015]';

/** Every prefix of `word` at least `min` characters long, longest first, as a regex alternation. */
function prefixes(word: string, min: number): string {
  const out: string[] = [];
  for (let n = word.length; n >= min; n--) out.push(word.slice(0, n));
  return out.join('|');
}

export type PowerShellMarkerKind =
  'hidden window' | 'encoded command' | 'execution policy bypass' | 'download cradle' | 'no profile';

interface MarkerPattern {
  kind: PowerShellMarkerKind;
  /** The first match in the text, as written; every finder is linear in the text's length. */
  find: (text: string, meter?: ScanMeter) => string | undefined;
  /** A marker that makes the command suspicious on its own; the others only add detail to the evidence. */
  strong: boolean;
}

/** A finder from a regular expression free of ambiguous adjacent quantifiers (so it backtracks linearly). */
const byRegex =
  (re: RegExp) =>
  (text: string): string | undefined =>
    re.exec(text)?.[0];

const DASHES = new Set(['-', '/', '\u2013', '\u2014', '\u2015']);
const WHITESPACE = /\s/;
const isSpace = (ch: string | undefined): boolean => ch !== undefined && WHITESPACE.test(ch);
const isWordOrDash = (ch: string | undefined): boolean => ch !== undefined && /[\w-]/.test(ch);

/** `text` lower-cased when it is all ASCII letters and digits, else undefined (as the `i` flag compares them). */
function asciiLower(text: string): string | undefined {
  return /^[A-Za-z0-9]*$/.test(text) ? text.toLowerCase() : undefined;
}

/**
 * `-WindowStyle Hidden` and every spelling PowerShell accepts (`-w h`, `/win:1`, `–WindowStyle 'hidden'`): a dash,
 * a prefix of `windowstyle`, whitespace with at most one colon, an optional quote, and a prefix of `hidden` or `1`
 * as a whole word. The matches of
 * `[-/–—―](?:windowstyle|…|w)\s*[:\s]\s*["']?(?:hidden|…|h|1)(?![\w-])` (case-insensitive), found in linear time:
 * that expression split every run of whitespace in every possible way, quadratic in the run (3 s for 32 KiB).
 */
export function hiddenWindowMatch(text: string, meter?: ScanMeter): string | undefined {
  const n = text.length;
  let steps = 0;
  let found: string | undefined;
  for (let i = 0; i < n && found === undefined; i++) {
    steps++;
    if (!DASHES.has(text[i])) continue;
    // The switch: everything up to whitespace or a colon, at most as long as `windowstyle`.
    let j = i + 1;
    while (j < n && j - i - 1 <= 11 && !isSpace(text[j]) && text[j] !== ':') j++;
    steps += j - i;
    const name = asciiLower(text.slice(i + 1, j));
    if (name === undefined || name === '' || !'windowstyle'.startsWith(name) || j >= n) continue;
    if (!isSpace(text[j]) && text[j] !== ':') continue;
    // Whitespace, at most one colon, whitespace.
    let k = j;
    while (k < n && isSpace(text[k])) k++;
    if (text[k] === ':') {
      k++;
      while (k < n && isSpace(text[k])) k++;
    }
    steps += k - j;
    const v = text[k] === '"' || text[k] === "'" ? k + 1 : k;
    // The value: a whole word (letters, digits, `_`, `-`), `1` or a prefix of `hidden`.
    let e = v;
    while (e < n && e - v <= 6 && isWordOrDash(text[e])) e++;
    steps += e - v;
    const value = asciiLower(text.slice(v, e));
    if (value === undefined || value === '' || isWordOrDash(text[e])) continue;
    if (value === '1' || 'hidden'.startsWith(value)) found = text.slice(i, e);
  }
  if (meter !== undefined) meter.steps += steps;
  return found;
}

const MARKERS: readonly MarkerPattern[] = [
  { kind: 'hidden window', find: hiddenWindowMatch, strong: true },
  {
    kind: 'encoded command',
    find: byRegex(new RegExp(`${DASH}(?:${prefixes('encodedcommand', 1)})\\s+["']?[a-z0-9+/]{16,}={0,2}`, 'i')),
    strong: true,
  },
  {
    kind: 'execution policy bypass',
    find: byRegex(
      new RegExp(
        `${DASH}(?:${prefixes('executionpolicy', 2)}|ep)\\s+["']?(?:bypass|unrestricted)\\b|set-executionpolicy\\s+(?:${DASH}\\w+\\s+)?["']?(?:bypass|unrestricted)\\b`,
        'i',
      ),
    ),
    strong: true,
  },
  {
    kind: 'download cradle',
    find: byRegex(
      /\b(?:iex|invoke-expression|invoke-webrequest|iwr|invoke-restmethod|irm|start-bitstransfer)\b|\.download(?:string|file|data)\s*\(|net\.webclient|frombase64string/i,
    ),
    strong: true,
  },
  {
    kind: 'no profile',
    find: byRegex(new RegExp(`${DASH}(?:${prefixes('noprofile', 3)})(?![\\w-])`, 'i')),
    strong: false,
  },
];

export interface PowerShellMarker {
  kind: PowerShellMarkerKind;
  /** The text as written, shortened: a base64 blob is cut after a few characters. */
  text: string;
}

/** A PowerShell program name as typed (`powershell`, `pwsh.exe`, `"…\powershell_ise.exe"`). */
const PS_TOKEN = new RegExp(
  String.raw`(?:^|[\s"'\\/=(&|;\u2018\u2019\u201c\u201d])(?:${[...POWERSHELL].map((n) => n.replace(/\.exe$/, '')).join('|')})` +
    String.raw`(?:\.exe)?(?=$|[\s"'\u2018\u2019\u201c\u201d])`,
  'i',
);

/** Where a PowerShell invocation starts in a command text, or -1. */
export function powershellStart(text: string): number {
  const m = PS_TOKEN.exec(text);
  return m === null ? -1 : m.index;
}

function shorten(s: string): string {
  const t = s.trim();
  return t.length > 40 ? `${t.slice(0, 39)}…` : t;
}

/**
 * The evasion markers in a PowerShell command, in the order of MARKERS, and whether any of them is strong enough to
 * flag the command (`-NoProfile` alone is ordinary in administrators' scripts).
 */
export function powershellMarkers(
  command: string,
  meter?: ScanMeter,
): { markers: PowerShellMarker[]; suspicious: boolean } {
  const text = forScan(command);
  const markers: PowerShellMarker[] = [];
  let suspicious = false;
  for (const { kind, find, strong } of MARKERS) {
    const m = find(text, meter);
    if (m === undefined) continue;
    markers.push({ kind, text: shorten(m) });
    if (strong) suspicious = true;
  }
  return { markers, suspicious };
}

const ENCODED_ARG = new RegExp(`${DASH}(?:${prefixes('encodedcommand', 1)})\\s+["']?([a-z0-9+/]{16,}={0,2})`, 'i');
/** Longest encoded command decoded: PowerShell's own command-line limit is 32 KiB. */
const MAX_ENCODED = 32 * 1024;

/**
 * The script behind `-EncodedCommand` (base64 of UTF-16LE text), so the URLs and hosts it hides can be reported.
 * Decoding is all that happens: the result is text to look at. Undefined when there is none or it is not text.
 */
export function decodeEncodedCommand(command: string): string | undefined {
  const m = ENCODED_ARG.exec(command);
  if (m === null || m[1].length > MAX_ENCODED) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf16le');
  const printable = text.replace(/[^\t\n\r\x20-\x7e\u00a0-\u024f]/g, '').length;
  return text.length > 0 && printable / text.length >= 0.9 ? text : undefined;
}
