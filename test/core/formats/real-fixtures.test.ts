import * as fs from 'node:fs';
import type { Alert } from '../../../lambdas/core/model/alert';
import { decode } from '../../../lambdas/core/formats/decode';
import { adapters } from '../../../lambdas/core/formats/registry';
import { allRealFixtures, realFixture } from '../../helpers/real-fixtures';
import { run } from './helpers';

/**
 * The published samples under test/fixtures/real (see SOURCES.md there). The few whose license keeps them out of the
 * repository are read from the shared corpus; their tests fail, saying so, on a clone without it. test/fixtures/formats
 * keeps the formats suite meaningful on its own.
 */

const load = (rel: string) => run(fs.readFileSync(realFixture(rel)), rel);
const counts = (alerts: Alert[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const a of alerts)
    out[`${a.source.format}:${a.eventCode}`] = (out[`${a.source.format}:${a.eventCode}`] ?? 0) + 1;
  return out;
};

describe('every real fixture file', () => {
  const files = allRealFixtures();

  it('is read', () => {
    expect(files.length).toBeGreaterThanOrEqual(28);
  });

  it.each(files)('%s: every record ends as one alert or one rejection', (rel) => {
    const body = fs.readFileSync(realFixture(rel));
    const decoded = decode(body, rel);
    const { alerts, rejections } = run(body, rel);
    expect(alerts.length + rejections.length).toBe(decoded.records.length + decoded.rejections.length);
    for (const r of rejections) expect(r.reason).toMatch(/^[^\n]+$/);
  });

  it.each(files)('%s: no record is claimed by two Sysmon-side adapters', (rel) => {
    const ours = new Set(['sysmon-xml', 'sysmon-evtx-json', 'sysmon-ecs', 'sysmon-flat', 'windows-event']);
    for (const rec of decode(fs.readFileSync(realFixture(rel)), rel).records) {
      const claims = adapters.filter((a) => a.detect(rec)).map((a) => a.id);
      const sysmonSide = claims.filter((id) => ours.has(id));
      // A Sysmon-side adapter that claims a record must be the only claimant: it would otherwise steal an EDR alert.
      expect(sysmonSide.length === 0 || claims.length === 1).toBe(true);
    }
  });
});

describe('Sysmon as Event Log XML', () => {
  it('reads the UTF-16LE Event Viewer export (jymcheong schtasksPersistence.xml)', () => {
    const { alerts, rejections } = load('jymcheong-sysmonresources/schtasksPersistence.xml');
    expect(rejections).toEqual([]);
    expect(counts(alerts)).toEqual({
      'sysmon-xml:1': 4,
      'sysmon-xml:3': 5,
      'sysmon-xml:5': 2,
      'sysmon-xml:9': 2,
      'sysmon-xml:10': 2,
      'sysmon-xml:11': 1,
      'sysmon-xml:17': 2,
      'sysmon-xml:18': 6,
    });
    const task = alerts.find((a) => a.eventCode === 11)!;
    expect(task).toMatchObject({
      alertId: 'sysmon:desktop-o153t4r:microsoft-windows-sysmon/operational:27757',
      host: { name: 'DESKTOP-O153T4R' },
      eventTime: '2018-02-05T07:08:53.781Z',
      eventType: 'file_create',
      file: { path: 'C:\\Windows\\System32\\Tasks\\Updater' },
    });
    const schtasks = alerts.find((a) => a.process?.image?.endsWith('schtasks.exe') && a.eventCode === 1)!;
    expect(schtasks.process?.commandLine).toMatch(
      /^"C:\\WINDOWS\\system32\\schtasks\.exe" \/Create \/F \/SC DAILY .* \/TN Updater /,
    );
    const beacon = alerts.find((a) => a.eventCode === 3 && a.network?.dstIp === '172.168.103.188')!;
    expect(beacon.network).toMatchObject({ direction: 'outbound', dstPort: 80, protocol: 'tcp' });
  });

  it('reads winlogbeat test data (elastic-beats sysmon-9.01.xml)', () => {
    const { alerts, rejections } = load('elastic-beats/sysmon-9.01.xml');
    expect(rejections).toEqual([]);
    expect(alerts).toHaveLength(32);
    const install = alerts.find((a) => a.eventCode === 16)!;
    expect(install).toMatchObject({
      alertId: 'sysmon:vagrant-2012-r2:microsoft-windows-sysmon/operational:1',
      eventType: 'sysmon_config_change',
      eventTime: '2019-03-18T16:57:37.933Z',
      host: { name: 'vagrant-2012-r2' },
    });
    const llmnr = alerts.find((a) => a.alertId.endsWith(':19'))!;
    expect(llmnr.network).toEqual({
      protocol: 'udp',
      direction: 'outbound',
      srcIp: 'a9fe:b419:0:0:f880:2301:e0:ffff',
      srcPort: 55717,
      dstIp: 'e000:fc:0:0:0:0:0:0',
      dstPort: 5355,
    });
  });

  it('keeps Defender 1116 (raw & in a URL) as a generic Windows event, not Sysmon', () => {
    const { alerts, rejections } = load('ocsf-examples/1116.xml');
    expect(rejections).toEqual([]);
    expect(alerts[0]).toMatchObject({
      alertId: 'winevt:desktop-aaabbbb:microsoft-windows-windows defender/operational:40629',
      source: { product: 'generic', format: 'windows-event' },
      eventType: 'malware_detected',
      eventTime: '2024-02-10T05:45:10.139Z',
      host: { name: 'DESKTOP-AAABBBB' },
      user: { name: 'User', domain: 'DESKTOP-AAABBBB' },
      rule: { name: 'Trojan:Win32/Ymacco.AA4E', id: '2147757185' },
      severity: { vendor: 'Severe', score: 90 },
      file: { path: 'D:\\New folder\\mal.exe' },
      techniques: [],
    });
  });
});

