import { createHash } from 'node:crypto';
import type { EnrichedAlert } from '../model/enrichment';
import { followers, isBurstSignal, withoutStormRepeats } from './followers';
import { SHORT_LINK_WINDOW_MS, linkKeys } from './keys';
import type { LinkKeys } from './keys';

/** Where a link key currently points: an entry of its host's `HOST#<hostKey> / HEADS` item (core/ingest/host-heads.ts). */
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
  /**
   * Fan-out limit: when one message would open new incidents on more hosts than this, they become one incident
   * (an outbreak on N hosts) instead of N tickets. Default `DEFAULT_FAN_OUT_HOSTS`.
   */
  fanOutHosts?: number;
  /**
   * Background telemetry follows the nearest signal of its host (followers.ts). Default true; false tells the
   * attack's own groups from what followed them (see background.ts).
   */
  followSignals?: boolean;
}

/**
 * A forwarder's message normally carries one host's events, a collector's a handful of hosts with something new.
 * More new incidents than this from one message is a fan-out: a fleet-wide event, or an intruder's invented hosts.
 */
export const DEFAULT_FAN_OUT_HOSTS = 10;

export const DEFAULT_CORRELATION: CorrelationSettings = {
  stormWindowMs: 60 * 60 * 1000,
  linkWindowMs: 24 * 60 * 60 * 1000,
  fanOutHosts: DEFAULT_FAN_OUT_HOSTS,
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
  /** Incidents this batch creates by folding a fan-out (one message, many new hosts) together. */
  outbreaks: Set<string>;
}

