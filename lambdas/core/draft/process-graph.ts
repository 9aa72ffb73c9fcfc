import type { ProcessRef } from '../model/alert';
import type { EnrichedAlert } from '../model/enrichment';
import { knownImage } from './display';
import { baseKey, isSystemAncestor } from '../windows';
import { byText } from './text';

/**
 * The processes of an incident and their parent links, rebuilt from every alert that names a process: its own
 * process-create events, the actors of file/registry/network events, and the parent and grandparent references
 * they carry. Process identity is the Sysmon ProcessGuid when there is one, else pid + image on that host.
 */

export interface ProcEntry {
  key: string;
  host: string;
  guid?: string;
  pid?: number;
  image?: string;
  commandLine?: string;
  user?: string;
  integrity?: string;
  hashes?: Record<string, string>;
  parentKey?: string;
  /** Its own process-create alert, when collected. */
  created?: EnrichedAlert;
  /** Alerts where it is the actor (not its own creation), time ordered. */
  acts: EnrichedAlert[];
  /** Earliest time it appears in any alert, for ordering. */
  firstSeen: string;
}

/**
 * A Windows session manager, service host or shell at its stock path (see `isSystemAncestor`): every user or service
 * program descends from one, so it explains nothing. An unnamed process is not one.
 */
export function isSystemImage(image: string | undefined): boolean {
  return image !== undefined && isSystemAncestor(image);
}

const ZERO_GUID = /^[0{}-]*$/;

function normGuid(guid: string | undefined): string | undefined {
  if (guid === undefined) return undefined;
  const g = guid.trim().toLowerCase().replace(/[{}]/g, '');
  return g === '' || ZERO_GUID.test(g) ? undefined : g;
}

export interface ProcessGraph {
  procs: Map<string, ProcEntry>;
  /** Process of each alert (its actor, or the created process), by alert id. */
  actorOf: Map<string, string>;
}

export function buildProcessGraph(alerts: EnrichedAlert[]): ProcessGraph {
  const procs = new Map<string, ProcEntry>();
  const index = new Map<string, string>();
  const actorOf = new Map<string, string>();

  const idKeys = (host: string, ref: ProcessRef): string[] => {
    const keys: string[] = [];
    const g = normGuid(ref.guid);
    if (g !== undefined) keys.push(`${host}|g:${g}`);
    const image = knownImage(ref.image);
    if (ref.pid !== undefined && image !== undefined) keys.push(`${host}|p:${ref.pid}:${baseKey(image)}`);
    return keys;
  };

  /** Whether `ancestor` is `key` or above it: setting such a parent would close a cycle. */
  const reaches = (key: string, ancestor: string): boolean => {
    const seen = new Set<string>();
    let cur: string | undefined = ancestor;
    while (cur !== undefined && !seen.has(cur)) {
      if (cur === key) return true;
      seen.add(cur);
      cur = procs.get(cur)?.parentKey;
    }
    return false;
  };

  const upsert = (
    host: string,
    ref: ProcessRef & { integrityLevel?: string; hashes?: Record<string, string> },
    time: string,
    fallbackKey: string,
    parentKey?: string,
  ): ProcEntry => {
    const keys = idKeys(host, ref);
    let key = keys.map((k) => index.get(k)).find((k) => k !== undefined);
    if (key === undefined)
      key = keys[0] ?? (ref.pid !== undefined ? `${host}|pid:${ref.pid}` : `${host}|${fallbackKey}`);
    let p = procs.get(key);
    if (p === undefined) {
      p = { key, host, acts: [], firstSeen: time };
      procs.set(key, p);
    }
    // First writer wins per field: values do not change over a process's life, and order is deterministic.
    p.guid ??= normGuid(ref.guid);
    p.pid ??= ref.pid;
    p.image ??= knownImage(ref.image);
    p.commandLine ??= ref.commandLine;
    p.user ??= ref.user;
    p.integrity ??= ref.integrityLevel;
    p.hashes ??= ref.hashes;
    if (time < p.firstSeen) p.firstSeen = time;
    if (parentKey !== undefined && p.parentKey === undefined && !reaches(key, parentKey)) p.parentKey = parentKey;
    for (const k of idKeys(host, { ...ref, image: p.image, pid: p.pid })) if (!index.has(k)) index.set(k, key);
    return p;
  };

  for (const a of alerts) {
    const proc = a.process;
    if (proc === undefined) continue;
    const host = a.enrichment.hostKey;
    const gp = proc.grandparent ? upsert(host, proc.grandparent, a.eventTime, `gp:${a.alertId}`) : undefined;
    const parent = proc.parent ? upsert(host, proc.parent, a.eventTime, `pp:${a.alertId}`, gp?.key) : undefined;
    const self = upsert(host, proc, a.eventTime, `a:${a.alertId}`, parent?.key);
    actorOf.set(a.alertId, self.key);
    if (a.eventType === 'process_create' && self.created === undefined) self.created = a;
    else if (a.eventType !== 'process_create') self.acts.push(a);
  }
  return { procs, actorOf };
}

/** Order of siblings and roots: by time first seen, then key. */
export function procOrder(a: ProcEntry, b: ProcEntry): number {
  const ta = a.created?.eventTime ?? a.firstSeen;
  const tb = b.created?.eventTime ?? b.firstSeen;
  return byText(ta, tb) || byText(a.key, b.key);
}

/** Depth-first order with depths; processes unreachable from a root (a corrupt cycle) are appended as roots. */
export function walkTree(graph: ProcessGraph): { proc: ProcEntry; depth: number }[] {
  const children = new Map<string, ProcEntry[]>();
  const roots: ProcEntry[] = [];
  for (const p of graph.procs.values()) {
    if (p.parentKey !== undefined && graph.procs.has(p.parentKey)) {
      const list = children.get(p.parentKey) ?? [];
      list.push(p);
      children.set(p.parentKey, list);
    } else roots.push(p);
  }
  const out: { proc: ProcEntry; depth: number }[] = [];
  const seen = new Set<string>();
  const visit = (p: ProcEntry, depth: number): void => {
    if (seen.has(p.key)) return;
    seen.add(p.key);
    out.push({ proc: p, depth });
    for (const ch of (children.get(p.key) ?? []).sort(procOrder)) visit(ch, depth + 1);
  };
  for (const r of roots.sort(procOrder)) visit(r, 0);
  for (const p of [...graph.procs.values()].sort(procOrder)) visit(p, 0);
  return out;
}

/** The chain from a process up to its root, nearest first. */
export function ancestry(graph: ProcessGraph, key: string): ProcEntry[] {
  const out: ProcEntry[] = [];
  const seen = new Set<string>();
  let cur = graph.procs.get(key);
  while (cur !== undefined && !seen.has(cur.key)) {
    out.push(cur);
    seen.add(cur.key);
    cur = cur.parentKey !== undefined ? graph.procs.get(cur.parentKey) : undefined;
  }
  return out;
}
