import * as fs from 'node:fs';
import * as path from 'node:path';
import { shadowReport, TOP } from '../../../cli/commands/report';
import type { ShadowReport } from '../../../cli/commands/report';
import { cliDetectStage } from '../../../cli/detect-stage';
import { readInputs } from '../../../cli/inputs';
import { runInMemory } from '../../../cli/memory-pipeline';
import { ShadowCorrelator, ruleLabel } from '../../../cli/shadow/correlator';
import { processSegment } from '../../../cli/shadow/segment-work';
import type { ShadowAlert } from '../../../cli/shadow/segment-work';
import { listInputs } from '../../../cli/inputs';
import { DEFAULT_HANDOFF } from '../../../lambdas/core/correlate/incident-meta';
import type { IncidentMeta } from '../../../lambdas/core/correlate/incident-meta';
import { draftReport } from '../../../lambdas/core/draft';
import { ingestBatch } from '../../../lambdas/core/ingest/ingest-batch';
import { MemoryIngestStore, MemoryTicketQueue } from '../../../lambdas/core/ingest/memory-store';
import { emptyContext } from '../../../lambdas/core/model/enrichment';
import type { IncidentView } from '../../../lambdas/core/model/incident';
import { REAL_DIR } from '../../helpers/real-fixtures';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');
const CORPUS = [REAL_DIR, EXAMPLES];
const RECEIVED = '2026-04-01T00:00:00.000Z';

type Row = { alerts: number; tickets: number };

/** The report as the in-memory pipeline (every alert kept, one ingest batch) says it: the reference. */
async function referenceReport(): Promise<
  Omit<ShadowReport, 'files' | 'skippedFiles' | 'records' | 'rejectionReasons' | 'lateAlerts'>
> {
  const run = await runInMemory(await readInputs(CORPUS), emptyContext(), cliDetectStage([], process.stderr));
  const ticketed = (v: IncidentView): boolean => v.severity >= DEFAULT_HANDOFF.ticketThreshold;
  const perDay = new Map<string, { tickets: number; byPriority: Record<string, number> }>();
  for (const v of run.views.filter(ticketed)) {
    const d = perDay.get(v.firstSeen.slice(0, 10)) ?? { tickets: 0, byPriority: {} };
    const p = draftReport(v).priority.level;
    d.tickets++;
    d.byPriority[p] = (d.byPriority[p] ?? 0) + 1;
    perDay.set(v.firstSeen.slice(0, 10), d);
  }
  const tally = (keys: (a: ShadowAlert) => string[]): Map<string, Row> => {
    const m = new Map<string, { alerts: number; incidents: Set<string> }>();
    for (const v of run.views)
      for (const a of v.alerts)
        for (const k of keys({ ...a, fingerprint: '' })) {
          const e = m.get(k) ?? { alerts: 0, incidents: new Set<string>() };
          e.alerts++;
          if (ticketed(v)) e.incidents.add(v.incidentId);
          m.set(k, e);
        }
    return new Map([...m].map(([k, e]) => [k, { alerts: e.alerts, tickets: e.incidents.size }]));
  };
  const top = (m: Map<string, Row>) =>
    [...m].sort((a, b) => b[1].alerts - a[1].alerts || b[1].tickets - a[1].tickets || a[0].localeCompare(b[0]));
  const sigmaMeta = new Map(
    run.views.flatMap((v) => v.alerts.flatMap((a) => (a.detections ?? []).map((d) => [d.id, d] as const))),
  );
  const alerts = run.result.accepted + run.result.suppressed;
  const tickets = run.views.filter(ticketed);
  return {
    alerts,
    duplicates: run.result.duplicates,
    rejected: run.rejections.length,
    incidents: run.views.length,
    tickets: tickets.length,
    dedupRatio: Math.round((run.result.duplicates / (alerts + run.result.duplicates)) * 100) / 100,
    correlationRatio: Math.round((alerts / run.views.length) * 100) / 100,
    alertsPerTicket: Math.round((tickets.reduce((n, v) => n + v.alertCount, 0) / tickets.length) * 100) / 100,
    ticketsPerDay: [...perDay].sort((a, b) => a[0].localeCompare(b[0])).map(([day, d]) => ({ day, ...d })),
    noisiestRules: top(tally((a) => [ruleLabel(a)]))
      .slice(0, TOP)
      .map(([rule, e]) => ({ rule, ...e })),
    noisiestHosts: top(tally((a) => [a.enrichment.hostKey]))
      .slice(0, TOP)
      .map(([host, e]) => ({ host, ...e })),
    noisiestSigmaRules: [...tally((a) => (a.detections ?? []).map((d) => d.id))]
      .map(([id, e]) => {
        const d = sigmaMeta.get(id)!;
        return { id, title: d.title, level: d.level, author: d.author ?? 'unknown author', ...e };
      })
      .sort((a, b) => b.tickets - a.tickets || b.alerts - a.alerts || a.title.localeCompare(b.title))
      .slice(0, TOP),
  };
}

