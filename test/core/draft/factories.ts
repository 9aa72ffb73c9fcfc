import type { Alert } from '../../../lambdas/core/model/alert';
import type {
  AssetContext,
  EnrichedAlert,
  Enrichment,
  HeuristicHit,
  Ioc,
  TechniqueInfo,
  UserContext,
} from '../../../lambdas/core/model/enrichment';
import type { IncidentView } from '../../../lambdas/core/model/incident';

/**
 * Hand-built incidents for drafting and rendering tests: the Sysmon run-key alert of the reference SOC ticket
 * (FIN-WS-034, jwilliams) and the CISA procsrv triage, as the EnrichedAlerts the normalize and enrich stages make of
 * the events in examples/. Enrichment is written out here, not computed, so these tests do not depend on enrich.
 */

// ATT&CK v19 entries, as lookupTechnique returns them.
export const T1547_001: TechniqueInfo = {
  id: 'T1547.001',
  name: 'Registry Run Keys / Startup Folder',
  parentId: 'T1547',
  parentName: 'Boot or Logon Autostart Execution',
  tactics: ['persistence', 'privilege-escalation'],
  url: 'https://attack.mitre.org/techniques/T1547/001',
};
export const T1059_001: TechniqueInfo = {
  id: 'T1059.001',
  name: 'PowerShell',
  parentId: 'T1059',
  parentName: 'Command and Scripting Interpreter',
  tactics: ['execution'],
  url: 'https://attack.mitre.org/techniques/T1059/001',
};
export const T1218_011: TechniqueInfo = {
  id: 'T1218.011',
  name: 'Rundll32',
  parentId: 'T1218',
  parentName: 'System Binary Proxy Execution',
  tactics: ['stealth'],
  url: 'https://attack.mitre.org/techniques/T1218/011',
};
export const T1082: TechniqueInfo = {
  id: 'T1082',
  name: 'System Information Discovery',
  tactics: ['discovery'],
  url: 'https://attack.mitre.org/techniques/T1082',
};

const RECEIVED = '2024-02-15T21:30:45.000Z';

/** An enriched Sysmon alert with the defaults every one of them shares; `over` wins. */
export function sysmonAlert(
  over: Partial<Alert> & Pick<Alert, 'alertId' | 'eventTime' | 'eventType' | 'eventCode' | 'host'>,
  enrichment: Partial<Enrichment> & Pick<Enrichment, 'hostKey'>,
): EnrichedAlert {
  const base: Alert = {
    source: { product: 'sysmon', format: 'sysmon-xml' },
    receivedTime: RECEIVED,
    severity: { score: 50 },
    techniques: [],
    flags: [],
    raw: `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>${over.eventCode}</EventID></System></Event>`,
    rawTruncated: false,
    ...over,
  };
  return {
    ...base,
    enrichment: {
      techniques: [],
      iocs: [],
      heuristics: [],
      intel: [],
      severity: { score: base.severity.score, reasons: [] },
      ...enrichment,
    },
  };
}

/** The incident view around some alerts: lists derived from them the way correlation would. */
export function incidentOf(
  incidentId: string,
  alerts: EnrichedAlert[],
  over: Partial<IncidentView> = {},
): IncidentView {
  const sorted = [...alerts].sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
  const uniq = <T>(xs: T[], key: (x: T) => string = String): T[] => {
    const seen = new Set<string>();
    return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
  };
  const severity = Math.max(...alerts.map((a) => a.enrichment.severity.score));
  const worst = alerts.find((a) => a.enrichment.severity.score === severity);
  return {
    incidentId,
    groupKey: `storm:${alerts[0].enrichment.hostKey}:rule:${incidentId}`,
    status: 'open',
    hosts: uniq(alerts.map((a) => a.enrichment.hostKey)),
    users: uniq(alerts.flatMap((a) => (a.user ? [a.user.name.toLowerCase()] : []))),
    techniques: uniq(alerts.flatMap((a) => a.enrichment.techniques.map((t) => t.id))),
    sources: uniq(alerts.map((a) => a.source.product)),
    iocs: uniq(
      alerts.flatMap((a) => a.enrichment.iocs),
      (i) => `${i.type}#${i.value.toLowerCase()}`,
    ),
    firstSeen: sorted[0].eventTime,
    lastSeen: sorted[sorted.length - 1].eventTime,
    alertCount: alerts.length,
    duplicates: 0,
    severity,
    severityReasons: worst?.enrichment.severity.reasons ?? [],
    version: 1,
    alerts: sorted,
    assets: uniq(
      alerts.flatMap((a) => (a.enrichment.asset ? [a.enrichment.asset] : [])),
      (x) => x.host,
    ),
    userContexts: uniq(
      alerts.flatMap((a) => (a.enrichment.userContext ? [a.enrichment.userContext] : [])),
      (x) => x.user,
    ),
    ...over,
  };
}

