import type { IncidentFacts } from './facts';
import { describeLine } from './describe';
import { eventRef } from './display';
import type { DraftLimits } from './limits';
import { plain, utc } from './text';
import type { TimelineEntry } from '../model/report';

/**
 * The timeline: one line per event, oldest first, UTC, with the source event id. Lines that say the same thing
 * (a storm's copies) fold into the first, which keeps their count and the last one's time.
 */
export function timeline(f: IncidentFacts, limits: DraftLimits): { entries: TimelineEntry[]; omitted: number } {
  const entries: TimelineEntry[] = [];
  const byText = new Map<string, TimelineEntry>();
  for (const a of f.alerts) {
    const text = describeLine(a);
    const key = plain(text);
    const time = utc(a.eventTime);
    const seen = byText.get(key);
    if (seen !== undefined) {
      seen.count += 1;
      if (time !== seen.time) seen.lastTime = time;
      continue;
    }
    const entry: TimelineEntry = { time, text, ref: eventRef(a), count: 1 };
    byText.set(key, entry);
    entries.push(entry);
  }
  return {
    entries: entries.slice(0, limits.timelineEntries),
    omitted: Math.max(0, entries.length - limits.timelineEntries),
  };
}
