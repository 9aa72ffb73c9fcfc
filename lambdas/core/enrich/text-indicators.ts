import type { IocType } from '../model/enrichment';
import { ipVersion, isPublicDomain, isUrlHostDomain } from './network';
import { forScan } from '../windows';
import type { ScanMeter } from '../windows';

/**
 * Network indicators and hashes found in free text (command lines, registry value data, DNS answers, task actions).
 * The text is data: it is matched, never evaluated. Every pattern is bounded so hostile input stays linear.
 */

export interface TextIndicator {
  type: IocType;
  value: string;
  /** Offset in the text, for ordering. */
  index: number;
  port?: number;
}

/** Quotes that end a token, including the typographic ones that pasted PowerShell often carries. */
const QUOTES = `"'\`\u2018\u2019\u201c\u201d`;

const URL_RE = new RegExp(String.raw`\b(?:https?|ftp):\/\/[^\s<>{}|\\^${QUOTES}]{1,2048}`, 'gi');
const IPV4_RE =
  /(?<![\d.])((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?!\.?\d)(?::(\d{1,5})(?!\d))?/g;
// Candidates only: validated by net.isIP. `$`, `]` and `.` before, or `(` after, mark code (`[Math]::Abs(`).
const IPV6_RE = /(?<![\w:.$\]])[0-9a-f:]{2,39}(?![\w:.(])/gi;
const DOMAIN_RE =
  /(?<![\w.$-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,126}[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?(?![\w-]|\.[a-z0-9]|\(|::)/gi;
const HASH_RE = /(?<![0-9a-z])(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32})(?![0-9a-z])/gi;

const HASH_TYPES: Readonly<Record<number, IocType>> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };

/** Punctuation that ends a sentence or a quoted argument, not the URL: `.,;:!?`. */
const isTrailingPunct = (c: string): boolean =>
  c === '.' || c === ',' || c === ';' || c === ':' || c === '!' || c === '?';

/**
 * A URL without the punctuation after it: trailing `.,;:!?`, then a closing bracket the URL did not open, then
 * `.,;:!?` again. Linear: the counts are taken once and the end moves left (a run of 2,000 dots or brackets cost
 * seconds when the end was found by a regular expression retried from every dot, and the brackets counted anew
 * for each one removed).
 */
export function trimUrl(url: string, meter?: ScanMeter): string {
  let end = url.length;
  let steps = 0;
  const stripPunct = (): void => {
    while (end > 0 && isTrailingPunct(url[end - 1])) {
      end--;
      steps++;
    }
  };
  stripPunct();
  // A closing bracket belongs to the URL only when the URL opened it.
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
  ] as const) {
    let opens = 0;
    let closes = 0;
    for (let i = 0; i < end; i++) {
      steps++;
      if (url[i] === open) opens++;
      else if (url[i] === close) closes++;
    }
    while (end > 0 && url[end - 1] === close && opens <= closes - 1) {
      end--;
      closes--;
      steps++;
    }
  }
  stripPunct();
  if (meter !== undefined) meter.steps += steps;
  return url.slice(0, end);
}

function validPort(p: string | undefined): number | undefined {
  if (p === undefined) return undefined;
  const n = Number(p);
  return Number.isInteger(n) && n > 0 && n <= 65535 ? n : undefined;
}

/** Host, port and IP-ness of a URL; undefined when it does not parse. */
export function urlHost(url: string): { host: string; port?: number } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined; // Not a URL after all: the text only looked like one.
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === '') return undefined;
  const explicit = validPort(u.port === '' ? undefined : u.port);
  const port = explicit ?? (u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : undefined);
  return port === undefined ? { host } : { host, port };
}

/** Indicators of a URL's host: its IP, or its domain when under a real public suffix. */
function hostIndicator(host: string, index: number, port: number | undefined): TextIndicator | undefined {
  const v = ipVersion(host);
  if (v !== 0) return { type: v === 4 ? 'ipv4' : 'ipv6', value: host, index, ...(port !== undefined ? { port } : {}) };
  return isUrlHostDomain(host) ? { type: 'domain', value: host.replace(/\.$/, ''), index } : undefined;
}

/** A backslash before a name makes it a path component (`\setup.zip`); two start a UNC host (`\\evil.com\share`). */
function isPathComponent(text: string, index: number): boolean {
  if (index === 0) return false;
  const prev = text[index - 1];
  if (prev === '/') return true;
  if (prev !== '\\') return false;
  return !(index >= 2 && text[index - 2] === '\\' && (index < 3 || text[index - 3] !== '\\'));
}

function hasLetterAndDigit(s: string): boolean {
  return /[a-f]/i.test(s) && /\d/.test(s);
}

/**
 * Every URL, IPv4/IPv6 address (with its port when written `ip:port`), public domain and MD5/SHA-1/SHA-256 in the
 * text, in order of appearance. A URL's host is reported beside the URL; the rest of the URL is not scanned again.
 */
export function indicatorsInText(input: string): TextIndicator[] {
  const out: TextIndicator[] = [];
  let text = forScan(input);

  for (const m of text.matchAll(URL_RE)) {
    const url = trimUrl(m[0]);
    const parsed = urlHost(url);
    if (parsed === undefined) continue;
    out.push({ type: 'url', value: url, index: m.index });
    const host = hostIndicator(parsed.host, m.index, parsed.port);
    if (host !== undefined) out.push(host);
  }
  // Blank the URLs out (same length, so offsets hold) before looking for bare names and addresses.
  text = text.replace(URL_RE, (s) => ' '.repeat(s.length));

  for (const m of text.matchAll(IPV4_RE)) {
    const port = validPort(m[2]);
    out.push({ type: 'ipv4', value: m[1], index: m.index, ...(port !== undefined ? { port } : {}) });
  }
  for (const m of text.matchAll(IPV6_RE)) {
    const v = m[0];
    if ((v.match(/:/g) ?? []).length < 2 || !/\d/.test(v) || ipVersion(v) !== 6) continue;
    out.push({ type: 'ipv6', value: v, index: m.index });
  }
  for (const m of text.matchAll(DOMAIN_RE)) {
    if (isPathComponent(text, m.index) || !isPublicDomain(m[0])) continue;
    out.push({ type: 'domain', value: m[0], index: m.index });
  }
  for (const m of text.matchAll(HASH_RE)) {
    if (!hasLetterAndDigit(m[0])) continue; // a run of one kind is a number or padding, not a digest
    out.push({ type: HASH_TYPES[m[0].length], value: m[0].toLowerCase(), index: m.index });
  }
  return out.sort((a, b) => a.index - b.index);
}
