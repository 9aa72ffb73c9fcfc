import type { FormatAdapter } from '../types';
import { sysmonEcs, sysmonEvtxJson, sysmonFlat, sysmonXml } from './adapters';

/** The Sysmon adapters, one per wire shape; their shapes are disjoint, so their order does not matter. */
export const sysmonAdapters: FormatAdapter[] = [sysmonXml, sysmonEvtxJson, sysmonEcs, sysmonFlat];

export { windowsEventAdapter } from './windows-event';
