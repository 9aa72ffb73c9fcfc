import type { SourceProduct } from '../model/alert';
import { PRODUCTS, SOURCE_PRODUCTS, vendorFinding } from '../model/products';
import type { VendorFinding } from '../model/products';
import { hasMeasuredTime } from '../formats/sysmon/local-time';
import { followerIds } from '../correlate/background';
import type { AssetContext, Criticality, EnrichedAlert, Ioc, TechniqueInfo, UserContext } from '../model/enrichment';
import { hostKey, userKey } from '../model/host';
import type { IncidentView } from '../model/incident';
import { isMicrosoftModule, isPopularService, isPrivateIp } from '../enrich';
import { defangValue, knownImage } from './display';
import type { PersistenceFact } from './persistence';
import { findPersistence } from './persistence';
import { maxCriticality } from './priority';
import type { ProcEntry, ProcessGraph } from './process-graph';
import { ancestry, buildProcessGraph, isSystemImage, procOrder } from './process-graph';
import { baseKey, displayPath, isInstalledLocation, isUserWritable, normalizePath } from '../windows';
import { byText, distinct, oneLine } from './text';
import { unmapIpv4 } from '../enrich/network';

/**
 * Everything the sections need, derived once from the incident: who, where, which processes, what persisted,
 * which files and connections. Pure; the order of every list is fixed by time and then by text.
 */

export interface UserFact {
  key: string;
  /** As the events wrote it, with its domain: `CORP\jwilliams`. */
  display: string;
  context?: UserContext;
  /** A service or machine account (SYSTEM, NETWORK SERVICE, `HOST$`): no password to reset. */
  system: boolean;
}

export interface ConnectionFact {
  alert: EnrichedAlert;
  proc?: ProcEntry;
  dstIp?: string;
  dstPort?: number;
  hostname?: string;
  protocol?: string;
  /** Defanged `ip:port` (or hostname when there is no address). */
  display: string;
  /** Defanged address without port. */
  addressDisplay: string;
  external: boolean;
}

export interface DnsFact {
  alert: EnrichedAlert;
  proc?: ProcEntry;
  query: string;
  results: string[];
}

export interface FileFact {
  alert: EnrichedAlert;
  proc?: ProcEntry;
  path: string;
  action: 'created' | 'deleted' | 'loaded' | 'written';
  sha256?: string;
}

export interface LsassAccess {
  alert: EnrichedAlert;
  proc?: ProcEntry;
  access?: string;
}

export interface IncidentFacts {
  incident: IncidentView;
  /** Alerts oldest first, ties by id. */
  alerts: EnrichedAlert[];
  hostDisplay: string;
  /** Other hosts, display form (those the analysed alerts and the incident's capped host list name). */
  otherHosts: string[];
  /** Hosts the incident spans, counting those its capped host list left out (an outbreak's hundreds). */
  hostCount: number;
  hostFqdn?: string;
  asset?: AssetContext;
  criticality?: Criticality;
  users: UserFact[];
  graph: ProcessGraph;
  persistence: PersistenceFact[];
  files: FileFact[];
  connections: ConnectionFact[];
  dns: DnsFact[];
  lsass: LsassAccess[];
  /** ATT&CK techniques with their alerts, by id. */
  techniques: Map<string, { info: TechniqueInfo; alerts: EnrichedAlert[] }>;
  iocs: Ioc[];
  /** A source that records network connections (Sysmon event 3, EDR network telemetry) contributed alerts. */
  networkCapable: boolean;
  firstSeen: string;
  lastSeen: string;
  /**
   * Each EDR alert's own finding: product, console link (the analyst's pivot) and disposition (blocked, benign or
   * only detected), oldest first. Raw telemetry has none. Optional: facts built before it existed lack it.
   */
  vendorFindings?: VendorFinding[];
  /**
   * Alerts whose time is a local clock reading with an unknown offset (`time-zone-unverified`): not in the UTC
   * first/last seen, and to be listed apart from the UTC timeline, in their source's clock. Optional, as above.
   */
  unmeasuredTimes?: EnrichedAlert[];
  /**
   * The host's background telemetry that joined the incident by time only (no key to the attack): left out of
   * `alerts` and of every analysis, kept for counts and raw evidence. Optional, as above.
   */
  background?: EnrichedAlert[];
}