// ——— The reference Sysmon run-key alert (FIN-WS-034, 2024-02-15 16:16–16:25 EST = 21:16–21:25 UTC) ———

export const FIN_ASSET: AssetContext = { host: 'fin-ws-034', department: 'Finance', criticality: 'high' };
export const JWILLIAMS: UserContext = { user: 'jwilliams', name: 'Jennifer Williams', title: 'Accountant' };

const FIN_HOST = { name: 'FIN-WS-034.corp.example.com', fqdn: 'FIN-WS-034.corp.example.com' };
const JW = { name: 'jwilliams', domain: 'CORP' };
const EXPLORER = {
  guid: '{8d3f6c21-0b53-65ce-5a00-000000002f00}',
  pid: 4312,
  image: 'C:\\Windows\\explorer.exe',
  commandLine: 'C:\\Windows\\Explorer.EXE',
  user: 'CORP\\jwilliams',
};
const SCANNER = {
  guid: '{8d3f6c21-7f15-65ce-3c02-000000004a00}',
  pid: 6120,
  image: 'C:\\Users\\jwilliams\\Downloads\\scanner.exe',
};
const POWERSHELL = {
  guid: '{8d3f6c21-8123-65ce-7b02-000000005100}',
  pid: 7842,
  image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
};
export const RUN_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run';
export const RUN_VALUE = 'WindowsSecurityUpdate';
export const RUN_DATA =
  'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow';
export const DLL = 'C:\\ProgramData\\Microsoft\\Drivers\\security.dll';
export const PS_COMMAND =
  'powershell -WindowStyle Hidden -Command "New-ItemProperty -Path HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run -Name WindowsSecurityUpdate -Value \'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow\' -PropertyType String -Force"';
const SCANNER_SHA256 = '5f2b7c9e4d1a8f03b6e2c7d9a4f1e8b3c6d0a9f2e5b8c1d4a7f0e3b6c9d2a5f8';

const finEnrichment = { hostKey: 'fin-ws-034', asset: FIN_ASSET, userContext: JWILLIAMS };

const heuristic = (id: string, title: string, explanation: string, weight: number, evidence: string): HeuristicHit => ({
  id,
  title,
  explanation,
  weight,
  evidence,
});

const ioc = (type: Ioc['type'], value: string, role: string, defanged = value): Ioc => ({
  type,
  value,
  defanged,
  role,
});

