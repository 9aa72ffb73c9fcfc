import { BlockList, isIP } from 'node:net';
import { parse } from 'tldts';

/**
 * Well-known services: domains and CDN ranges that half the internet's legitimate traffic goes to. Attackers use
 * them too (payloads on GitHub, C2 behind a CDN), so they are shown as context, but blocking one takes down the
 * business with the attacker: the ticket marks them "not blockable" and never advises blocking them. This is the
 * one list of them; add here, nowhere else.
 */

/** Registrable domains (and everything under them). Lower-case, without a trailing dot. */
const POPULAR_DOMAINS: ReadonlySet<string> = new Set([
  // Microsoft
  'microsoft.com',
  'windows.com',
  'windows.net',
  'windowsupdate.com',
  'live.com',
  'office.com',
  'office.net',
  'office365.com',
  'microsoftonline.com',
  'msftncsi.com',
  'msedge.net',
  'azure.com',
  'azureedge.net',
  'azurefd.net',
  'bing.com',
  'skype.com',
  'sharepoint.com',
  'onedrive.com',
  'digicert.com',
  // Code hosting and package registries
  'github.com',
  'githubusercontent.com',
  'github.io',
  'gitlab.com',
  'npmjs.org',
  'pypi.org',
  // Google
  'google.com',
  'googleapis.com',
  'gstatic.com',
  'googleusercontent.com',
  'gvt1.com',
  'youtube.com',
  // Cloud and CDN
  'amazonaws.com',
  'amazon.com',
  'cloudfront.net',
  'akamai.net',
  'akamaiedge.net',
  'akamaihd.net',
  'akamaized.net',
  'edgekey.net',
  'edgesuite.net',
  'fastly.net',
  'fastly.com',
  'cloudflare.com',
  'cloudflare.net',
  // Others every fleet talks to. File-sharing services (Dropbox, Mega) are not here: many companies block them by
  // policy, and a C2 channel through one is blocked with good reason.
  'apple.com',
  'icloud.com',
  'mozilla.org',
  'mozilla.net',
  'adobe.com',
  'zoom.us',
  'slack.com',
]);

/**
 * CDN and code-hosting address ranges published by their owners: one address serves thousands of sites, so it is
 * never blockable on the strength of one connection.
 */
const POPULAR_RANGES = new BlockList();
for (const [net, bits] of [
  ['151.101.0.0', 16], // Fastly
  ['199.232.0.0', 16], // Fastly
  ['140.82.112.0', 20], // GitHub
  ['185.199.108.0', 22], // GitHub Pages / raw.githubusercontent.com (Fastly)
  ['104.16.0.0', 13], // Cloudflare
  ['172.64.0.0', 13], // Cloudflare
  ['13.107.0.0', 16], // Microsoft 365 / Azure Front Door
  ['168.63.129.16', 32], // Azure platform (WireServer, DNS, health probes): every Azure VM talks to it
] as const) {
  POPULAR_RANGES.addSubnet(net, bits, 'ipv4');
}

/** `github.com`, `raw.githubusercontent.com`, `download.windowsupdate.com` yes; `github.com.evil.example` no. */
export function isPopularDomain(name: string): boolean {
  const host = name.trim().replace(/\.$/, '').toLowerCase();
  if (host === '' || isIP(host) !== 0) return false;
  const domain = parse(host, { extractHostname: false }).domain;
  if (domain !== null && POPULAR_DOMAINS.has(domain)) return true;
  // Some owners register under a private suffix (github.io): match the name's own tail too.
  const labels = host.split('.');
  return labels.some((_, i) => i < labels.length - 1 && POPULAR_DOMAINS.has(labels.slice(i).join('.')));
}

/** An IPv4 address in a listed CDN or code-hosting range (`::ffff:` forms judged as the IPv4). */
export function isPopularAddress(ip: string): boolean {
  const v = ip.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return isIP(v) === 4 && POPULAR_RANGES.check(v, 'ipv4');
}

/** A domain, URL or address that belongs to a well-known service: context, never a block. */
export function isPopularService(value: string): boolean {
  const v = value.trim();
  const url = /^[a-z][a-z0-9+.-]*:\/\/\[?([^/:\]?#]+)/i.exec(v);
  const host = url !== null ? url[1] : v.replace(/:\d+$/, '');
  return isPopularAddress(host) || isPopularDomain(host);
}
