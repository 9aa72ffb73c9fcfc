import { get, isObject } from '../common';
import type { Json } from '../common';
import type { RawRecord } from '../types';
import { parseJsonSafely } from '../safe-json';
import { ATTR, TEXT, parseXmlFragment } from '../xml';

/**
 * One view of a Windows event, whatever shape carried it: Event Log XML, its JSON rendering (`evtx_dump`), a
 * Winlogbeat / Elastic Agent `winlog` document, or a flat forwarder record (NXLog, OTRF, Sigma regression data).
 * Values are raw: the mappers validate them, so a wrong type gives a rejection that names the field.
 */
export interface WinEvent {
  /** Which wire shape it came from; the adapters' ids build on it. */
  shape: 'xml' | 'evtx-json' | 'ecs' | 'flat' | 'sentinel';
  provider?: string;
  channel?: string;
  eventId: unknown;
  computer: unknown;
  /** Field name the host came from, for rejection reasons. */
  computerField: string;
  recordId: unknown;
  /** System time (TimeCreated / @timestamp…), and the field it came from. */
  timeCreated: unknown;
  timeField: string;
  /** True when the shape's system time carries no trustworthy zone (flat forwarder forms). */
  timeZoneUnknown: boolean;
  /** Security@UserID: the account the event was logged under. */
  securityUserId?: string;
  level?: string;
  /** The rendered message, when the forwarder kept one. */
  message?: string;
  /** EventData (or UserData) fields by name. A Map, so no field name can reach a prototype. */
  data: Map<string, string>;
}

/** Event data values as text: numbers and booleans become text, null/objects are absent. */
function dataText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** Text of an XML-derived node: a string, or `#text` beside attributes. */
function nodeText(v: unknown): unknown {
  if (isObject(v))
    return Object.prototype.hasOwnProperty.call(v, TEXT) ? v[TEXT] : Object.keys(v).length === 0 ? '' : v;
  return v;
}

/** An attribute, in fast-xml-parser's (`@_Name`) or evtx_dump's (`#attributes.Name`) rendering. */
function attr(node: unknown, name: string): unknown {
  if (!isObject(node)) return undefined;
  const direct = get(node, `${ATTR}${name}`);
  return direct !== undefined ? direct : get(node, `#attributes.${name}`);
}

function optText(v: unknown): string | undefined {
  const t = dataText(nodeText(v));
  return t === undefined || t.trim() === '' ? undefined : t;
}

/** `<EventData><Data Name='x'>v</Data>…` (XML) or `EventData: { x: v }` (evtx_dump); unnamed Data become `param1…`. */
function eventDataOf(node: unknown, data: Map<string, string>): void {
  if (!isObject(node)) return;
  const list = node.Data;
  if (list !== undefined) {
    const items = Array.isArray(list) ? list : [list];
    items.forEach((item, i) => {
      const name = dataText(attr(item, 'Name')) ?? `param${i + 1}`;
      const value = dataText(nodeText(item));
      data.set(name, value ?? '');
    });
    return;
  }
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith(ATTR) || k === '#attributes') continue;
    const value = dataText(nodeText(v));
    if (value !== undefined) data.set(k, value);
  }
}

/** `<UserData><SomeEvent xmlns=…><Field>v</Field>…` carries the fields one level down. */
function userDataOf(node: unknown, data: Map<string, string>): void {
  if (!isObject(node)) return;
  for (const [k, child] of Object.entries(node)) {
    if (k.startsWith(ATTR) || k === TEXT || k === '#attributes' || !isObject(child)) continue;
    eventDataOf(child, data);
  }
}