describe('Sysmon as evtx_dump JSON (sigmahq-regression-data)', () => {
  it('maps the logon-script registry value (13)', () => {
    const { alerts } = load('sigmahq-regression-data/9ace0707-b560-49b8-b6ca-5148b42f39fb.json');
    expect(alerts[0]).toMatchObject({
      alertId: 'sysmon:ar-win-dc:microsoft-windows-sysmon/operational:16510574',
      source: { format: 'sysmon-evtx-json' },
      host: { name: 'ar-win-dc.attackrange.local', fqdn: 'ar-win-dc.attackrange.local' },
      eventTime: '2025-10-25T23:56:33.705Z',
      eventType: 'registry_value_set',
      user: { name: 'Administrator', domain: 'ATTACKRANGE' },
      registry: {
        key: 'HKU\\S-1-5-21-3960063115-309473240-3247002503-500\\Environment',
        valueName: 'UserInitMprLogonScript',
        valueData: 'C:\\Users\\ADMINI~1\\AppData\\Local\\Temp\\art.bat',
      },
    });
  });

  it('maps lsass access (10) with numeric ids and brace-less GUIDs', () => {
    const { alerts } = load('sigmahq-regression-data/9f5c1d59-33be-4e60-bcab-85d2f566effd.json');
    expect(alerts[0]).toMatchObject({
      eventType: 'process_access',
      process: {
        guid: '0197231E-046C-6928-160C-000000000D00',
        pid: 296,
        image: 'C:\\Users\\Public\\wsass\\WerFaultSecure.exe',
      },
      target: { pid: 860, image: 'C:\\WINDOWS\\system32\\lsass.exe', grantedAccess: '0x1fffff' },
    });
    expect(alerts[0]!.target?.callTrace).toContain('dbgcore.DLL+44c34');
  });

  it('maps bitsadmin process creation (1) and drops the all-zero parent GUID', () => {
    const { alerts } = load('sigmahq-regression-data/d059842b-6b9d-4ed1-b5c3-5b89143c6ede.json');
    expect(alerts[0]).toMatchObject({
      eventType: 'process_create',
      eventTime: '2025-12-10T04:33:20.557Z',
      process: {
        image: 'C:\\Windows\\System32\\bitsadmin.exe',
        commandLine: 'bitsadmin  /transfer n https://www.atomicredteam.io/atomic-red-team/atomics/T1218.011 hello.html',
        parent: { pid: 14736 },
      },
    });
  });
});

describe('Sysmon as Winlogbeat / Elastic Agent ECS', () => {
  it('reads the raw winlogbeat golden file (array of 13s)', () => {
    const { alerts, rejections } = load('elastic-beats/sysmon-11-registry.evtx.golden.json');
    expect(rejections).toEqual([]);
    expect(counts(alerts)).toEqual({ 'sysmon-ecs:13': 5 });
    expect(alerts[0]).toMatchObject({
      alertId: 'sysmon:vagrant:microsoft-windows-sysmon/operational:2682',
      eventTime: '2020-05-05T14:57:40.589Z',
      host: { name: 'vagrant' },
      registry: { operation: 'SetValue', valueName: 'Key 1', valueData: 'DWORD (0x00000004)' },
    });
  });

  it('unwraps the elastic-package events wrapper and keeps the failed signature (7)', () => {
    const { alerts, rejections } = load('elastic-integrations-windows-sysmon/test-image-loaded-failed-signature.json');
    expect(rejections).toEqual([]);
    expect(alerts[0]).toMatchObject({
      alertId: 'sysmon:vagrant:microsoft-windows-sysmon/operational:10685',
      eventType: 'image_load',
      eventTime: '2020-10-28T02:39:26.374Z',
      module: { path: 'C:\\Windows\\System32\\IDStore.dll', signed: false, signatureStatus: 'failed: Invalid hash' },
    });
  });
});

