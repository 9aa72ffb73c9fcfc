import { isIP } from 'node:net';
import type { IocType } from '../model/enrichment';
import { clip, oneLine } from '../model/report';
import { indicatorsInText } from './text-indicators';

/**
 * Display forms of network indicators that no mail client, chat or Jira renders as a link and no one pastes into a
 * browser by accident. They follow the reference tickets: `194.165.16[.]89` (the last dot of an IPv4 address),
 * `www[.]dropbox[.]com` (every dot of a domain), `hxxps://` for URLs. Other types are returned unchanged.
 */

/** IPv4: bracket the last dot, `194.165.16.89` → `194.165.16[.]89`. */
function defangIpv4(ip: string): string {
  const i = ip.lastIndexOf('.');
  return i < 0 ? ip : `${ip.slice(0, i)}[.]${ip.slice(i + 1)}`;
}

/** IPv6: bracket the second colon (after the /32 prefix), `2001:db8::1` → `2001:db8[:]:1`; not parseable, still readable. */
function defangIpv6(ip: string): string {
  const first = ip.indexOf(':');
  const second = first < 0 ? -1 : ip.indexOf(':', first + 1);
  const at = second < 0 ? first : second;
  return at < 0 ? ip : `${ip.slice(0, at)}[:]${ip.slice(at + 1)}`;
}

/** Domain: bracket every dot, `www.dropbox.com` → `www[.]dropbox[.]com`. */
function defangDomain(domain: string): string {
  return domain.replace(/\./g, '[.]');
}

function defangHost(host: string): string {
  if (isIP(host) === 4) return defangIpv4(host);
  if (host.startsWith('[') && host.endsWith(']')) return `[${defangIpv6(host.slice(1, -1))}]`;
  return defangDomain(host);
}

/** URL: `https` → `hxxps`, `ftp` → `fxp`, and the host defanged by its kind; path and query stay as they were. */
function defangUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is.exec(url);
  if (m === null) return defangDomain(url);
  const scheme = m[1].replace(/^http/i, (s) => (s === 'HTTP' ? 'HXXP' : 'hxxp')).replace(/^ftp/i, 'fxp');
  // Keep credentials and port out of the host defanging: `user@host:8080`.
  const authority = m[2];
  const at = authority.lastIndexOf('@');
  const userInfo = at >= 0 ? authority.slice(0, at + 1) : '';
  const hostPort = authority.slice(at + 1);
  const portMatch = /^(\[[^\]]*\]|[^:]*)(:\d*)?$/.exec(hostPort);
  const host = portMatch?.[1] ?? hostPort;
  const port = portMatch?.[2] ?? '';
  return `${scheme}://${userInfo}${defangHost(host)}${port}${m[3]}`;
}

/**
 * The display form of an indicator value.
 *
 * @example
 * defang('ipv4', '194.165.16.89')                 // '194.165.16[.]89'
 * defang('domain', 'www.dropbox.com')             // 'www[.]dropbox[.]com'
 * defang('url', 'https://evil.example.com/a.ps1') // 'hxxps://evil[.]example[.]com/a.ps1'
 * defang('file', 'C:\\ProgramData\\x.dll')        // unchanged
 */
export function defang(type: IocType, value: string): string {
  switch (type) {
    case 'ipv4':
      return defangIpv4(value);
    case 'ipv6':
      return defangIpv6(value);
    case 'domain':
      return defangDomain(value);
    case 'url':
      return defangUrl(value);
    default:
      return value;
  }
}

/**
 * The live form of a value a feed or analyst wrote defanged (`194.165.16[.]89`, `hxxps://evil[.]com`,
 * `evil(dot)com`), so threat-intel entries match what the alerts carry.
 */
export function refang(value: string): string {
  return value
    .trim()
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[:\]/g, ':')
    .replace(/\[:\/\/\]/g, '://')
    .replace(/^hxxp(s?)(?=:|\[:)/i, (_s, s: string) => `http${s}`)
    .replace(/^fxp(?=:)/i, 'ftp');
}

/** Typographic double quotes: inside a quote they become plain ones, so the text cannot close the quote early. */
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\u2033\u2036]/g;

/**
 * Alert text where only plain text can go (the Jira summary, a table cell, an indicator's role): a quote labelled
 * by what it is, so an intruder's prose never reads as the report's own (`rule “Root cause: authorised change…”`).
 * On one line, defanged, invisible characters shown, cut to `max` characters on a code point.
 */
export function quoteSource(label: string, text: string, max: number): string {
  // Defanged whole, then cut: a cut URL (`http:/…`) would no longer be recognised to defang.
  return `${label} \u201c${clip(defangText(oneLine(text)), max).replace(DOUBLE_QUOTES, '"')}\u201d`;
}

/**
 * Free text with every URL, IP address and domain in it defanged, for evidence lines shown to people:
 * `mshta http://evil.example/a.hta` → `mshta hxxp://evil[.]example/a.hta`. Hashes and paths are left as written.
 */
export function defangText(text: string): string {
  let out = '';
  let at = 0;
  for (const found of indicatorsInText(text)) {
    if (found.type !== 'url' && found.type !== 'ipv4' && found.type !== 'ipv6' && found.type !== 'domain') continue;
    // A URL's host is reported at the URL's offset; the URL itself covers it.
    if (found.index < at || text.slice(found.index, found.index + found.value.length) !== found.value) continue;
    out += text.slice(at, found.index) + defang(found.type, found.value);
    at = found.index + found.value.length;
  }
  return out + text.slice(at);
}
