import type { FormatAdapter } from '../types';
import { sysmonEcs, sysmonEvtxJson, sysmonFlat, sysmonXml } from './adapters';

/** The Sysmon adapters, one per wire shape; their shapes are disjoint, so their order does not matter. */
export const sysmonAdapters: FormatAdapter[] = [sysmonXml, sysmonEvtxJson, sysmonEcs, sysmonFlat];

export { sysmonEcs, sysmonEvtxJson, sysmonFlat, sysmonXml };
export { windowsEventAdapter } from './windows-event';
export { SYSMON_EVENTS, sysmonEventType } from './event-ids';
export type { SysmonEventType } from './event-ids';
export { parseRuleName } from './rule-name';
export type { ParsedRuleName } from './rule-name';
export { splitQueryResults } from './to-alert';
