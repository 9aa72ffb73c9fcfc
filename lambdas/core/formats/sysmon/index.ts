import type { FormatAdapter } from '../types';
import { sysmonEcs, sysmonEvtxJson, sysmonFlat, sysmonSentinel, sysmonXml } from './adapters';

/** The Sysmon adapters, one per wire shape; their shapes are disjoint, so their order does not matter. */
export const sysmonAdapters: FormatAdapter[] = [sysmonXml, sysmonEvtxJson, sysmonEcs, sysmonFlat, sysmonSentinel];

export { windowsEventAdapter } from './windows-event';