/** `Event.System` + `Event.EventData`: the XML element, or its evtx_dump JSON rendering. */
function fromEventElement(event: Json, shape: 'xml' | 'evtx-json'): WinEvent | undefined {
  const sys = event.System;
  if (!isObject(sys)) return undefined;
  const data = new Map<string, string>();
  eventDataOf(event.EventData, data);
  if (data.size === 0) userDataOf(event.UserData, data);
  return {
    shape,
    provider: optText(attr(sys.Provider, 'Name')),
    channel: optText(sys.Channel),
    eventId: nodeText(sys.EventID),
    computer: nodeText(sys.Computer),
    computerField: 'Computer',
    recordId: nodeText(sys.EventRecordID),
    timeCreated: attr(sys.TimeCreated, 'SystemTime'),
    timeField: 'TimeCreated',
    timeZoneUnknown: false,
    securityUserId: optText(attr(sys.Security, 'UserID')),
    level: optText(sys.Level),
    data,
  };
}

function fromEcs(v: Json): WinEvent | undefined {
  const winlog = v.winlog;
  if (!isObject(winlog)) return undefined;
  const data = new Map<string, string>();
  eventDataOf(winlog.event_data, data);
  if (data.size === 0) eventDataOf(winlog.user_data, data);
  const wlComputer = get(winlog, 'computer_name');
  const hostName = get(v, 'host.name');
  const hostHostname = get(v, 'host.hostname');
  const [computer, computerField] =
    wlComputer !== undefined
      ? [wlComputer, 'winlog.computer_name']
      : hostName !== undefined
        ? [hostName, 'host.name']
        : [hostHostname, 'host.hostname'];
  const created = get(winlog, 'time_created');
  return {
    shape: 'ecs',
    provider: optText(winlog.provider_name) ?? optText(get(v, 'event.provider')),
    channel: optText(winlog.channel),
    eventId: winlog.event_id !== undefined ? winlog.event_id : get(v, 'event.code'),
    computer,
    computerField,
    recordId: winlog.record_id,
    timeCreated: created !== undefined ? created : v['@timestamp'],
    timeField: created !== undefined ? 'winlog.time_created' : '@timestamp',
    timeZoneUnknown: false,
    securityUserId: optText(get(winlog, 'user.identifier')),
    level: optText(get(v, 'log.level')),
    message: optText(v.message),
    data,
  };
}

/** Keys of flat forwarder records that describe the event rather than carry its EventData. */
const FLAT_SYSTEM_KEYS = new Set([
  'EventID',
  'EventId',
  'Channel',
  'Computer',
  'Hostname',
  'SourceName',
  'ProviderName',
  'Provider',
  'RecordNumber',
  'EventRecordID',
  'RecordId',
  'TimeCreated',
  'EventTime',
  'EventReceivedTime',
  '@timestamp',
  'Message',
  'Keywords',
  'Level',
  'Task',
  'Opcode',
  'OpcodeValue',
  'Version',
  'ProviderGuid',
  'ThreadID',
  'Severity',
  'SeverityValue',
  'Category',
  'SourceModuleName',
  'SourceModuleType',
  'AccountName',
  'AccountType',
  'Domain',
  'UserID',
  'DeviceVendor',
  'DeviceProduct',
]);

function firstOwn(v: Json, keys: string[]): [unknown, string] {
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(v, k) && v[k] !== undefined) return [v[k], k];
  return [undefined, keys[0]!];
}

function fromFlat(v: Json): WinEvent {
  // Case matters: NXLog's `ProcessID` is the logging service's pid, Sysmon's own field is `ProcessId`.
  const data = new Map<string, string>();
  for (const [k, x] of Object.entries(v)) {
    if (FLAT_SYSTEM_KEYS.has(k)) continue;
    const t = dataText(x);
    if (t !== undefined) data.set(k, t);
  }
  const [computer, computerField] = firstOwn(v, ['Computer', 'Hostname', 'MachineName', 'host']);
  const [timeCreated, timeField] = firstOwn(v, ['TimeCreated', 'EventTime', '@timestamp', 'timestamp']);
  const [recordId] = firstOwn(v, ['EventRecordID', 'RecordNumber', 'RecordId']);
  const [eventId] = firstOwn(v, ['EventID', 'EventId']);
  return {
    shape: 'flat',
    provider: optText(v.SourceName) ?? optText(v.ProviderName) ?? optText(v.Provider),
    channel: optText(v.Channel),
    eventId,
    computer,
    computerField,
    recordId,
    timeCreated,
    timeField,
    // NXLog's EventTime and OTRF's TimeCreated are the collector's local time, whatever zone they claim.
    timeZoneUnknown: true,
    securityUserId: optText(v.UserID),
    level: optText(v.Level),
    message: optText(v.Message),
    data,
  };
}

