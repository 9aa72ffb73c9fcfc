import { linkKeys } from '../../../lambdas/core/correlate/keys';
import { draftReport } from '../../../lambdas/core/draft';
import { plain } from '../../../lambdas/core/draft/text';
import { buildSnapshot, enrichAlert, extractIocs } from '../../../lambdas/core/enrich';
import type { Alert } from '../../../lambdas/core/model/alert';
import { incidentOf } from '../draft/factories';
import { makeAlert } from '../enrich/factories';

/**
 * Regression: a stock binary's name in a user-writable folder under C:\Windows (`C:\Windows\Tasks\svchost.exe`,
 * `…\spool\drivers\color\rundll32.exe`) passed for the stock binary, because "under C:\Windows" and "named like a
 * Windows binary" were each taken as proof. Stock now means the name at its own full path.
 */

const CONTEXT = buildSnapshot([], [], []);
const EXPLORER = { pid: 4120, image: 'C:\\Windows\\explorer.exe' };

function started(image: string, pid: number): Alert {
  return makeAlert({
    alertId: `sysmon:fin-ws-034:microsoft-windows-sysmon/operational:${pid}`,
    eventTime: '2024-02-15T21:25:03.000Z',
    process: { pid, image, commandLine: `"${image}"`, parent: EXPLORER },
  });
}

function connected(image: string, pid: number): Alert {
  return makeAlert({
    alertId: `sysmon:fin-ws-034:microsoft-windows-sysmon/operational:${pid + 1}`,
    eventTime: '2024-02-15T21:25:09.000Z',
    eventType: 'network_connection',
    eventCode: 3,
    process: { pid, image },
    network: { direction: 'outbound', protocol: 'tcp', dstIp: '194.165.16.89', dstPort: 443 },
  });
}

const heuristicIds = (a: Alert): string[] => enrichAlert(a, CONTEXT).enrichment.heuristics.map((h) => h.id);

describe.each([
  ['C:\\Windows\\Tasks\\svchost.exe', 'svchost.exe'],
  ['C:\\Windows\\System32\\spool\\drivers\\color\\rundll32.exe', 'rundll32.exe'],
  ['C:\\Windows\\Temp\\lsass.exe', 'lsass.exe'],
  ['%SystemRoot%\\System32\\Tasks\\dllhost.exe', 'dllhost.exe'],
])('%s', (image, name) => {
  it('is flagged by enrich as masquerading and as an unusual path', () => {
    const alert = started(image, 5120);
    const hits = enrichAlert(alert, CONTEXT).enrichment.heuristics;
    expect(hits.find((h) => h.id === 'masquerading-name')?.evidence).toBe(image);
    expect(hits.find((h) => h.id === 'unusual-path')?.evidence).toBe(image);
  });

  it('is an indicator, not an installed binary', () => {
    expect(
      extractIocs(started(image, 5120))
        .filter((i) => i.type === 'file')
        .map((i) => i.value),
    ).toContain(image);
  });

  it('is not a system process to look past when drafting or correlating', () => {
    const alerts = [started(image, 5120), connected(image, 5120)].map((a) => enrichAlert(a, CONTEXT));
    const report = draftReport(incidentOf('inc-writable-windows', alerts));
    const steps = report.remediation.map((s) => plain(s.text));
    expect(steps).toContain(`Terminate ${name} (PID 5120) if still running.`);
    const node = report.technicalAnalysis.processTree.find((n) => n.image === image);
    expect(node?.system).toBe(false);
    expect(plain(report.rootCause.statements[0].text)).toContain(`The earliest non-system process is ${image}`);
    expect(linkKeys(alerts[0]).produced).toContain(`pid:fin-ws-034:5120:${name}`);
  });
});

describe('the stock binary at its own path', () => {
  it('is neither masquerading nor unusual, and is looked past', () => {
    const image = 'C:\\Windows\\System32\\svchost.exe';
    expect(heuristicIds(started(image, 900))).not.toContain('masquerading-name');
    expect(heuristicIds(started(image, 900))).not.toContain('unusual-path');
    expect(heuristicIds(connected(image, 900))).not.toContain('public-connection-non-browser');
    expect(linkKeys(enrichAlert(started(image, 900), CONTEXT)).produced).toEqual([]);
  });

  it('contrasts with its copy in C:\\Windows\\Tasks, whose connection is flagged', () => {
    expect(heuristicIds(connected('C:\\Windows\\Tasks\\svchost.exe', 900))).toContain('public-connection-non-browser');
  });
});
