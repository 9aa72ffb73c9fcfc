import { ShadowCorrelator } from '../../../cli/shadow/correlator';
import type { ShadowAlert } from '../../../cli/shadow/segment-work';
import { SeenTable } from '../../../cli/shadow/seen-table';
import { ID_CONFLICT } from '../../../lambdas/core/correlate/incident-meta';
import type { IncidentMeta } from '../../../lambdas/core/correlate/incident-meta';
import { enrichAlert } from '../../../lambdas/core/enrich';
import { contentFingerprint } from '../../../lambdas/core/ingest/fingerprint';
import type { Alert } from '../../../lambdas/core/model/alert';
import { emptyContext } from '../../../lambdas/core/model/enrichment';
import { makeAlert } from '../../helpers/alerts';

const START = '2026-06-01T00:00:00.000Z'; // the run's own time: after every event (later ones count as forged)
const DAY = 86_400_000;

/** An alert as a shadow-run worker hands it over: enriched, fingerprinted, without its raw record. */
function shadow(overrides: Partial<Alert>): ShadowAlert {
  const a = makeAlert(overrides);
  return { ...enrichAlert(a, emptyContext()), raw: null, fingerprint: contentFingerprint(a) };
}

let pid = 1000;

/** A burst of `n` alerts of one process on one host (a storm of one rule), a minute apart from `at`. */
function burst(host: string, at: number, n: number, tag: string): ShadowAlert[] {
  const process = { guid: `{00000000-0000-0000-0000-${tag.padStart(12, '0')}}`, pid: pid++, image: 'C:\\Temp\\x.exe' };
  return Array.from({ length: n }, (_, i) =>
    shadow({
      alertId: `sysmon:${host}:microsoft-windows-sysmon/operational:${tag}-${i}`,
      host: { name: host },
      eventTime: new Date(at + i * 60_000).toISOString(),
      process,
    }),
  );
}

function correlator(batchSize: number, closed: IncidentMeta[] = []): ShadowCorrelator {
  return new ShadowCorrelator({ batchSize, startTime: START, lateAllowanceMs: DAY, onClose: (m) => closed.push(m) });
}

