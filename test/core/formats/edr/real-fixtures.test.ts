import { realFixture } from '../../../helpers/real-fixtures';
import { claimants, loadRecords, runFile } from './helpers';
import type { Outcome } from './helpers';
import type { Alert } from '../../../../lambdas/core/model/alert';
import type { RawRecord } from '../../../../lambdas/core/formats/types';

/**
 * The published vendor samples under test/fixtures/real (see SOURCES.md there; the few that may not be copied are read
 * from the shared corpus, and their tests fail, saying so, without it). Every record is accounted for: an alert with
 * the right values, or a rejection whose reason is true.
 */

const COUNTS = [
  { file: 'elastic-integrations-crowdstrike/test-falcon-detection-summary.log', records: 2, alerts: 2 },
  { file: 'elastic-integrations-crowdstrike/test-falcon-epp-detection-summary.log', records: 6, alerts: 6 },
  { file: 'elastic-integrations-crowdstrike/test-alert.log', records: 3, alerts: 3 },
  { file: 'elastic-integrations-microsoft-defender-endpoint/test-defenderatp.log', records: 5, alerts: 4 },
  { file: 'elastic-integrations-m365-defender/test-alert.log', records: 1, alerts: 1 },
  { file: 'elastic-integrations-sentinel-one/test-pipeline-threat.log', records: 6, alerts: 6 },
  { file: 'elastic-endpoint-package/sample_event.json', records: 1, alerts: 1 },
  { file: 'wazuh-indexer/wazuh-event.sample.json', records: 1, alerts: 1 },
  { file: 'ocsf-examples/sechub-guardduty.raw', records: 1, alerts: 1 },
  { file: 'ocsf-examples/sechub-guardduty.ocsf', records: 1, alerts: 1 },
  { file: 'ocsf-examples/Security Hub.raw', records: 1, alerts: 1 },
  { file: 'ocsf-examples/Security Hub.ocsf', records: 1, alerts: 1 },
  { file: 'ocsf-examples/detection_finding.ocsf', records: 1, alerts: 0 },
  { file: 'ocsf-examples/prowler.ocsf', records: 1, alerts: 1 },
  { file: 'ocsf-examples/malware_infection_detected_sample.json', records: 4, alerts: 4 },
];

/** Sysmon in JSON forms: none of these may be claimed by an EDR adapter (the generic one included). */
const SYSMON_JSON = [
  'otrf-security-datasets/cmd_bitsadmin_download_psh_script_2020-10-2302365189.json',
  'otrf-security-datasets/cmd_lsass_memory_dumpert_syscalls_2020-10-1822561997.json',
  'otrf-security-datasets/cmd_userinitmprlogonscript_batch_2020-10-1922471810.json',
  'otrf-security-datasets/psh_mavinject_dll_notepad_2020-10-2121410529.json',
  'jymcheong-sysmonresources/Excel DDE launch calculator eventlog.txt',
  'elastic-beats/sysmon-11-registry.evtx.golden.json',
  'elastic-integrations-windows-sysmon/test-image-loaded-failed-signature.json',
  'sigmahq-regression-data/9ace0707-b560-49b8-b6ca-5148b42f39fb.json',
  'sigmahq-regression-data/9f5c1d59-33be-4e60-bcab-85d2f566effd.json',
  'sigmahq-regression-data/d059842b-6b9d-4ed1-b5c3-5b89143c6ede.json',
];

const cache = new Map<string, Outcome[]>();
function outcomes(file: string): Outcome[] {
  let outs = cache.get(file);
  if (outs === undefined) {
    outs = runFile(realFixture(file));
    cache.set(file, outs);
  }
  return outs;
}
function alertsOf(file: string): Alert[] {
  return outcomes(file)
    .map((o) => o.alert)
    .filter((a): a is Alert => a !== undefined);
}