/** Columns of Sentinel rows that describe the row, not the event's data (SecurityEvent flattens EventData beside them). */
const SENTINEL_SYSTEM_KEYS = new Set([
  ...FLAT_SYSTEM_KEYS,
  'TimeGenerated',
  'EventSourceName',
  'EventData',
  'EventLevel',
  'EventLevelName',
  'EventOriginId',
  'Activity',
  'Type',
  'TenantId',
  'SourceSystem',
  'MG',
  'ManagementGroupName',
  '_ResourceId',
  '_ItemId',
  '_Internal_WorkspaceResourceId',
  'SystemUserId',
  'SystemProcessId',
  'SystemThreadId',
  'Data',
  'RawEventData',
  'Correlation',
  'Account',
  'Computer',
  'PartitionKey',
  'RowKey',
  'StorageAccount',
  'AzureDeploymentID',
  'AzureTableName',
]);

/** Deepest JSON accepted inside an EventData string (the outer record was already depth-checked). */
const EVENT_DATA_MAX_DEPTH = 8;

/**
 * Sentinel's EventData: a JSON object (WindowsEvent, as exported or as a string), or the `<EventData>` XML the
 * SecurityEvent table keeps. Unreadable EventData adds nothing: the flattened columns may still carry the fields.
 */
function sentinelEventData(v: unknown, data: Map<string, string>): void {
  let node: unknown = v;
  if (typeof v === 'string') {
    const t = v.trim();
    try {
      if (t.startsWith('{')) node = parseJsonSafely(t, EVENT_DATA_MAX_DEPTH);
      else if (t.startsWith('<')) node = parseXmlFragment(t);
      else return;
    } catch {
      return;
    }
  }
  if (!isObject(node)) return;
  // XML: `{ EventData: { Data: [...] } }` or `{ UserData: { X: {...} } }`.
  if (isObject(node.EventData)) return eventDataOf(node.EventData, data);
  if (isObject(node.UserData)) return userDataOf(node.UserData, data);
  eventDataOf(node, data);
}

/**
 * Azure Monitor Agent / Microsoft Sentinel rows: the `WindowsEvent` table (`Provider`, `Channel`, `EventData` as an
 * object) and the `SecurityEvent` table (`EventSourceName`, EventData as XML, and its fields flattened into columns).
 * `TimeGenerated` is UTC by the workspace's definition; `TimeCreated`, when present, is the event's own UTC time.
 */
function fromSentinel(v: Json): WinEvent {
  const data = new Map<string, string>();
  sentinelEventData(v.EventData, data);
  for (const [k, x] of Object.entries(v)) {
    if (SENTINEL_SYSTEM_KEYS.has(k) || data.has(k)) continue;
    const t = dataText(x);
    if (t !== undefined && t !== '') data.set(k, t);
  }
  const [timeCreated, timeField] = firstOwn(v, ['TimeCreated', 'TimeGenerated']);
  const [recordId] = firstOwn(v, ['EventRecordId', 'EventRecordID', 'EventOriginId']);
  return {
    shape: 'sentinel',
    provider: optText(v.Provider) ?? optText(v.EventSourceName),
    channel: optText(v.Channel),
    eventId: v.EventID,
    computer: v.Computer,
    computerField: 'Computer',
    recordId,
    timeCreated,
    timeField,
    timeZoneUnknown: false,
    securityUserId: optText(v.SystemUserId),
    level: optText(v.EventLevelName) ?? optText(v.Level),
    message: optText(v.Activity),
    data,
  };
}

