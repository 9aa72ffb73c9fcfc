import { correlate, incidentIdFor, keysToRead } from '../../../lambdas/core/correlate/correlate';
import type { GroupHead } from '../../../lambdas/core/correlate/correlate';
import { linkKeys } from '../../../lambdas/core/correlate/keys';
import { makeEnriched } from '../../helpers/alerts';

const PS = {
  guid: '{aaaa0000-0000-0000-0000-000000000001}',
  pid: 7842,
  image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
};
const EXPLORER = { guid: '{aaaa0000-0000-0000-0000-0000000000e1}', pid: 4120, image: 'C:\\Windows\\explorer.exe' };

describe('link keys', () => {
  it('resolves FQDN, short name and any case to one host', () => {
    const a = makeEnriched({ host: { name: 'FIN-WS-034.corp.example.com' } });
    const b = makeEnriched({ host: { name: 'fin-ws-034' } });
    expect(linkKeys(a).storm).toBe(linkKeys(b).storm);
  });

  it('does not link through explorer, the parent of everything a user starts', () => {
    const k = linkKeys(makeEnriched({ process: { ...PS, parent: EXPLORER } }));
    expect(k.produced.some((x) => x.includes('0000000000e1'))).toBe(false);
    expect(k.produced).toContain('proc:fin-ws-034:aaaa0000-0000-0000-0000-000000000001');
  });

  it('makes a written file a produced key and a Run value referencing it a consumed key', () => {
    const drop = makeEnriched({
      eventType: 'file_create',
      rule: undefined,
      techniques: [],
      registry: undefined,
      file: { path: 'C:\\ProgramData\\Microsoft\\Drivers\\security.dll' },
    });
    const run = makeEnriched();
    expect(linkKeys(drop).produced).toContain('file:fin-ws-034:c:\\programdata\\microsoft\\drivers\\security.dll');
    expect(linkKeys(run).consumed).toContain('file:fin-ws-034:c:\\programdata\\microsoft\\drivers\\security.dll');
  });
});

describe('correlate', () => {
  it('joins a process tree and its artifacts on one host into one incident', () => {
    const dropper = {
      guid: '{bbbb0000-0000-0000-0000-000000000002}',
      pid: 6120,
      image: 'C:\\Users\\jwilliams\\Downloads\\scanner.exe',
    };
    const create = makeEnriched({
      eventType: 'process_create',
      rule: undefined,
      techniques: [],
      registry: undefined,
      process: { ...PS, parent: EXPLORER },
      eventTime: '2024-02-15T21:24:10.000Z',
    });
    const drop = makeEnriched({
      eventType: 'file_create',
      rule: undefined,
      techniques: [],
      registry: undefined,
      process: { ...dropper, parent: EXPLORER },
      file: { path: 'C:\\ProgramData\\Microsoft\\Drivers\\security.dll' },
      eventTime: '2024-02-15T21:24:00.000Z',
    });
    const run = makeEnriched({ process: { ...PS, parent: EXPLORER }, eventTime: '2024-02-15T21:25:03.000Z' });
    const c = correlate([run, create, drop], new Map());
    expect(new Set(c.assignment.values()).size).toBe(1);
    expect(c.created.size).toBe(1);
    // Named after the earliest alert, so a retried batch recreates the same id.
    expect(c.assignment.get(run.alertId)).toBe(incidentIdFor(drop));
  });

  it('keeps the same technique on a different host a different incident', () => {
    const a = makeEnriched({ host: { name: 'FIN-WS-034' } });
    const b = makeEnriched({ host: { name: 'HR-WS-001' } });
    const c = correlate([a, b], new Map());
    expect(c.assignment.get(a.alertId)).not.toBe(c.assignment.get(b.alertId));
  });

  it('groups a storm of one rule within the sliding window and splits it after a quiet hour', () => {
    const t = (min: number) => new Date(Date.parse('2024-02-15T10:00:00Z') + min * 60_000).toISOString();
    const storm = [0, 50, 100, 150].map((m) => makeEnriched({ eventTime: t(m), process: undefined }));
    const late = makeEnriched({ eventTime: t(300), process: undefined });
    const c = correlate([...storm, late], new Map());
    const ids = storm.map((a) => c.assignment.get(a.alertId));
    expect(new Set(ids).size).toBe(1);
    expect(c.assignment.get(late.alertId)).not.toBe(ids[0]);
  });

  it('joins the existing open incident a head points to, within the window', () => {
    const a = makeEnriched({ eventTime: '2024-02-15T21:40:00.000Z', process: undefined });
    const head: GroupHead = {
      key: linkKeys(a).storm,
      incidentId: 'INC-20240215-existing',
      lastSeen: '2024-02-15T21:25:00.000Z',
      incidentCreated: '2024-02-15T21:25:05.000Z',
    };
    const c = correlate([a], new Map([[head.key, head]]));
    expect(c.assignment.get(a.alertId)).toBe('INC-20240215-existing');
    expect(c.created.size).toBe(0);
    expect(c.heads.find((h) => h.key === head.key)).toMatchObject({
      incidentId: 'INC-20240215-existing',
      lastSeen: '2024-02-15T21:40:00.000Z',
    });
  });

  it('ignores a head whose window has passed', () => {
    const a = makeEnriched({ eventTime: '2024-02-15T23:40:00.000Z', process: undefined });
    const head: GroupHead = {
      key: linkKeys(a).storm,
      incidentId: 'INC-old',
      lastSeen: '2024-02-15T21:25:00.000Z',
      incidentCreated: '2024-02-15T21:25:05.000Z',
    };
    expect(correlate([a], new Map([[head.key, head]])).assignment.get(a.alertId)).not.toBe('INC-old');
  });

  it('joins an EDR detection to the Sysmon events of the same process by pid and image', () => {
    const sysmon = makeEnriched({ process: { ...PS, parent: EXPLORER } });
    const edr = makeEnriched({
      source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2' },
      rule: { name: 'Suspicious PowerShell' },
      techniques: ['T1059.001'],
      registry: undefined,
      process: { pid: 7842, image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' },
    });
    const c = correlate([sysmon, edr], new Map());
    expect(c.assignment.get(sysmon.alertId)).toBe(c.assignment.get(edr.alertId));
  });

  it('lists every key it needs to read, storm keys included', () => {
    const a = makeEnriched();
    expect(keysToRead([a])).toEqual(expect.arrayContaining([linkKeys(a).storm, ...linkKeys(a).produced]));
  });
});
