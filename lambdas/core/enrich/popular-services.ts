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
 * Address ranges their owners publish for CDNs, code hosting and cloud platforms: one address serves thousands of
 * sites or tenants, so it is never blockable on the strength of one connection (block the name, or the URL, at the
 * proxy instead). One row per range, with the owner the ticket names; each group cites where its owner publishes it.
 * Keep rows to ranges the owner lists as its own, not neighbouring space another provider holds (52.0.0.0/10 is AWS).
 */
const POPULAR_RANGES_TABLE: readonly (readonly [cidr: string, owner: string])[] = [
  // Fastly: https://api.fastly.com/public-ip-list
  ['151.101.0.0/16', 'Fastly'],
  ['199.232.0.0/16', 'Fastly'],
  // GitHub: https://api.github.com/meta (web, api, pages)
  ['140.82.112.0/20', 'GitHub'],
  ['185.199.108.0/22', 'GitHub'],
  // Cloudflare: https://www.cloudflare.com/ips-v4
  ['104.16.0.0/13', 'Cloudflare'],
  ['172.64.0.0/13', 'Cloudflare'],
  // Microsoft 365: https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges
  ['13.107.0.0/16', 'Microsoft 365'],
  ['52.96.0.0/12', 'Microsoft 365'],
  ['52.112.0.0/14', 'Microsoft 365'],
  ['52.120.0.0/14', 'Microsoft 365'],
  // Azure platform (WireServer, DNS, health probes): every Azure VM talks to it.
  // https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16
  ['168.63.129.16/32', 'Microsoft Azure'],
  // Microsoft Azure: the AzureCloud service tag of "Azure IP Ranges and Service Tags – Public Cloud"
  // (https://www.microsoft.com/download/details.aspx?id=56519), summarised to Microsoft's ARIN registrations (AS8075).
  ['13.64.0.0/11', 'Microsoft Azure'],
  ['13.96.0.0/13', 'Microsoft Azure'],
  ['13.104.0.0/14', 'Microsoft Azure'],
  ['20.33.0.0/16', 'Microsoft Azure'],
  ['20.34.0.0/15', 'Microsoft Azure'],
  ['20.36.0.0/14', 'Microsoft Azure'],
  ['20.40.0.0/13', 'Microsoft Azure'],
  ['20.48.0.0/12', 'Microsoft Azure'],
  ['20.64.0.0/10', 'Microsoft Azure'],
  ['20.128.0.0/16', 'Microsoft Azure'],
  ['20.135.0.0/16', 'Microsoft Azure'],
  ['20.136.0.0/16', 'Microsoft Azure'],
  ['20.140.0.0/15', 'Microsoft Azure'],
  ['20.143.0.0/16', 'Microsoft Azure'],
  ['20.144.0.0/14', 'Microsoft Azure'],
  ['20.150.0.0/15', 'Microsoft Azure'],
  ['20.152.0.0/15', 'Microsoft Azure'],
  ['20.157.0.0/16', 'Microsoft Azure'],
  ['20.158.0.0/15', 'Microsoft Azure'],
  ['20.160.0.0/12', 'Microsoft Azure'],
  ['20.176.0.0/14', 'Microsoft Azure'],
  ['20.180.0.0/14', 'Microsoft Azure'],
  ['20.184.0.0/13', 'Microsoft Azure'],
  ['20.192.0.0/10', 'Microsoft Azure'],
  ['40.64.0.0/10', 'Microsoft Azure'],
  ['52.136.0.0/13', 'Microsoft Azure'],
  ['52.145.0.0/16', 'Microsoft Azure'],
  ['52.146.0.0/15', 'Microsoft Azure'],
  ['52.148.0.0/14', 'Microsoft Azure'],
  ['52.152.0.0/13', 'Microsoft Azure'],
  ['52.160.0.0/11', 'Microsoft Azure'],
  ['52.224.0.0/11', 'Microsoft Azure'],
];

/** The ranges per owner, so a hit can say whose address it is. */
const POPULAR_RANGES: readonly { owner: string; list: BlockList }[] = (() => {
  const byOwner = new Map<string, BlockList>();
  for (const [cidr, owner] of POPULAR_RANGES_TABLE) {
    const [net, bits] = cidr.split('/');
    const list = byOwner.get(owner) ?? new BlockList();
    list.addSubnet(net, Number(bits), 'ipv4');
    byOwner.set(owner, list);
  }
  return [...byOwner].map(([owner, list]) => ({ owner, list }));
})();

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

/** Whose published range an IPv4 address is in (`::ffff:` forms judged as the IPv4): `Microsoft Azure`, `Fastly`. */
export function popularRangeOwner(ip: string): string | undefined {
  const v = ip.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (isIP(v) !== 4) return undefined;
  return POPULAR_RANGES.find((r) => r.list.check(v, 'ipv4'))?.owner;
}

/** An IPv4 address in a listed CDN, code-hosting or cloud-platform range (`::ffff:` forms judged as the IPv4). */
export function isPopularAddress(ip: string): boolean {
  return popularRangeOwner(ip) !== undefined;
}

/** A domain, URL or address that belongs to a well-known service: context, never a block. */
export function isPopularService(value: string): boolean {
  const v = value.trim();
  const url = /^[a-z][a-z0-9+.-]*:\/\/\[?([^/:\]?#]+)/i.exec(v);
  const host = url !== null ? url[1] : v.replace(/:\d+$/, '');
  return isPopularAddress(host) || isPopularDomain(host);
}

/** Four octets in a name's labels, dashed or dotted: `203-0-113-45`, `45.113.0.203`, `ip-10-0-0-1`. */
const OCTETS_IN_NAME = /(?:^|[.-])(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})(?=[.-])/;

/**
 * A name that only describes an address: a reverse-DNS (PTR) name (`45.113.0.203.in-addr.arpa`, `…ip6.arpa`) or the
 * name an ISP or cloud gives every address it hands out (`203-0-113-45.static.example.net`, `ip-10-0-0-1.ec2.internal`,
 * `45.113.0.203.dsl.example.net`). Sysmon writes such names as the destination host of a connection. Blocking one
 * blocks nothing the attacker chose (and can cut off the ISP's other customers): the address is what to act on.
 */
export function isReverseDnsName(name: string): boolean {
  const host = name.trim().replace(/\.$/, '').toLowerCase();
  if (host === '' || isIP(host) !== 0) return false;
  if (/\.(in-addr|ip6)\.arpa$/.test(host)) return true;
  const m = OCTETS_IN_NAME.exec(host);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255);
}

/**
 * Why a domain, URL or address must not be blocked, or undefined when it may be: a well-known service (shown as
 * context) or a name that only describes an address.
 */
export function notBlockableReason(value: string): string | undefined {
  const v = value.trim();
  const url = /^[a-z][a-z0-9+.-]*:\/\/\[?([^/:\]?#]+)/i.exec(v);
  const host = url !== null ? url[1] : v.replace(/:\d+$/, '');
  const owner = popularRangeOwner(host);
  if (owner !== undefined) return `${owner} address: context, not blockable`;
  if (isPopularDomain(host)) return 'well-known service: context, not blockable';
  if (isReverseDnsName(host)) return 'reverse-DNS name of an address: block the address, not the name';
  return undefined;
}

/** A domain the ticket may advise blocking: no well-known service, no reverse-DNS or ISP address name. */
export function isBlockableName(name: string): boolean {
  return notBlockableReason(name) === undefined;
}
