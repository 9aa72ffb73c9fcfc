import { readWinEvent } from '../formats/sysmon/win-event';
import type { RawRecord } from '../formats/types';
import type { Alert } from '../model/alert';
import type { DetectionMatch, Detector } from './detector';
import { alertViews, windowsEventViews } from './event-view';
import type { EventView } from './event-view';

/**
 * What rules see of one record: the Windows event inside it (Sysmon, Security, PowerShell… in any shape readWinEvent
 * reads), else the EDR alert it became. Never throws; a record of neither kind gives no view.
 */
export function viewsOf(record: RawRecord | undefined, alert: Alert | undefined): EventView[] {
  try {
    const ev = record === undefined ? undefined : readWinEvent(record);
    if (ev !== undefined) return windowsEventViews(ev);
    return alert === undefined ? [] : alertViews(alert);
  } catch {
    return [];
  }
}

/** The rules a record (and the alert normalize made of it) matches, strongest first. */
export function detectRecord(
  detector: Detector,
  record: RawRecord | undefined,
  alert: Alert | undefined,
): DetectionMatch[] {
  return detector.detect(viewsOf(record, alert));
}