export function runKeyAlerts(): EnrichedAlert[] {
  const scannerStart = sysmonAlert(
    {
      alertId: 'fin-ws-034:Microsoft-Windows-Sysmon/Operational:482913',
      source: { product: 'sysmon', format: 'sysmon-xml', vendorId: '482913' },
      eventTime: '2024-02-15T21:16:05.412Z',
      eventType: 'process_create',
      eventCode: 1,
      eventName: 'Process Create',
      host: FIN_HOST,
      user: JW,
      severity: { score: 40 },
      process: {
        ...SCANNER,
        commandLine: '"C:\\Users\\jwilliams\\Downloads\\scanner.exe"',
        user: 'CORP\\jwilliams',
        integrityLevel: 'High',
        currentDirectory: 'C:\\Users\\jwilliams\\Downloads\\',
        hashes: { sha256: SCANNER_SHA256 },
        parent: EXPLORER,
      },
    },
    {
      ...finEnrichment,
      iocs: [ioc('file', SCANNER.image, 'process image'), ioc('sha256', SCANNER_SHA256, 'process image hash')],
      heuristics: [
        heuristic(
          'user-writable-executable',
          'Program run from a download folder',
          'Programs run from the Downloads folder were fetched by the user and carry no installer provenance.',
          10,
          SCANNER.image,
        ),
      ],
      severity: { score: 45, reasons: ['program in user-writable path (+10)'] },
    },
  );
  const dllCreate = sysmonAlert(
    {
      alertId: 'fin-ws-034:Microsoft-Windows-Sysmon/Operational:483122',
      source: { product: 'sysmon', format: 'sysmon-xml', vendorId: '483122' },
      eventTime: '2024-02-15T21:24:12.733Z',
      eventType: 'file_create',
      eventCode: 11,
      eventName: 'File created',
      host: FIN_HOST,
      user: JW,
      process: { ...SCANNER },
      file: { path: DLL, creationTime: '2024-02-15T21:24:12.733Z' },
    },
    {
      ...finEnrichment,
      iocs: [ioc('file', DLL, 'file created')],
      heuristics: [
        heuristic(
          'unusual-dll-path',
          'DLL in a non-standard folder',
          'Windows keeps no DLLs under C:\\ProgramData\\Microsoft\\Drivers; a DLL there was placed by something else.',
          15,
          DLL,
        ),
      ],
      severity: { score: 55, reasons: ['DLL written to an unusual folder (+15)'] },
    },
  );
  const psStart = sysmonAlert(
    {
      alertId: 'fin-ws-034:Microsoft-Windows-Sysmon/Operational:483190',
      source: { product: 'sysmon', format: 'sysmon-xml', vendorId: '483190' },
      eventTime: '2024-02-15T21:24:51.208Z',
      eventType: 'process_create',
      eventCode: 1,
      eventName: 'Process Create',
      host: FIN_HOST,
      user: JW,
      rule: { name: 'technique_id=T1059.001,technique_name=PowerShell' },
      techniques: ['T1059.001'],
      process: {
        ...POWERSHELL,
        commandLine: PS_COMMAND,
        user: 'CORP\\jwilliams',
        integrityLevel: 'High',
        hashes: { sha256: '9f914d42706fe215501044acd85a32d58aaef1419d404fddfa5d3b48f66ccd9f' },
        parent: EXPLORER,
      },
    },
    {
      ...finEnrichment,
      techniques: [T1059_001],
      iocs: [ioc('commandline', PS_COMMAND, 'process command line')],
      heuristics: [
        heuristic(
          'hidden-powershell',
          'Hidden PowerShell window',
          'PowerShell started with a hidden window runs without the user seeing it; administrators rarely need that.',
          15,
          '-WindowStyle Hidden',
        ),
      ],
      severity: { score: 65, reasons: ['hidden PowerShell (+15)'] },
    },
  );
  const runKeySet = sysmonAlert(
    {
      alertId: 'fin-ws-034:Microsoft-Windows-Sysmon/Operational:483204',
      source: { product: 'sysmon', format: 'sysmon-xml', vendorId: '483204' },
      eventTime: '2024-02-15T21:25:03.561Z',
      eventType: 'registry_value_set',
      eventCode: 13,
      eventName: 'Registry value set',
      host: FIN_HOST,
      user: JW,
      rule: { name: 'technique_id=T1547.001,technique_name=Registry Run Keys / Startup Folder' },
      severity: { score: 75 },
      techniques: ['T1547.001'],
      process: { ...POWERSHELL },
      registry: { operation: 'SetValue', key: RUN_KEY, valueName: RUN_VALUE, valueData: RUN_DATA },
    },
    {
      ...finEnrichment,
      techniques: [T1547_001],
      iocs: [
        ioc('registry', `${RUN_KEY}\\${RUN_VALUE}`, 'registry run value'),
        ioc('file', DLL, 'registry value data'),
      ],
      heuristics: [
        heuristic(
          'masquerading-name',
          'Name imitates a Windows component',
          'The Run value name imitates Windows Update so that it passes a casual look at the autostart list.',
          15,
          RUN_VALUE,
        ),
        heuristic(
          'lolbin-proxy-execution',
          'rundll32 loads a DLL from a user-writable folder',
          'rundll32.exe is a signed Windows binary; using it to start a DLL from ProgramData hides the payload behind a trusted name.',
          15,
          RUN_DATA,
        ),
        heuristic(
          'unusual-dll-path',
          'DLL in a non-standard folder',
          'Windows keeps no DLLs under C:\\ProgramData\\Microsoft\\Drivers; a DLL there was placed by something else.',
          15,
          DLL,
        ),
      ],
      severity: {
        score: 80,
        reasons: [
          'vendor severity high (75)',
          'Run key persistence by PowerShell (+10)',
          'asset criticality high (+5)',
        ],
      },
    },
  );
  return [scannerStart, dllCreate, psStart, runKeySet];
}