describe('Sysmon as flat JSON', () => {
  it('reads the NXLog export despite its .txt name (Excel DDE → cmd → calc)', () => {
    const { alerts, rejections } = load('jymcheong-sysmonresources/Excel DDE launch calculator eventlog.txt');
    expect(rejections).toEqual([]);
    expect(counts(alerts)).toEqual({ 'sysmon-flat:1': 6 });
    const cmd = alerts.find((a) => a.process?.commandLine === 'CMD.EXE  /C calc')!;
    expect(cmd).toMatchObject({
      alertId: 'sysmon:desktop-ppds4vr:microsoft-windows-sysmon/operational:32753',
      host: { name: 'DESKTOP-PPDS4VR' },
      eventTime: '2018-01-29T06:34:22.453Z',
      process: { parent: { image: 'C:\\Program Files\\Microsoft Office\\Office16\\EXCEL.EXE' } },
    });
  });

  it('reads the OTRF mavinject dataset: DNS, file drop, CreateRemoteThread, and the Security events beside them', () => {
    const { alerts, rejections } = load('otrf-security-datasets/psh_mavinject_dll_notepad_2020-10-2121410529.json');
    expect(rejections).toEqual([]);
    expect(alerts).toHaveLength(509);
    expect(alerts.filter((a) => a.source.format === 'sysmon-flat')).toHaveLength(467);
    expect(alerts.filter((a) => a.source.format === 'windows-event')).toHaveLength(42);
    const inject = alerts.find((a) => a.eventCode === 8 && a.source.format === 'sysmon-flat')!;
    expect(inject).toMatchObject({
      host: { name: 'WORKSTATION5' },
      eventTime: '2020-10-22T01:40:56.458Z',
      eventType: 'create_remote_thread',
      process: { pid: 3224, image: 'C:\\Windows\\System32\\mavinject.exe' },
      target: { pid: 3440, image: 'C:\\Windows\\System32\\notepad.exe', startFunction: 'LoadLibraryW' },
    });
    expect(inject.alertId).toMatch(/^sysmon:workstation5:[0-9a-f]{32}$/);
    const drop = alerts.find((a) => a.eventCode === 11 && a.file?.path === 'C:\\ProgramData\\T1055.dll');
    expect(drop?.eventTime).toBe('2020-10-22T01:40:44.607Z');
    const github = alerts.find((a) => a.dns?.query === 'github.com');
    expect(github?.dns?.results).toEqual(['::ffff:140.82.121.4']);
  });

  it('reads the OTRF lsass dump: Dumpert opens lsass with full access', () => {
    const { alerts } = load('otrf-security-datasets/cmd_lsass_memory_dumpert_syscalls_2020-10-1822561997.json');
    const access = alerts.find((a) => a.eventCode === 10 && a.process?.image?.endsWith('Outflank-Dumpert.exe'));
    expect(access).toMatchObject({
      eventTime: '2020-10-19T02:56:14.360Z',
      target: { pid: 756, grantedAccess: '0x1fffff' },
    });
  });

  it('reads the OTRF logon-script dataset: the UserInitMprLogonScript value', () => {
    const { alerts } = load('otrf-security-datasets/cmd_userinitmprlogonscript_batch_2020-10-1922471810.json');
    const set = alerts.find((a) => a.registry?.valueName === 'UserInitMprLogonScript');
    expect(set).toMatchObject({
      eventType: 'registry_value_set',
      eventTime: '2020-10-20T02:47:08.761Z',
      registry: { valueData: 'C:\\Users\\wardog\\AppData\\Local\\Temp\\art.bat' },
      process: { image: 'C:\\windows\\system32\\reg.exe' },
    });
  });

  it('keeps OTRF Security events (4688) as generic Windows events, their local clock converted to UTC', () => {
    const { alerts } = load('otrf-security-datasets/cmd_bitsadmin_download_psh_script_2020-10-2302365189.json');
    expect(alerts).toHaveLength(424);
    const created = alerts.filter((a) => a.source.format === 'windows-event' && a.eventCode === 4688);
    expect(created).toHaveLength(2);
    // TimeCreated says 02:3x "Z"; the same host's Sysmon UtcTime says 06:3x: the collector wrote local time (UTC-4).
    expect(created[0]!.flags).toContain('time-zone-corrected');
    expect(created[0]!.flags).not.toContain('time-zone-unverified');
    expect(created[0]!.eventTime.slice(0, 13)).toBe('2020-10-23T06');
    expect(created[0]!.eventType).toBe('process_create');
  });
});