/** Sources whose sensors record network connections, so "no connection in the events" means something. */
const NETWORK_CAPABLE: ReadonlySet<SourceProduct> = new Set(SOURCE_PRODUCTS.filter((p) => PRODUCTS[p].recordsNetwork));

const SYSTEM_USERS = /^(system|local service|network service|localsystem|dwm-\d+|umfd-\d+|anonymous logon)$/i;

/** Short host name, upper case, as the summary shows it: `FIN-WS-034.corp.example.com` → `FIN-WS-034`. */
export function displayHost(name: string): string {
  const h = hostKey(name);
  const safe = h.replace(/[^A-Za-z0-9._:-]/g, '');
  return (safe === '' ? 'UNKNOWN-HOST' : safe).toUpperCase();
}

function userDisplay(u: NonNullable<EnrichedAlert['user']>): string {
  const name = oneLine(u.name);
  return u.domain !== undefined && !name.includes('\\') && !name.includes('@') ? `${oneLine(u.domain)}\\${name}` : name;
}

function isSystemUser(display: string): boolean {
  const key = userKey(display);
  return (
    SYSTEM_USERS.test(key) ||
    key.endsWith('$') ||
    /^nt authority\\/i.test(display) ||
    /^font driver host\\/i.test(display)
  );
}

function fileAction(a: EnrichedAlert): FileFact['action'] {
  if (/delete/i.test(a.eventType)) return 'deleted';
  if (/stream|modif|write|change/i.test(a.eventType)) return 'written';
  return 'created';
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > (counts.get(best) ?? 0)) best = v;
  return best;
}

const validTimes = (xs: (string | undefined)[]): string[] =>
  xs.filter((x): x is string => x !== undefined && Number.isFinite(Date.parse(x))).sort(byText);
const earliest = (xs: (string | undefined)[]): string => validTimes(xs)[0] ?? xs.find((x) => x !== undefined) ?? '';
const latest = (xs: (string | undefined)[]): string => validTimes(xs).at(-1) ?? xs.find((x) => x !== undefined) ?? '';

