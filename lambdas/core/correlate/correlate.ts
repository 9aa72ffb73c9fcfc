import { createHash } from 'node:crypto';
import type { EnrichedAlert } from '../model/enrichment';
import { linkKeys } from './keys';
import type { LinkKeys } from './keys';

/** Where a link key currently points: the `GROUP#<key> / OPEN` item. */
export interface GroupHead {
  key: string;
  incidentId: string;
  /** Latest event time seen under this key (ISO). */
  lastSeen: string;
  /** When the incident was created (ISO): the oldest incident wins when a batch touches several. */
  incidentCreated: string;
}

export interface CorrelationSettings {
  /** Same rule/technique on the same host within this sliding window joins the open incident. */
  stormWindowMs: number;
  /** Process-tree and artifact links hold this long (persistence fires at the next logon, hours later). */
  linkWindowMs: number;
}

export const DEFAULT_CORRELATION: CorrelationSettings = {
  stormWindowMs: 60 * 60 * 1000,
  linkWindowMs: 24 * 60 * 60 * 1000,
};

export interface Correlation {
  /** alertId → incidentId. */
  assignment: Map<string, string>;
  /** Incidents this batch creates (id → created time). */
  created: Map<string, string>;
  /** Heads to write after the incidents are updated. */
  heads: GroupHead[];
  /** Keys each alert has, for callers that need them. */
  keys: Map<string, LinkKeys>;
}

/** Every key whose head the correlation needs to read for these alerts. */
export function keysToRead(alerts: EnrichedAlert[]): string[] {
  const all = new Set<string>();
  for (const a of alerts) {
    const k = linkKeys(a);
    all.add(k.storm);
    for (const x of k.produced) all.add(x);
    for (const x of k.consumed) all.add(x);
  }
  return [...all].sort();
}

/** Deterministic, so a retried batch recreates the same id: `INC-<yyyymmdd>-<hash of the first alert id>`. */
export function incidentIdFor(firstAlert: EnrichedAlert): string {
  const day = firstAlert.eventTime.slice(0, 10).replace(/-/g, '');
  const h = createHash('sha256').update(firstAlert.alertId).digest('hex').slice(0, 10);
  return `INC-${day}-${h}`;
}

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]];
      i = this.parent[i];
    }
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // Keep the smaller index (the earlier alert) as the root, so ids are stable.
    if (ra < rb) this.parent[rb] = ra;
    else if (rb < ra) this.parent[ra] = rb;
  }
}

const ms = (iso: string): number => Date.parse(iso);

/**
 * Assign each new alert of a batch to an incident: pure, over the alerts and the heads read from the store.
 * Alerts are linked inside the batch first (union–find over shared keys and storm windows), then each group joins
 * the oldest existing incident any of its keys points to within the window, or becomes a new incident.
 */
export function correlate(
  alerts: EnrichedAlert[],
  heads: Map<string, GroupHead>,
  settings: CorrelationSettings = DEFAULT_CORRELATION,
  now: string = new Date().toISOString(),
  /** alertId → incident: alerts an earlier attempt already claimed there (a retry must not move them). */
  pins: Map<string, string> = new Map(),
): Correlation {
  const sorted = [...alerts].sort(
    (a, b) => a.eventTime.localeCompare(b.eventTime) || a.alertId.localeCompare(b.alertId),
  );
  const keys = new Map(sorted.map((a) => [a.alertId, linkKeys(a)] as const));
  const uf = new UnionFind(sorted.length);

  // Producers of each key inside the batch.
  const producers = new Map<string, number>();
  sorted.forEach((a, i) => {
    for (const k of keys.get(a.alertId)!.produced) {
      const p = producers.get(k);
      if (p === undefined) producers.set(k, i);
      else uf.union(p, i);
    }
  });
  sorted.forEach((a, i) => {
    for (const k of keys.get(a.alertId)!.consumed) {
      const p = producers.get(k);
      if (p !== undefined && Math.abs(ms(sorted[p].eventTime) - ms(a.eventTime)) <= settings.linkWindowMs)
        uf.union(p, i);
    }
  });
  // Storms: sliding window over time-sorted alerts of one storm key.
  const lastOfStorm = new Map<string, number>();
  sorted.forEach((a, i) => {
    const s = keys.get(a.alertId)!.storm;
    const prev = lastOfStorm.get(s);
    if (prev !== undefined && ms(a.eventTime) - ms(sorted[prev].eventTime) <= settings.stormWindowMs) uf.union(prev, i);
    lastOfStorm.set(s, i);
  });

  const components = new Map<number, number[]>();
  sorted.forEach((_, i) => {
    const r = uf.find(i);
    const list = components.get(r) ?? [];
    list.push(i);
    components.set(r, list);
  });

  const assignment = new Map<string, string>();
  const created = new Map<string, string>();
  const headOut = new Map<string, GroupHead>();

  for (const members of components.values()) {
    let best: GroupHead | undefined;
    for (const i of members) {
      const a = sorted[i];
      const k = keys.get(a.alertId)!;
      const candidates: [string, number][] = [
        [k.storm, settings.stormWindowMs],
        ...k.produced.map((x) => [x, settings.linkWindowMs] as [string, number]),
        ...k.consumed.map((x) => [x, settings.linkWindowMs] as [string, number]),
      ];
      for (const [key, window] of candidates) {
        const h = heads.get(key);
        if (h === undefined || Math.abs(ms(a.eventTime) - ms(h.lastSeen)) > window) continue;
        if (
          best === undefined ||
          h.incidentCreated < best.incidentCreated ||
          (h.incidentCreated === best.incidentCreated && h.incidentId < best.incidentId)
        ) {
          best = h;
        }
      }
    }
    const first = sorted[members[0]];
    // A pinned alert decides for its whole group: the first attempt's claims and items already name that incident.
    const pinned = members
      .map((i) => pins.get(sorted[i].alertId))
      .filter((x): x is string => x !== undefined)
      .sort()[0];
    const incidentId = pinned ?? best?.incidentId ?? incidentIdFor(first);
    const incidentCreated = best?.incidentCreated ?? now;
    if (pinned === undefined && best === undefined) created.set(incidentId, now);
    for (const i of members) {
      const a = sorted[i];
      assignment.set(a.alertId, incidentId);
      const k = keys.get(a.alertId)!;
      for (const key of [k.storm, ...k.produced]) {
        const prev = headOut.get(key);
        if (prev === undefined || prev.lastSeen < a.eventTime) {
          headOut.set(key, { key, incidentId, lastSeen: a.eventTime, incidentCreated });
        }
      }
    }
  }
  return { assignment, created, heads: [...headOut.values()].sort((x, y) => x.key.localeCompare(y.key)), keys };
}
