import type { Ioc, IocType } from '../model/enrichment';
import { IOC_TYPES } from '../model/enrichment';
import type { IncidentFacts } from './facts';
import type { DraftLimits } from './limits';
import { byText, clip, distinct, oneLine } from './text';
import { IOC_TYPE_LABELS } from '../model/report';
import { notBlockableReason } from '../enrich/popular-services';
import { baseName } from '../windows';
import type { IocRow } from '../model/report';

/**
 * The indicator table: typed (IP, domain, URL, hash, file, registry, task), defanged, with the role each played and
 * any threat-intel verdict.
 */

/** A role whose quote a cut left open (the incident keeps roles clipped) gets its closing quote back. */
function closeQuote(role: string): string {
  const opens = (role.match(/\u201c/g) ?? []).length;
  const closes = (role.match(/\u201d/g) ?? []).length;
  return opens > closes ? `${role}\u201d` : role;
}

/** Roles without those a longer one already says (a clipped copy of a role ends with `…`). */
function withoutCutCopies(roles: string[]): string[] {
  return roles.filter((r, i) => {
    const head = r.replace(/…\u201d?$/, '');
    return !(head !== r && roles.some((o, j) => j !== i && o !== r && o.startsWith(head)));
  });
}

const NETWORK_TYPES: ReadonlySet<IocType> = new Set<IocType>(['ipv4', 'ipv6', 'domain', 'url']);

const HASH_TYPES: ReadonlySet<IocType> = new Set<IocType>(['md5', 'sha1', 'sha256']);

/** File name of each hash the events tie to a file (a process image, a written or loaded file), by hash. */
function hashOwners(f: IncidentFacts): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of f.graph.procs.values())
    if (p.image !== undefined)
      for (const h of Object.values(p.hashes ?? {})) out.set(h.toLowerCase(), oneLine(baseName(p.image)));
  for (const x of f.files) if (x.sha256 !== undefined) out.set(x.sha256.toLowerCase(), oneLine(baseName(x.path)));
  return out;
}

/** Rows for the indicator table; a well-known service (github.com, a CDN address) is marked not blockable. */
export function iocRows(f: IncidentFacts, limits: DraftLimits): { rows: IocRow[]; omitted: number } {
  const merged = new Map<
    string,
    { type: IocType; defanged: string; roles: string[]; private: boolean; value: string; severity: number }
  >();
  // Command lines are shown whole in the process tree; the indicator table lists what can be blocked or hunted.
  // Each indicator carries the severity of the strongest alert it came from: when the table is full, decoys from
  // harmless alerts give way to what the attack itself brought.
  // Say each file once: an alert that gave a file's SHA256 lists neither its MD5 nor its SHA1 beside it.
  const ofAlert = (a: IncidentFacts['alerts'][number]): Ioc[] => {
    const iocs = a.enrichment.iocs;
    return iocs.some((i) => i.type === 'sha256') ? iocs.filter((i) => i.type !== 'md5' && i.type !== 'sha1') : iocs;
  };
  const fromAlerts = new Set(
    f.alerts.flatMap((a) => a.enrichment.iocs.map((i) => `${i.type}#${i.value.toLowerCase()}`)),
  );
  const all = [
    // The incident's own list repeats what its alerts gave; it adds what alerts outside the sample gave. With
    // background telemetry in the incident, that list holds the background's indicators too (the Azure wire server
    // its agent polls): then the analysed alerts' are the attack's.
    ...((f.background ?? []).length > 0 ? [] : f.incident.iocs)
      .filter((i) => !fromAlerts.has(`${i.type}#${i.value.toLowerCase()}`))
      .map((i) => ({ i, severity: 0 })),
    ...f.alerts.flatMap((a) => ofAlert(a).map((i) => ({ i, severity: a.enrichment.severity.score }))),
  ]
    .filter(({ i }) => i.type !== 'commandline')
    // Sysmon's `<unknown process>` is a placeholder for an image it could not name, not a file to hunt.
    .filter(({ i }) => !(i.type === 'file' && /^<[^<>]*>$/.test(i.value.trim())));
  const owners = hashOwners(f);
  for (const { i, severity } of all) {
    const k = `${i.type}#${i.value.toLowerCase()}`;
    const cur = merged.get(k) ?? {
      type: i.type,
      defanged: i.defanged,
      roles: [],
      private: i.private === true,
      value: i.value,
      severity,
    };
    cur.severity = Math.max(cur.severity, severity);
    // Enrichment joins the roles of one value with `; ` already; split so merged roles stay distinct.
    for (const role of (i.role ?? '').split(';'))
      if (role.trim() !== '') cur.roles.push(closeQuote(oneLine(role.trim())));
    merged.set(k, cur);
  }
  const intel = f.alerts.flatMap((a) => a.enrichment.intel);
  const rows = [...merged.values()]
    .sort(
      (a, b) =>
        IOC_TYPES.indexOf(a.type) - IOC_TYPES.indexOf(b.type) ||
        b.severity - a.severity ||
        byText(a.value.toLowerCase(), b.value.toLowerCase()),
    )
    .map((i): IocRow => {
      const hit = intel.find((x) => x.value.toLowerCase() === i.value.toLowerCase());
      const owner = HASH_TYPES.has(i.type) ? owners.get(i.value.toLowerCase()) : undefined;
      const notes = [
        ...(owner !== undefined ? [`hash of ${owner}`] : []),
        // The first role says what it is; the rest repeat where else the same value appeared. Named for its file, a
        // hash needs no "process image hash" beside it.
        ...withoutCutCopies(distinct(i.roles))
          .filter((r) => owner === undefined || !/ hash$/.test(r))
          .slice(0, 1),
        ...(i.private ? ['private address'] : []),
        ...(NETWORK_TYPES.has(i.type) && notBlockableReason(i.value) !== undefined
          ? [notBlockableReason(i.value) ?? '']
          : []),
        ...(hit !== undefined
          ? [
              `threat intel: ${oneLine(hit.verdict ?? 'listed')}${hit.source !== undefined ? ` (${oneLine(hit.source)})` : ''}`,
            ]
          : []),
      ];
      return {
        type: i.type,
        typeLabel: IOC_TYPE_LABELS[i.type] ?? i.type,
        value: clip(oneLine(i.defanged === '' ? i.value : i.defanged), 500),
        role: notes.length > 0 ? notes.join('; ') : 'seen in the alerts',
      };
    });
  return { rows: rows.slice(0, limits.iocs), omitted: Math.max(0, rows.length - limits.iocs) };
}
