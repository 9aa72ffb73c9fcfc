import type { SigmaLogsource } from './engine-types';

/**
 * Which Windows events a Sigma rule's `logsource` reaches, per the Sigma taxonomy appendix (v2.1.0) and the field
 * lists of SigmaHQ's `tests/logsource.json`. A rule is routed by one key: its category (`cat:process_creation`), else
 * its service (`svc:security`), else its product alone (`product`). An event gets the keys of every category and
 * service its channel and event id belong to, so routing is a set lookup, never a scan of the rule list.
 */

/** Sysmon's own channel: every Sysmon category is an event id of it. */
export const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';
export const SECURITY_CHANNEL = 'Security';
export const POWERSHELL_CHANNEL = 'Microsoft-Windows-PowerShell/Operational';
export const POWERSHELL_CORE_CHANNEL = 'PowerShellCore/Operational';
export const POWERSHELL_CLASSIC_CHANNEL = 'Windows PowerShell';

/**
 * Sysmon event id → the categories it feeds. Where the taxonomy gives one id several names (12 is registry_add,
 * registry_delete and registry_event; 26 is file_delete and file_delete_detected) the event feeds all of them and the
 * rules tell the cases apart by `EventType`, as SigmaHQ's Sysmon pipeline does. `raw_access_read` and `file_block`
 * are the names `tests/logsource.json` and Hayabusa use beside the taxonomy's.
 */
export const SYSMON_EVENT_CATEGORIES: ReadonlyMap<number, readonly string[]> = new Map<number, readonly string[]>([
  [1, ['process_creation']],
  [2, ['file_change']],
  [3, ['network_connection']],
  [4, ['sysmon_status']],
  [5, ['process_termination']],
  [6, ['driver_load']],
  [7, ['image_load']],
  [8, ['create_remote_thread']],
  [9, ['raw_access_thread', 'raw_access_read']],
  [10, ['process_access']],
  [11, ['file_event']],
  [12, ['registry_add', 'registry_delete', 'registry_event']],
  [13, ['registry_set', 'registry_event']],
  [14, ['registry_rename', 'registry_event']],
  [15, ['create_stream_hash']],
  [16, ['sysmon_status']],
  [17, ['pipe_created']],
  [18, ['pipe_created']],
  [19, ['wmi_event']],
  [20, ['wmi_event']],
  [21, ['wmi_event']],
  [22, ['dns_query']],
  [23, ['file_delete']],
  [24, ['clipboard_capture']],
  [25, ['process_tampering']],
  [26, ['file_delete', 'file_delete_detected']],
  [27, ['file_block_executable', 'file_block']],
  [28, ['file_block_shredding', 'file_block']],
  [29, ['file_executable_detected']],
  [255, ['sysmon_error']],
]);

/** Categories other channels feed: channel (lower case) → event id → categories. */
const CHANNEL_EVENT_CATEGORIES: ReadonlyMap<string, ReadonlyMap<number, readonly string[]>> = new Map([
  // Security 4688 is process_creation once its fields are renamed (event-view.ts, `securityProcessCreation`).
  [SECURITY_CHANNEL.toLowerCase(), new Map([[4688, ['process_creation']]])],
  [
    POWERSHELL_CHANNEL.toLowerCase(),
    new Map([
      [4103, ['ps_module']],
      [4104, ['ps_script']],
    ]),
  ],
  [
    POWERSHELL_CORE_CHANNEL.toLowerCase(),
    new Map([
      [4103, ['ps_module']],
      [4104, ['ps_script']],
    ]),
  ],
  [
    POWERSHELL_CLASSIC_CHANNEL.toLowerCase(),
    new Map([
      [400, ['ps_classic_start']],
      [600, ['ps_classic_provider_start']],
      [800, ['ps_classic_script']],
    ]),
  ],
]);

/**
 * Windows services → their channels, from the taxonomy's service table, plus the few services SigmaHQ rules name
 * that the table has not caught up with (`smbserver-connectivity`, `microsoft-servicebus-client`, `windefend`, `wmi`).
 */
