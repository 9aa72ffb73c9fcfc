import { draftReport } from '../../../lambdas/core/draft';
import { plain } from '../../../lambdas/core/draft/text';
import { renderMarkdown } from '../../../lambdas/core/render';
import { extractIocs, isPopularService } from '../../../lambdas/core/enrich';
import { isBlockableName, isReverseDnsName, notBlockableReason } from '../../../lambdas/core/enrich/popular-services';
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

/** The procsrv incident with its C2 connection moved to `ip` named `hostname`. */
function connectingTo(ip: string, hostname: string): ReturnType<typeof procsrvIncident> {
  const base = procsrvIncident();
  const alerts = base.alerts.map((a): EnrichedAlert => {
    if (a.network === undefined) return a;
    const b = { ...a, network: { ...a.network, dstIp: ip, dstHostname: hostname } };
    return { ...b, enrichment: { ...b.enrichment, iocs: extractIocs(b) } };
  });
  return { ...base, alerts };
}

describe('draft: names that only describe an address', () => {
  it.each([
    ['45-33-32-156.ip.linodeusercontent.com'],
    ['156.32.33.45.in-addr.arpa'],
    ['ip-45-33-32-156.static.example.net'],
  ])('never advises blocking the reverse-DNS name %s, and still blocks the address', (hostname) => {
    const report = draftReport(connectingTo('45.33.32.156', hostname));
    const steps = report.remediation.map((s) => plain(s.text));
    const shown = hostname.replace(/\./g, '[.]');
    expect(steps.filter((s) => /\bblock\b/i.test(s) && s.toLowerCase().includes(shown.toLowerCase()))).toEqual([]);
    expect(steps).toContain(
      'Block 45.33.32[.]156:443 at the egress firewall and look for other hosts that reached it.',
    );
  });

  it.each([
    ['45-33-32-156.ip.linodeusercontent.com', true],
    ['156.32.33.45.in-addr.arpa', true],
    ['ec2-3-5-7-9.compute-1.amazonaws.com', true],
    ['c2.evil.example', false],
    ['update-2024-1-15.example.net', false],
  ])('judges %s a reverse-DNS name: %s', (name, expected) => {
    expect(isReverseDnsName(name)).toBe(expected);
    expect(isBlockableName(name)).toBe(!expected && !isPopularService(name));
  });
});

describe('draft: Microsoft Azure and Microsoft 365 addresses', () => {
  it.each([
    ['40.126.32.134', 'Microsoft Azure'],
    ['13.89.179.10', 'Microsoft Azure'],
    ['20.190.160.1', 'Microsoft Azure'],
    ['52.239.148.4', 'Microsoft Azure'],
    ['52.96.10.1', 'Microsoft 365'],
  ])('shows %s as %s context, never a block', (ip, owner) => {
    const report = draftReport(connectingTo(ip, 'c2.evil.example'));
    const shown = ip.replace(/\.(\d+)$/, '[.]$1');
    expect(report.iocs.find((r) => r.value === shown)?.role).toContain(`${owner} address: context, not blockable`);
    const steps = report.remediation.map((s) => plain(s.text));
    expect(steps.filter((s) => /\bblock\b/i.test(s) && s.includes(shown))).toEqual([]);
  });

  it('leaves AWS space beside Microsoft 365 blockable (52.0.0.0/10 is not Microsoft)', () => {
    expect(notBlockableReason('52.20.1.1')).toBeUndefined();
    expect(notBlockableReason('::ffff:20.50.1.1')).toBe('Microsoft Azure address: context, not blockable');
  });
});

describe('draft: IPv4-mapped DNS answers', () => {
  it('shows a `::ffff:` answer as the IPv4 it is, defanged, wherever the ticket names it', () => {
    const base = procsrvIncident();
    const alerts = base.alerts.map((a): EnrichedAlert => {
      if (a.dns === undefined) return a;
      const b = { ...a, dns: { ...a.dns, results: ['type:  5 www.dropbox-dns.com', '::ffff:162.125.6.18'] } };
      return { ...b, enrichment: { ...b.enrichment, iocs: extractIocs(b) } };
    });
    expect(alerts.some((a) => a.dns !== undefined)).toBe(true);
    const text = renderMarkdown(draftReport({ ...base, alerts }));
    expect(text).not.toMatch(/ffff/i);
    expect(text).not.toContain('162.125.6.18');
    expect(text).toContain('162.125.6[.]18');
  });
});
