import type { IncidentFacts, UserFact } from './facts';
import { humanUsers } from './facts';
import { ancestry } from './process-graph';
import { baseKey } from '../windows';
import { userKey } from '../model/host';

/**
 * What kind of account acted and what kind of host it acted on: the two facts that change what a responder does.
 * A service account has no person to ask and a password other systems depend on; a server serves others, so
 * isolating it is a business decision; a domain controller holds every domain credential. Read from the events and
 * the asset context already in the facts (`IncidentFacts.asset`, the source's `host.os`), never guessed beyond them:
 * what cannot be told stays `unknown`.
 */

/** `system`: SYSTEM, LOCAL/NETWORK SERVICE, machine accounts. `service`: a named account services run as. */
export type AccountKind = 'system' | 'service' | 'admin' | 'interactive' | 'unknown';

export type AssetRole = 'domain-controller' | 'server' | 'workstation' | 'unknown';

export interface CaseProfile {
  /** The account the activity ran under (the human one when there is one), and its kind. */
  account: AccountKind;
  user?: UserFact;
  role: AssetRole;
  /** What the role was read from, for the sentence that uses it (`OS Windows Server 2019`, `host name`). */
  roleBasis?: string;
}

/**
 * Service-account naming conventions (`svc_sql`, `sa-backup`, `sqlsvc`, `backup_svc`) and the virtual accounts Windows
 * gives services (`NT SERVICE\MSSQLSERVER`, `IIS APPPOOL\DefaultAppPool`).
 */
const SERVICE_NAME =
  /^(?:svc|srv|sa|service|sql|mssql)[-_.]|[-_.](?:svc|service|sa)$|^(?:sqlsvc|sqlservice|sqlagent|mssqlserver)$/i;
const SERVICE_DOMAIN = /^(?:nt service|iis apppool)$/i;
/** Administrator accounts by name: the built-in one and the `adm-` / `-adm` / `admin_` conventions. */
const ADMIN_NAME = /^(?:administrator|admin|adm[-_.].+|admin[-_.].+|.+[-_.]adm(?:in)?|da[-_.].+)$/i;

/** Programs whose children run as a service's account, not a person's session. */
const SERVICE_PARENTS: ReadonlySet<string> = new Set([
  'services.exe',
  'sqlservr.exe',
  'w3wp.exe',
  'sqlagent.exe',
  'java.exe',
  'tomcat.exe',
  'httpd.exe',
  'wmiprvse.exe',
]);
/** Programs whose children run in a person's desktop session. */
const SESSION_PARENTS: ReadonlySet<string> = new Set(['explorer.exe', 'userinit.exe', 'sihost.exe']);

/** Server software that runs only on servers: a process of one in the chain makes the host a server. */
const SERVER_PROCESSES: ReadonlySet<string> = new Set([
  'sqlservr.exe',
  'w3wp.exe',
  'inetinfo.exe',
  'store.exe',
  'msexchangetransport.exe',
  'dns.exe',
  'dfsrs.exe',
]);
/** Processes that run only on a domain controller. */
const DC_PROCESSES: ReadonlySet<string> = new Set(['ntdsutil.exe', 'dsamain.exe', 'ismserv.exe']);

const DC_HOST = /(?:^|[-_.])(?:r?o?dc|pdc|adc|addc|ad)\d*(?:$|[-_.])/i;
const SERVER_HOST =
  /(?:^|[-_.])(?:srv|svr|server|sql|db|dbs|web|app|exch|mail|file|fs|sp|citrix|rds|ts|vm?host)\d*(?:$|[-_.])/i;
const WORKSTATION_HOST =
  /^(?:desktop|laptop|win10|win11)-|(?:^|[-_.])(?:ws|wks|wkstn|workstation|lt|pc|nb|vdi)\d*(?:$|[-_.])/i;

/** The name part of `DOMAIN\name` or `name@domain`. */
function accountName(display: string): { domain?: string; name: string } {
  const slash = display.indexOf('\\');
  if (slash >= 0) return { domain: display.slice(0, slash), name: display.slice(slash + 1) };
  const at = display.indexOf('@');
  return at > 0 ? { domain: display.slice(at + 1), name: display.slice(0, at) } : { name: display };
}

