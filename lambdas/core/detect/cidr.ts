/**
 * The `cidr` modifier: IPv4 and IPv6 networks. An address is held as eight 16-bit groups (IPv4 as the
 * IPv4-mapped IPv6 address ::ffff:a.b.c.d), so one comparison serves both families, and an event's
 * `::ffff:10.1.2.3` falls in `10.0.0.0/8` as it should.
 */

/** A network: its address groups (host bits cleared) and prefix length, both in the IPv6 space. */
export interface CidrNetwork {
  readonly groups: readonly number[];
  readonly prefix: number;
}

const V4_MAPPED_PREFIX = 96;

/** Parses `a.b.c.d[/n]` or an IPv6 `x::y[/n]`; undefined when it is neither. A missing prefix is a single host. */
export function parseCidr(text: string): CidrNetwork | undefined {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text.trim() : text.slice(0, slash).trim();
  const groups = new Array<number>(8);
  const isV4 = parseIpv4(addr, groups);
  if (!isV4 && !parseIpv6(addr, groups)) return undefined;
  let prefix = isV4 ? 32 : 128;
  if (slash >= 0) {
    const p = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p) || Number(p) > prefix) return undefined;
    prefix = Number(p);
  }
  if (isV4) prefix += V4_MAPPED_PREFIX;
  // Clear host bits (like Python's ip_network(strict=False)): '10.1.2.3/8' means 10.0.0.0/8.
  for (let i = 0; i < 8; i++) groups[i] &= groupMask(prefix, i);
  return { groups, prefix };
}

function groupMask(prefix: number, group: number): number {
  const bits = Math.max(0, Math.min(16, prefix - group * 16));
  return bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
}

const scratch = new Array<number>(8);

/** True when `text` is an IPv4 or IPv6 address inside `net`. Brackets and a `%zone` suffix are ignored. */
export function inCidr(net: CidrNetwork, text: string): boolean {
  let addr = text.trim();
  if (addr.startsWith('[') && addr.endsWith(']')) addr = addr.slice(1, -1);
  const zone = addr.indexOf('%');
  if (zone >= 0) addr = addr.slice(0, zone);
  if (!parseIpv4(addr, scratch) && !parseIpv6(addr, scratch)) return false;
  for (let i = 0; i < 8; i++) {
    const mask = groupMask(net.prefix, i);
    if (mask === 0) break;
    if ((scratch[i] & mask) !== net.groups[i]) return false;
  }
  return true;
}

/** Dotted quad into `out` as ::ffff:a.b.c.d. */
function parseIpv4(text: string, out: number[]): boolean {
  const octets = text.split('.');
  if (octets.length !== 4) return false;
  const v: number[] = [];
  for (const o of octets) {
    if (!/^\d{1,3}$/.test(o) || Number(o) > 255) return false;
    v.push(Number(o));
  }
  out.fill(0, 0, 5);
  out[5] = 0xffff;
  out[6] = (v[0] << 8) | v[1];
  out[7] = (v[2] << 8) | v[3];
  return true;
}

/** RFC 4291 text form (with `::` and an optional trailing dotted quad) into `out`. */
function parseIpv6(text: string, out: number[]): boolean {
  if (!text.includes(':')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
  const groups: number[] = [];
  const all = [...head, ...(halves.length === 2 ? ['::'] : []), ...tail];
  for (let i = 0; i < all.length; i++) {
    const g = all[i];
    if (g === '::') {
      groups.push(-1); // marks where the run of zeros goes
    } else if (i === all.length - 1 && g.includes('.')) {
      const v4 = new Array<number>(8);
      if (!parseIpv4(g, v4)) return false;
      groups.push(v4[6], v4[7]);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
      groups.push(parseInt(g, 16));
    } else {
      return false;
    }
  }
  const gap = groups.indexOf(-1);
  if (gap < 0) {
    if (groups.length !== 8) return false;
    for (let i = 0; i < 8; i++) out[i] = groups[i];
    return true;
  }
  const fill = 8 - (groups.length - 1);
  if (fill < 1) return false;
  const full = [...groups.slice(0, gap), ...new Array<number>(fill).fill(0), ...groups.slice(gap + 1)];
  for (let i = 0; i < 8; i++) out[i] = full[i];
  return true;
}
