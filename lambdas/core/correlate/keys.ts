import { boundedId } from '../bounded';
import type { EnrichedAlert } from '../model/enrichment';
import { baseKey, isSystemAncestor, normalizePath, pathsInText } from '../windows';

/**
 * Link keys: what makes two alerts on one host part of one attack. Every key is scoped to the host, so the same
 * technique on another host is another incident.
 *
 * - `proc:` a process (Sysmon ProcessGuid, or pid + image for EDRs that have no guid): an alert links to its own
 *   process and its parent's, so a whole process tree shares keys. System ancestors at their stock paths
 *   (explorer, services, svchost…) are not linked through: every process a user starts has explorer as parent.
 * - `file:` a file written by one event and executed, loaded or referenced (registry value, task) by another.
 * - `dns:` a name resolved and then connected to; `ip:` an address resolved and then connected to.
 * - `storm:` the same rule (else technique, else event shape) on the host: a storm of one detection is one incident.
 *
 * Keys are `produced` (the alert creates the fact) or `consumed` (it refers to it). Two alerts join when one
 * produces what the other consumes, or both produce the same key; two consumers of one key (two loads of
 * ntdll.dll) do not join through it, since nothing in the attack made that file.
 */
/**
 * Longest link key kept whole. Keys name group heads, suppressions and the incident's group key: a path or rule
 * name an intruder made 100 KB long keeps its readable prefix and a hash of the whole (see `boundedId`).
 */
export const MAX_LINK_KEY_CHARS = 512;

export interface LinkKeys {
  /** The storm key, used with the sliding storm window. */
  storm: string;
  produced: string[];
  consumed: string[];
}

function isLinkableProcess(image: string | undefined): boolean {
  return image === undefined || !isSystemAncestor(image);
}

function processKeys(host: string, p: { guid?: string; pid?: number; image?: string } | undefined): string[] {
  if (p === undefined || !isLinkableProcess(p.image)) return [];
  const keys: string[] = [];
  if (p.guid !== undefined) keys.push(`proc:${host}:${p.guid.toLowerCase().replace(/[{}]/g, '')}`);
  if (p.pid !== undefined && p.image !== undefined) keys.push(`pid:${host}:${p.pid}:${baseKey(p.image)}`);
  return keys;
}

/**
 * Windows paths inside free text (registry value data, task actions, command lines), normalized like every file
 * key, so `C:\Windows\System32\..\..\Users\Public\x.dll` joins `C:\Users\Public\x.dll`.
 */
function pathsIn(text: string | undefined): string[] {
  if (text === undefined) return [];
  return pathsInText(text).map((m) => normalizePath(m.path));
}

/** The storm identity: rule, else techniques, else the event's shape (type + image). */
export function stormKey(alert: EnrichedAlert, host: string): string {
  if (alert.rule !== undefined) return bound(`storm:${host}:rule:${alert.rule.name.trim().toLowerCase()}`);
  if (alert.techniques.length > 0) return bound(`storm:${host}:tech:${[...alert.techniques].sort().join(',')}`);
  const image = alert.process?.image !== undefined ? baseKey(alert.process.image) : '-';
  return bound(`storm:${host}:event:${alert.eventType}:${image}`);
}

const bound = (key: string): string => boundedId(key, MAX_LINK_KEY_CHARS);

export function linkKeys(alert: EnrichedAlert): LinkKeys {
  const host = alert.enrichment.hostKey;
  const produced = new Set<string>();
  const consumed = new Set<string>();

  for (const k of processKeys(host, alert.process)) produced.add(k);
  for (const k of processKeys(host, alert.process?.parent)) produced.add(k);
  // A remote thread or process access reaches into another process: the target becomes part of the story,
  // except the system processes everybody touches (lsass is the object of credential theft, not a participant).
  if (alert.eventType === 'create_remote_thread') for (const k of processKeys(host, alert.target)) produced.add(k);

  if (alert.file !== undefined) produced.add(`file:${host}:${normalizePath(alert.file.path)}`);
  if (alert.process?.image !== undefined) consumed.add(`file:${host}:${normalizePath(alert.process.image)}`);
  if (alert.module !== undefined) consumed.add(`file:${host}:${normalizePath(alert.module.path)}`);
  for (const p of pathsIn(alert.registry?.valueData)) consumed.add(`file:${host}:${p}`);
  for (const p of pathsIn(alert.task?.action)) consumed.add(`file:${host}:${p}`);
  for (const p of pathsIn(alert.service?.path)) consumed.add(`file:${host}:${p}`);
  for (const p of pathsIn(alert.process?.commandLine)) consumed.add(`file:${host}:${p}`);

  if (alert.dns !== undefined) {
    produced.add(`dns:${host}:${alert.dns.query.toLowerCase()}`);
    for (const r of alert.dns.results ?? []) produced.add(`ip:${host}:${r.toLowerCase()}`);
  }
  if (alert.network !== undefined) {
    if (alert.network.dstHostname !== undefined) consumed.add(`dns:${host}:${alert.network.dstHostname.toLowerCase()}`);
    if (alert.network.dstIp !== undefined) consumed.add(`ip:${host}:${alert.network.dstIp.toLowerCase()}`);
  }
  for (const k of produced) consumed.delete(k);
  return {
    storm: stormKey(alert, host),
    produced: [...produced].map(bound).sort(),
    consumed: [...consumed].map(bound).sort(),
  };
}