export const SERVICE_CHANNELS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['application', ['Application']],
  [
    'application-experience',
    [
      'Microsoft-Windows-Application-Experience/Program-Telemetry',
      'Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant',
    ],
  ],
  [
    'applocker',
    [
      'Microsoft-Windows-AppLocker/MSI and Script',
      'Microsoft-Windows-AppLocker/EXE and DLL',
      'Microsoft-Windows-AppLocker/Packaged app-Deployment',
      'Microsoft-Windows-AppLocker/Packaged app-Execution',
    ],
  ],
  ['appmodel-runtime', ['Microsoft-Windows-AppModel-Runtime/Admin']],
  ['appxdeployment-server', ['Microsoft-Windows-AppXDeploymentServer/Operational']],
  ['appxpackaging-om', ['Microsoft-Windows-AppxPackaging/Operational']],
  ['bitlocker', ['Microsoft-Windows-BitLocker/BitLocker Management']],
  ['bits-client', ['Microsoft-Windows-Bits-Client/Operational']],
  ['capi2', ['Microsoft-Windows-CAPI2/Operational']],
  [
    'certificateservicesclient-lifecycle-system',
    ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
  ],
  ['codeintegrity-operational', ['Microsoft-Windows-CodeIntegrity/Operational']],
  ['dhcp', ['Microsoft-Windows-DHCP-Server/Operational']],
  ['diagnosis-scripted', ['Microsoft-Windows-Diagnosis-Scripted/Operational']],
  ['dns-client', ['Microsoft-Windows-DNS Client Events/Operational']],
  ['dns-server', ['DNS Server']],
  ['dns-server-analytic', ['Microsoft-Windows-DNS-Server/Analytical']],
  ['dns-server-audit', ['Microsoft-Windows-DNS-Server/Audit']],
  ['driver-framework', ['Microsoft-Windows-DriverFrameworks-UserMode/Operational']],
  ['firewall-as', ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall']],
  ['hyper-v-worker', ['Microsoft-Windows-Hyper-V-Worker']],
  ['iis-configuration', ['Microsoft-IIS-Configuration/Operational']],
  ['kernel-event-tracing', ['Microsoft-Windows-Kernel-EventTracing']],
  [
    'kernel-shimengine',
    ['Microsoft-Windows-Kernel-ShimEngine/Operational', 'Microsoft-Windows-Kernel-ShimEngine/Diagnostic'],
  ],
  ['ldap', ['Microsoft-Windows-LDAP-Client/Debug']],
  ['lsa-server', ['Microsoft-Windows-LSA/Operational']],
  ['msexchange-management', ['MSExchange Management']],
  ['ntfs', ['Microsoft-Windows-Ntfs/Operational']],
  ['ntlm', ['Microsoft-Windows-NTLM/Operational']],
  ['openssh', ['OpenSSH/Operational']],
  ['powershell', [POWERSHELL_CHANNEL]],
  ['powershell-classic', [POWERSHELL_CLASSIC_CHANNEL]],
  ['printservice-admin', ['Microsoft-Windows-PrintService/Admin']],
  ['printservice-operational', ['Microsoft-Windows-PrintService/Operational']],
  ['security', [SECURITY_CHANNEL]],
  [
    'security-mitigations',
    ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
  ],
  ['sense', ['Microsoft-Windows-SENSE/Operational']],
  ['servicebus-client', ['Microsoft-ServiceBus-Client/Operational', 'Microsoft-ServiceBus-Client/Admin']],
  ['microsoft-servicebus-client', ['Microsoft-ServiceBus-Client/Operational', 'Microsoft-ServiceBus-Client/Admin']],
  ['shell-core', ['Microsoft-Windows-Shell-Core/Operational']],
  ['smbclient-security', ['Microsoft-Windows-SmbClient/Security']],
  ['smbclient-connectivity', ['Microsoft-Windows-SmbClient/Connectivity']],
  ['smbserver-connectivity', ['Microsoft-Windows-SMBServer/Connectivity']],
  ['sysmon', [SYSMON_CHANNEL]],
  ['system', ['System']],
  ['taskscheduler', ['Microsoft-Windows-TaskScheduler/Operational']],
  ['terminalservices-localsessionmanager', ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational']],
  ['vhdmp', ['Microsoft-Windows-VHDMP/Operational']],
  ['windefend', ['Microsoft-Windows-Windows Defender/Operational']],
  ['wmi', ['Microsoft-Windows-WMI-Activity/Operational']],
]);

/** Channel (lower case) → the services it belongs to. */
const CHANNEL_SERVICES: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>();
  for (const [service, channels] of SERVICE_CHANNELS) {
    for (const c of channels) {
      const key = c.toLowerCase();
      const list = m.get(key) ?? [];
      list.push(service);
      m.set(key, list);
    }
  }
  return m;
})();

/**
 * Providers → the channel they log to, for records that name the provider but not the channel (some forwarders drop
 * `Channel`). Only providers with a single obvious channel are listed.
 */
const PROVIDER_CHANNELS: ReadonlyMap<string, string> = new Map([
  ['microsoft-windows-sysmon', SYSMON_CHANNEL],
  ['microsoft-windows-security-auditing', SECURITY_CHANNEL],
  ['microsoft-windows-powershell', POWERSHELL_CHANNEL],
  ['powershell', POWERSHELL_CLASSIC_CHANNEL],
  ['microsoft-windows-windows defender', 'Microsoft-Windows-Windows Defender/Operational'],
  ['microsoft-windows-taskscheduler', 'Microsoft-Windows-TaskScheduler/Operational'],
  ['microsoft-windows-wmi-activity', 'Microsoft-Windows-WMI-Activity/Operational'],
  ['microsoft-windows-bits-client', 'Microsoft-Windows-Bits-Client/Operational'],
  ['microsoft-windows-codeintegrity', 'Microsoft-Windows-CodeIntegrity/Operational'],
]);

