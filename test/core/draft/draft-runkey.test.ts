import { draftReport } from '../../../lambdas/core/draft';
import { plain } from '../../../lambdas/core/draft/text';
import type { IncidentReport, Statement } from '../../../lambdas/core/model/report';
import { DLL, PS_COMMAND, RUN_DATA, RUN_KEY, RUN_VALUE, runKeyIncident } from './factories';

/**
 * The reference SOC ticket (sysmon-runkey-soc-ticket.txt) rebuilt from the events it implies: the draft must carry
 * every fact of the reference those events contain, and nothing the events cannot show.
 */

const texts = (xs: Statement[]): string[] => xs.map((s) => plain(s.text));
const steps = (r: IncidentReport): string[] => r.remediation.map((s) => plain(s.text));

describe('draftReport on the reference run-key incident', () => {
  const report = draftReport(runKeyIncident());

  it('writes the summary in the reference form', () => {
    expect(report.summary).toBe('T1547.001 – Registry Run Key Persistence via rundll32 DLL on FIN-WS-034');
    expect(report.primaryTechnique).toBe('T1547.001');
  });

  it('labels the ticket with the specific technique ids, primary tactic, source and the incident label', () => {
    expect(report.labels).toEqual(
      expect.arrayContaining(['T1547.001', 'persistence', 'sysmon', 'a2t-inc-2024-02-15-fin-ws-034-7842']),
    );
    expect(report.labels).not.toContain('T1547');
    expect(report.labels.length).toBeLessThanOrEqual(8);
    expect(report.labels).toEqual([...report.labels].sort());
    expect(new Set(report.labels).size).toBe(report.labels.length);
    for (const l of report.labels) expect(l).toMatch(/^[A-Za-z0-9._-]{1,255}$/);
  });

  it('gives a P2 priority named High for severity 80', () => {
    expect(report.priority).toEqual({ level: 'P2', name: 'High', reason: 'severity 80 ≥ 70' });
  });

  it('recommends the exact value delete, file delete, isolation and password reset, containment first', () => {
    const s = steps(report);
    const deleteValue = s.indexOf(`Delete value ${RUN_VALUE} under ${RUN_KEY}.`);
    const deleteFile = s.indexOf(`Delete ${DLL} (keep a copy).`);
    const isolate = s.findIndex((x) => x.startsWith('Isolate FIN-WS-034 from the network'));
    const reset = s.findIndex((x) => x.startsWith('Reset the password of jwilliams'));
    expect([deleteValue, deleteFile, isolate, reset].every((i) => i >= 0)).toBe(true);
    expect(isolate).toBe(0);
    expect(isolate).toBeLessThan(deleteValue);
    expect(report.remediation.map((x) => x.phase)).toEqual(
      [...report.remediation.map((x) => x.phase)].sort(
        (a, b) =>
          ['containment', 'eradication', 'recovery'].indexOf(a) - ['containment', 'eradication', 'recovery'].indexOf(b),
      ),
    );
    expect(new Set(s).size).toBe(s.length);
  });

  it('shows the value in code spans for the value-delete step', () => {
    const step = report.remediation.find((x) => plain(x.text).startsWith('Delete value'));
    expect(step?.text).toEqual([
      { text: 'Delete value ' },
      { text: RUN_VALUE, code: true },
      { text: ' under ' },
      { text: RUN_KEY, code: true },
      { text: '.' },
    ]);
  });

  it('describes the Run key with key, value name, data, DLL and export', () => {
    const [p] = report.technicalAnalysis.persistence;
    const field = (label: string): string | undefined => p.fields.find((x) => x.label === label)?.value;
    expect(p.kind).toBe('run-key');
    expect(field('Key')).toBe(RUN_KEY);
    expect(field('Value name')).toBe(RUN_VALUE);
    expect(field('Value data')).toBe(RUN_DATA);
    expect(field('DLL')).toBe(DLL);
    expect(field('Export')).toBe('UpdateNow');
    expect(field('Set by')).toBe('powershell.exe (PID 7842)');
    expect(p.effect?.basis).toBe('inferred');
  });

  it('draws the process chain from explorer.exe to powershell.exe with command line, user and integrity', () => {
    const tree = report.technicalAnalysis.processTree;
    const ps = tree.find((n) => n.pid === 7842);
    const explorer = tree.find((n) => n.pid === 4312);
    expect(explorer).toMatchObject({ depth: 0, system: true, observedStart: false });
    expect(ps).toMatchObject({
      depth: 1,
      image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      commandLine: PS_COMMAND,
      user: 'CORP\\jwilliams',
      integrity: 'High',
      started: '2024-02-15 21:24:51Z',
    });
    expect(tree.map((n) => n.pid)).toEqual([4312, 6120, 7842]);
  });

  it('lists every event in UTC order with its Sysmon event reference', () => {
    expect(report.timeline.map((e) => `${e.time} ${e.ref}`)).toEqual([
      '2024-02-15 21:16:05Z Sysmon 1 #482913',
      '2024-02-15 21:24:12Z Sysmon 11 #483122',
      '2024-02-15 21:24:51Z Sysmon 1 #483190',
      '2024-02-15 21:25:03Z Sysmon 13 #483204',
    ]);
  });

  it('maps T1547.001 to ATT&CK with its tactics and evidence first', () => {
    expect(report.attack[0]).toMatchObject({
      id: 'T1547.001',
      name: 'Boot or Logon Autostart Execution: Registry Run Keys / Startup Folder',
      tactics: ['Persistence', 'Privilege Escalation'],
    });
    expect(report.attack[0].evidence).toMatch(
      /^Sysmon 13 #483204: \u201cpowershell\.exe \(PID 7842\)\u201d set registry value \u201cHKLM\\SOFTWARE/,
    );
  });

  it('opens with five header lines: what, where and when, who, how bad and why, what to do now', () => {
    const line = (field: string): string => plain(report.header.find((h) => h.field === field)?.value ?? []);
    expect(report.header.map((h) => h.field)).toEqual(['what', 'where', 'who', 'howBad', 'doNow']);
    expect(line('what')).toContain('(T1547.001)');
    expect(line('what')).toContain('Run value WindowsSecurityUpdate → security.dll');
    expect(line('where')).toMatch(
      /^FIN-WS-034 \(Finance, criticality high\) · 2024-02-15 21:16:05Z–21:25:03Z UTC · 4 alerts/,
    );
    expect(line('who')).toMatch(/^CORP\\jwilliams \(Jennifer Williams, Accountant\)/);
    expect(line('howBad')).toMatch(/^P2 – High, severity 80\/100 \(high\): severity 80 ≥ 70/);
    expect(line('doNow')).toMatch(
      /^Isolate FIN-WS-034, delete the Run value WindowsSecurityUpdate, .*reset the password of jwilliams\.$/,
    );
  });

  it('writes a short executive summary in plain words, honest about the network, saying each fact once', () => {
    const sentences = texts(report.executiveSummary);
    expect(sentences.length).toBeGreaterThanOrEqual(1);
    expect(sentences.length).toBeLessThanOrEqual(3);
    // Where, whose and what are the header's lines; no connection is the impact section's data-exposure line.
    expect(sentences[0]).toBe('security.dll will start at the next logon of any user (Run key).');
    expect(sentences.join(' ')).not.toMatch(/FIN-WS-034|Jennifer Williams|outbound/);
    // What to do now is the header's last line: not repeated here.
    expect(report.executiveSummary.map((s) => s.basis)).not.toContain('recommended');
  });

  it('says the delivery vector is unknown and names scanner.exe as the earliest non-system process', () => {
    const rc = report.rootCause;
    expect(rc.confidence).toBe('medium');
    expect(rc.vector).toContain('T1204.002');
    const unknown = rc.statements.filter((s) => s.basis === 'unknown').map((s) => plain(s.text));
    expect(unknown[0]).toMatch(
      /^The delivery vector is unknown: how scanner\.exe reached FIN-WS-034 is not in the events/,
    );
    // Where the chain begins is the hypothesis' reason, said there once.
    expect(plain(rc.because ?? [])).toBe("scanner.exe ran from the user's Downloads folder, started by explorer.exe");
    expect(rc.statements.map((s) => plain(s.text)).join(' ')).not.toContain('earliest non-system process');
  });

  it('states data exposure as none observed in the collected events, never as a fact', () => {
    const impact = texts(report.businessImpact).join(' ');
    expect(impact).toContain('Data exposure: none observed; unknown beyond the collected events.');
    // The asset and the account are the header's, said once.
    expect(impact).not.toContain('asset context');
    expect(JSON.stringify(report)).not.toMatch(/no data left/i);
  });

  it('invents nothing the events cannot show: no C2 address, no email, no backdoor', () => {
    const json = JSON.stringify(report);
    expect(json).not.toContain('194.165.16');
    expect(json).not.toMatch(/backdoor|reverse shell|user received an email/i);
    expect(report.iocs.some((i) => i.type === 'ipv4')).toBe(false);
    expect(report.technicalAnalysis.network).toEqual([]);
  });

  it('is deterministic: the same incident drafts a deep-equal report', () => {
    expect(draftReport(runKeyIncident())).toEqual(report);
  });

  it('says the analysis covers a sample when fewer alerts than the incident holds are given', () => {
    const sampled = draftReport(runKeyIncident({ alertCount: 40 }));
    expect(texts(sampled.executiveSummary).at(-1)).toBe(
      'This analysis covers a sample of 4 of 40 alerts in the incident.',
    );
    expect(sampled.rawEvidenceOmitted).toBe(36);
  });
});
