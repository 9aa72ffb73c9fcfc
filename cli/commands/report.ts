import { DEFAULT_HANDOFF } from '../../lambdas/core/correlate/incident-meta';
import { draftReport } from '../../lambdas/core/draft';
import { readContextFiles } from '../context-files';
import { readInputs } from '../inputs';
import { runInMemory } from '../memory-pipeline';
import { cliDetectStage } from '../detect-stage';

export interface ShadowReport {
  alerts: number;
  duplicates: number;
  rejected: number;
  incidents: number;
  tickets: number;
  /** Share of deliveries that were exact duplicates. */
  dedupRatio: number;
  /** Unique alerts per incident. */
  correlationRatio: number;
  /** Alerts per ticket: how much reading a ticket saves. */
  alertsPerTicket: number;
  ticketsPerDay: { day: string; tickets: number; byPriority: Record<string, number> }[];
  noisiestRules: { rule: string; alerts: number; tickets: number }[];
  noisiestHosts: { host: string; alerts: number; tickets: number }[];
}

/**
 * Shadow mode (`a2t replay --report`): what would have been ticketed from archived alerts, without touching Jira,
 * so a SOC can tune thresholds and windows before go-live. Runs the same ingest code in memory.
 */
export async function shadowReport(
  inputs: string[],
  contextFiles: string[],
  rules: readonly string[] = [],
  err: NodeJS.WritableStream = process.stderr,
): Promise<ShadowReport> {
  const { snapshot } = readContextFiles(contextFiles);
  const run = await runInMemory(await readInputs(inputs), snapshot, cliDetectStage(rules, err));
  const ticketed = run.views.filter((v) => v.severity >= DEFAULT_HANDOFF.ticketThreshold);
  const perDay = new Map<string, { tickets: number; byPriority: Record<string, number> }>();
  for (const v of ticketed) {
    const day = v.firstSeen.slice(0, 10);
    const p = draftReport(v).priority.level;
    const d = perDay.get(day) ?? { tickets: 0, byPriority: {} };
    d.tickets++;
    d.byPriority[p] = (d.byPriority[p] ?? 0) + 1;
    perDay.set(day, d);
  }
  const tally = (key: (a: (typeof run.views)[number]['alerts'][number]) => string | undefined) => {
    const m = new Map<string, { alerts: number; tickets: Set<string> }>();
    for (const v of run.views) {
      for (const a of v.alerts) {
        const k = key(a);
        if (k === undefined) continue;
        const e = m.get(k) ?? { alerts: 0, tickets: new Set<string>() };
        e.alerts++;
        if (v.severity >= DEFAULT_HANDOFF.ticketThreshold) e.tickets.add(v.incidentId);
        m.set(k, e);
      }
    }
    return [...m].sort((a, b) => b[1].alerts - a[1].alerts).slice(0, 10);
  };
  const alerts = run.result.accepted + run.result.suppressed;
  const deliveries = alerts + run.result.duplicates;
  return {
    alerts,
    duplicates: run.result.duplicates,
    rejected: run.rejections.length,
    incidents: run.views.length,
    tickets: ticketed.length,
    dedupRatio: deliveries === 0 ? 0 : round(run.result.duplicates / deliveries),
    correlationRatio: run.views.length === 0 ? 0 : round(alerts / run.views.length),
    alertsPerTicket:
      ticketed.length === 0 ? 0 : round(ticketed.reduce((n, v) => n + v.alertCount, 0) / ticketed.length),
    ticketsPerDay: [...perDay].sort((a, b) => a[0].localeCompare(b[0])).map(([day, d]) => ({ day, ...d })),
    noisiestRules: tally((a) => a.rule?.name ?? `(no rule) ${a.eventName ?? a.eventType}`).map(([rule, e]) => ({
      rule,
      alerts: e.alerts,
      tickets: e.tickets.size,
    })),
    noisiestHosts: tally((a) => a.enrichment.hostKey).map(([host, e]) => ({
      host,
      alerts: e.alerts,
      tickets: e.tickets.size,
    })),
  };
}

const round = (x: number): number => Math.round(x * 100) / 100;

export function printShadowReport(r: ShadowReport, out: NodeJS.WritableStream): void {
  out.write(
    `Shadow run: ${r.alerts} alerts (${r.duplicates} duplicates, ${r.rejected} rejected) → ${r.incidents} incidents → ${r.tickets} tickets\n`,
  );
  out.write(
    `dedup ratio ${r.dedupRatio} · ${r.correlationRatio} alerts per incident · ${r.alertsPerTicket} alerts per ticket\n\nTickets per day\n`,
  );
  for (const d of r.ticketsPerDay)
    out.write(
      `  ${d.day}  ${String(d.tickets).padStart(4)}  ${Object.entries(d.byPriority)
        .sort()
        .map(([p, n]) => `${p}:${n}`)
        .join(' ')}\n`,
    );
  out.write('\nNoisiest rules (alerts, tickets)\n');
  for (const x of r.noisiestRules)
    out.write(`  ${String(x.alerts).padStart(6)} ${String(x.tickets).padStart(4)}  ${x.rule}\n`);
  out.write('\nNoisiest hosts (alerts, tickets)\n');
  for (const x of r.noisiestHosts)
    out.write(`  ${String(x.alerts).padStart(6)} ${String(x.tickets).padStart(4)}  ${x.host}\n`);
}