/** Sentinel rows carry `TimeGenerated` beside the event id and who wrote it. */
function isSentinel(v: Json): boolean {
  const own = (k: string): boolean => Object.prototype.hasOwnProperty.call(v, k);
  return own('EventID') && own('TimeGenerated') && (own('Channel') || own('Provider') || own('EventSourceName'));
}

/** Flat records name their event id at the top level beside a channel or provider. */
function isFlat(v: Json): boolean {
  const own = (k: string): boolean => Object.prototype.hasOwnProperty.call(v, k);
  return (own('EventID') || own('EventId')) && (own('Channel') || own('SourceName') || own('ProviderName'));
}

/**
 * The Windows event inside a record, or undefined when the record is no Windows event. Cheap enough for `detect`.
 */
export function readWinEvent(record: RawRecord): WinEvent | undefined {
  const held = readOnce.get(record);
  if (held !== undefined && held.value === record.value && held.kind === record.kind) return held.event;
  const event = readUncached(record);
  readOnce.set(record, { value: record.value, kind: record.kind, event });
  return event;
}

/**
 * Events already read, by record: the adapter, the local-time alignment and detection each read the same record's
 * event (three maps of every EventData field); a record is read once. Weak, so nothing outlives its record; the
 * value and kind are checked, so a record given new ones is read again. Callers only read the event.
 */
const readOnce = new WeakMap<RawRecord, { value: unknown; kind: RawRecord['kind']; event: WinEvent | undefined }>();

function readUncached(record: RawRecord): WinEvent | undefined {
  const v = record.value;
  if (!isObject(v)) return undefined;
  if (record.kind === 'xml') return fromEventElement(v, 'xml');
  if (isObject(v.Event) && isObject(v.Event.System)) return fromEventElement(v.Event, 'evtx-json');
  if (isObject(v.winlog)) return fromEcs(v);
  if (isSentinel(v)) return fromSentinel(v);
  if (isFlat(v)) return fromFlat(v);
  return undefined;
}

const SYSMON_PROVIDERS = new Set(['microsoft-windows-sysmon', 'linux-sysmon']);
const SYSMON_CHANNELS = new Set(['microsoft-windows-sysmon/operational', 'linux-sysmon/operational']);

/** Sysmon for Windows or Linux, by provider or channel. */
export function isSysmon(ev: { provider?: string; channel?: string }): boolean {
  return (
    (ev.provider !== undefined && SYSMON_PROVIDERS.has(ev.provider.trim().toLowerCase())) ||
    (ev.channel !== undefined && SYSMON_CHANNELS.has(ev.channel.trim().toLowerCase()))
  );
}

/** What `detect` needs: the shape and who wrote the event, without reading its fields. */
export interface WinEventSniff {
  shape: WinEvent['shape'];
  provider?: string;
  channel?: string;
}

/** Cheap shape test for `detect`: never throws, reads only the provider and channel. */
export function sniffWinEvent(record: RawRecord): WinEventSniff | undefined {
  const v = record.value;
  if (!isObject(v)) return undefined;
  if (record.kind === 'xml' || (isObject(v.Event) && isObject(v.Event.System))) {
    const sys = record.kind === 'xml' ? v.System : get(v, 'Event.System');
    if (!isObject(sys)) return undefined;
    return {
      shape: record.kind === 'xml' ? 'xml' : 'evtx-json',
      provider: optText(attr(sys.Provider, 'Name')),
      channel: optText(sys.Channel),
    };
  }
  if (isObject(v.winlog)) {
    return {
      shape: 'ecs',
      provider: optText(v.winlog.provider_name) ?? optText(get(v, 'event.provider')),
      channel: optText(v.winlog.channel),
    };
  }
  if (isSentinel(v)) {
    return {
      shape: 'sentinel',
      provider: optText(v.Provider) ?? optText(v.EventSourceName),
      channel: optText(v.Channel),
    };
  }
  if (isFlat(v)) {
    return {
      shape: 'flat',
      provider: optText(v.SourceName) ?? optText(v.ProviderName) ?? optText(v.Provider),
      channel: optText(v.Channel),
    };
  }
  return undefined;
}