export function runKeyIncident(over: Partial<IncidentView> = {}): IncidentView {
  return incidentOf('inc-2024-02-15-fin-ws-034-7842', runKeyAlerts(), over);
}

// ——— The CISA procsrv triage (DESKTOP-PROCSRV, 10.10.3.5, 2024-01-14 ~11:00 UTC) ———

const PROCSRV_HOST = { name: 'DESKTOP-PROCSRV', ips: ['10.10.3.5'] };
const JSMITH = { name: 'jsmith', domain: 'DESKTOP-PROCSRV' };
const UNKNOWN_WRITER = { guid: '{00000000-0000-0000-0000-000000000000}', pid: 4880, image: '<unknown process>' };
const HKU_RUN = 'HKU\\S-1-5-21-3623811015-3361044348-30300820-1001\\Software\\Microsoft\\Windows\\CurrentVersion\\Run';
export const PROCSRV_RUN_DATA = 'C:\\Windows\\system32\\rundll32.exe C:\\Windows\\System32\\lanman.dll, Register';
const EXPLORER_P = { guid: '{5e1a0b3c-be3d-65a3-6e00-000000001f00}', pid: 3312, image: 'C:\\Windows\\explorer.exe' };
const RUNDLL = {
  guid: '{5e1a0b3c-be44-65a3-8c01-000000003c00}',
  pid: 6044,
  image: 'C:\\Windows\\System32\\rundll32.exe',
  commandLine: 'C:\\Windows\\system32\\rundll32.exe C:\\Windows\\System32\\lanman.dll, Register',
};
const PROCSRV = {
  guid: '{5e1a0b3c-be44-65a3-8d01-000000003d00}',
  pid: 5332,
  image: 'C:\\Windows\\System32\\procsrv.exe',
};
const PROCSRV_SHA256 = 'd4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d';

