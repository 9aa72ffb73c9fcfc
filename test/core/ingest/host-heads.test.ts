import { DEFAULT_CORRELATION } from '../../../lambdas/core/correlate/correlate';
import type { GroupHead } from '../../../lambdas/core/correlate/correlate';
import { MAX_HEADS_PER_HOST, correlateAndClaim, nextHostHeads } from '../../../lambdas/core/ingest/host-heads';
import { ingestBatch } from '../../../lambdas/core/ingest/ingest-batch';
import { MemoryIngestStore, MemoryTicketQueue } from '../../../lambdas/core/ingest/memory-store';
import type { HostHeads } from '../../../lambdas/core/ingest/ports';
import type { Alert } from '../../../lambdas/core/model/alert';
import { makeAlert, makeEnriched } from '../../helpers/alerts';

const T0 = Date.parse('2024-02-15T21:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const head = (key: string, incidentId: string, lastSeen: string): GroupHead => ({
  key,
  incidentId,
  lastSeen,
  incidentCreated: at(0),
});

describe('nextHostHeads', () => {
  it('writes nothing when every key already points where the batch would point it', () => {
    // Prepare
    const stored: HostHeads = { host: 'h', version: 3, heads: [head('storm:h:a', 'INC-1', at(10))] };

    // Act, Assess
    expect(nextHostHeads('h', stored, [head('storm:h:a', 'INC-1', at(10))])).toBeUndefined();
    expect(nextHostHeads('h', stored, [head('storm:h:a', 'INC-1', at(11))])).toEqual({
      host: 'h',
      version: 4,
      heads: [head('storm:h:a', 'INC-1', at(11))],
    });
  });

  it('drops the heads seen longest ago beyond the cap', () => {
    const many = Array.from({ length: MAX_HEADS_PER_HOST + 5 }, (_, i) =>
      head(`proc:h:${String(i).padStart(5, '0')}`, 'INC-1', new Date(T0 + i * 1000).toISOString()),
    );
    const kept = nextHostHeads('h', undefined, many)!.heads;
    expect(kept).toHaveLength(MAX_HEADS_PER_HOST);
    expect(kept[0].key).toBe('proc:h:00005');
  });
});

describe('correlateAndClaim', () => {
  it('joins the incident a concurrent invocation opened when it loses the write of the heads', async () => {
    // Prepare: two invocations read the host before either wrote; the other one writes first.
    const store = new MemoryIngestStore();
    const mine = makeEnriched({ alertId: 'a-2', eventTime: at(1) });
    const theirs = makeEnriched({ alertId: 'a-1', eventTime: at(0) });
    const raced = Object.create(store, {
      getHostHeads: {
        value: async (hosts: string[]) => {
          const read = await store.getHostHeads(hosts);
          if (store.hostHeads.size === 0)
            await correlateAndClaim([theirs], store, {
              settings: DEFAULT_CORRELATION,
              now: () => at(2),
              pins: new Map(),
              messageOf: new Map(),
              maxAttempts: 3,
            });
          return read;
        },
      },
    }) as MemoryIngestStore;

    // Act
    const corr = await correlateAndClaim([mine], raced, {
      settings: DEFAULT_CORRELATION,
      now: () => at(3),
      pins: new Map(),
      messageOf: new Map(),
      maxAttempts: 3,
    });

    // Assess
    const [host] = store.hostHeads.values();
    const theirIncident = host.heads.find((h) => h.key.startsWith('storm:'))!.incidentId;
    expect(corr.assignment.get('a-2')).toBe(theirIncident);
    expect(corr.created.size).toBe(0);
    expect(host.version).toBe(2);
  });

  it('keeps the incident a crashed batch claimed its heads for, even before the incident was written', async () => {
    const store = new MemoryIngestStore();
    const alert = (n: number): Alert => makeAlert({ alertId: `a-${n}`, eventTime: at(n) });
    const dying = Object.create(store, {
      writeMeta: { value: async () => Promise.reject(new Error('killed')) },
    }) as MemoryIngestStore;
    const crashed = await ingestBatch(
      [{ messageId: 'm-1', alerts: [alert(1)], rejections: [] }],
      dying,
      new MemoryTicketQueue(),
    );
    expect(crashed.failedMessages).toEqual(new Set(['m-1']));
    // Another batch of the attack comes first: it joins the claimed incident (and writes it).
    const other = await ingestBatch(
      [{ messageId: 'm-2', alerts: [alert(2)], rejections: [] }],
      store,
      new MemoryTicketQueue(),
    );
    const retry = await ingestBatch(
      [{ messageId: 'm-1', alerts: [alert(1)], rejections: [] }],
      store,
      new MemoryTicketQueue(),
    );
    expect([...other.incidents.keys()]).toEqual([...retry.incidents.keys()]);
    expect(store.metas.size).toBe(1);
    expect([...store.metas.values()][0].alertCount).toBe(2);
  });
});
