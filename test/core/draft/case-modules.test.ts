import { draftReport } from '../../../lambdas/core/draft';
import { accountKindOf, assetRole, caseProfile } from '../../../lambdas/core/draft/case-profile';
import { alternateStream, autostartValues } from '../../../lambdas/core/draft/autostart-values';
import { switchValue } from '../../../lambdas/core/draft/commands';
import { contributingFactors } from '../../../lambdas/core/draft/contributing-factors';
import { credentialFiles } from '../../../lambdas/core/draft/credential-material';
import { detectionFollowUps } from '../../../lambdas/core/draft/detection-follow-ups';
import { gatherFacts } from '../../../lambdas/core/draft/facts';
import type { IncidentFacts } from '../../../lambdas/core/draft/facts';
import { findPersistence } from '../../../lambdas/core/draft/persistence';
import { plain } from '../../../lambdas/core/draft/text';
import type { Alert } from '../../../lambdas/core/model/alert';
import type { AssetContext, EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import { incidentOf, runKeyIncident, sysmonAlert } from './factories';

/** The case modules behind remediation: account and host kinds, credential material, autostart values, factors. */

let n = 0;
function alert(over: Partial<Alert>, asset?: AssetContext): EnrichedAlert {
  n += 1;
  return sysmonAlert(
    {
      alertId: `case:${n}`,
      eventTime: `2024-06-01T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
      eventType: 'process_create',
      eventCode: 1,
      host: { name: 'HOST-1' },
      ...over,
    },
    {
      hostKey: (over.host?.name ?? 'HOST-1').toLowerCase(),
      severity: { score: 60, reasons: [] },
      ...(asset ? { asset } : {}),
    },
  );
}
const facts = (alerts: EnrichedAlert[]): IncidentFacts => gatherFacts(incidentOf('inc-case', alerts));
const userFact = (f: IncidentFacts, key: string) => f.users.find((u) => u.key === key)!;

describe('account kinds', () => {
  it.each([
    ['svc_sql', 'CORP', 'service'],
    ['backup-svc', 'CORP', 'service'],
    ['MSSQLSERVER', 'NT SERVICE', 'service'],
    ['adm-jdoe', 'CORP', 'admin'],
    ['Administrator', 'HOST-1', 'admin'],
    ['jdoe', 'CORP', 'interactive'],
  ])('reads %s\\%s as %s', (name, domain, kind) => {
    const f = facts([alert({ user: { name, domain }, process: { pid: 1, image: 'C:\\Windows\\System32\\cmd.exe' } })]);
    expect(accountKindOf(f, f.users[0])).toBe(kind);
  });

  it('reads the built-in Administrator by its SID, whatever it was renamed to', () => {
    const f = facts([alert({ user: { name: 'wardog', domain: 'W5', sid: 'S-1-5-21-1-2-3-500' } })]);
    expect(accountKindOf(f, userFact(f, 'wardog'))).toBe('admin');
  });

  it('reads an account whose programs only services.exe started as a service account', () => {
    const f = facts([
      alert({
        user: { name: 'appuser', domain: 'CORP' },
        process: {
          pid: 7,
          image: 'C:\\App\\app.exe',
          user: 'CORP\\appuser',
          parent: { pid: 600, image: 'C:\\Windows\\System32\\services.exe' },
        },
      }),
    ]);
    expect(accountKindOf(f, userFact(f, 'appuser'))).toBe('service');
  });

  it('keeps SYSTEM a system account and an incident without users unknown', () => {
    const f = facts([alert({ user: { name: 'SYSTEM', domain: 'NT AUTHORITY' } })]);
    expect(caseProfile(f).account).toBe('system');
    expect(caseProfile(facts([alert({})])).account).toBe('unknown');
  });
});

describe('asset roles', () => {
  it.each([
    [{ name: 'DB-7' }, { host: 'db-7', os: 'Windows Server 2022' }, 'server'],
    [{ name: 'X1', os: 'Windows Server 2016' }, undefined, 'server'],
    [{ name: 'CORP-DC01' }, undefined, 'domain-controller'],
    [{ name: 'FIN-WS-034' }, undefined, 'workstation'],
    [{ name: 'DESKTOP-O153T4R' }, undefined, 'workstation'],
    [{ name: 'SQL-01' }, { host: 'sql-01', os: 'Windows 11' }, 'workstation'],
    [{ name: 'ZEBRA' }, undefined, 'unknown'],
  ])('reads %o (%o) as %s', (host, asset, role) => {
    expect(assetRole(facts([alert({ host }, asset as AssetContext | undefined)])).role).toBe(role);
  });

  it('reads a host running SQL Server as a server whatever its name', () => {
    const f = facts([
      alert({
        host: { name: 'ZEBRA' },
        process: {
          pid: 2,
          image: 'C:\\Windows\\System32\\cmd.exe',
          parent: { pid: 1, image: 'C:\\Program Files\\SQL\\sqlservr.exe' },
        },
      }),
    ]);
    expect(assetRole(f)).toEqual({ role: 'server', basis: 'its processes' });
  });
});

describe('credential material', () => {
  it('names dumps, hive copies and NTDS.dit copies from files and command lines', () => {
    const f = facts([
      alert({
        process: {
          pid: 5,
          image: 'C:\\Windows\\System32\\reg.exe',
          commandLine: 'reg save HKLM\\SAM C:\\Temp\\s.save /y',
        },
      }),
      alert({
        process: {
          pid: 6,
          image: 'C:\\Windows\\System32\\cmd.exe',
          commandLine:
            'cmd /c copy \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\Windows\\NTDS\\ntds.dit C:\\Temp\\n\\ntds.dit',
        },
      }),
      alert({
        eventType: 'file_create',
        eventCode: 11,
        process: { pid: 9, image: 'C:\\Tools\\pd.exe' },
        file: { path: 'C:\\Temp\\lsass_1.dmp' },
      }),
    ]);
    expect(credentialFiles(f)).toEqual([
      { path: 'C:\\Temp\\lsass_1.dmp', kind: 'lsass-dump' },
      { path: 'C:\\Temp\\s.save', kind: 'registry-hive' },
      { path: 'C:\\Temp\\n\\ntds.dit', kind: 'ntds' },
    ]);
  });

  it('leaves an unrelated crash dump, and the live database and hives, alone', () => {
    const f = facts([
      alert({ eventType: 'file_create', eventCode: 11, file: { path: 'C:\\Windows\\Minidump\\010124-01.dmp' } }),
      alert({ eventType: 'file_create', eventCode: 11, file: { path: 'C:\\Windows\\NTDS\\ntds.dit' } }),
      alert({ eventType: 'file_create', eventCode: 11, file: { path: 'C:\\Windows\\System32\\config\\SAM' } }),
    ]);
    expect(credentialFiles(f)).toEqual([]);
  });
});

describe('autostart values beyond Run keys', () => {
  it('finds a logon script set by reg.exe, once, with the hive the registry event names', () => {
    const alerts = [
      alert({
        process: {
          pid: 8684,
          image: 'C:\\Windows\\System32\\reg.exe',
          commandLine: 'REG.exe  ADD HKCU\\Environment /v UserInitMprLogonScript /t REG_SZ /d C:\\Users\\w\\art.bat /f',
        },
      }),
      alert({
        eventType: 'registry_value_set',
        eventCode: 13,
        registry: {
          operation: 'SetValue',
          key: 'HKU\\S-1-5-21-9-500\\Environment',
          valueName: 'UserInitMprLogonScript',
          valueData: 'C:\\Users\\w\\art.bat',
        },
      }),
    ];
    const values = autostartValues(alerts, findPersistence(alerts));
    expect(values).toHaveLength(1);
    expect(values[0]).toMatchObject({
      key: 'HKU\\S-1-5-21-9-500\\Environment',
      valueName: 'UserInitMprLogonScript',
      technique: 'T1037.001',
      payload: 'C:\\Users\\w\\art.bat',
    });
  });

  it('finds a Run value written by PowerShell when no registry event was collected, and not twice when one was', () => {
    const ps = alert({
      process: {
        pid: 1,
        image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        commandLine:
          "powershell New-ItemProperty -Path HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run -Name Upd -Value 'C:\\Users\\Public\\u.exe'",
      },
    });
    expect(autostartValues([ps], [])).toMatchObject([
      { key: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run', valueName: 'Upd', technique: 'T1547.001' },
    ]);
    const incident = runKeyIncident();
    expect(autostartValues(incident.alerts, findPersistence(incident.alerts))).toEqual([]);
  });

  it('ignores deleted values and keys that start nothing', () => {
    const alerts = [
      alert({
        eventType: 'registry_delete',
        eventCode: 12,
        registry: { operation: 'DeleteValue', key: 'HKCU\\Environment', valueName: 'UserInitMprLogonScript' },
      }),
      alert({
        eventType: 'registry_value_set',
        eventCode: 13,
        registry: { operation: 'SetValue', key: 'HKCU\\Software\\Vendor', valueName: 'Run', valueData: 'x.exe' },
      }),
    ];
    expect(autostartValues(alerts, [])).toEqual([]);
  });
});

describe('alternate data streams', () => {
  it.each([
    ['c:\\users\\q\\AppData:blah.txt', { file: 'c:\\users\\q\\AppData', stream: 'blah.txt' }],
    ['C:\\x\\a.txt:evil.exe:$DATA', { file: 'C:\\x\\a.txt', stream: 'evil.exe' }],
  ])('splits %s', (path, expected) => {
    expect(alternateStream(path)).toEqual(expected);
  });

  it.each(['C:\\Users\\x\\Downloads\\a.exe', 'C:\\Users\\x\\Downloads\\a.exe:Zone.Identifier', 'a.txt'])(
    'leaves %s alone',
    (path) => {
      expect(alternateStream(path)).toBeUndefined();
    },
  );
});

describe('schtasks /TR with escaped quotes', () => {
  it('reads the action whole, unescaping \\"', () => {
    const cmd = 'schtasks /Create /TN Up /TR "powershell -c \\"IEX (gc c:\\users\\q\\AppData:blah.txt)\\"" /F';
    expect(switchValue(cmd, 'tr')).toBe('powershell -c "IEX (gc c:\\users\\q\\AppData:blah.txt)"');
    expect(switchValue(cmd, 'tn')).toBe('Up');
  });
});

describe('contributing factors and detection follow-ups', () => {
  it('names the application-control gap and the admin rights the reference ticket lists', () => {
    const f = gatherFacts(runKeyIncident());
    const factors = contributingFactors(f, caseProfile(f)).map((s) => plain(s.text));
    expect(factors).toEqual([
      'No application control: scanner.exe ran from a user-writable folder.',
      'jwilliams has local administrator rights on FIN-WS-034 (High integrity).',
    ]);
    const followUps = detectionFollowUps(f, [], [], []).map(plain);
    expect(followUps[0]).toBe('Alert on Run-key writes by non-system processes (here powershell.exe).');
    expect(followUps).toContain('Alert on rundll32.exe loading code from ProgramData or user profiles.');
  });

  it('says nothing the evidence does not support', () => {
    const f = facts([
      alert({
        user: { name: 'jdoe', domain: 'CORP' },
        process: { pid: 3, image: 'C:\\Program Files\\App\\app.exe', integrityLevel: 'Medium', user: 'CORP\\jdoe' },
      }),
    ]);
    expect(contributingFactors(f, caseProfile(f))).toEqual([]);
    // Sysmon records connections: no "collect network telemetry" follow-up either.
    expect(detectionFollowUps(f, [], [], [])).toEqual([]);
  });

  it('names an Office application that started a shell', () => {
    const f = facts([
      alert({
        process: {
          pid: 40,
          image: 'C:\\Windows\\System32\\cmd.exe',
          parent: { pid: 39, image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE' },
        },
      }),
    ]);
    expect(contributingFactors(f, caseProfile(f)).map((s) => plain(s.text))).toEqual([
      'Office macros or DDE were allowed to start programs: EXCEL.EXE started cmd.exe.',
    ]);
    expect(detectionFollowUps(f, [], [], []).map(plain)).toEqual([
      'Alert on Office applications starting shells or script hosts.',
    ]);
  });
});

describe('persistence an EDR lists only as evidence', () => {
  it('removes the task, service and autostart value it names, and nothing for a bare Run key', () => {
    const edr = alert({
      eventType: 'detection',
      eventCode: undefined,
      artifacts: [
        { type: 'task', value: '\\Microsoft\\Windows\\UpdateOrchestrator\\Schedule Scan Helper' },
        { type: 'service', value: 'WinSvcHost' },
        { type: 'registry', value: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Helper' },
        { type: 'registry', value: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run' },
      ],
    });
    const r = draftReport(incidentOf('inc-edr', [edr]));
    const s = r.remediation.map((x) => plain(x.text));
    expect(s).toContain(
      'Delete scheduled task \\Microsoft\\Windows\\UpdateOrchestrator\\Schedule Scan Helper (schtasks /Delete /TN "\\Microsoft\\Windows\\UpdateOrchestrator\\Schedule Scan Helper" /F).',
    );
    expect(s).toContain(
      'Stop and delete service WinSvcHost (sc.exe stop "WinSvcHost", then sc.exe delete "WinSvcHost").',
    );
    expect(s).toContain('Delete value Helper under HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run (Run key).');
    expect(s.filter((x) => x.startsWith('Delete value'))).toHaveLength(1);
  });
});
