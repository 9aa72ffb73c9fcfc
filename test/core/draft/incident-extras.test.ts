import { draftReport } from '../../../lambdas/core/draft';
import { plain } from '../../../lambdas/core/draft/text';
import { extractIocs } from '../../../lambdas/core/enrich';
import { TIME_ZONE_UNVERIFIED } from '../../../lambdas/core/formats/sysmon/local-time';
import type { EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import { renderMarkdown } from '../../../lambdas/core/render';
import { incidentOf, procsrvIncident, runKeyAlerts, runKeyIncident, sysmonAlert } from './factories';

/**
 * The incident facts one-incident-per-host added (issue 14) as the ticket drafts them: each EDR product's own finding,
 * events whose local clock has no known offset, and the host's background telemetry.
 */

// Background is what correlation says followed the attack by time only; here it says so of the ids named `bg-`.
jest.mock('../../../lambdas/core/correlate/background', () => ({
  followerIds: (alerts: readonly { alertId: string }[]) =>
    new Set(alerts.filter((a) => a.alertId.startsWith('bg-')).map((a) => a.alertId)),
}));

const HOST = runKeyAlerts()[0].host;
const WIRE_SERVER = '168.63.129.16';

/** The Azure guest agent polling the wire server: background telemetry of any Azure VM. */
function azureAgent(id: string): EnrichedAlert {
  const a = sysmonAlert(
    {
      alertId: id,
      eventTime: '2024-02-15T21:20:00.000Z',
      eventType: 'network_connection',
      eventCode: 3,
      host: HOST,
      process: { pid: 2840, image: 'C:\\WindowsAzure\\GuestAgent\\WindowsAzureGuestAgent.exe' },
      network: { dstIp: WIRE_SERVER, dstPort: 80, protocol: 'tcp', direction: 'outbound' },
    },
    { hostKey: 'fin-ws-034' },
  );
  return { ...a, enrichment: { ...a.enrichment, iocs: extractIocs(a) } };
}

/** A CrowdStrike detection on the same host, with its console link and a block. */
function falcon(link: string, flags: string[]): EnrichedAlert {
  return sysmonAlert(
    {
      alertId: `ldt:${flags.join('-')}`,
      eventTime: '2024-02-15T21:25:04.000Z',
      eventType: 'edr_detection',
      eventCode: 0,
      host: HOST,
      source: { product: 'crowdstrike', format: 'crowdstrike-detection-summary' },
      rule: { name: 'Registry persistence via PowerShell' },
      flags,
      raw: { event: { FalconHostLink: link } },
    },
    { hostKey: 'fin-ws-034' },
  );
}

describe('draft: vendor findings', () => {
  const link = 'https://falcon.crowdstrike.com/activity/detections/detail/abc/123';
  const report = draftReport(incidentOf('inc-vendor', [...runKeyAlerts(), falcon(link, ['vendor-blocked'])]));

  it('lists each finding with its product, disposition, rule and console link', () => {
    expect(report.vendorFindings).toEqual([
      {
        product: 'CrowdStrike Falcon',
        title: 'Registry persistence via PowerShell',
        consoleLink: 'hxxps://falcon[.]crowdstrike[.]com/activity/detections/detail/abc/123',
        disposition: 'blocked',
      },
    ]);
  });

  it('renders it on one line in Markdown, the link a defanged literal, never live', () => {
    const md = renderMarkdown(report);
    expect(md).toContain(
      '- CrowdStrike Falcon, blocked: `Registry persistence via PowerShell` · console `hxxps://falcon[.]crowdstrike[.]com/activity/detections/detail/abc/123`',
    );
    expect(md).not.toContain(link);
  });

  it('has none for raw telemetry', () => {
    expect(draftReport(runKeyIncident()).vendorFindings).toEqual([]);
  });
});

describe('draft: events whose local time has no known offset', () => {
  const [start, dll, ps, run] = runKeyAlerts();
  const local: EnrichedAlert = {
    ...dll,
    alertId: 'local-1',
    eventTime: '2024-02-15T16:24:12.000Z',
    flags: [TIME_ZONE_UNVERIFIED],
  };
  const report = draftReport(incidentOf('inc-local', [start, local, ps, run]));

  it('keeps them off the UTC timeline and lists them apart, in their source clock', () => {
    expect(report.timeline.map((e) => e.time)).not.toContain('2024-02-15 16:24:12Z');
    expect(report.timeline).toHaveLength(3);
    expect(report.localTimeEvents?.map((e) => e.time)).toEqual(['2024-02-15 16:24:12']);
    expect(plain(report.localTimeEvents?.[0].text ?? [])).toContain('security.dll');
  });

  it('labels them "local time, offset unknown" in Markdown, after the UTC lines', () => {
    const md = renderMarkdown(report);
    const heading = md.indexOf('**Local time, offset unknown (not on the UTC timeline)**');
    expect(heading).toBeGreaterThan(md.indexOf('## Timeline'));
    expect(md.slice(heading)).toMatch(/^\*\*Local time[^\n]*\n\n- \*\*2024-02-15 16:24:12\*\* — /);
  });
});

describe('draft: the host’s background telemetry', () => {
  const alerts = [...runKeyAlerts(), azureAgent('bg-1'), azureAgent('bg-2')];
  // The incident record's indicator list is every alert's: the wire server's address among them.
  const incident = incidentOf('inc-bg', alerts);
  const report = draftReport(incident);

  it('has the wire server in the incident record to test with', () => {
    expect(incident.iocs.map((i) => i.value)).toContain(WIRE_SERVER);
  });

  it('counts it on one line, analyses none of it', () => {
    expect(report.backgroundEvents).toBe(2);
    expect(renderMarkdown(report)).toContain('2 background events of the host, not part of the attack.');
    expect(JSON.stringify(report.timeline)).not.toContain('WindowsAzureGuestAgent');
  });

  it('lists only the attack’s indicators, not the background’s', () => {
    expect(report.iocs.map((r) => r.value)).not.toContain('168.63.129[.]16');
    expect(report.iocs.length).toBeGreaterThan(0);
  });

  it('says nothing of background when there is none', () => {
    const none = draftReport(runKeyIncident());
    expect(none.backgroundEvents).toBe(0);
    expect(renderMarkdown(none)).not.toContain('background event');
  });
});

describe('draft: domains to block', () => {
  /** The procsrv C2 with no DNS query: the connection's hostname is Sysmon's reverse lookup of the address. */
  function reverseLookupOnly(): ReturnType<typeof procsrvIncident> {
    const base = procsrvIncident();
    const alerts = base.alerts
      .filter((a) => a.dns === undefined)
      .map((a): EnrichedAlert => {
        if (a.network === undefined) return a;
        const b = { ...a, network: { ...a.network, dstHostname: 'static-18.evil-updates.net' } };
        return { ...b, enrichment: { ...b.enrichment, iocs: extractIocs(b) } };
      });
    return { ...base, alerts, iocs: alerts.flatMap((a) => a.enrichment.iocs) };
  }

  it('never advises blocking a name that only a reverse lookup gave', () => {
    const steps = draftReport(reverseLookupOnly()).remediation.map((s) => plain(s.text));
    expect(steps.filter((s) => s.startsWith('Block the domain'))).toEqual([]);
    // The address it reached is still blocked.
    expect(steps).toContain(
      'Block 162.125.6[.]18:443 at the egress firewall and look for other hosts that reached it.',
    );
  });

  it('still blocks a name the attack queried and whose answer it reached', () => {
    const steps = draftReport(procsrvIncident()).remediation.map((s) => plain(s.text));
    expect(steps).toContain('Block the domain www[.]dropbox[.]com at the DNS resolver and web proxy.');
  });
});