export function gatherFacts(incident: IncidentView): IncidentFacts {
  const all = [...incident.alerts].sort((a, b) => byText(a.eventTime, b.eventTime) || byText(a.alertId, b.alertId));
  // Background telemetry that only followed the attack by time is counted, not analysed (core/correlate/background).
  const followers = followerIds(all);
  const alerts = all.filter((a) => !followers.has(a.alertId));
  const graph = buildProcessGraph(alerts);
  const procOf = (a: EnrichedAlert): ProcEntry | undefined => {
    const k = graph.actorOf.get(a.alertId);
    return k !== undefined ? graph.procs.get(k) : undefined;
  };

  // Hosts: the one most alerts come from leads; display names as the source wrote them.
  const mainKey = mostCommon(alerts.map((a) => a.enrichment.hostKey)) ?? incident.hosts[0] ?? 'unknown-host';
  const mainAlert = alerts.find((a) => a.enrichment.hostKey === mainKey);
  const hostDisplay = displayHost(mainAlert?.host.name ?? mainKey);
  const hostFqdn = mainAlert?.host.fqdn ?? (mainAlert?.host.name.includes('.') ? mainAlert.host.name : undefined);
  const otherHosts = distinct(
    [...alerts.map((a) => a.enrichment.hostKey), ...incident.hosts].filter((h) => h !== mainKey),
  ).map((h) => displayHost(alerts.find((a) => a.enrichment.hostKey === h)?.host.name ?? h));
  const asset =
    incident.assets.find((x) => hostKey(x.host) === mainKey) ??
    alerts.find((a) => a.enrichment.asset !== undefined)?.enrichment.asset;
  const criticality = maxCriticality([...incident.assets.map((x) => x.criticality), asset?.criticality]);

  const contexts = [
    ...incident.userContexts,
    ...alerts.flatMap((a) => (a.enrichment.userContext ? [a.enrichment.userContext] : [])),
  ];
  const users = distinct(
    alerts.flatMap((a) => (a.user !== undefined ? [userDisplay(a.user)] : [])),
    (d) => userKey(d),
  ).map((display): UserFact => {
    const key = userKey(display);
    return { key, display, context: contexts.find((u) => userKey(u.user) === key), system: isSystemUser(display) };
  });
  for (const u of incident.users) {
    if (!users.some((x) => x.key === userKey(u))) {
      users.push({
        key: userKey(u),
        display: oneLine(u),
        context: contexts.find((x) => userKey(x.user) === userKey(u)),
        system: isSystemUser(u),
      });
    }
  }

  // The incident record's indicator list is every alert's, background included (the Azure wire server 168.63.129.16
  // its agent polls): when background joined, only the analysed alerts' indicators are the attack's.
  const background = all.filter((a) => followers.has(a.alertId));
  const iocs = distinct(
    [...(background.length > 0 ? [] : incident.iocs), ...alerts.flatMap((a) => a.enrichment.iocs)],
    (i) => `${i.type}#${i.value.toLowerCase()}`,
  );

  const files: FileFact[] = [];
  const connections: ConnectionFact[] = [];
  const dns: DnsFact[] = [];
  const lsass: LsassAccess[] = [];
  for (const a of alerts) {
    const proc = procOf(a);
    if (a.file !== undefined)
      files.push({ alert: a, proc, path: a.file.path, action: fileAction(a), sha256: a.file.hashes?.sha256 });
    // A module Microsoft signed (Defender's own DLLs under ProgramData included) is Windows, not file activity.
    if (a.module !== undefined && !isInstalledLocation(a.module.path) && !isMicrosoftModule(a.module)) {
      files.push({ alert: a, proc, path: a.module.path, action: 'loaded', sha256: a.module.hashes?.sha256 });
    }
    if (a.network !== undefined && a.network.direction !== 'inbound') {
      const n = a.network;
      const addr = n.dstIp ?? n.dstHostname;
      if (addr !== undefined) {
        const addressDisplay = defangValue(addr, iocs);
        connections.push({
          alert: a,
          proc,
          dstIp: n.dstIp,
          dstPort: n.dstPort,
          hostname: n.dstHostname,
          protocol: n.protocol,
          addressDisplay,
          display: n.dstPort !== undefined ? `${addressDisplay}:${n.dstPort}` : addressDisplay,
          external: n.dstIp !== undefined ? !isPrivateIp(n.dstIp) : true,
        });
      }
    }
    if (a.dns !== undefined)
      dns.push({ alert: a, proc, query: a.dns.query, results: (a.dns.results ?? []).map(unmapIpv4) });
    if (
      a.target?.image !== undefined &&
      baseKey(a.target.image) === 'lsass.exe' &&
      a.eventType !== 'create_remote_thread'
    ) {
      lsass.push({ alert: a, proc, access: a.target.grantedAccess });
    }
  }

  const techniques = new Map<string, { info: TechniqueInfo; alerts: EnrichedAlert[] }>();
  for (const a of alerts) {
    for (const info of a.enrichment.techniques) {
      const entry = techniques.get(info.id) ?? { info, alerts: [] };
      entry.alerts.push(a);
      techniques.set(info.id, entry);
    }
  }

  return {
    incident,
    alerts,
    hostDisplay,
    otherHosts,
    hostCount: Math.max(1 + otherHosts.length, incident.hosts.length + (incident.hostsOmitted ?? 0)),
    hostFqdn,
    asset,
    criticality,
    users,
    graph,
    persistence: findPersistence(alerts),
    files,
    connections,
    dns,
    lsass,
    techniques,
    iocs,
    networkCapable: alerts.some((a) => NETWORK_CAPABLE.has(a.source.product)),
    // The stored incident spans all its alerts; the analysed ones may be a sample.
    firstSeen: earliest([incident.firstSeen, alerts.find(hasMeasuredTime)?.eventTime]),
    lastSeen: latest([incident.lastSeen, alerts.findLast(hasMeasuredTime)?.eventTime]),
    vendorFindings: alerts.flatMap((a) => vendorFinding(a) ?? []),
    unmeasuredTimes: alerts.filter((a) => !hasMeasuredTime(a)),
    background,
  };
}

