import { startEmbedded } from './embedded';
import type { EmbeddedStack } from './embedded';
import { generateStorm } from './generator';

export interface LatencySpec {
  /** Distinct incidents (one host each), one alert apiece. */
  incidents: number;
  /** Pause between two sends: alerts arrive over time, not as one backlog. */
  intervalMs: number;
  /** How long to wait for the last ticket after the last send. */
  settleMs: number;
}

export interface LatencyFigures {
  spec: LatencySpec;
  p50Ms: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const HOST_RE = /LAT-WS-(\d{3})/i;

/** One Registry Run-key alert (ticket-worthy on its own) on the i-th host, in the storm generator's record shape. */
function alertFor(i: number): { host: string; body: string } {
  const [body] = generateStorm({ alerts: 1, attacks: 1, hosts: 1, duplicateRate: 0, seed: 1_000 + i });
  const host = `LAT-WS-${String(i).padStart(3, '0')}`;
  const record = JSON.parse(body) as Record<string, unknown>;
  return { host, body: JSON.stringify({ ...record, Hostname: `${host}.corp.example.com` }) };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Alert → ticket latency through the embedded stack: each alert is sent on its own, while the pollers run as
 * Lambda's event source mappings would, and its latency is the time from the send to the moment Jira answered the
 * create of its incident's ticket.
 */
export async function benchLatency(spec: LatencySpec): Promise<LatencyFigures> {
  const stack = await startEmbedded();
  let stopped = false;
  let pumpError: unknown;
  // The pollers only run inside drain(): keep draining while alerts trickle in.
  const pump = (async () => {
    while (!stopped) await stack.runtime.drain(1_000);
  })().catch((err: unknown) => {
    pumpError = err;
  });
  const sentAt = new Map<string, number>();
  try {
    // One incident first, not measured: the process's first draft and render pay for module loading and JIT
    // warm-up (what a Lambda cold start costs is in the bundles section).
    await stack.runtime.send([alertFor(spec.incidents).body]);
    const warm = performance.now() + spec.settleMs;
    while (stack.timed.created.length === 0 && pumpError === undefined && performance.now() < warm) await sleep(10);
    for (let i = 0; i < spec.incidents; i++) {
      const { host, body } = alertFor(i);
      sentAt.set(host, performance.now());
      await stack.runtime.send([body]);
      await sleep(spec.intervalMs);
    }
    const deadline = performance.now() + spec.settleMs;
    while (stack.timed.created.length < spec.incidents + 1 && pumpError === undefined && performance.now() < deadline)
      await sleep(10);
  } finally {
    stopped = true;
    await pump;
    await stack.close();
  }
  if (pumpError !== undefined) throw new Error(`latency: the pollers failed: ${message(pumpError)}`);
  return figures(spec, stack, sentAt);
}

function figures(spec: LatencySpec, stack: EmbeddedStack, sentAt: Map<string, number>): LatencyFigures {
  const errors = stack.runtime.totals.errors;
  if (errors.length > 0) throw new Error(`latency: ${errors.length} handler error(s), first: ${errors[0]}`);
  const latencies: number[] = [];
  const warmUp = alertFor(spec.incidents).host;
  for (const c of stack.timed.created) {
    const host = HOST_RE.exec(c.summary)?.[0].toUpperCase();
    if (host === warmUp) continue;
    const sent = host === undefined ? undefined : sentAt.get(host);
    if (sent === undefined) throw new Error(`latency: ticket ${c.key} names no bench host: ${c.summary}`);
    latencies.push(c.at - sent);
  }
  if (latencies.length < spec.incidents)
    throw new Error(
      `latency: ${latencies.length} of ${spec.incidents} incidents got a ticket within ${spec.settleMs} ms of the last send`,
    );
  latencies.sort((a, b) => a - b);
  const ms = (x: number) => Math.round(x);
  return {
    spec,
    p50Ms: ms(percentile(latencies, 50)),
    p95Ms: ms(percentile(latencies, 95)),
    minMs: ms(latencies[0]),
    maxMs: ms(latencies[latencies.length - 1]),
  };
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
