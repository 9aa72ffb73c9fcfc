import type { EnrichedAlert } from '../model/enrichment';
import type { LinkKeys } from './keys';

/** Whether a key is a host's burst key (see `LinkKeys`). */
export const isBurstKey = (key: string): boolean => key.startsWith('burst:');

/** Whether an alert carries its host's burst key: a signal with a measured time (see `isSignal`). */
export const isBurstSignal = (k: LinkKeys): boolean => k.short.some(isBurstKey);

const ms = (iso: string): number => Date.parse(iso);

/** Index of the first value not below `x` in an ascending list. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Followers inside one batch: each group with no signal that nothing else claims (`isFree`: no pin, no head) follows
 * the signal of its host nearest in time within `windowMs`, when there is one. Returns `[member, signal]` index pairs
 * to join, one per following group: a group follows one signal only, so noise never bridges two attacks, and a
 * signal's window is set by signals alone, so noise never stretches it.
 *
 * `sorted` are the batch's alerts by time; `groups` its groups (root → member indexes) after the key joins.
 */
export function followers(
  sorted: readonly EnrichedAlert[],
  keys: ReadonlyMap<string, LinkKeys>,
  groups: ReadonlyMap<number, readonly number[]>,
  isFree: (members: readonly number[]) => boolean,
  windowMs: number,
): [number, number][] {
  const keyOf = (i: number): LinkKeys => keys.get(sorted[i].alertId)!;
  // Signal times per host, ascending (the alerts are sorted by time already).
  const signals = new Map<string, { at: number[]; index: number[] }>();
  sorted.forEach((a, i) => {
    if (!isBurstSignal(keyOf(i))) return;
    const list = signals.get(a.enrichment.hostKey) ?? { at: [], index: [] };
    list.at.push(ms(a.eventTime));
    list.index.push(i);
    signals.set(a.enrichment.hostKey, list);
  });
  if (signals.size === 0) return [];
  const out: [number, number][] = [];
  for (const members of groups.values()) {
    if (members.some((i) => isBurstSignal(keyOf(i))) || !isFree(members)) continue;
    let best: { member: number; signal: number; distance: number } | undefined;
    for (const i of members) {
      if (keyOf(i).near.length === 0) continue;
      const list = signals.get(sorted[i].enrichment.hostKey);
      if (list === undefined) continue;
      const t = ms(sorted[i].eventTime);
      const j = lowerBound(list.at, t);
      for (const k of [j - 1, j]) {
        if (k < 0 || k >= list.at.length) continue;
        const distance = Math.abs(list.at[k] - t);
        if (distance <= windowMs && (best === undefined || distance < best.distance)) {
          best = { member: i, signal: list.index[k], distance };
        }
      }
    }
    if (best !== undefined) out.push([best.member, best.signal]);
  }
  return out;
}

/**
 * A storm's repeats lose their burst key: the same rule firing on a host every minute all day (a noisy rule, a
 * misbehaving agent) would otherwise keep the host's burst window open for the whole day and pull every unrelated
 * attack into the storm's incident. The storm's first alert (in the batch, with no head of its storm within the storm
 * window) keeps it, so an attack minutes from a storm's start still joins it; the repeats join the storm through the
 * storm key alone. Returns the keys with the repeats' burst keys removed; the others are the same objects.
 */
export function withoutStormRepeats(
  sorted: readonly EnrichedAlert[],
  keys: ReadonlyMap<string, LinkKeys>,
  heads: ReadonlyMap<string, { lastSeen: string }>,
  stormWindowMs: number,
): Map<string, LinkKeys> {
  const out = new Map(keys);
  const lastOfStorm = new Map<string, number>();
  for (const a of sorted) {
    const k = keys.get(a.alertId)!;
    const t = ms(a.eventTime);
    const head = heads.get(k.storm);
    const prev = lastOfStorm.get(k.storm) ?? (head === undefined ? undefined : ms(head.lastSeen));
    lastOfStorm.set(k.storm, Math.max(t, prev ?? t));
    if (prev === undefined || Math.abs(t - prev) > stormWindowMs || !isBurstSignal(k)) continue;
    out.set(a.alertId, { ...k, short: k.short.filter((x) => !isBurstKey(x)) });
  }
  return out;
}