/** Human accounts of the incident: the ones whose passwords a responder resets. */
export function humanUsers(f: IncidentFacts): UserFact[] {
  return f.users.filter((u) => !u.system);
}

/** What the context says about a user: `Jennifer Williams, Accountant`, or undefined when nothing is known. */
export function userContextText(u: UserFact): string | undefined {
  const ctx = u.context;
  const parts = [ctx?.name, ctx?.title, ctx?.department].filter((x): x is string => x !== undefined && x.trim() !== '');
  return parts.length > 0 ? parts.map(oneLine).join(', ') : undefined;
}

/** A user's display with context: `CORP\jwilliams (Jennifer Williams, Accountant)`. */
export function userWithContext(u: UserFact): string {
  const text = userContextText(u);
  return text !== undefined ? `${u.display} (${text})` : u.display;
}

/** Connections to addresses outside the private ranges, unique by destination. */
export function externalDestinations(f: IncidentFacts): ConnectionFact[] {
  return distinct(
    f.connections.filter((c) => c.external && c.dstIp !== undefined),
    (c) => c.display,
  );
}

/**
 * External destinations that may be blocked: not a well-known service (github.com, a CDN range), whose block would
 * cut the business off with the attacker.
 */
export function blockableDestinations(f: IncidentFacts): ConnectionFact[] {
  return externalDestinations(f).filter(
    (c) => !isPopularService(c.dstIp ?? '') && (c.hostname === undefined || !isPopularService(c.hostname)),
  );
}

/**
 * The earliest process that is not a Windows shell or service host, walking up from every process that acted:
 * where the chain of events begins in what was collected.
 */
export function earliestNonSystemAncestor(f: IncidentFacts): ProcEntry | undefined {
  const candidates: ProcEntry[] = [];
  for (const p of f.graph.procs.values()) {
    if (p.image === undefined || isSystemImage(p.image)) continue;
    if (p.acts.length === 0 && p.created === undefined) continue;
    const chain = ancestry(f.graph, p.key);
    let top = chain[0];
    for (const q of chain.slice(1)) {
      if (q.image === undefined || isSystemImage(q.image)) break;
      top = q;
    }
    candidates.push(top);
  }
  return distinct(candidates, (p) => p.key).sort(procOrder)[0];
}

/** Parent process of a process, when known. */
export function parentOf(f: IncidentFacts, p: ProcEntry): ProcEntry | undefined {
  return p.parentKey !== undefined ? f.graph.procs.get(p.parentKey) : undefined;
}

/**
 * Files a responder should remove: payloads the persistence starts (unless a Windows binary the incident did not
 * write), files the incident wrote, and programs in user-writable places that started the chain or talked out.
 * Paths are shown resolved (`displayPath`: no `..`, no `\\?\`), one per file however many ways it was written.
 */
export function filesToRemove(f: IncidentFacts): string[] {
  const written = new Set(
    f.files.filter((x) => x.action !== 'loaded' && x.action !== 'deleted').map((x) => normalizePath(x.path)),
  );
  const out: string[] = [];
  for (const p of f.persistence) {
    if (p.payload !== undefined && (!isInstalledLocation(p.payload) || written.has(normalizePath(p.payload))))
      out.push(p.payload);
  }
  for (const x of f.files) {
    if ((x.action === 'created' || x.action === 'written') && !/\\windows\\prefetch\\/.test(normalizePath(x.path)))
      out.push(x.path);
  }
  const root = earliestNonSystemAncestor(f);
  if (root?.image !== undefined && isUserWritable(root.image)) out.push(root.image);
  for (const c of externalDestinations(f)) {
    const image = knownImage(c.proc?.image);
    if (image !== undefined && (isUserWritable(image) || written.has(normalizePath(image)))) out.push(image);
  }
  return distinct(out, normalizePath).map(displayPath);
}
