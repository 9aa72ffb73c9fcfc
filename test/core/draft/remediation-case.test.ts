import { draftReport } from '../../../lambdas/core/draft';
import { plain } from '../../../lambdas/core/draft/text';
import type { IncidentReport } from '../../../lambdas/core/model/report';
import type { EnrichedAlert, TechniqueInfo } from '../../../lambdas/core/model/enrichment';
import { incidentOf, sysmonAlert } from './factories';

/**
 * Remediation that fits the case (issue 16): an LSASS dump under a service account on a database server, a task
 * whose action reads an alternate data stream, a logon script found only by the heuristics, and the counts.
 */

const LSASS: TechniqueInfo = {
  id: 'T1003.001',
  name: 'LSASS Memory',
  parentId: 'T1003',
  parentName: 'OS Credential Dumping',
  tactics: ['credential-access'],
  url: 'https://attack.mitre.org/techniques/T1003/001',
};

const SQL_HOST = { name: 'SQL-DB-01.corp.example.com', os: 'Windows Server 2019 Datacenter' };
const SVC = { name: 'svc_sql', domain: 'CORP' };
const E = { hostKey: 'sql-db-01' };
const SQLSERVR = {
  pid: 2210,
  image: 'C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe',
};
const CMD = { pid: 3100, image: 'C:\\Windows\\System32\\cmd.exe', user: 'CORP\\svc_sql' };
const DUMP = 'C:\\Windows\\Temp\\sql.dmp';
const DUMP_SHA256 = '0f343b0931126a20f133d67c2b018a3b5e2a1c3e1b3c39a4b0c2b6d1e3a5f7c9';
const RUNDLL = {
  pid: 3140,
  image: 'C:\\Windows\\System32\\rundll32.exe',
  commandLine: `rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 ${DUMP} full`,
  user: 'CORP\\svc_sql',
  integrityLevel: 'High',
};

function serviceAccountDump(): EnrichedAlert[] {
  const enrichment = { ...E, techniques: [LSASS], severity: { score: 95, reasons: [] } };
  return [
    sysmonAlert(
      {
        alertId: 'sql:1',
        eventTime: '2024-05-02T03:10:00.000Z',
        eventType: 'process_create',
        eventCode: 1,
        host: SQL_HOST,
        user: SVC,
        process: { ...RUNDLL, parent: { ...CMD, commandLine: 'cmd.exe /c whoami' } },
      },
      { ...E, severity: { score: 80, reasons: [] } },
    ),
    sysmonAlert(
      {
        alertId: 'sql:0',
        eventTime: '2024-05-02T03:09:58.000Z',
        eventType: 'process_create',
        eventCode: 1,
        host: SQL_HOST,
        user: SVC,
        process: { ...CMD, commandLine: 'cmd.exe /c whoami', parent: SQLSERVR },
      },
      { ...E, severity: { score: 60, reasons: [] } },
    ),
    sysmonAlert(
      {
        alertId: 'sql:2',
        eventTime: '2024-05-02T03:10:01.000Z',
        eventType: 'process_access',
        eventCode: 10,
        host: SQL_HOST,
        user: SVC,
        process: { pid: RUNDLL.pid, image: RUNDLL.image },
        target: { pid: 624, image: 'C:\\Windows\\System32\\lsass.exe', grantedAccess: '0x1FFFFF' },
      },
      enrichment,
    ),
    sysmonAlert(
      {
        alertId: 'sql:3',
        eventTime: '2024-05-02T03:10:02.000Z',
        eventType: 'file_create',
        eventCode: 11,
        host: SQL_HOST,
        user: SVC,
        process: { pid: RUNDLL.pid, image: RUNDLL.image },
        file: { path: DUMP, hashes: { sha256: DUMP_SHA256 } },
      },
      {
        ...enrichment,
        iocs: [{ type: 'sha256', value: DUMP_SHA256, defanged: DUMP_SHA256, role: 'file hash' }],
      },
    ),
  ];
}

