import type { EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import type { IncidentView } from '../../../lambdas/core/model/incident';
import { incidentOf, procsrvIncident, runKeyIncident, sysmonAlert } from '../draft/factories';

/** Incidents every rendering test runs over: the two references, a bare EDR detection and a storm. */

/** A CrowdStrike detection with no process, no user and no technique, raw JSON with nulls in it. */
export function bareDetectionIncident(): IncidentView {
  const a: EnrichedAlert = sysmonAlert(
    {
      alertId: 'cs:ldt:8c2f:4711',
      source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2', vendorId: 'ldt:8c2f:4711' },
      eventTime: '2024-04-02T08:15:00.000Z',
      eventType: 'detection',
      eventCode: undefined,
      title: 'Suspicious activity',
      host: { name: 'ops-srv-12' },
      severity: { vendor: 'Medium', score: 50 },
      raw: {
        id: 'ldt:8c2f:4711',
        parent_details: null,
        tactic: null,
        scenario: 'suspicious_activity',
        nested: { a: null, b: [1, null] },
      },
    },
    { hostKey: 'ops-srv-12', severity: { score: 50, reasons: ['vendor severity medium (50)'] } },
  );
  return incidentOf('inc-bare', [a]);
}

/** A storm: 300 identical network alerts to one destination, sampled to 120 of 10,000. */
export function stormIncident(): IncidentView {
  const alerts = Array.from({ length: 120 }, (_, i) =>
    sysmonAlert(
      {
        alertId: `storm:${i}`,
        source: { product: 'sysmon', format: 'sysmon-xml', vendorId: String(700000 + i) },
        eventTime: new Date(Date.UTC(2024, 4, 1, 12, 0, i)).toISOString(),
        eventType: 'network_connect',
        eventCode: 3,
        host: { name: 'KIOSK-01' },
        process: { guid: '{11111111-2222-3333-4444-555555555555}', pid: 3100, image: 'C:\\Users\\Public\\beacon.exe' },
        network: { protocol: 'tcp', direction: 'outbound', dstIp: '198.51.100.23', dstPort: 8443 },
        raw: `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>3</EventID><EventRecordID>${700000 + i}</EventRecordID></System><EventData><Data Name='Image'>C:\\Users\\Public\\beacon.exe</Data>${'<Data Name="Pad">x</Data>'.repeat(40)}</EventData></Event>`,
      },
      {
        hostKey: 'kiosk-01',
        iocs: [
          {
            type: 'ipv4',
            value: '198.51.100.23',
            defanged: '198.51.100[.]23',
            role: 'network destination',
            port: 8443,
          },
        ],
        severity: { score: 66, reasons: ['beaconing (+20)'] },
      },
    ),
  );
  return incidentOf('inc-storm', alerts, { alertCount: 10000, duplicates: 250 });
}

export const SCENARIOS: [string, () => IncidentView][] = [
  ['run key (reference SOC ticket)', runKeyIncident],
  ['procsrv (CISA report)', procsrvIncident],
  ['bare EDR detection', bareDetectionIncident],
  ['storm', stormIncident],
];
