import { ingestBatch } from '../../../lambdas/core/ingest/ingest-batch';
import { MemoryIngestStore, MemoryTicketQueue } from '../../../lambdas/core/ingest/memory-store';
import type { Alert } from '../../../lambdas/core/model/alert';
import { makeAlert } from '../../helpers/alerts';

/**
 * A false-positive verdict covers what the analyst saw. A suppressed group must not swallow a new technique or a far
 * more severe alert: those break through (the incident opens again and ticket-sync hears of it).
 */

const NOW = '2024-02-15T21:40:00.000Z';
/** A low-severity event of the suppressed group (same rule on the same host): Notepad starting, say. */
const alert = (n: number, over: Partial<Alert>): Alert =>
  makeAlert({
    alertId: `sysmon:fin-ws-034:microsoft-windows-sysmon/operational:${7000 + n}`,
    eventTime: new Date(Date.parse('2024-02-15T21:25:00.000Z') + n * 60_000).toISOString(),
    eventType: 'process_create',
    eventCode: 1,
    techniques: [],
    registry: undefined,
    process: { pid: 4000 + n, image: 'C:\\Windows\\System32\\notepad.exe', commandLine: 'notepad.exe' },
    severity: { vendor: 'medium', score: 50 },
    ...over,
  });

async function suppressedIncident() {
  const store = new MemoryIngestStore();
  const queue = new MemoryTicketQueue();
  const ingest = (messageId: string, alerts: Alert[]) =>
    ingestBatch([{ messageId, alerts, rejections: [] }], store, queue, undefined, () => NOW);
  await ingest('m-1', [alert(1, {})]);
  const [meta] = store.metas.values();
  // The analyst's verdict, as the webhook records it: until when, and what the incident was when judged.
  store.suppressions.set(meta.groupKey, {
    until: '2024-03-15T21:40:00.000Z',
    judged: { severity: meta.severity, techniques: [...meta.techniques] },
  });
  meta.status = 'suppressed';
  meta.suppressedUntil = '2024-03-15T21:40:00.000Z';
  queue.sent.length = 0;
  return { store, queue, ingest, incidentId: meta.incidentId };
}

describe('suppression break-through', () => {
  it('counts more of the same as suppressed, and tells no one', async () => {
    const { store, queue, ingest, incidentId } = await suppressedIncident();
    const r = await ingest('m-2', [alert(2, {})]);
    expect(r.suppressed).toBe(1);
    expect(queue.sent).toEqual([]);
    expect(store.metas.get(incidentId)!.status).toBe('suppressed');
  });

  it('opens the incident again for a new technique, and hands it to ticket-sync saying why', async () => {
    const { store, queue, ingest, incidentId } = await suppressedIncident();
    const r = await ingest('m-3', [alert(3, { techniques: ['T1003.001'] })]);
    expect(r.suppressed).toBe(0);
    const meta = store.metas.get(incidentId)!;
    expect(meta.status).toBe('open');
    expect(meta.breakthrough).toBe('new technique T1003.001');
    expect(queue.sent).toEqual([
      expect.objectContaining({
        incidentId,
        reason: 'breaks through a false-positive verdict: new technique T1003.001',
      }),
    ]);
    // For good: the next alert of the group is counted, not suppressed.
    expect((await ingest('m-4', [alert(4, {})])).suppressed).toBe(0);
    expect(store.metas.get(incidentId)!.status).toBe('open');
  });

  it('keeps a later incident of the judged group suppressed when it brings nothing new', async () => {
    const { store, queue, incidentId } = await suppressedIncident();
    // Two days later: the storm window is long over, so this is a new incident of the same group.
    const later = alert(9, { eventTime: '2024-02-17T21:25:00.000Z' });
    const r = await ingestBatch(
      [{ messageId: 'm-9', alerts: [later], rejections: [] }],
      store,
      queue,
      undefined,
      () => '2024-02-17T21:30:00.000Z',
    );
    expect(r.suppressed).toBe(1);
    expect([...r.incidents.keys()]).not.toContain(incidentId);
    expect(queue.sent).toEqual([]);
  });

  it('opens the incident again for a far higher severity', async () => {
    const { store, ingest, incidentId } = await suppressedIncident();
    const before = store.metas.get(incidentId)!.severity;
    await ingest('m-5', [alert(5, { severity: { vendor: 'critical', score: 100 } })]);
    const meta = store.metas.get(incidentId)!;
    expect(meta.severity).toBeGreaterThanOrEqual(before + 20);
    expect(meta.breakthrough).toBe(`severity ${before} → ${meta.severity}`);
    expect(meta.status).toBe('open');
  });
});