describe('shadow correlation keeps only what is still open', () => {
  it('closes incidents as their hosts move on: memory follows the open incidents, not the records', () => {
    // Prepare: 10 hosts, one attack a day each for 40 days, in time order (400 incidents of 10 alerts).
    const hosts = Array.from({ length: 10 }, (_, h) => `WS-${h}`);
    const c = correlator(100);
    let peak = 0;
    // Act
    for (let d = 0; d < 40; d++) {
      for (const [h, host] of hosts.entries())
        c.add(burst(host, Date.parse('2026-03-01T08:00:00Z') + d * DAY + h * 1000, 10, `${d}${h}`));
      peak = Math.max(peak, c.openIncidents);
    }
    const t = c.finish();
    // Assess: every incident counted, never more than a few days of them open at once.
    expect(t.incidents).toBe(400);
    expect(t.alerts).toBe(4000);
    expect(t.peakOpenIncidents).toBeLessThanOrEqual(4 * hosts.length);
    expect(peak).toBeLessThanOrEqual(4 * hosts.length);
    expect(t.lateAlerts).toBe(0);
  });

  it('closes the incidents of a host that went quiet, by the clock of the whole input', () => {
    const closed: IncidentMeta[] = [];
    const c = correlator(10, closed);
    c.add(burst('QUIET-1', Date.parse('2026-03-01T08:00:00Z'), 10, '1'));
    for (let d = 1; d <= 5; d++) c.add(burst('BUSY-1', Date.parse('2026-03-01T08:00:00Z') + d * DAY, 10, `9${d}`));
    expect(closed.some((m) => m.hosts.includes('quiet-1'))).toBe(true);
    expect(c.finish().incidents).toBe(6);
  });

  it('follows a host back in time (the next file of a directory) instead of taking its alerts for late', () => {
    const c = correlator(10);
    const at = Date.parse('2026-03-20T08:00:00Z');
    c.add(burst('WS-1', at, 10, '1'));
    // A second export of the same host, a week earlier, in two batches: one incident, as in order.
    c.add(burst('WS-1', at - 7 * DAY, 20, '2'));
    const t = c.finish();
    expect(t.incidents).toBe(2);
    expect(t.lateAlerts).toBe(10);
  });

  it('counts a record sent again after its incident closed as a duplicate, not as a new alert', () => {
    const c = correlator(5);
    const first = burst('WS-1', Date.parse('2026-03-01T08:00:00Z'), 5, '1');
    c.add(first);
    for (let d = 1; d <= 4; d++) c.add(burst('WS-1', Date.parse('2026-03-01T08:00:00Z') + d * DAY, 5, `2${d}`));
    expect(c.openIncidents).toBeLessThan(5);
    c.add(first.slice(0, 2));
    const t = c.finish();
    expect(t).toMatchObject({ alerts: 25, duplicates: 2, incidents: 5 });
  });

  it('keeps the short cross-sensor keys by their own host’s clock, as every other head', () => {
    // Prepare: one execution seen by Sysmon and, a minute later, by an EDR (another rule, another process id): only
    // core's short `exec:` key links them. Between the two, another host's events move the input's clock 10 days on,
    // so a head judged by that clock instead of its own host's would be gone.
    const at = Date.parse('2026-03-10T08:00:00Z');
    const exec = { image: 'C:\\Temp\\tool.exe', commandLine: 'tool.exe --collect' };
    const sysmon = shadow({
      alertId: 'sysmon:ws-1:microsoft-windows-sysmon/operational:1',
      host: { name: 'WS-1' },
      eventTime: new Date(at).toISOString(),
      eventType: 'process_create',
      eventCode: 1,
      rule: { name: 'rule seen by sysmon' },
      techniques: [],
      registry: undefined,
      process: { guid: '{00000000-0000-0000-0000-0000000000a1}', pid: 4242, ...exec },
    });
    const edr = shadow({
      alertId: 'edr-detection-1',
      source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2' },
      host: { name: 'WS-1' },
      eventTime: new Date(at + 60_000).toISOString(),
      eventType: 'process_create',
      rule: { name: 'rule seen by the edr' },
      techniques: [],
      registry: undefined,
      process: { guid: 'falcon-process-77', ...exec },
    });
    const c = correlator(1);
    // Act
    c.add([sysmon, ...burst('WS-2', at + 10 * DAY, 1, '2'), edr]);
    const t = c.finish();
    // Assess: the EDR's alert joined the Sysmon one (one incident on WS-1, one on WS-2).
    expect(t.incidents).toBe(2);
    expect(t.alerts).toBe(3);
  });

  it('keeps an event that reuses another one’s id with other content apart, flagged, never as a duplicate', () => {
    const closed: IncidentMeta[] = [];
    const c = correlator(1, closed);
    const [a] = burst('WS-1', Date.parse('2026-03-01T08:00:00Z'), 1, '1');
    const forged = shadow({ ...a, process: { ...a.process!, commandLine: 'forged' }, alertId: a.alertId });
    c.add([a, forged]);
    const t = c.finish();
    expect(t).toMatchObject({ alerts: 2, duplicates: 0 });
    expect(closed.reduce((n, m) => n + (m.conflicts ?? 0), 0)).toBe(1);
    expect(ID_CONFLICT).toBe('id-conflict');
  });
});

describe('the seen table', () => {
  it('remembers claims across growth and tells content apart by its fingerprint hash', () => {
    const t = new SeenTable();
    for (let i = 0; i < 200_000; i++) t.claim(`sysmon:h:${i}`, i % 1000, i);
    expect(t.size).toBe(200_000);
    expect(t.get('sysmon:h:123456')).toEqual({ incident: 456, fingerprint: 123456 });
    expect(t.get('sysmon:h:200000')).toBeUndefined();
    // A claim is conditional: the first one stands.
    t.claim('sysmon:h:7', 999, 1);
    expect(t.get('sysmon:h:7')).toEqual({ incident: 7, fingerprint: 7 });
  });
});
