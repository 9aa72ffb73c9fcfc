import * as fs from 'node:fs';
import * as path from 'node:path';
import { DISPOSITION_FLAGS } from '../../../../lambdas/core/model/alert';
import type { Alert } from '../../../../lambdas/core/model/alert';
import { realFixture } from '../../../helpers/real-fixtures';
import { REPO_ROOT, run } from '../helpers';

/**
 * What the EDR and finding adapters read for the judge: techniques a vendor named only in words, mapped to ATT&CK ids
 * (and its own taxonomy refused), and the vendor's disposition (blocked, closed as benign) and posture findings as
 * alert flags.
 */

const real = (rel: string): Alert[] => run(fs.readFileSync(realFixture(rel)), rel).alerts;
const own = (rel: string): Alert[] =>
  run(fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/calibration', rel)), rel).alerts;
const one = (alerts: Alert[], match: (a: Alert) => boolean): Alert => {
  const hits = alerts.filter(match);
  if (hits.length !== 1) throw new Error(`expected one alert, found ${hits.length}`);
  return hits[0]!;
};
const titled = (text: string) => (a: Alert) => (a.title ?? a.rule?.name ?? '').includes(text);

describe('vendor technique names', () => {
  it('maps CrowdStrike’s "OS Credential Dumping" under "Credential Access" to T1003', () => {
    const [alert] = own('edr/crowdstrike-credential-dumping-by-name.json');
    expect(alert.techniques).toEqual(['T1003']);
  });

  it('keeps the id CrowdStrike gave beside its name, once', () => {
    const alert = one(real('elastic-integrations-crowdstrike/test-alert.log'), titled('Identity verification denied'));
    expect(alert.techniques).toEqual(['T1110']);
  });

  it('reads the technique Defender’s title names when the alert carries no technique field', () => {
    const alerts = real('elastic-integrations-microsoft-defender-endpoint/test-defenderatp.log');
    for (const a of alerts.filter(titled('process injection'))) expect(a.techniques).toEqual(['T1055']);
    expect(one(alerts, titled('Exeselrun')).techniques).toEqual([]);
  });

  it('refuses CrowdStrike’s own taxonomy: "Malicious File" filed under "Malware" is not T1204.002', () => {
    const alerts = real('elastic-integrations-crowdstrike/test-falcon-epp-detection-summary.log');
    const malware = alerts.filter(titled('Known Malware'));
    expect(malware.length).toBeGreaterThan(0);
    for (const a of malware) expect(a.techniques).toEqual([]);
  });
});

describe('vendor disposition and posture', () => {
  const flags = (a: Alert) => a.flags.filter((f) => (Object.values(DISPOSITION_FLAGS) as string[]).includes(f));

  it('reads CrowdStrike’s prevention dispositions as blocked, a detect-only one as nothing', () => {
    const epp = real('elastic-integrations-crowdstrike/test-falcon-epp-detection-summary.log');
    expect(flags(one(epp, titled('Initial Access via Remote Service')))).toEqual([DISPOSITION_FLAGS.blocked]);
    const v2 = real('elastic-integrations-crowdstrike/test-alert.log');
    expect(flags(one(v2, titled('PrewittPupAdwareSensorDetect')))).toEqual([DISPOSITION_FLAGS.blocked]);
    expect(flags(own('edr/crowdstrike-credential-dumping-by-name.json')[0])).toEqual([]);
    expect(flags(own('edr/crowdstrike-credential-dumping-blocked.json')[0])).toEqual([DISPOSITION_FLAGS.blocked]);
  });

  it('reads Defender’s automated investigation verdict Benign as benign', () => {
    const alerts = real('elastic-integrations-microsoft-defender-endpoint/test-defenderatp.log');
    expect(flags(one(alerts, titled('Exeselrun')))).toEqual([DISPOSITION_FLAGS.benign]);
    for (const a of alerts.filter(titled('process injection'))) expect(flags(a)).toEqual([]);
  });

  it('reads SentinelOne’s mitigation status', () => {
    const alerts = real('elastic-integrations-sentinel-one/test-pipeline-threat.log');
    expect(flags(one(alerts, (a) => a.host.name === 'arvchristos MacBook Pro'))).toEqual([DISPOSITION_FLAGS.blocked]);
    expect(flags(one(alerts, (a) => a.rule?.name === 'Trojan'))).toEqual([]);
  });

  it('reads Elastic Defend’s quarantine as blocked', () => {
    const [alert] = real('elastic-endpoint-package/sample_event.json');
    expect(flags(alert)).toEqual([DISPOSITION_FLAGS.blocked]);
  });

  it('marks posture checks as compliance findings, and a passed one as benign', () => {
    const [prowler] = real('ocsf-examples/prowler.ocsf');
    expect(flags(prowler).sort()).toEqual([DISPOSITION_FLAGS.benign, DISPOSITION_FLAGS.compliance].sort());
    const [asff] = real('ocsf-examples/Security Hub.raw');
    expect(flags(asff).sort()).toEqual([DISPOSITION_FLAGS.benign, DISPOSITION_FLAGS.compliance].sort());
    const [failed] = own('edr/securityhub-compliance-critical.json');
    expect(flags(failed)).toEqual([DISPOSITION_FLAGS.compliance]);
    const [guardDuty] = real('ocsf-examples/sechub-guardduty.raw');
    expect(flags(guardDuty)).toEqual([]);
  });

  it('reads Defender AV event 1117 (action taken) as blocked unless the action was Allow', () => {
    const event = (action: string) =>
      JSON.stringify({
        EventID: 1117,
        Channel: 'Microsoft-Windows-Windows Defender/Operational',
        SourceName: 'Microsoft-Windows-Windows Defender',
        Hostname: 'WS-7',
        RecordNumber: 7,
        EventTime: '2024-05-02 10:00:00',
        'Threat Name': 'Trojan:Win32/Wacatac.B!ml',
        'Severity Name': 'Severe',
        'Action Name': action,
      });
    expect(flags(run(event('Quarantine')).alerts[0])).toEqual([DISPOSITION_FLAGS.blocked]);
    expect(flags(run(event('Allow')).alerts[0])).toEqual([]);
  });
});
