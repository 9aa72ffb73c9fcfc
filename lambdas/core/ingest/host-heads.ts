import { correlate } from '../correlate/correlate';
import type { Correlation, CorrelationSettings, GroupHead } from '../correlate/correlate';
import type { EnrichedAlert } from '../model/enrichment';
import { RetryableError } from '../errors';
import type { HostHeads, IngestStore } from './ports';

/**
 * Most heads one host keeps: the newest by last sighting stay. A host busy enough to go beyond (thousands of distinct
 * processes, files and keys inside a day) keeps linking its recent activity; only its oldest keys are forgotten.
 */
export const MAX_HEADS_PER_HOST = 2000;

/**
 * Lost races on one batch's heads before it is given back to the queue. A lost race means another invocation wrote
 * the host's heads, so every round makes progress; a storm whose every batch names the same busy hosts, with 10
 * invocations at once, loses a few rounds per host. Each costs one read and one write of that host's item.
 */
export const HEAD_CLAIM_ATTEMPTS = 50;

/** Heads on one host, by key. */
const byKey = (h: HostHeads | undefined): Map<string, GroupHead> => new Map((h?.heads ?? []).map((x) => [x.key, x]));

/** Every stored head of these hosts by key (a key stored on two hosts: the older incident, as correlation picks). */
export function headsOf(hosts: Iterable<HostHeads>): Map<string, GroupHead> {
  const out = new Map<string, GroupHead>();
  for (const h of hosts) {
    for (const head of h.heads) {
      const prev = out.get(head.key);
      if (prev === undefined || head.incidentCreated < prev.incidentCreated) out.set(head.key, head);
    }
  }
  return out;
}

/**
 * The host's heads once this batch's are applied, or `undefined` when they change nothing. A head the batch wrote is
 * taken as correlation made it (its last sighting included, as heads have always been written), and beyond
 * `MAX_HEADS_PER_HOST` the heads seen longest ago are dropped.
 */
export function nextHostHeads(
  host: string,
  stored: HostHeads | undefined,
  updates: GroupHead[],
): HostHeads | undefined {
  const heads = byKey(stored);
  let changed = false;
  for (const u of updates) {
    const prev = heads.get(u.key);
    const same =
      prev !== undefined &&
      prev.incidentId === u.incidentId &&
      prev.lastSeen === u.lastSeen &&
      prev.incidentCreated === u.incidentCreated;
    if (same) continue;
    heads.set(u.key, u);
    changed = true;
  }
  if (!changed) return undefined;
  const kept = [...heads.values()]
    .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen) || a.key.localeCompare(b.key))
    .slice(0, MAX_HEADS_PER_HOST)
    .sort((a, b) => a.key.localeCompare(b.key));
  return { host, version: (stored?.version ?? 0) + 1, heads: kept };
}

/**
 * Correlates a batch and claims its heads before anything names an incident: each host's heads are one item,
 * written on condition that its version is the one correlation read. An invocation that loses that race (another
 * one opened or joined an incident on the host meanwhile) reads the host again and correlates again, so it joins the
 * incident the winner opened instead of opening a second one: concurrent batches of one attack end in one incident,
 * as if they had run one after the other. Since the heads are written first, a crash later in the batch cannot leave
 * an incident that the next batch does not find (its retry, or whoever joins first, writes the incident).
 *
 * Every link key is scoped to its host, so hosts are claimed one by one; after `maxAttempts` lost races the batch is
 * given back to the queue (a `RetryableError`).
 */
export async function correlateAndClaim(
  alerts: EnrichedAlert[],
  store: IngestStore,
  o: {
    settings: CorrelationSettings;
    now: () => string;
    pins: Map<string, string>;
    messageOf: Map<string, string>;
    maxAttempts: number;
  },
): Promise<Correlation> {
  const hosts = [...new Set(alerts.map((a) => a.enrichment.hostKey))].sort();
  if (hosts.length === 0) return correlate([], new Map(), o.settings, o.now(), o.pins, o.messageOf);
  const stored = await store.getHostHeads(hosts);
  // What earlier attempts decided for incidents this batch opened and has claimed (their creation time, the fan-out).
  const created = new Map<string, string>();
  const outbreaks = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    const corr = correlate(alerts, headsOf(stored.values()), o.settings, o.now(), o.pins, o.messageOf);
    const assigned = new Set(corr.assignment.values());
    for (const [id, at] of created) if (assigned.has(id) && !corr.created.has(id)) corr.created.set(id, at);
    for (const id of outbreaks) if (assigned.has(id)) corr.outbreaks.add(id);
    const hostsOfKey = new Map<string, Set<string>>();
    for (const a of alerts) {
      // Every kind of key the alert has (whichever correlation writes heads for): each is stored with its host.
      for (const key of Object.values(corr.keys.get(a.alertId)!).flat() as string[]) {
        const set = hostsOfKey.get(key) ?? new Set<string>();
        set.add(a.enrichment.hostKey);
        hostsOfKey.set(key, set);
      }
    }
    // All hosts at once, right after the read: the shorter the time since, the fewer races are lost.
    const writes = hosts.flatMap((host) => {
      const cur = stored.get(host);
      const next = nextHostHeads(
        host,
        cur,
        corr.heads.filter((h) => hostsOfKey.get(h.key)?.has(host) === true),
      );
      return next === undefined ? [] : [{ host, next, expected: cur?.version ?? 0 }];
    });
    const won = await Promise.all(writes.map((w) => store.putHostHeads(w.next, w.expected)));
    const lost: string[] = [];
    writes.forEach((w, i) => {
      if (won[i]) stored.set(w.host, w.next);
      else lost.push(w.host);
    });
    for (const [id, at] of corr.created) created.set(id, at);
    for (const id of corr.outbreaks) outbreaks.add(id);
    if (lost.length === 0) return corr;
    if (attempt >= o.maxAttempts)
      throw new RetryableError(`correlation heads of ${lost.join(', ')}: too many concurrent updates`, {
        hosts: lost,
      });
    const fresh = await store.getHostHeads(lost);
    for (const host of lost) {
      const h = fresh.get(host);
      if (h === undefined) stored.delete(host);
      else stored.set(host, h);
    }
  }
}
