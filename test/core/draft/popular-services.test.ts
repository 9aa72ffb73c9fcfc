import { draftReport } from '../../../lambdas/core/draft';
import { plain } from '../../../lambdas/core/draft/text';
import { extractIocs } from '../../../lambdas/core/enrich';
import type { EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import { procsrvIncident } from './factories';

const GITHUB_IP = '140.82.114.4';

/** The procsrv incident with its C2 moved to GitHub: the events name github.com and a GitHub address. */
function viaGithub(): ReturnType<typeof procsrvIncident> {
  const base = procsrvIncident();
  const alerts = base.alerts.map((a): EnrichedAlert => {
    let b: EnrichedAlert = a;
    if (a.network !== undefined) b = { ...b, network: { ...a.network, dstIp: GITHUB_IP, dstHostname: 'github.com' } };
    if (a.dns !== undefined) b = { ...b, dns: { ...a.dns, query: 'github.com', results: [GITHUB_IP] } };
    return b === a ? a : { ...b, enrichment: { ...b.enrichment, iocs: extractIocs(b) } };
  });
  return { ...base, alerts };
}

describe('draft: well-known services', () => {
  const report = draftReport(viaGithub());
  const steps = report.remediation.map((s) => plain(s.text));

  it('has the GitHub connection to test with', () => {
    expect(report.iocs.some((r) => r.value === 'github[.]com')).toBe(true);
  });

  it('shows them in the indicator table as context, marked not blockable', () => {
    for (const value of ['github[.]com', '140.82.114[.]4']) {
      expect(report.iocs.find((r) => r.value === value)?.role).toContain('not blockable');
    }
  });

  it('never advises blocking them', () => {
    expect(steps.filter((s) => /\bblock\b/i.test(s) && /github|140\.82\.114/.test(s))).toEqual([]);
    for (const st of report.executiveSummary) expect(plain(st.text)).not.toMatch(/block[^.]*(github|140\.82)/i);
  });

  it('still advises blocking an address that is no well-known service', () => {
    const plainReport = draftReport(procsrvIncident());
    expect(plainReport.remediation.map((s) => plain(s.text))).toContain(
      'Block 162.125.6[.]18:443 at the egress firewall and look for other hosts that reached it.',
    );
  });
});
