import { linkKeys } from '../../../lambdas/core/correlate/keys';
import { draftReport } from '../../../lambdas/core/draft';
import { plain } from '../../../lambdas/core/draft/text';
import type { IncidentReport } from '../../../lambdas/core/model/report';
import { buildSnapshot, enrichAlert } from '../../../lambdas/core/enrich';
import type { Alert } from '../../../lambdas/core/model/alert';
import type { EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import { incidentOf } from '../draft/factories';
import { makeAlert } from '../enrich/factories';

/**
 * Regression: a Run key whose DLL is written `C:\Windows\System32\..\..\Users\Public\evil.dll` was flagged by
 * enrich as an unusual path, but drafting read it as a system path and dropped "keep a copy", "delete evil.dll" and
 * the application-control step. Every stage now reads the resolved path, so both spellings give the same ticket.
 */

const TRAVERSAL = 'C:\\Windows\\System32\\..\\..\\Users\\Public\\evil.dll';
const RESOLVED = 'C:\\Users\\Public\\evil.dll';
const CONTEXT = buildSnapshot([], [], []);

function runKeyAlert(dll: string): Alert {
  return makeAlert({
    alertId: 'sysmon:fin-ws-034:microsoft-windows-sysmon/operational:77001',
    eventType: 'registry_value_set',
    eventCode: 13,
    eventName: 'Registry value set',
    techniques: ['T1547.001'],
    process: {
      guid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
      pid: 7842,
      image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      commandLine: 'powershell -File C:\\Users\\Public\\setup.ps1',
      parent: { pid: 4120, image: 'C:\\Windows\\explorer.exe' },
    },
    registry: {
      operation: 'SetValue',
      key: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
      valueName: 'Updater',
      valueData: `C:\\Windows\\System32\\rundll32.exe ${dll},Start`,
    },
  });
}

function enriched(dll: string): EnrichedAlert {
  return enrichAlert(runKeyAlert(dll), CONTEXT);
}

function drafted(dll: string): IncidentReport {
  return draftReport(incidentOf('inc-runkey-traversal', [enriched(dll)]));
}

const steps = (r: IncidentReport): string[] => r.remediation.map((s) => plain(s.text));

describe.each([
  ['written with ..\\..', TRAVERSAL],
  ['written plainly', RESOLVED],
])('a Run key loading evil.dll %s', (_how, dll) => {
  it('is flagged by enrich as an unusual path and a LOLBin proxy execution', () => {
    const ids = enriched(dll).enrichment.heuristics.map((h) => h.id);
    expect(ids).toEqual(expect.arrayContaining(['unusual-path', 'lolbin-proxy-execution']));
  });

  it('drafts "keep a copy", "delete evil.dll" and the application-control step, naming the real folder', () => {
    const report = drafted(dll);
    const s = steps(report);
    expect(s).toContain(`Delete ${RESOLVED} (keep a copy).`);
    expect(s).toContain('Add an application-control rule that stops rundll32.exe loading code from C:\\Users\\Public.');
    // What to do now is the header's last line.
    const doNow = plain(report.header.find((h) => h.field === 'doNow')?.value ?? []);
    expect(doNow).toMatch(/delete evil\.dll/);
  });
});

describe('both spellings of the Run key', () => {
  it('give the same remediation', () => {
    expect(steps(drafted(TRAVERSAL))).toEqual(steps(drafted(RESOLVED)));
  });

  it('show the payload as written and where it resolves to', () => {
    const [p] = drafted(TRAVERSAL).technicalAnalysis.persistence;
    expect(p.fields).toEqual(
      expect.arrayContaining([
        { label: 'DLL', value: TRAVERSAL },
        { label: 'Resolves to', value: RESOLVED },
      ]),
    );
  });

  it('link to the alert that wrote the file, whatever the spelling', () => {
    const write = enrichAlert(
      makeAlert({
        eventType: 'file_create',
        eventCode: 11,
        process: { pid: 6120, image: 'C:\\Users\\jwilliams\\Downloads\\scanner.exe' },
        file: { path: RESOLVED },
      }),
      CONTEXT,
    );
    const produced = new Set(linkKeys(write).produced);
    expect(linkKeys(enriched(TRAVERSAL)).consumed.some((k) => produced.has(k))).toBe(true);
  });
});
