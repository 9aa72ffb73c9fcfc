import type { DynamoFigures } from './dynamo-meter';
import { startEmbedded } from './embedded';
import { generateStorm } from './generator';
import type { StormSpec } from './generator';
import type { SqsFigures } from './sqs-meter';

export interface ScaleFigures {
  spec: StormSpec;
  seconds: number;
  sendSeconds: number;
  alertsPerSecond: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  incidents: number;
  /** Jira issues the run created. */
  tickets: number;
  jiraCalls: number;
  jiraCallsPerIncident: number;
  /** Messages ticket-sync received (each a possible Jira update). */
  handOffs: number;
  dynamoRequests: number;
  dynamoRequestsPerAlert: number;
  dynamoByOperation: Record<string, number>;
  dynamo: DynamoFigures;
  sqs: SqsFigures;
  peakRssMiB: number;
  /** One Jira create per unique alert, computed from the counts (100k issues are not actually created). */
  naive: { uniqueAlerts: number; tickets: number; jiraCalls: number };
}

const MiB = 1024 * 1024;
const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Samples RSS every 250 ms (and once at each end) while `run` runs; returns its result and the peak. */
async function withPeakRss<T>(run: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 250);
  try {
    const result = await run();
    return { result, peak: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * A storm through the embedded stack: every message put on the intake queue (10 per request, as a forwarder
 * batching would), then the pollers drain both queues. Throughput counts from the first send to the last ticket
 * update. Everything runs in this process, local servers included, so the RSS is the whole stack's.
 */
export async function benchScale(spec: StormSpec, drainTimeoutMs: number): Promise<ScaleFigures> {
  const bodies = generateStorm(spec);
  const stack = await startEmbedded();
  try {
    const { result, peak } = await withPeakRss(async () => {
      const t0 = performance.now();
      await stack.runtime.send(bodies);
      const sent = performance.now();
      const drained = await stack.runtime.drain(drainTimeoutMs);
      return { drained, sendMs: sent - t0, totalMs: performance.now() - t0 };
    });
    if (!result.drained)
      throw new Error(`throughput: ${bodies.length} alerts not drained within ${drainTimeoutMs / 1000} s`);
    const { totals, dynamoRequests } = stack.runtime;
    if (totals.errors.length > 0)
      throw new Error(`throughput: ${totals.errors.length} handler error(s), first: ${totals.errors[0]}`);
    const sqs = stack.sqs.figures();
    const incidents = totals.incidents.size;
    const jiraCalls = stack.gateway.stats().requests;
    const uniqueAlerts = new Set(bodies).size;
    return {
      spec,
      seconds: round(result.totalMs / 1000),
      sendSeconds: round(result.sendMs / 1000),
      alertsPerSecond: Math.round(bodies.length / (result.totalMs / 1000)),
      accepted: totals.accepted,
      duplicates: totals.duplicates,
      rejected: totals.rejected,
      incidents,
      tickets: stack.jira.issues().length,
      jiraCalls,
      jiraCallsPerIncident: round(jiraCalls / Math.max(1, incidents)),
      handOffs: sqs.received.ticketSync,
      dynamoRequests: dynamoRequests.total,
      dynamoRequestsPerAlert: round(dynamoRequests.total / bodies.length),
      dynamoByOperation: Object.fromEntries(dynamoRequests.byOperation),
      dynamo: stack.dynamo.figures(),
      sqs,
      peakRssMiB: Math.round(peak / MiB),
      naive: { uniqueAlerts, tickets: uniqueAlerts, jiraCalls: uniqueAlerts },
    };
  } finally {
    await stack.close();
  }
}