/** Routing key of a category. */
export const categoryKey = (category: string): string => `cat:${category.trim().toLowerCase()}`;
/** Routing key of a service. */
export const serviceKey = (service: string): string => `svc:${service.trim().toLowerCase()}`;
/** Routing key of the rules that name only the product: every Windows event. */
export const PRODUCT_KEY = 'product';

/** Where a rule goes in the index, or why it can never see a Windows event. */
export type RuleRoute =
  | {
      kind: 'routed';
      key: string;
      /** A rule naming both a category and a service also needs the service (rare; SigmaHQ's pack has none). */
      service?: string;
    }
  | { kind: 'elsewhere'; reason: string };

/** Comments the YAML kept inside a scalar (`service: x # note`) are not part of the name. */
function clean(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v
    .replace(/\s#.*$/, '')
    .trim()
    .toLowerCase();
  return t === '' ? undefined : t;
}

/**
 * The routing key of a rule's logsource. `product` other than `windows` never reaches a Windows event; a missing
 * product is no restriction (the taxonomy's product only narrows a generic category).
 */
export function routeOf(ls: SigmaLogsource): RuleRoute {
  const product = clean(ls.product);
  if (product !== undefined && product !== 'windows') return { kind: 'elsewhere', reason: `product ${product}` };
  const category = clean(ls.category);
  const service = clean(ls.service);
  if (category !== undefined)
    return service === undefined
      ? { kind: 'routed', key: categoryKey(category) }
      : { kind: 'routed', key: categoryKey(category), service };
  if (service !== undefined) return { kind: 'routed', key: serviceKey(service) };
  if (product === 'windows') return { kind: 'routed', key: PRODUCT_KEY };
  return { kind: 'elsewhere', reason: 'no product, category or service' };
}

/** The taxonomy's name for a logsource: `windows/process_creation`, `windows/security`. */
export function logsourceLabel(ls: SigmaLogsource): string {
  return [clean(ls.product), clean(ls.category), clean(ls.service)].filter((x) => x !== undefined).join('/') || '-';
}

/** The logsource identity of one Windows event: what routing needs and nothing else. */
export interface WindowsLogsource {
  /** Channel as the event named it (or inferred from the provider). */
  channel?: string;
  provider?: string;
  eventId?: number;
  /** Categories the event feeds, e.g. `process_creation`. */
  categories: string[];
  /** Services of its channel, e.g. `sysmon`, `security`. */
  services: string[];
}

/** The channel of an event: its own, else the one its provider always logs to. */
export function channelOf(channel: string | undefined, provider: string | undefined): string | undefined {
  // Splunk's forwarder writes `WinEventLog:Security`; the channel is what follows.
  const own = channel?.trim().replace(/^WinEventLog:/i, '');
  if (own !== undefined && own !== '') return own;
  if (provider === undefined) return undefined;
  return PROVIDER_CHANNELS.get(provider.trim().toLowerCase());
}

/** Categories and services of a Windows event, from its channel (or provider) and event id. */
export function windowsLogsource(
  channel: string | undefined,
  provider: string | undefined,
  eventId: number | undefined,
): WindowsLogsource {
  const ch = channelOf(channel, provider);
  const key = ch?.toLowerCase();
  const services = key === undefined ? [] : [...(CHANNEL_SERVICES.get(key) ?? [])];
  let categories: string[] = [];
  if (key !== undefined && eventId !== undefined) {
    const fromSysmon = key === SYSMON_CHANNEL.toLowerCase() ? SYSMON_EVENT_CATEGORIES.get(eventId) : undefined;
    categories = [...(fromSysmon ?? CHANNEL_EVENT_CATEGORIES.get(key)?.get(eventId) ?? [])];
  }
  return { channel: ch, provider, eventId, categories, services };
}

/** The routing keys an event with this logsource reaches: its categories, its services, and the product key. */
export function routingKeys(ls: Pick<WindowsLogsource, 'categories' | 'services'>): string[] {
  return [...ls.categories.map(categoryKey), ...ls.services.map(serviceKey), PRODUCT_KEY];
}

/** Every category some Windows event feeds: a rule of another category loads but never sees an event. */
export const KNOWN_CATEGORIES: ReadonlySet<string> = new Set([
  ...[...SYSMON_EVENT_CATEGORIES.values()].flat(),
  ...[...CHANNEL_EVENT_CATEGORIES.values()].flatMap((m) => [...m.values()].flat()),
]);

/** True when some Windows event (Sysmon, a channel, or an EDR alert view) can reach this routing key. */
export function isReachable(key: string): boolean {
  if (key === PRODUCT_KEY) return true;
  if (key.startsWith('cat:')) return KNOWN_CATEGORIES.has(key.slice(4));
  if (key.startsWith('svc:')) return SERVICE_CHANNELS.has(key.slice(4));
  return false;
}