export function procsrvAlerts(): EnrichedAlert[] {
  const e = { hostKey: 'desktop-procsrv' };
  const id = (n: number): { alertId: string; source: Alert['source'] } => ({
    alertId: `desktop-procsrv:Microsoft-Windows-Sysmon/Operational:${n}`,
    source: { product: 'sysmon', format: 'sysmon-xml', vendorId: String(n) },
  });
  const fileCreate = (n: number, time: string, path: string): EnrichedAlert =>
    sysmonAlert(
      {
        ...id(n),
        eventTime: time,
        eventType: 'file_create',
        eventCode: 11,
        host: PROCSRV_HOST,
        user: JSMITH,
        process: { ...UNKNOWN_WRITER },
        file: { path },
      },
      {
        ...e,
        iocs: [ioc('file', path, 'file created')],
        severity: { score: 50, reasons: ['file written to System32 (+20)'] },
      },
    );
  return [
    fileCreate(91822, '2024-01-14T10:57:38.104Z', 'C:\\Windows\\System32\\lanman.dll'),
    fileCreate(91823, '2024-01-14T10:57:38.221Z', 'C:\\Windows\\System32\\lanman.pfx'),
    fileCreate(91824, '2024-01-14T10:57:38.347Z', 'C:\\Windows\\System32\\procsrv.exe'),
    sysmonAlert(
      {
        ...id(91826),
        eventTime: '2024-01-14T10:57:41.530Z',
        eventType: 'registry_value_set',
        eventCode: 13,
        host: PROCSRV_HOST,
        user: JSMITH,
        rule: { name: 'technique_id=T1547.001,technique_name=Registry Run Keys / Startup Folder' },
        techniques: ['T1547.001'],
        process: { ...UNKNOWN_WRITER },
        registry: {
          operation: 'SetValue',
          key: HKU_RUN,
          valueName: 'Local Network Manager',
          valueData: PROCSRV_RUN_DATA,
        },
      },
      {
        ...e,
        techniques: [T1547_001],
        iocs: [
          ioc('registry', `${HKU_RUN}\\Local Network Manager`, 'registry run value'),
          ioc('file', 'C:\\Windows\\System32\\lanman.dll', 'registry value data'),
        ],
        heuristics: [
          heuristic(
            'masquerading-name',
            'Name imitates a Windows component',
            'The Run value name imitates a Windows networking component.',
            15,
            'Local Network Manager',
          ),
        ],
        severity: { score: 80, reasons: ['Run key persistence (+20)', 'rundll32 DLL in value data (+10)'] },
      },
    ),
    sysmonAlert(
      {
        ...id(91840),
        eventTime: '2024-01-14T10:58:12.018Z',
        eventType: 'process_create',
        eventCode: 1,
        host: PROCSRV_HOST,
        user: JSMITH,
        rule: { name: 'technique_id=T1218.011,technique_name=Rundll32' },
        techniques: ['T1218.011'],
        process: { ...RUNDLL, user: 'DESKTOP-PROCSRV\\jsmith', integrityLevel: 'Medium', parent: EXPLORER_P },
      },
      { ...e, techniques: [T1218_011], severity: { score: 60, reasons: ['rundll32 loading a DLL (+10)'] } },
    ),
    sysmonAlert(
      {
        ...id(91841),
        eventTime: '2024-01-14T10:58:12.305Z',
        eventType: 'process_create',
        eventCode: 1,
        host: PROCSRV_HOST,
        user: JSMITH,
        process: {
          ...PROCSRV,
          commandLine: 'C:\\Windows\\System32\\procsrv.exe',
          user: 'DESKTOP-PROCSRV\\jsmith',
          integrityLevel: 'Medium',
          hashes: { sha256: PROCSRV_SHA256 },
          parent: { guid: RUNDLL.guid, pid: RUNDLL.pid, image: RUNDLL.image, commandLine: RUNDLL.commandLine },
        },
      },
      {
        ...e,
        iocs: [ioc('sha256', PROCSRV_SHA256, 'process image hash')],
        severity: { score: 55, reasons: ['child of rundll32 (+10)'] },
      },
    ),
    sysmonAlert(
      {
        ...id(91843),
        eventTime: '2024-01-14T10:58:13.882Z',
        eventType: 'image_load',
        eventCode: 7,
        host: PROCSRV_HOST,
        user: JSMITH,
        rule: { name: 'technique_id=T1082,technique_name=System Information Discovery' },
        techniques: ['T1082'],
        process: { ...PROCSRV },
        module: { path: 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\wminet_utils.dll', signed: true },
      },
      { ...e, techniques: [T1082], severity: { score: 40, reasons: ['WMI client library loaded (+5)'] } },
    ),
    sysmonAlert(
      {
        ...id(91851),
        eventTime: '2024-01-14T10:59:02.640Z',
        eventType: 'dns_query',
        eventCode: 22,
        host: PROCSRV_HOST,
        user: JSMITH,
        process: { ...PROCSRV },
        dns: { query: 'www.dropbox.com', results: ['www.dropbox-dns.com', '162.125.6.18'] },
      },
      {
        ...e,
        iocs: [
          ioc('domain', 'www.dropbox.com', 'dns query', 'www[.]dropbox[.]com'),
          ioc('domain', 'www.dropbox-dns.com', 'dns answer', 'www[.]dropbox-dns[.]com'),
        ],
        severity: { score: 45, reasons: ['cloud storage lookup by an unsigned program (+10)'] },
      },
    ),
    sysmonAlert(
      {
        ...id(91852),
        eventTime: '2024-01-14T10:59:03.117Z',
        eventType: 'network_connect',
        eventCode: 3,
        host: PROCSRV_HOST,
        user: JSMITH,
        process: { ...PROCSRV },
        network: {
          protocol: 'tcp',
          direction: 'outbound',
          srcIp: '10.10.3.5',
          srcPort: 49781,
          dstIp: '162.125.6.18',
          dstPort: 443,
        },
      },
      {
        ...e,
        iocs: [
          { ...ioc('ipv4', '162.125.6.18', 'network destination', '162.125.6[.]18'), port: 443 },
          { ...ioc('ipv4', '10.10.3.5', 'network source', '10.10.3[.]5'), private: true },
        ],
        severity: { score: 70, reasons: ['outbound HTTPS from System32 program not signed (+20)'] },
      },
    ),
  ];
}

export function procsrvIncident(over: Partial<IncidentView> = {}): IncidentView {
  return incidentOf('inc-2024-01-14-desktop-procsrv-5332', procsrvAlerts(), over);
}