describe('EDR adapters on the real vendor samples', () => {
  it.each(COUNTS)('accounts for every record of $file', ({ file, records, alerts }) => {
    const outs = outcomes(file);
    const rejections = outs.filter((o) => o.alert === undefined);
    expect(outs).toHaveLength(records);
    expect(outs.length - rejections.length).toBe(alerts);
    for (const r of rejections) expect(typeof r.reason).toBe('string');
  });

  it('claims every vendor record with exactly one adapter, and the empty MDE page with none', () => {
    for (const { file } of COUNTS) {
      for (const record of loadRecords(realFixture(file))) {
        const emptyPage = JSON.stringify(record.value) === '{"value":[]}';
        expect({ file, position: record.position, claimed: claimants(record).length }).toEqual({
          file,
          position: record.position,
          claimed: emptyPage ? 0 : 1,
        });
      }
    }
  });

  it('leaves every Sysmon JSON record to the Sysmon adapters', () => {
    let checked = 0;
    for (const file of SYSMON_JSON) {
      const records: RawRecord[] = loadRecords(realFixture(file));
      // The elastic-package test wrapper `{"events": [...]}` is checked both whole and element by element.
      const inner = records.flatMap((r) => {
        const events = (r.value as { events?: unknown }).events;
        return Array.isArray(events) ? events.map((e) => ({ ...r, value: e, text: JSON.stringify(e) })) : [];
      });
      for (const record of [...records, ...inner]) {
        expect({ file, position: record.position, claimants: claimants(record) }).toEqual({
          file,
          position: record.position,
          claimants: [],
        });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  describe('CrowdStrike', () => {
    it('maps the legacy DetectionSummaryEvent and gives the near-duplicate the same alert id', () => {
      const [first, second] = alertsOf('elastic-integrations-crowdstrike/test-falcon-detection-summary.log');
      expect(first.alertId).toBe('crowdstrike:detect::id::test');
      expect(second.alertId).toBe(first.alertId);
      expect(first.host.name).toBe('ELASTICHOST');
      expect(first.eventTime).toBe('2023-06-15T16:06:52.400Z');
      // Severity 2 on the legacy 1–5 scale.
      expect(first.severity).toEqual({ vendor: 'Low', score: 40 });
      // `Tactic: Malware`, `Technique: PUP` are Falcon categories, not ATT&CK.
      expect(first.techniques).toEqual([]);
      expect(first.tactics).toBeUndefined();
      expect(first.network).toMatchObject({ dstIp: '67.43.156.1', dstPort: 443, direction: 'outbound' });
      expect(first.process?.hashes?.sha256).toBe('0b2cde5b355bda69aeb15159fa98b5554053f0936259a53c6dfb0934389238a2');
    });

    it('maps EPP detections: duplicates share an id, the scan is a file, the custom IOA names its rule', () => {
      const epp = alertsOf('elastic-integrations-crowdstrike/test-falcon-epp-detection-summary.log');
      expect(epp[0].host.name).toBe('DESKTOP1111');
      expect(epp[0].severity).toEqual({ vendor: 'Low', score: 30 });
      expect(epp[0].process?.hashes).toEqual({
        md5: '848a53dc549be0386e5da0f49700c389',
        sha256: 'faf0c5e4ef7dbcfd863377c55a4d1d87a3f6a58c13a8a9882e11012066f31976',
      });
      expect(epp[0].process?.grandparent?.image).toBe('\\Device\\HarddiskVolume2\\Windows\\System32\\services.exe');
      expect(epp[1].alertId).toBe(epp[3].alertId);
      expect(epp[3].host.ips).toEqual(['172.17.0.1', '2a02:cf40::']);
      // ProcessId 1719309930613520072 is beyond 2^53: JSON.parse rounded it, so it is not kept.
      expect(epp[1].process?.guid).toBeUndefined();
      expect(epp[2].process).toBeUndefined();
      expect(epp[2].file?.path).toBe('D:\\RECYCLER\\testpath\\testfile.vmx');
      expect(epp[4].eventName).toBe('EppDetectionSummaryEvent');
      expect(epp[4].eventTime).toBe('2025-03-21T19:07:20.000Z');
      expect(epp[5].rule).toEqual({ name: 'Initial Access via Remote Service (Atera) Block', id: '167' });
    });

    it('maps Alerts API v2, including the identity alert without a device', () => {
      const [ml, idp, ods] = alertsOf('elastic-integrations-crowdstrike/test-alert.log');
      expect(ml.alertId).toBe(
        'crowdstrike:92012896127c4a8236ba7601b886b0:ind:2ce412d17b334ad4adc8c1c54dbfec4b:399748687993-5761-42627600',
      );
      expect(ml.host.name).toBe('ABC709-1175');
      expect(ml.eventTime).toBe('2023-11-03T18:00:22.328Z');
      expect(ml.process?.pid).toBe(17076);
      expect(ml.process?.parent?.image).toBe('\\Device\\HarddiskVolume3\\Windows\\explorer.exe');
      expect(ml.process?.grandparent?.pid).toBe(4328);
      expect(idp.host.name).toBe('ABDC454.net.example.com');
      expect(idp.techniques).toEqual(['T1110']);
      expect(idp.severity).toEqual({ vendor: 'High', score: 79 });
      expect(ods.file?.path).toBe('E:\\Software\\Elmeasure\\ELNet 5.3\\ELSoft RS485\\setup.exe');
    });
  });

  describe('Microsoft Defender', () => {
    it('gives the alert repeated once per evidence the same alert id twice', () => {
      const outs = outcomes('elastic-integrations-microsoft-defender-endpoint/test-defenderatp.log');
      const ids = outs.map((o) => o.alert?.alertId);
      expect(ids.filter((id) => id === 'defender:da637291048912199236_1126926584')).toHaveLength(2);
      const [, processRow, userRow] = alertsOf('elastic-integrations-microsoft-defender-endpoint/test-defenderatp.log');
      expect(processRow.host.name).toBe('testserver4');
      expect(processRow.eventTime).toBe('2020-06-30T09:08:11.108Z');
      expect(processRow.severity).toEqual({ vendor: 'Medium', score: 50 });
      expect(processRow.process).toMatchObject({ pid: 4104, image: 'C:\\Windows\\System32\\notepad.exe' });
      expect(userRow.artifacts).toEqual([{ type: 'user', value: 'TestServer4\\administrator1' }]);
    });

    it('rejects the empty API page as no alert format', () => {
      const last = outcomes('elastic-integrations-microsoft-defender-endpoint/test-defenderatp.log')[4];
      expect(last.record.value).toEqual({ value: [] });
      expect(last.reason).toBe('unknown format');
    });

    it('maps the Graph alert evidence', () => {
      const [alert] = alertsOf('elastic-integrations-m365-defender/test-alert.log');
      expect(alert.alertId).toBe('defender:da637551227677560813_-961444813');
      expect(alert.host).toMatchObject({ name: 'tempDns', agentId: '73e7e2de709dff64ef64b1d0c30e67fab63279db' });
      expect(alert.eventTime).toBe('2021-04-27T12:19:27.721Z');
      expect(alert.techniques).toEqual(['T1564.001']);
      expect(alert.severity).toEqual({ vendor: 'low', score: 30 });
      expect(alert.user).toEqual({ name: 'SYSTEM', domain: 'NT AUTHORITY', sid: 'S-1-5-18' });
      expect(alert.process).toMatchObject({ pid: 4780, image: 'C:\\Program Files\\temp\\MsSense.exe' });
      expect(alert.registry?.key).toBe(
        'HKEY_LOCAL_MACHINE\\SYSTEM\\CONTROLSET001\\CONTROL\\WMI\\AUTOLOGGER\\SENSEAUDITLOGGER',
      );
    });
  });

  describe('SentinelOne', () => {
    it('gives the five records sharing an id the same alert id, each with its own classification', () => {
      const threats = alertsOf('elastic-integrations-sentinel-one/test-pipeline-threat.log');
      expect(new Set(threats.slice(0, 5).map((a) => a.alertId))).toEqual(new Set(['sentinelone:1234567890123456789']));
      expect(threats.slice(0, 5).map((a) => a.rule?.name)).toEqual([
        'Trojan',
        'Malware',
        'Exploit',
        'PUA',
        'Downloader',
      ]);
      expect(threats[0].host.name).toBe('test-LINUX');
      expect(threats[0].eventTime).toBe('2022-04-06T08:45:53.968Z');
      expect(threats[0].severity).toEqual({ vendor: 'malicious', score: 75 });
    });

    it('maps the macOS record', () => {
      const mac = alertsOf('elastic-integrations-sentinel-one/test-pipeline-threat.log')[5];
      expect(mac.alertId).toBe('sentinelone:2120407777501474123');
      expect(mac.host.name).toBe('arvchristos MacBook Pro');
      expect(mac.host.ips).toEqual(['192.168.100.226', '10.251.20.65']);
      expect(mac.eventTime).toBe('2025-01-04T14:31:43.000Z');
      expect(mac.file).toEqual({
        path: '/Users/REDACTED/Downloads/uc232a_windows_setup_v1.0.084/UC232A_Windows_Setup.exe',
        hashes: {
          sha1: 'fb212d2614de0275fc350b6c8d057525190ea8d8',
          sha256: '49280a15191065129e434f96444b29af83aa54d85fb6912030c62ab7ad2e4440',
        },
      });
    });
  });

  it('maps the Elastic Defend malware alert', () => {
    const [alert] = alertsOf('elastic-endpoint-package/sample_event.json');
    expect(alert.alertId).toBe('elastic:MYfSjQEEEFe1o09b+++++D5Q');
    expect(alert.host.name).toBe('security-win-1');
    expect(alert.eventTime).toBe('2022-04-04T12:15:41.594Z');
    expect(alert.severity).toEqual({ vendor: '73', score: 73 });
    expect(alert.techniques).toEqual([]);
    expect(alert.file?.hashes?.sha256).toBe('90143dfb2e3210f18e1bcc50eb6c3961d11071e3ec024215b8835e468fa63e53');
  });

  it('maps the Wazuh Shellshock alert inside its search hit', () => {
    const [alert] = alertsOf('wazuh-indexer/wazuh-event.sample.json');
    expect(alert.alertId).toBe('wazuh:1707402914.872885');
    expect(alert.host.name).toBe('redacted.com');
    expect(alert.eventTime).toBe('2024-02-08T14:35:14.334Z');
    expect(alert.techniques).toEqual(['T1068', 'T1190']);
    expect(alert.severity).toEqual({ vendor: 'level 6', score: 40 });
    // `srcip` is the dummy value 000.111.222.10, not an address: it stays in raw only.
    expect(alert.network).toBeUndefined();
  });

  describe('cloud findings', () => {
    it('maps the GuardDuty finding the same way from ASFF and from OCSF', () => {
      const [asff] = alertsOf('ocsf-examples/sechub-guardduty.raw');
      const [ocsf] = alertsOf('ocsf-examples/sechub-guardduty.ocsf');
      expect(asff.alertId).toBe(
        'securityhub:arn:aws:guardduty:us-east-2:111111111111:detector/1ac1bfceda6679698215d5d0EXAMPLE/finding/a6c556fcbc9bea427a19f8b787099a0b',
      );
      expect(asff.eventType).toBe('finding');
      expect(asff.host.name).toBe('AWS::IAM::AccessKey:ASIATMJPC7EXAMPLE');
      expect(asff.eventTime).toBe('2023-09-19T15:05:22.487Z');
      expect(asff.severity).toEqual({ vendor: 'LOW', score: 30 });
      expect(asff.user).toEqual({ name: 'Admin' });
      expect(asff.tactics).toEqual(['Defense Evasion']);
      expect(asff.artifacts).toEqual([{ type: 'ip', value: '52.94.133.131', role: 'remote caller' }]);
      expect([ocsf.host.name, ocsf.eventTime, ocsf.severity.score, ocsf.eventType]).toEqual([
        asff.host.name,
        asff.eventTime,
        asff.severity.score,
        'finding',
      ]);
    });

    it('maps the Security Hub control finding the same way from ASFF and from OCSF 1.0.0-rc.2', () => {
      const [asff] = alertsOf('ocsf-examples/Security Hub.raw');
      const [ocsf] = alertsOf('ocsf-examples/Security Hub.ocsf');
      expect(asff.host.name).toBe('arn:aws:ec2:us-east-1:522536594833:security-group/sg-0daf160f08dfed499');
      expect(asff.rule).toEqual({
        name: 'EC2.19 Security groups should not allow unrestricted access to ports with high risk',
        id: 'EC2.19',
      });
      expect(ocsf.alertId).toBe('ocsf:test');
      expect([ocsf.host.name, ocsf.eventTime, ocsf.severity.score]).toEqual([
        asff.host.name,
        '2021-10-28T19:33:39.417Z',
        10,
      ]);
    });

    it('rejects the Okta login finding, which names no device and no resource id', () => {
      const [okta] = outcomes('ocsf-examples/detection_finding.ocsf');
      expect(okta.adapter?.id).toBe('ocsf-finding');
      expect(okta.reason).toBe('missing host: no device.hostname and no resources[].uid');
    });

    it('maps Prowler without taking the compliance mapping for a detected technique', () => {
      const [alert] = alertsOf('ocsf-examples/prowler.ocsf');
      expect(alert.host.name).toBe(
        'arn:aws:acm:eu-west-1:111122223333:certificate/e4dc1386-8b4b-402c-9fed-03269ee10006',
      );
      expect(alert.eventTime).toBe('2024-10-04T13:49:02.000Z');
      expect(alert.severity).toEqual({ vendor: 'High', score: 75 });
      expect(alert.techniques).toEqual([]);
    });

    it('maps the SecurityScorecard findings to the infected IPs', () => {
      const findings = alertsOf('ocsf-examples/malware_infection_detected_sample.json');
      expect(findings.map((a) => a.host.name)).toEqual([
        '1.183.190.110',
        '59.11.81.231',
        '190.109.227.80',
        '38.7.186.198',
      ]);
      expect(findings[0].severity).toEqual({ vendor: 'Informational', score: 10 });
      expect(findings[0].artifacts).toEqual([
        { type: 'domain', value: 'open-internet.nl', role: 'infected_device.malware_hostname' },
      ]);
    });
  });
});
