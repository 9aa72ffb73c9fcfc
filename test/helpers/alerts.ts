import type { Alert } from '../../lambdas/core/model/alert';
import type { EnrichedAlert } from '../../lambdas/core/model/enrichment';
import { hostKey } from '../../lambdas/core/model/host';

let seq = 0;

/** A valid Sysmon-like Alert with overridable parts (present-tense factories, as in Powertools' tests). */
export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  seq += 1;
  const base: Alert = {
    alertId: `sysmon:fin-ws-034:microsoft-windows-sysmon/operational:${1000 + seq}`,
    source: { product: 'sysmon', format: 'sysmon-xml' },
    eventTime: '2024-02-15T21:25:03.000Z',
    receivedTime: '2024-02-15T21:25:10.000Z',
    eventType: 'registry_value_set',
    eventCode: 13,
    eventName: 'Registry value set',
    host: { name: 'FIN-WS-034.corp.example.com' },
    user: { name: 'jwilliams', domain: 'CORP' },
    rule: { name: 'technique_id=T1547.001,technique_name=Registry Run Keys / Startup Folder' },
    severity: { score: 50 },
    techniques: ['T1547.001'],
    process: {
      guid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
      pid: 7842,
      image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      parent: { guid: '{5770385f-0000-0000-0000-000000000001}', pid: 4120, image: 'C:\\Windows\\explorer.exe' },
    },
    registry: {
      operation: 'SetValue',
      key: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
      valueName: 'WindowsSecurityUpdate',
      valueData: 'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow',
    },
    flags: [],
    raw: { EventID: 13 },
    rawTruncated: false,
  };
  return { ...base, ...overrides };
}

/** The Alert with a plausible enrichment, for tests of stages after enrichment. */
export function makeEnriched(overrides: Partial<Alert> = {}, score = 80): EnrichedAlert {
  const a = makeAlert(overrides);
  return {
    ...a,
    enrichment: {
      hostKey: hostKey(a.host.name),
      techniques: a.techniques.map((id) => ({
        id,
        name: id,
        tactics: ['persistence'],
        url: `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`,
      })),
      iocs: [],
      heuristics: [],
      intel: [],
      severity: { score, reasons: [`test severity ${score}`] },
    },
  };
}