describe('a2t replay --report at scale: the same answer as the in-memory pipeline', () => {
  let single: ShadowReport;

  beforeAll(async () => {
    single = await shadowReport(CORPUS, [], [], process.stderr, { threads: 1, receivedTime: RECEIVED });
  });

  it('counts the incidents, tickets, days, rules and hosts runInMemory counts on the real corpus and the examples', async () => {
    const reference = await referenceReport();
    expect(reference.tickets).toBeGreaterThan(10);
    expect(reference.noisiestSigmaRules.length).toBeGreaterThan(3);
    expect(single).toMatchObject(reference);
  });

  it('accounts for every record: each one an alert, a duplicate or a rejection', () => {
    expect(single.records).toBe(single.alerts + single.duplicates + single.rejected);
    expect(single.rejectionReasons.reduce((n, r) => n + r.count, 0)).toBe(single.rejected);
  });

  it('gives the identical report from worker threads', async () => {
    // Inputs cut small, so many segments cross the threads and come back out of order.
    const cut = { threads: 1, receivedTime: RECEIVED, limits: { segmentBytes: 2048, wholeFileBytes: 0 } };
    const [one, two] = [
      await shadowReport(CORPUS, [], [], process.stderr, cut),
      await shadowReport(CORPUS, [], [], process.stderr, { ...cut, threads: 2 }),
    ];
    expect(one.records).toBe(single.records);
    expect(two).toEqual(one);
  });
});

describe('shadow correlation, batch by batch', () => {
  let alerts: ShadowAlert[];

  beforeAll(() => {
    const stage = cliDetectStage([], process.stderr);
    alerts = listInputs(CORPUS).flatMap(
      (f) =>
        processSegment(
          { source: f.source, segment: { kind: 'segment', bytes: fs.readFileSync(f.file!), place: { kind: 'whole' } } },
          { context: emptyContext(), receivedTime: RECEIVED, annotate: stage.annotate },
        ).alerts,
    );
  });

  it.each([1, 50, 333])('counts what ingestBatch counts over the in-memory store, in batches of %i', async (size) => {
    // Prepare: the same batches through the Lambda's ingest code, every record its own message, the same clock.
    const store = new MemoryIngestStore(emptyContext());
    let duplicates = 0;
    for (let i = 0, k = 0; i < alerts.length; i += size, k++) {
      const now = new Date(Date.parse(RECEIVED) + k).toISOString();
      const units = alerts.slice(i, i + size).map((a, j) => ({ messageId: `m${i + j}`, alerts: [a], rejections: [] }));
      duplicates += (await ingestBatch(units, store, new MemoryTicketQueue(), undefined, () => now)).duplicates;
    }
    // Act: the shadow correlator, with no head ever expiring (the corpus spans years out of order).
    const closed: IncidentMeta[] = [];
    const c = new ShadowCorrelator({
      batchSize: size,
      startTime: RECEIVED,
      lateAllowanceMs: Number.MAX_SAFE_INTEGER / 4,
      onClose: (m) => closed.push(m),
    });
    c.add(alerts);
    const totals = c.finish();
    // Assess: incident by incident.
    const view = (m: { incidentId: string; alertCount: number; severity: number; firstSeen: string }) =>
      `${m.incidentId} ${m.alertCount} ${m.severity} ${m.firstSeen}`;
    expect(closed.map(view).sort()).toEqual(store.views().map(view).sort());
    expect(totals.duplicates).toBe(duplicates);
    expect(totals.alerts + totals.duplicates).toBe(alerts.length);
  });
});
