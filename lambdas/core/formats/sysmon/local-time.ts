import { toIsoTime } from '../common';
import { hostKey } from '../../model/host';
import type { Alert } from '../../model/alert';
import type { RawRecord } from '../types';
import { readWinEvent } from './win-event';

/**
 * Flat forwarder records (OTRF, NXLog) stamp `TimeCreated` with the collector's local clock, sometimes with a `Z` it
 * does not mean, sometimes on a 12-hour clock without AM/PM. Mixed with Sysmon's UTC times that makes a seconds-long
 * attack span 4 or 16 hours. The Sysmon events of the same host in the same batch carry both clocks (`UtcTime` and
 * the system time), so the collector's offset is measured, not guessed, and applied to that host's events that only
 * have the local clock. Where no measurement is close enough, the alert stays flagged `time-zone-unverified`.
 */

/** Flag on an alert whose local time was converted to UTC with a measured offset. */
export const TIME_ZONE_CORRECTED = 'time-zone-corrected';
/**
 * Flag on an alert whose only time is a local clock reading with an offset nothing measured: its `eventTime` is that
 * reading written as if it were UTC, and may be hours off. Such an alert is kept out of UTC timelines (incident
 * first/last seen, time-window correlation, the ticket's ordered timeline) and shown apart, in its source's clock.
 */
export const TIME_ZONE_UNVERIFIED = 'time-zone-unverified';

/** Whether an alert's `eventTime` is a UTC instant (its source said so, or its local offset was measured). */
export function hasMeasuredTime(alert: { flags: readonly string[] }): boolean {
  return !alert.flags.includes(TIME_ZONE_UNVERIFIED);
}

/** A measurement is used only for events this close (by local clock) to it: a 12-hour clock changes at noon. */
const MAX_SAMPLE_DISTANCE_MS = 2 * 3600 * 1000;
/** Offsets are whole quarter hours; anything beyond a day is no clock offset but a broken record. */
const QUARTER_HOUR_MS = 15 * 60 * 1000;
const MAX_OFFSET_MS = 26 * 3600 * 1000;

interface Sample {
  localMs: number;
  offsetMs: number;
}

/** The system time read as if it were UTC (whatever zone it claims): the local clock's reading. */
function localMs(v: unknown, field: string): number | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    return Date.parse(toIsoTime(v.trim().replace(/(?:Z|z|UTC)$/, ''), field));
  } catch {
    return undefined;
  }
}

function nearest(samples: Sample[] | undefined, at: number): Sample | undefined {
  let best: Sample | undefined;
  for (const s of samples ?? []) {
    const d = Math.abs(s.localMs - at);
    if (d <= MAX_SAMPLE_DISTANCE_MS && (best === undefined || d < Math.abs(best.localMs - at))) best = s;
  }
  return best;
}

/**
 * Convert the local system times of one batch's alerts to UTC where the same host's Sysmon events measure the
 * offset. Pure: returns new alerts, in the same order; alerts that need nothing are returned as they are.
 */
export function alignLocalTimes(items: readonly { alert: Alert; record: RawRecord }[]): Alert[] {
  const samples = new Map<string, Sample[]>();
  const locals: (number | undefined)[] = items.map(({ alert, record }) => {
    const ev = readWinEvent(record);
    if (ev === undefined || !ev.timeZoneUnknown) return undefined;
    const local = localMs(ev.timeCreated, ev.timeField);
    if (local === undefined) return undefined;
    const utcText = ev.data.get('UtcTime');
    if (utcText !== undefined && !alert.flags.includes(TIME_ZONE_UNVERIFIED)) {
      const utc = Date.parse(alert.eventTime);
      const offsetMs = Math.round((local - utc) / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
      if (Number.isFinite(offsetMs) && Math.abs(offsetMs) <= MAX_OFFSET_MS) {
        const key = hostKey(alert.host.name);
        samples.set(key, [...(samples.get(key) ?? []), { localMs: local, offsetMs }]);
      }
    }
    return local;
  });
  return items.map(({ alert }, i) => {
    const local = locals[i];
    if (local === undefined || !alert.flags.includes(TIME_ZONE_UNVERIFIED)) return alert;
    const sample = nearest(samples.get(hostKey(alert.host.name)), local);
    if (sample === undefined) return alert;
    const flags = alert.flags.filter((f) => f !== TIME_ZONE_UNVERIFIED);
    if (sample.offsetMs === 0) return { ...alert, flags };
    return {
      ...alert,
      eventTime: new Date(local - sample.offsetMs).toISOString(),
      flags: [...flags, TIME_ZONE_CORRECTED],
    };
  });
}
