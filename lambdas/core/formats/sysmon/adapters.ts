import type { FormatAdapter, NormalizeContext, RawRecord } from '../types';
import { RecordRejected } from '../types';
import { sysmonAlert } from './to-alert';
import { isSysmon, readWinEvent, sniffWinEvent } from './win-event';
import type { WinEvent } from './win-event';

/**
 * One adapter per wire shape of Sysmon, all mapping through `sysmonAlert`. Each detects only records whose provider
 * or channel is Sysmon, so none of them can take an EDR alert or another Windows channel's event.
 */

function sysmonAdapter(id: string, shape: WinEvent['shape']): FormatAdapter {
  return {
    id,
    product: 'sysmon',
    detect: (record: RawRecord) => {
      const s = sniffWinEvent(record);
      return s !== undefined && s.shape === shape && isSysmon(s);
    },
    normalize: (record: RawRecord, ctx: NormalizeContext) => {
      const ev = readWinEvent(record);
      if (ev === undefined) throw new RecordRejected(`not a Windows event in the ${shape} shape`);
      return sysmonAlert(ev, record, ctx, id);
    },
  };
}

/** Windows Event Log XML (`wevtutil qe /f:xml`, Event Viewer export, WEF). */
export const sysmonXml = sysmonAdapter('sysmon-xml', 'xml');
/** The XML structure rendered as JSON by `evtx_dump` and similar (`{"Event":{"System":…,"EventData":…}}`). */
export const sysmonEvtxJson = sysmonAdapter('sysmon-evtx-json', 'evtx-json');
/** Winlogbeat / Elastic Agent (`winlog.event_data.*`). */
export const sysmonEcs = sysmonAdapter('sysmon-ecs', 'ecs');
/** NXLog, OTRF and other flat forms: EventData fields at the top level beside `EventID`. */
export const sysmonFlat = sysmonAdapter('sysmon-flat', 'flat');
/** Azure Monitor Agent / Microsoft Sentinel `WindowsEvent` rows (`Provider`, `Channel`, `EventData`, `TimeGenerated`). */
export const sysmonSentinel = sysmonAdapter('sysmon-sentinel', 'sentinel');