/** SIDs of the alerts that name this user (`S-1-5-21-…-500` is the built-in Administrator). */
function sidsOf(f: IncidentFacts, u: UserFact): string[] {
  return f.alerts.flatMap((a) =>
    a.user?.sid !== undefined && userKey(a.user.name) === u.key ? [a.user.sid.trim().toUpperCase()] : [],
  );
}

/** Images of the parents of the processes this user ran (where their sessions came from). */
function parentsOf(f: IncidentFacts, u: UserFact): string[] {
  const out: string[] = [];
  for (const p of f.graph.procs.values()) {
    if (p.user === undefined || userKey(p.user) !== u.key) continue;
    const chain = ancestry(f.graph, p.key);
    for (const q of chain.slice(1)) if (q.image !== undefined) out.push(baseKey(q.image));
  }
  return out;
}

/**
 * The kind of one account: by its name and domain, its SID, and where its processes came from (services.exe and
 * server software → service; explorer.exe → a person's session).
 *
 * @example
 * accountKindOf(facts, { key: 'svc_sql', display: 'CORP\\svc_sql', system: false }) // 'service'
 */
export function accountKindOf(f: IncidentFacts, u: UserFact): AccountKind {
  if (u.system) return 'system';
  const { domain, name } = accountName(u.display);
  if ((domain !== undefined && SERVICE_DOMAIN.test(domain)) || SERVICE_NAME.test(name)) return 'service';
  if (ADMIN_NAME.test(name) || sidsOf(f, u).some((s) => /-500$/.test(s))) return 'admin';
  const parents = parentsOf(f, u);
  if (parents.some((p) => SESSION_PARENTS.has(p))) return 'interactive';
  if (parents.length > 0 && parents.every((p) => SERVICE_PARENTS.has(p) || p === 'svchost.exe')) return 'service';
  return 'interactive';
}

/**
 * The role of the main host: a domain controller or server by its OS, its processes or its name; a workstation by
 * its OS or name. The asset context wins over the source's OS, which wins over processes, which win over the name.
 */
export function assetRole(f: IncidentFacts): { role: AssetRole; basis?: string } {
  const os = f.asset?.os ?? f.alerts.find((a) => a.host.os !== undefined)?.host.os;
  const images = new Set([...f.graph.procs.values()].flatMap((p) => (p.image !== undefined ? [baseKey(p.image)] : [])));
  const ntds = f.files.some((x) => /\\ntds\\ntds\.dit$/i.test(x.path));
  if ([...images].some((i) => DC_PROCESSES.has(i)) || ntds)
    return { role: 'domain-controller', basis: 'its processes' };
  if (os !== undefined && /domain controller/i.test(os)) return { role: 'domain-controller', basis: `OS ${os}` };
  if (os !== undefined && /server/i.test(os)) return { role: 'server', basis: `OS ${os}` };
  if ([...images].some((i) => SERVER_PROCESSES.has(i))) return { role: 'server', basis: 'its processes' };
  if (os !== undefined && /windows\s*(?:xp|vista|7|8(?:\.1)?|10|11)\b/i.test(os))
    return { role: 'workstation', basis: `OS ${os}` };
  const host = f.hostDisplay;
  if (DC_HOST.test(host)) return { role: 'domain-controller', basis: 'host name' };
  if (SERVER_HOST.test(host)) return { role: 'server', basis: 'host name' };
  if (WORKSTATION_HOST.test(host)) return { role: 'workstation', basis: 'host name' };
  return { role: 'unknown' };
}

/**
 * The account and host kinds of an incident. The account is the first human (non-system) user, else the first
 * user; with no user at all it is `unknown`.
 */
export function caseProfile(f: IncidentFacts): CaseProfile {
  const user = humanUsers(f)[0] ?? f.users[0];
  const { role, basis } = assetRole(f);
  return {
    account: user !== undefined ? accountKindOf(f, user) : 'unknown',
    ...(user !== undefined ? { user } : {}),
    role,
    ...(basis !== undefined ? { roleBasis: basis } : {}),
  };
}

/** A server or domain controller: isolating it stops what it serves, not one person's work. */
export function servesOthers(role: AssetRole): boolean {
  return role === 'server' || role === 'domain-controller';
}
