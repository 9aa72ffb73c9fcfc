import { POWERSHELL } from '../windows';

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
  re: RegExp;
  /** A marker that makes the command suspicious on its own; the others only add detail to the evidence. */
  strong: boolean;
}

const MARKERS: readonly MarkerPattern[] = [
  {
    kind: 'hidden window',
    re: new RegExp(
      `${DASH}(?:${prefixes('windowstyle', 1)})\\s*[:\\s]\\s*["']?(?:${prefixes('hidden', 1)}|1)(?![\\w-])`,
      'i',
    ),
    strong: true,
  },
  {
    kind: 'encoded command',
    re: new RegExp(`${DASH}(?:${prefixes('encodedcommand', 1)})\\s+["']?[a-z0-9+/]{16,}={0,2}`, 'i'),
    strong: true,
  },
  {
    kind: 'execution policy bypass',
    re: new RegExp(
      `${DASH}(?:${prefixes('executionpolicy', 2)}|ep)\\s+["']?(?:bypass|unrestricted)\\b|set-executionpolicy\\s+(?:${DASH}\\w+\\s+)?["']?(?:bypass|unrestricted)\\b`,
      'i',
    ),
    strong: true,
  },
  {
    kind: 'download cradle',
    re: /\b(?:iex|invoke-expression|invoke-webrequest|iwr|invoke-restmethod|irm|start-bitstransfer)\b|\.download(?:string|file|data)\s*\(|net\.webclient|frombase64string/i,
    strong: true,
  },
  { kind: 'no profile', re: new RegExp(`${DASH}(?:${prefixes('noprofile', 3)})(?![\\w-])`, 'i'), strong: false },
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
export function powershellMarkers(command: string): { markers: PowerShellMarker[]; suspicious: boolean } {
  const markers: PowerShellMarker[] = [];
  let suspicious = false;
  for (const { kind, re, strong } of MARKERS) {
    const m = re.exec(command);
    if (m === null) continue;
    markers.push({ kind, text: shorten(m[0]) });
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
