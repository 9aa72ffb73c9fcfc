import { correlate } from '../../../lambdas/core/correlate/correlate';
import { SHORT_LINK_WINDOW_MS, linkKeys } from '../../../lambdas/core/correlate/keys';
import type { Alert } from '../../../lambdas/core/model/alert';
import type { EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import { makeEnriched } from '../../helpers/alerts';

/**
 * One attack, one incident: the same execution seen by an EDR and by Sysmon, the parts of one persistence object
 * (WMI subscription, service, task), and one anti-malware session on a host.
 */

const T0 = Date.parse('2024-02-15T21:24:10.000Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

/** An event with no rule, technique or registry of its own, so only what the test gives it can link it. */
function ev(id: string, seconds: number, overrides: Partial<Alert>): EnrichedAlert {
  return makeEnriched({
    alertId: id,
    eventTime: at(seconds),
    rule: undefined,
    techniques: [],
    registry: undefined,
    process: undefined,
    eventType: 'windows_event',
    ...overrides,
  });
}

const incidentsOf = (alerts: EnrichedAlert[]): number =>
  new Set(correlate(alerts, new Map(), undefined, at(0)).assignment.values()).size;

const DUMP_CMD = 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Temp\\l.dmp full';
const SHA = 'a'.repeat(64);

describe('cross-sensor merge', () => {
  const falcon = ev('cs:ldt:1', 0, {
    source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2' },
    eventType: 'edr_detection',
    process: { guid: '10987345521', image: 'C:\\Windows\\System32\\rundll32.exe', commandLine: DUMP_CMD },
  });
  const sysmon = ev('sysmon:1', 2, {
    eventType: 'process_create',
    process: {
      guid: '{cccc0000-0000-0000-0000-000000000001}',
      pid: 5012,
      image: 'C:\\WINDOWS\\system32\\rundll32.exe',
      commandLine: `"${DUMP_CMD.replace('rundll32.exe', 'rundll32.exe ')}"`,
    },
  });

  it('joins an EDR alert and Sysmon events with the same image and command line seconds apart', () => {
    expect(incidentsOf([falcon, sysmon])).toBe(1);
  });

  it('joins through a shared SHA-256', () => {
    const edr = ev('cs:ldt:2', 0, {
      source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2' },
      process: { guid: '77', image: 'C:\\Users\\Public\\x.exe', hashes: { sha256: SHA } },
    });
    const sys = ev('sysmon:2', 3, {
      eventType: 'file_create',
      file: { path: 'C:\\Temp\\y.exe', hashes: { SHA256: SHA.toUpperCase() } },
    });
    expect(incidentsOf([edr, sys])).toBe(1);
  });

  it('does not join the same command line hours apart: the window is short', () => {
    const later = { ...sysmon, alertId: 'sysmon:late', eventTime: at(SHORT_LINK_WINDOW_MS / 1000 + 3600) };
    expect(incidentsOf([falcon, later])).toBe(2);
  });

  it('does not join other hosts', () => {
    const other = {
      ...sysmon,
      alertId: 'sysmon:other',
      host: { name: 'other-ws' },
      enrichment: { ...sysmon.enrichment, hostKey: 'other-ws' },
    };
    expect(incidentsOf([falcon, other])).toBe(2);
  });
});

describe('artifact keys', () => {
  it('makes a WMI filter, consumer and binding one incident', () => {
    const filter = ev('w19', 0, {
      eventCode: 19,
      wmi: { operation: 'Created', name: 'BotFilter82', query: 'SELECT * FROM x' },
    });
    const consumer = ev('w20', 1, {
      eventCode: 20,
      wmi: { operation: 'Created', name: 'BotConsumer23', destination: 'powershell -enc AAA' },
    });
    const binding = ev('w21', 2, {
      eventCode: 21,
      wmi: {
        operation: 'Created',
        consumer: 'CommandLineEventConsumer.Name="BotConsumer23"',
        filter: '__EventFilter.Name="BotFilter82"',
      },
    });
    expect(incidentsOf([filter, consumer, binding])).toBe(1);
  });

  it('makes a service install, its registry write and an `sc config` hijack one incident', () => {
    const install = ev('s1', 0, {
      eventType: 'service_install',
      service: { name: 'PSEXESVC', path: '%SystemRoot%\\PSEXESVC.exe' },
    });
    const reg = ev('s2', 1, {
      eventType: 'registry_value_set',
      registry: { key: 'HKLM\\System\\CurrentControlSet\\Services\\PSEXESVC', valueName: 'ImagePath', valueData: 'x' },
    });
    const sc = ev('s3', 600, {
      eventType: 'process_create',
      process: { pid: 10, image: 'C:\\Users\\a\\sc.exe', commandLine: 'sc.exe config PSEXESVC binPath= "C:\\x.exe"' },
    });
    expect(incidentsOf([install, reg, sc])).toBe(1);
  });

  it('makes a task created (4698), its file and its deletion (4699) one incident', () => {
    const created = ev('t1', 0, { eventType: 'scheduled_task_create', task: { name: '\\Updater' } });
    const file = ev('t2', 0, { eventType: 'file_create', file: { path: 'C:\\Windows\\System32\\Tasks\\Updater' } });
    const deleted = ev('t3', 1, {
      eventType: 'scheduled_task_delete',
      task: { name: '\\Updater', operation: 'deleted' },
    });
    const schtasks = ev('t4', 0, {
      process: {
        pid: 11,
        image: 'C:\\Users\\a\\schtasks.exe',
        commandLine: 'schtasks /create /tn "Updater" /tr x.exe',
      },
    });
    expect(incidentsOf([created, file, deleted, schtasks])).toBe(1);
  });

  it('keys a registry value by its full path', () => {
    const k = linkKeys(ev('r1', 0, { registry: { key: 'HKCU\\Software\\Run', valueName: 'Upd' } }));
    expect(k.short).toContain('reg:fin-ws-034:hkcu\\software\\run\\upd');
  });

  it('makes one anti-malware session on a host (1116/1117 pairs, several threats) one incident', () => {
    const session = [0, 1, 30, 31, 90, 91].map((s, i) =>
      ev(`d${i}`, s, {
        source: { product: 'generic', format: 'windows-event' },
        eventType: i % 2 === 0 ? 'malware_detected' : 'malware_action',
        rule: { name: `Threat${Math.floor(i / 2)}` },
      }),
    );
    expect(incidentsOf(session)).toBe(1);
  });
});