/** Every key whose head the correlation needs to read for these alerts. */
export function keysToRead(alerts: EnrichedAlert[]): string[] {
  const all = new Set<string>();
  for (const a of alerts) {
    const k = linkKeys(a);
    all.add(k.storm);
    for (const x of k.short) all.add(x);
    for (const x of k.produced) all.add(x);
    for (const x of k.consumed) all.add(x);
    for (const x of k.near) all.add(x);
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
  /** alertId → the message that carried it, for the fan-out limit (absent: no limit applies). */
  messageOf: Map<string, string> = new Map(),
): Correlation {
  const sorted = [...alerts].sort(
    (a, b) => a.eventTime.localeCompare(b.eventTime) || a.alertId.localeCompare(b.alertId),
  );
  const own = new Map<string, LinkKeys>();
  for (const a of sorted) own.set(a.alertId, linkKeys(a));
  const keys = withoutStormRepeats(sorted, own, heads, settings.stormWindowMs);
  const uf = new UnionFind(sorted.length);
  const n = sorted.length;
  // Each alert's keys and event time, looked up once (every join and head lookup below reads them).
  const keyOf: LinkKeys[] = sorted.map((a) => keys.get(a.alertId)!);
  const at: number[] = sorted.map((a) => ms(a.eventTime));

  // Producers of each key inside the batch.
  const producers = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    for (const k of keyOf[i].produced) {
      const p = producers.get(k);
      if (p === undefined) producers.set(k, i);
      else uf.union(p, i);
    }
  }
  for (let i = 0; i < n; i++) {
    for (const k of keyOf[i].consumed) {
      const p = producers.get(k);
      if (p !== undefined && Math.abs(at[p] - at[i]) <= settings.linkWindowMs) uf.union(p, i);
    }
  }
  // Storms: sliding window over time-sorted alerts of one storm key.
  const lastOfStorm = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const s = keyOf[i].storm;
    const prev = lastOfStorm.get(s);
    if (prev !== undefined && at[i] - at[prev] <= settings.stormWindowMs) uf.union(prev, i);
    lastOfStorm.set(s, i);
  }
  // Short keys (one execution seen by two sensors, one detection session): the same sliding join, minutes wide.
  const lastOfShort = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    for (const s of keyOf[i].short) {
      const prev = lastOfShort.get(s);
      if (prev !== undefined && at[i] - at[prev] <= SHORT_LINK_WINDOW_MS) uf.union(prev, i);
      lastOfShort.set(s, i);
    }
  }

  const grouped = (): Map<number, number[]> => {
    const out = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const r = uf.find(i);
      const list = out.get(r);
      if (list === undefined) out.set(r, [i]);
      else list.push(i);
    }
    return out;
  };

  // The oldest head each alert's own keys point to within their windows: `linked` through its storm, short,
  // produced and consumed keys, `near` through its near keys (which count only in a group with no signal). A group's
  // head is the oldest of its members' (the order below is total on what is read of a head), so each alert's keys
  // are looked up once, however many times a group is asked.
  const older = (x: GroupHead | undefined, h: GroupHead): boolean =>
    x === undefined ||
    h.incidentCreated < x.incidentCreated ||
    (h.incidentCreated === x.incidentCreated && h.incidentId < x.incidentId);
  const headWithin = (best: GroupHead | undefined, key: string, t: number, window: number): GroupHead | undefined => {
    const h = heads.get(key);
    if (h === undefined || Math.abs(t - ms(h.lastSeen)) > window) return best;
    return older(best, h) ? h : best;
  };
  const linkedHead: (GroupHead | undefined)[] = new Array(n);
  const nearHead: (GroupHead | undefined)[] = new Array(n);
  const signal: boolean[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const k = keyOf[i];
    const t = at[i];
    let best = headWithin(undefined, k.storm, t, settings.stormWindowMs);
    for (const x of k.short) best = headWithin(best, x, t, SHORT_LINK_WINDOW_MS);
    for (const x of k.produced) best = headWithin(best, x, t, settings.linkWindowMs);
    for (const x of k.consumed) best = headWithin(best, x, t, settings.linkWindowMs);
    linkedHead[i] = best;
    let near: GroupHead | undefined;
    for (const x of k.near) near = headWithin(near, x, t, SHORT_LINK_WINDOW_MS);
    nearHead[i] = near;
    signal[i] = isBurstSignal(k);
  }

  /** The open incident a group joins: the oldest any of its keys points to within the key's window. */
  const bestHead = (members: readonly number[]): GroupHead | undefined => {
    let best: GroupHead | undefined;
    // `near` keys lead only a group with no signal: noise follows an attack, never leads one into another.
    let follower = true;
    for (const i of members) {
      if (signal[i]) {
        follower = false;
        break;
      }
    }
    for (const i of members) {
      const h = linkedHead[i];
      if (h !== undefined && older(best, h)) best = h;
      if (follower) {
        const x = nearHead[i];
        if (x !== undefined && older(best, x)) best = x;
      }
    }
    return best;
  };
  // A pinned alert decides for its whole group: the first attempt's claims and items already name that incident.
  const pinOf = (members: readonly number[]): string | undefined => {
    if (pins.size === 0) return undefined;
    return members
      .map((i) => pins.get(sorted[i].alertId))
      .filter((x): x is string => x !== undefined)
      .sort()[0];
  };

  // Groups with no signal that nothing claims follow the nearest signal of their host in the batch (followers.ts).
  const free = (members: readonly number[]): boolean => pinOf(members) === undefined && bestHead(members) === undefined;
  if (settings.followSignals !== false) {
    for (const [i, j] of followers(sorted, keys, grouped(), free, SHORT_LINK_WINDOW_MS)) uf.union(i, j);
  }

  // Without messages no fan-out applies (nothing is folded, no union is made): the grouping stands as it is.
  const outbreakRoots =
    messageOf.size === 0
      ? new Set<number>()
      : foldFanOut(
          grouped(),
          (members) => pinOf(members) === undefined && bestHead(members) === undefined,
          (i) => messageOf.get(sorted[i].alertId),
          (i) => sorted[i].enrichment.hostKey,
          settings.fanOutHosts ?? DEFAULT_FAN_OUT_HOSTS,
          uf,
        );
  const components = grouped();

  const assignment = new Map<string, string>();
  const created = new Map<string, string>();
  const headOut = new Map<string, GroupHead>();
  const outbreaks = new Set<string>();

  const setHead = (key: string, lastSeen: string, incidentId: string, incidentCreated: string): void => {
    const prev = headOut.get(key);
    // The heads are this call's own objects until returned: a later alert's head overwrites the earlier in place.
    if (prev === undefined) headOut.set(key, { key, incidentId, lastSeen, incidentCreated });
    else if (prev.lastSeen < lastSeen) {
      prev.incidentId = incidentId;
      prev.lastSeen = lastSeen;
      prev.incidentCreated = incidentCreated;
    }
  };

  for (const [root, members] of components) {
    const best = bestHead(members);
    const first = sorted[members[0]];
    const pinned = pinOf(members);
    const incidentId = pinned ?? best?.incidentId ?? incidentIdFor(first);
    const incidentCreated = best?.incidentCreated ?? now;
    if (pinned === undefined && best === undefined) created.set(incidentId, now);
    if (outbreakRoots.has(root)) outbreaks.add(incidentId);
    for (const i of members) {
      const a = sorted[i];
      assignment.set(a.alertId, incidentId);
      const k = keyOf[i];
      setHead(k.storm, a.eventTime, incidentId, incidentCreated);
      for (const key of k.short) setHead(key, a.eventTime, incidentId, incidentCreated);
      for (const key of k.produced) setHead(key, a.eventTime, incidentId, incidentCreated);
    }
  }
  return {
    assignment,
    created,
    heads: [...headOut.values()].sort((x, y) => x.key.localeCompare(y.key)),
    keys,
    outbreaks,
  };
}

/**
 * The fan-out limit: every message whose new groups (groups that would open an incident) span more than `limit`
 * hosts has those groups joined into one, so 300 invented hosts make one "outbreak" incident, not 300 tickets.
 * Groups that join an open incident are left alone: a real attack already being tracked stays where it is.
 * Returns the roots (after joining) of the outbreak groups.
 */
function foldFanOut(
  groups: Map<number, number[]>,
  isNew: (members: number[]) => boolean,
  messageOf: (i: number) => string | undefined,
  hostOf: (i: number) => string,
  limit: number,
  uf: UnionFind,
): Set<number> {
  const newGroupsByMessage = new Map<string, Set<number>>();
  for (const [root, members] of groups) {
    if (!isNew(members)) continue;
    for (const i of members) {
      const m = messageOf(i);
      if (m === undefined) continue;
      const set = newGroupsByMessage.get(m) ?? new Set<number>();
      set.add(root);
      newGroupsByMessage.set(m, set);
    }
  }
  const folded: number[] = [];
  for (const roots of newGroupsByMessage.values()) {
    const hosts = new Set([...roots].flatMap((r) => groups.get(r)!.map(hostOf)));
    if (hosts.size <= limit) continue;
    const [head, ...rest] = [...roots];
    for (const r of rest) uf.union(head, r);
    folded.push(head);
  }
  return new Set(folded.map((r) => uf.find(r)));
}