const steps = (r: IncidentReport): string[] => r.remediation.map((s) => plain(s.text));
const everything = (r: IncidentReport): string =>
  [
    ...steps(r),
    ...r.rootCause.statements.map((s) => plain(s.text)),
    ...r.businessImpact.map((s) => plain(s.text)),
  ].join('\n');

describe('an LSASS dump under a service account on a database server', () => {
  const report = draftReport(incidentOf('inc-sql-dump', serviceAccountDump()));
  const s = steps(report);

  it('secures and destroys the dump, in one step, and never keeps it for malware analysis', () => {
    expect(s.filter((x) => x.includes('sql.dmp'))).toEqual([
      `Secure, then destroy ${DUMP} (LSASS memory dump): it holds credentials, so restrict any evidence copy to the incident team and never upload it to a sandbox.`,
    ]);
    expect(everything(report)).not.toMatch(/malware analysis/);
  });

  it('rotates the service account and never asks a user about an email', () => {
    expect(s).toContain(
      'Rotate the password of the service account svc_sql and update every service and task that runs as it; review where it logged on since 2024-05-02 03:09:58Z.',
    );
    expect(everything(report)).not.toMatch(/opened an email|ask the user|may be able to say/i);
    expect(s.some((x) => x.includes('sqlservr.exe'))).toBe(false);
    expect(s.some((x) => /^Reset the password of svc_sql/.test(x))).toBe(false);
  });

  it("isolates it as a server, not as one user's workstation", () => {
    expect(s[0]).toMatch(/^Isolate SQL-DB-01 from the network, agreeing the outage with the owner/);
    expect(everything(report)).not.toMatch(/its user's work/);
    expect(report.businessImpact.map((x) => plain(x.text))).toContain(
      'Isolating SQL-DB-01 stops the services it provides until it is cleaned.',
    );
  });

  it('resets the credentials exposed on the host and flags the unprotected LSASS', () => {
    expect(s.some((x) => x.startsWith('Reset the credentials of every account that has logged on to SQL-DB-01'))).toBe(
      true,
    );
    expect((report.contributingFactors ?? []).map((x) => plain(x.text))).toContain(
      'LSASS on SQL-DB-01 was readable by a user-mode process: LSA protection (RunAsPPL) or Credential Guard was not in force.',
    );
    expect((report.detectionFollowUps ?? []).map(plain)).toContain(
      'Alert on memory-dump files (.dmp) written by non-system processes.',
    );
  });
});

describe('the same dump under an interactive user on a workstation', () => {
  it("resets the person's password; isolating a workstation is no impact line", () => {
    const alerts = serviceAccountDump().map((a) => ({
      ...a,
      process:
        a.process?.parent?.image === SQLSERVR.image
          ? { ...a.process, parent: { pid: 4312, image: 'C:\\Windows\\explorer.exe' } }
          : a.process,
      host: { name: 'HR-WS-007' },
      user: { name: 'mlopez', domain: 'CORP' },
      enrichment: { ...a.enrichment, hostKey: 'hr-ws-007' },
    }));
    const r = draftReport(incidentOf('inc-ws-dump', alerts));
    expect(steps(r)).toContain('Reset the password of mlopez and review its sign-ins since 2024-05-02 03:09:58Z.');
    // A workstation's isolation stops one person's work: the isolation step says it; the impact section keeps the
    // cost of isolating a server.
    expect(r.businessImpact.map((x) => plain(x.text)).join(' ')).not.toMatch(/Isolating/);
  });
});

describe('a scheduled task whose action reads an alternate data stream', () => {
  const tr =
    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NonI -W hidden -c \\\"IEX ([Text.Encoding]::UNICODE.GetString([Convert]::FromBase64String($(cmd /c ''more < c:\\users\\q\\AppData:blah.txt'''))))\\\"";
  const r = draftReport(
    incidentOf('inc-ads', [
      sysmonAlert(
        {
          alertId: 'q:1',
          eventTime: '2018-02-05T07:08:53.000Z',
          eventType: 'process_create',
          eventCode: 1,
          host: { name: 'DESKTOP-O153T4R' },
          user: { name: 'q', domain: 'DESKTOP-O153T4R' },
          process: {
            pid: 8992,
            image: 'C:\\Windows\\System32\\schtasks.exe',
            commandLine: `"C:\\WINDOWS\\system32\\schtasks.exe" /Create /F /SC DAILY /ST 09:00 /TN Updater /TR "${tr}"`,
          },
        },
        { hostKey: 'desktop-o153t4r', severity: { score: 70, reasons: [] } },
      ),
      sysmonAlert(
        {
          alertId: 'q:2',
          eventTime: '2018-02-05T07:08:54.000Z',
          eventType: 'file_create',
          eventCode: 11,
          host: { name: 'DESKTOP-O153T4R' },
          process: { pid: 2384, image: 'C:\\Windows\\System32\\svchost.exe' },
          file: { path: 'C:\\Windows\\System32\\Tasks\\Updater' },
        },
        { hostKey: 'desktop-o153t4r', severity: { score: 50, reasons: [] } },
      ),
    ]),
  );

  it('reads the whole action and removes the stream, not the folder that holds it', () => {
    const s = steps(r);
    expect(s).toContain(
      'Remove the alternate data stream blah.txt from c:\\users\\q\\AppData (Remove-Item -LiteralPath "c:\\users\\q\\AppData" -Stream "blah.txt"); leave AppData itself in place.',
    );
    expect(s.some((x) => /^Delete c:\\users\\q\\AppData/i.test(x))).toBe(false);
  });

  it('deletes the task once: its task file goes with schtasks /Delete', () => {
    const s = steps(r);
    expect(s).toContain('Delete scheduled task Updater (schtasks /Delete /TN "Updater" /F).');
    expect(s.filter((x) => x.includes('Tasks\\Updater'))).toEqual([]);
    expect(s.join('\n')).toMatch(/if Updater reappears within 14 days, reimage it\./);
  });
});

describe('a logon script found by the heuristics (UserInitMprLogonScript)', () => {
  it('is removed although the persistence section models no such mechanism', () => {
    const r = draftReport(
      incidentOf('inc-logon-script', [
        sysmonAlert(
          {
            alertId: 'w:1',
            eventTime: '2020-10-20T02:47:08.000Z',
            eventType: 'registry_value_set',
            eventCode: 13,
            host: { name: 'WORKSTATION5' },
            user: { name: 'wardog', domain: 'WORKSTATION5' },
            process: { pid: 8684, image: 'C:\\Windows\\System32\\reg.exe' },
            registry: {
              operation: 'SetValue',
              key: 'HKU\\S-1-5-21-1-2-3-1001\\Environment',
              valueName: 'UserInitMprLogonScript',
              valueData: 'C:\\Users\\wardog\\AppData\\Local\\Temp\\art.bat',
            },
          },
          { hostKey: 'workstation5', severity: { score: 78, reasons: [] } },
        ),
      ]),
    );
    const s = steps(r);
    expect(s).toContain(
      'Delete value UserInitMprLogonScript under HKU\\S-1-5-21-1-2-3-1001\\Environment (logon script).',
    );
    expect(s).toContain('Delete C:\\Users\\wardog\\AppData\\Local\\Temp\\art.bat (keep a copy).');
    expect(s.join('\n')).not.toMatch(/\b1 other\b|other persistence mechanism/);
  });
});

describe('next queries for the dump under SQL Server', () => {
  it('asks what else the server process started, not what its (uncollected) parent did', () => {
    const r = draftReport(incidentOf('inc-sql-dump-q', serviceAccountDump()));
    expect((r.nextQueries ?? []).map((q) => q.query)).toContain(
      'host = "SQL-DB-01" AND event_id = 1 AND process.parent.pid = 2210 AND process.parent.name = "sqlservr.exe" | time from 2024-04-25T03:09:58Z to 2024-05-02T03:10:02Z',
    );
    // The dump is credential material: its hash is never hunted across the fleet.
    expect((r.nextQueries ?? []).some((q) => q.query.includes('hash.sha256'))).toBe(false);
  });
});
