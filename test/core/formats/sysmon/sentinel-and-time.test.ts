import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractIocs } from '../../../../lambdas/core/enrich/iocs';
import { detectStage, loadDetectStage } from '../../../../lambdas/core/detect/stage';
import { normalizeInput } from '../../../../lambdas/core/formats/index';
import { parseTaskXml } from '../../../../lambdas/core/formats/sysmon/task-xml';
import { REPO_ROOT, RECEIVED, byCode, readOwn, run } from '../helpers';

/**
 * Azure Monitor Agent / Microsoft Sentinel rows (WindowsEvent, SecurityEvent), alert identity without a record id,
 * local clocks of flat forwarders, task definitions and IPv4-mapped answers.
 */

const SENTINEL = 'sentinel-rows.ndjson';
const CERTUTIL_RULE = '19b08b1c-861d-4e75-a1ef-ea0c1baf202b';

describe('Sentinel WindowsEvent and SecurityEvent rows', () => {
  const { alerts, rejections } = run(readOwn(SENTINEL));

  it('reads every row: Sysmon through sysmon-sentinel, Security through windows-event', () => {
    expect(rejections).toEqual([]);
    expect(alerts.map((a) => [a.source.format, a.eventCode])).toEqual([
      ['sysmon-sentinel', 1],
      ['sysmon-sentinel', 22],
      ['windows-event', 4698],
      ['windows-event', 1102],
      ['windows-event', 1102],
    ]);
  });

  it('takes EventData given as a JSON string, as an object and as SecurityEvent XML', () => {
    expect(byCode(alerts, 1)).toMatchObject({
      alertId: 'sysmon:fin-ws-07:microsoft-windows-sysmon/operational:90211',
      eventTime: '2025-03-04T10:15:02.120Z',
      host: { name: 'fin-ws-07.corp.example' },
      process: { image: 'C:\\Windows\\System32\\certutil.exe', pid: 6712 },
    });
    expect(byCode(alerts, 22).dns).toEqual({
      query: 'cdn.example-payload.net',
      results: ['::ffff:203.0.113.45'],
      status: '0',
    });
    expect(byCode(alerts, 4698).user).toMatchObject({ name: 'alice', domain: 'CORP' });
  });

  it('parses the 4698 task definition: name, action, trigger, author', () => {
    expect(byCode(alerts, 4698).task).toEqual({
      name: '\\Updater',
      action: 'C:\\Users\\Public\\payload.exe -q',
      trigger: 'logon',
      author: 'CORP\\alice',
      operation: 'created',
    });
  });

  it('identifies events without a record id by time and content: one audit-log clear per day', () => {
    const cleared = alerts.filter((a) => a.eventCode === 1102);
    expect(cleared.map((a) => a.eventTime)).toEqual(['2025-03-02T23:00:00.000Z', '2025-03-03T23:00:00.000Z']);
    expect(new Set(cleared.map((a) => a.alertId)).size).toBe(2);
    // The same row delivered again is the same alert.
    const again = run(readOwn(SENTINEL)).alerts.filter((a) => a.eventCode === 1102);
    expect(again.map((a) => a.alertId)).toEqual(cleared.map((a) => a.alertId));
  });

  it('treats an IPv4-mapped DNS answer as the IPv4 it is, defanged', () => {
    const ips = extractIocs(byCode(alerts, 22)).filter((i) => i.type === 'ipv4' || i.type === 'ipv6');
    expect(ips).toEqual([
      { type: 'ipv4', value: '203.0.113.45', defanged: '203.0.113[.]45', role: 'dns answer', private: false },
    ]);
  });

  it('gets Sigma detection for a Sysmon WindowsEvent row through the detect stage', () => {
    const stage = loadDetectStage({});
    const annotated = normalizeInput(readOwn(SENTINEL), 's', { receivedTime: RECEIVED, annotate: stage.annotate });
    const proc = byCode(annotated.alerts, 1);
    expect((proc.detections ?? []).map((d) => d.id)).toContain(CERTUTIL_RULE);
    // And nothing with no packs: the match comes from the rule, not from the fixture.
    const bare = detectStage([]);
    const none = normalizeInput(readOwn(SENTINEL), 's', { receivedTime: RECEIVED, annotate: bare.annotate });
    expect(byCode(none.alerts, 1).detections ?? []).toEqual([]);
  });
});

describe('task definitions', () => {
  it('lists every Exec action and COM handler and every trigger kind', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-16"?><Task xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">' +
      '<RegistrationInfo><Author>S-1-5-18</Author></RegistrationInfo>' +
      '<Triggers><TimeTrigger/><CalendarTrigger><ScheduleByDay/></CalendarTrigger></Triggers>' +
      '<Actions><Exec><Command>cmd.exe</Command><Arguments>/c a.bat</Arguments></Exec>' +
      '<ComHandler><ClassId>{0000-1}</ClassId></ComHandler></Actions></Task>';
    expect(parseTaskXml(xml)).toEqual({
      action: 'cmd.exe /c a.bat; com:{0000-1}',
      trigger: 'time, calendar',
      author: 'S-1-5-18',
    });
  });

  it('gives nothing for text that is no task definition, broken XML or a DTD', () => {
    expect(parseTaskXml('not xml')).toBeUndefined();
    expect(parseTaskXml('<Task><Actions>')).toBeUndefined();
    expect(parseTaskXml('<!DOCTYPE x [<!ENTITY a "b">]><Task/>')).toBeUndefined();
    expect(parseTaskXml('<Other/>')).toBeUndefined();
  });
});

describe('local clocks of flat forwarders', () => {
  const otrf = (name: string): Buffer =>
    fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/real/otrf-security-datasets', name));

  it.each([
    'cmd_lsass_memory_dumpert_syscalls_2020-10-1822561997.json',
    'cmd_userinitmprlogonscript_batch_2020-10-1922471810.json',
    'psh_mavinject_dll_notepad_2020-10-2121410529.json',
    'cmd_bitsadmin_download_psh_script_2020-10-2302365189.json',
  ])('puts %s on one UTC timeline: Security events inside the Sysmon span', (name) => {
    const { alerts } = run(otrf(name));
    const sysmon = alerts.filter((a) => a.source.product === 'sysmon' && !a.flags.includes('time-zone-unverified'));
    const others = alerts.filter((a) => a.source.product !== 'sysmon');
    expect(others.length).toBeGreaterThan(0);
    const times = sysmon.map((a) => Date.parse(a.eventTime));
    const [lo, hi] = [Math.min(...times), Math.max(...times)];
    const hour = 3600 * 1000;
    for (const a of others) {
      expect(a.flags).toContain('time-zone-corrected');
      const t = Date.parse(a.eventTime);
      expect(t).toBeGreaterThanOrEqual(lo - hour);
      expect(t).toBeLessThanOrEqual(hi + hour);
    }
  });

  it('keeps the local time flagged when no event of the host measures the offset', () => {
    const line = JSON.stringify({
      EventID: 4688,
      Channel: 'Security',
      Hostname: 'WS-9',
      TimeCreated: '2020-10-18 10:56:18.799',
      NewProcessName: 'C:\\x.exe',
    });
    const [a] = run(line).alerts;
    expect(a!.flags).toContain('time-zone-unverified');
    expect(a!.flags).not.toContain('time-zone-corrected');
  });
});
