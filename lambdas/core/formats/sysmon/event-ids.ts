/**
 * Sysmon event ids with their names (as Sysmon's own manifest titles them) and the default severity each starts
 * with. Sysmon rates nothing itself; these defaults only order raw telemetry by how often an event of that kind
 * matters on its own, and enrichment raises the score with technique, context and heuristics.
 *
 * Score bands: 5–15 routine telemetry (process exit, image and DNS), 20–30 activity worth a look in context
 * (process, registry, file, driver, Sysmon's own state), 40–50 events that are rarely benign (process access,
 * remote threads, raw disk reads, WMI subscriptions, image tampering, Sysmon blocking a file).
 */
export interface SysmonEventType {
  /** Canonical eventType slug on the Alert. */
  type: string;
  name: string;
  score: number;
}

export const SYSMON_EVENTS: ReadonlyMap<number, SysmonEventType> = new Map([
  [1, { type: 'process_create', name: 'Process Create', score: 20 }],
  [2, { type: 'file_create_time', name: 'File creation time changed', score: 20 }],
  [3, { type: 'network_connect', name: 'Network connection detected', score: 15 }],
  [4, { type: 'sysmon_state_change', name: 'Sysmon service state changed', score: 30 }],
  [5, { type: 'process_terminate', name: 'Process terminated', score: 5 }],
  [6, { type: 'driver_load', name: 'Driver loaded', score: 30 }],
  [7, { type: 'image_load', name: 'Image loaded', score: 10 }],
  [8, { type: 'create_remote_thread', name: 'CreateRemoteThread detected', score: 50 }],
  [9, { type: 'raw_access_read', name: 'RawAccessRead detected', score: 30 }],
  [10, { type: 'process_access', name: 'Process accessed', score: 20 }],
  [11, { type: 'file_create', name: 'File created', score: 15 }],
  [12, { type: 'registry_create_delete', name: 'Registry object added or deleted', score: 20 }],
  [13, { type: 'registry_value_set', name: 'Registry value set', score: 20 }],
  [14, { type: 'registry_rename', name: 'Registry object renamed', score: 20 }],
  [15, { type: 'file_stream_create', name: 'File stream created', score: 25 }],
  [16, { type: 'sysmon_config_change', name: 'Sysmon config state changed', score: 30 }],
  [17, { type: 'pipe_create', name: 'Pipe Created', score: 10 }],
  [18, { type: 'pipe_connect', name: 'Pipe Connected', score: 10 }],
  [19, { type: 'wmi_filter', name: 'WmiEventFilter activity detected', score: 40 }],
  [20, { type: 'wmi_consumer', name: 'WmiEventConsumer activity detected', score: 40 }],
  [21, { type: 'wmi_binding', name: 'WmiEventConsumerToFilter activity detected', score: 40 }],
  [22, { type: 'dns_query', name: 'Dns query', score: 10 }],
  [23, { type: 'file_delete', name: 'File Delete archived', score: 15 }],
  [24, { type: 'clipboard_change', name: 'Clipboard changed', score: 20 }],
  [25, { type: 'process_tampering', name: 'Process Tampering', score: 50 }],
  [26, { type: 'file_delete_detected', name: 'File Delete logged', score: 15 }],
  [27, { type: 'file_block_executable', name: 'File Block Executable', score: 50 }],
  [28, { type: 'file_block_shredding', name: 'File Block Shredding', score: 50 }],
  [29, { type: 'file_executable_detected', name: 'File Executable Detected', score: 25 }],
  [255, { type: 'sysmon_error', name: 'Sysmon error', score: 20 }],
]);

/** Score for a Sysmon event id this table does not know (a newer Sysmon). */
export const UNKNOWN_EVENT_SCORE = 20;

/** The table entry, or a generic one for an id newer than this table (flagged `unknown-event-id` by the caller). */
export function sysmonEventType(id: number): SysmonEventType & { known: boolean } {
  const t = SYSMON_EVENTS.get(id);
  if (t !== undefined) return { ...t, known: true };
  return { type: `sysmon_event_${id}`, name: `Sysmon event ${id}`, score: UNKNOWN_EVENT_SCORE, known: false };
}
