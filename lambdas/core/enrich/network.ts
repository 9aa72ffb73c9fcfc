import { BlockList, isIP } from 'node:net';
import { parse } from 'tldts';

/** Address and name facts for indicators: which IPs are not on the internet, which names are real domains. */

const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local
  ['172.16.0.0', 12], // RFC 1918
  ['192.168.0.0', 16], // RFC 1918
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
] as const) {
  NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local (ULA)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(net, bits, 'ipv6');
}

/** 4, 6, or 0 for not an IP literal. */
export function ipVersion(value: string): 0 | 4 | 6 {
  const v = isIP(value);
  return v === 4 || v === 6 ? v : 0;
}

const MAPPED_V4 = /^::ffff:(?:0{1,4}:)?(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:203.0.113.45` → `203.0.113.45`, as Sysmon writes DNS
 * answers and dual-stack sockets); any other text unchanged. The mapped form is the same host, so it is one
 * indicator, judged, defanged and correlated as the IPv4.
 */
export function unmapIpv4(ip: string): string {
  const m = MAPPED_V4.exec(ip.trim());
  return m !== null && isIP(m[1]) === 4 ? m[1] : ip;
}

/**
 * True for addresses that are not routable on the internet: RFC 1918, loopback, link-local, CGNAT, multicast,
 * unspecified, reserved, IPv6 ULA; an IPv4-mapped IPv6 address is judged by its IPv4 part.
 */
export function isPrivateIp(ip: string): boolean {
  const v = ipVersion(ip);
  if (v === 4) return NOT_PUBLIC.check(ip, 'ipv4');
  if (v === 6) {
    const v4 = unmapIpv4(ip);
    if (v4 !== ip) return NOT_PUBLIC.check(v4, 'ipv4');
    return NOT_PUBLIC.check(ip, 'ipv6');
  }
  return false;
}

/**
 * File extensions that are also top-level domains (`.zip`, `.mov`, `.py`, `.sh`) or look like one: a bare
 * `invoice.zip` or `security.dll` in a command line is a file, not a domain. Inside a URL the host is taken as is.
 */
const FILE_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    'exe dll sys drv ocx cpl scr pif msi msp ps1 psm1 psd1 bat cmd vbs vbe js jse wsf wsh hta sct inf xsl lnk jar ' +
    'py pl sh ps rb php asp aspx jsp zip rar 7z gz tar cab iso img vhd vhdx doc docx docm dot xls xlsx xlsm ppt pptx ' +
    'pdf rtf txt log dat tmp bin ini cfg conf xml json csv md mov mp3 mp4 avi png jpg jpeg gif bmp evtx pfx cer crt key'
  ).split(' '),
);

/**
 * A name under a real public suffix (ICANN section of the Public Suffix List, via tldts) that is not an IP literal
 * and does not end in a file extension: `www.dropbox.com` yes; `security.dll`, `rundll32.exe`, `fs01.corp.local`,
 * `System.Net.WebClient` no.
 */
export function isPublicDomain(name: string): boolean {
  const host = name.trim().replace(/\.$/, '').toLowerCase();
  if (host.length === 0 || host.length > 253 || !host.includes('.')) return false;
  if (!/^[a-z0-9.-]+$/.test(host) || host.split('.').some((l) => l.length === 0 || l.length > 63)) return false;
  const tld = host.slice(host.lastIndexOf('.') + 1);
  if (FILE_EXTENSIONS.has(tld)) return false;
  const p = parse(host, { extractHostname: false });
  return p.isIp !== true && p.isIcann === true && p.domain !== null && p.hostname === host;
}

/** A URL host that may stand as a domain indicator even when it ends like a file name (inside a URL it is a host). */
export function isUrlHostDomain(host: string): boolean {
  const h = host.trim().replace(/\.$/, '').toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(h) || !h.includes('.')) return false;
  const p = parse(h, { extractHostname: false });
  return p.isIp !== true && p.isIcann === true && p.domain !== null;
}
