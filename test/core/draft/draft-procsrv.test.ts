import { draftReport } from '../../../lambdas/core/draft';
import { plain } from '../../../lambdas/core/draft/text';
import { PROCSRV_RUN_DATA, procsrvIncident } from './factories';

/** The CISA procsrv triage report (procsrv-cisa-triage-report.md) as the Sysmon events it implies. */
describe('draftReport on the procsrv incident', () => {
  const report = draftReport(procsrvIncident());
  const steps = report.remediation.map((s) => plain(s.text));

  it('names the Run-key persistence through rundll32 on the host', () => {
    expect(report.summary).toBe('T1547.001 – Registry Run Key Persistence via rundll32 DLL on DESKTOP-PROCSRV');
  });

  it('parses the DLL and export despite the space after the comma', () => {
    const fields = report.technicalAnalysis.persistence[0].fields;
    expect(fields.find((f) => f.label === 'Value data')?.value).toBe(PROCSRV_RUN_DATA);
    expect(fields.find((f) => f.label === 'DLL')?.value).toBe('C:\\Windows\\System32\\lanman.dll');
    expect(fields.find((f) => f.label === 'Export')?.value).toBe('Register');
    expect(fields.find((f) => f.label === 'Set by')?.value).toBe('an unnamed process (PID 4880)');
  });

  it('maps T1547.001, T1218.011 and T1082', () => {
    expect(report.attack.map((a) => a.id)).toEqual(['T1547.001', 'T1218.011', 'T1082']);
    expect(report.attack.find((a) => a.id === 'T1082')?.tactics).toEqual(['Discovery']);
  });

  it('blocks the C2 address and port, defanged, at the egress firewall', () => {
    expect(steps).toContain(
      'Block 162.125.6[.]18:443 at the egress firewall and look for other hosts that reached it.',
    );
    expect(steps).toContain('Block the domain www[.]dropbox[.]com at the DNS resolver and web proxy.');
  });

  it('deletes the three files in System32 and the Run value, and stops procsrv.exe', () => {
    for (const f of ['lanman.dll', 'lanman.pfx', 'procsrv.exe'])
      expect(steps).toContain(`Delete C:\\Windows\\System32\\${f} (keep a copy).`);
    expect(steps.some((s) => s.startsWith('Delete value Local Network Manager under HKU\\S-1-5-21-'))).toBe(true);
    expect(steps).toContain('Terminate rundll32.exe (PID 6044) and procsrv.exe (PID 5332) if still running.');
  });

  it('reports the connection as observed and data exposure as unknown', () => {
    const exec = report.executiveSummary.map((s) => plain(s.text)).join(' ');
    expect(exec).toContain('procsrv.exe (PID 5332) made an outbound connection to 162.125.6[.]18:443');
    const exposure = report.businessImpact.find((s) => plain(s.text).startsWith('Data exposure'));
    expect(exposure?.basis).toBe('unknown');
    expect(plain(exposure?.text ?? [])).toContain('Data exposure is unknown');
  });

  it('places procsrv.exe under rundll32.exe under explorer.exe', () => {
    const named = report.technicalAnalysis.processTree.filter((n) => n.named).map((n) => [n.depth, n.pid]);
    expect(named).toEqual([
      [0, 3312],
      [1, 6044],
      [2, 5332],
    ]);
  });

  it('says the installer and the delivery are unknown and the chain starts at the persistence', () => {
    const rc = report.rootCause;
    expect(rc.confidence).toBe('low');
    const all = rc.statements.map((s) => plain(s.text));
    // The unnamed installer is said once, by the line that says what it wrote and registered.
    expect(all).toContain(
      'An unnamed process (PID 4880) wrote lanman.dll at 10:57:38Z and registered it in the Run value Local Network Manager at 10:57:41Z.',
    );
    expect(all.filter((s) => s.includes('unnamed process (PID 4880)'))).toHaveLength(1);
    expect(
      all.some((s) =>
        s.startsWith('The delivery vector is unknown: how lanman.dll, lanman.pfx and procsrv.exe reached'),
      ),
    ).toBe(true);
  });

  it('lists the destination address, both DNS names and the private source in the IOC table', () => {
    expect(report.iocs.map((i) => `${i.typeLabel} ${i.value}`)).toEqual(
      expect.arrayContaining([
        'IPv4 162.125.6[.]18',
        'IPv4 10.10.3[.]5',
        'Domain www[.]dropbox[.]com',
        'Domain www[.]dropbox-dns[.]com',
      ]),
    );
    expect(report.iocs.find((i) => i.value === '10.10.3[.]5')?.role).toContain('private address');
  });
});
