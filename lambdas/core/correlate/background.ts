import type { EnrichedAlert } from '../model/enrichment';
import { DEFAULT_CORRELATION, correlate } from './correlate';
import { isSignal } from './keys';

/**
 * The alerts of an incident that only followed its attack: background telemetry of the host (image loads, system
 * processes' registry writes, the cloud agent's connections) that joined by time, with no key to a signal. They are
 * counted and kept as evidence, but they are not the attack's story: a draft that analysed them would name the cloud
 * agent as the earliest process of the chain. Empty when the incident has no signal at all (then everything is the
 * story there is). Pure; ids of the given alerts.
 */
export function followerIds(alerts: readonly EnrichedAlert[]): Set<string> {
  if (alerts.length === 0) return new Set();
  // Correlated alone, without following, each group of the incident is either part of a signal's story or not.
  const settings = { ...DEFAULT_CORRELATION, followSignals: false, fanOutHosts: Number.MAX_SAFE_INTEGER };
  const { assignment } = correlate([...alerts], new Map(), settings, alerts[0].eventTime);
  const storyGroups = new Set<string>();
  for (const a of alerts) if (isSignal(a)) storyGroups.add(assignment.get(a.alertId)!);
  if (storyGroups.size === 0) return new Set();
  return new Set(alerts.filter((a) => !storyGroups.has(assignment.get(a.alertId)!)).map((a) => a.alertId));
}
