import { TOPOLOGY } from '../lambdas/topology';
import type { CostModel } from './cost';
import { ALERTS_PER_MONTH } from './cost';
import type { LatencyFigures } from './latency';
import type { ScaleFigures } from './scale';

/** Markdown for the embedded-stack sections of bench/run.ts (latency, throughput, cost). */

const n = (x: number): string => x.toLocaleString('en-US');
const ops = (r: Record<string, number>): string =>
  Object.entries(r)
    .map(([k, v]) => `${k} ${n(Math.round(v))}`)
    .join(', ');

export function latencyLines(f: LatencyFigures): string[] {
  return [
    `## End-to-end alert → ticket latency: ${f.spec.incidents} incidents through the embedded stack`,
    '',
    '| incidents | one alert every | p50 | p95 | min | max |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${f.spec.incidents} | ${f.spec.intervalMs} ms | ${f.p50Ms} ms | ${f.p95Ms} ms | ${f.minMs} ms | ${f.maxMs} ms |`,
    '',
    'Each alert is its own incident on its own host, sent on its own; its latency runs from the send to the moment ' +
      'Jira answered the create of its ticket (one warm-up incident first, not counted). The local pollers run one ' +
      'after the other in this process: ingest gathers up to 100 messages with a 50 ms batching window, ticket-sync ' +
      'up to 10 with none, and an idle pass pauses 50 ms. The deployed ingest mapping waits up to 5 s to fill a batch ' +
      '(`a2t:ingestBatchingWindowSeconds`), so in AWS a lone alert takes up to 5 s longer, plus cold starts.',
    '',
  ];
}

/** Why the run used fewer alerts than the figure, and what the figure would take here. */
function sizeNote(s: ScaleFigures, target: number): string[] {
  if (s.spec.alerts >= target) return [];
  const minutes = Math.round((target / s.alertsPerSecond / 60) * 10) / 10;
  return [
    `Fewer alerts than the issue's ${n(target)}: at this run's rate, ${n(target)} would take about ${minutes} min ` +
      `on this machine, beyond the bench's budget; \`npm run bench -- --scale-alerts ${target}\` runs them.`,
    '',
  ];
}

export function scaleLines(s: ScaleFigures, target: number): string[] {
  const unique = s.naive.uniqueAlerts;
  return [
    `## Throughput: ${n(s.spec.alerts)} alerts through the embedded stack (${s.spec.attacks} attacks, ${s.spec.hosts} hosts, ${s.spec.duplicateRate * 100}% resends)`,
    '',
    '| | alert-to-ticket | naive baseline (computed) |',
    '|---|---:|---:|',
    `| alerts/s, first send → both queues drained | ${n(s.alertsPerSecond)} | |`,
    `| wall time (s), of which sending | ${s.seconds} (${s.sendSeconds}) | |`,
    `| unique alerts / duplicates dropped | ${n(s.accepted)} / ${n(s.duplicates)} | ${n(unique)} / ${n(s.spec.alerts - unique)} |`,
    `| incidents | ${n(s.incidents)} | |`,
    `| tickets (Jira issues created) | ${n(s.tickets)} | ${n(s.naive.tickets)} (one per unique alert) |`,
    `| Jira calls | ${n(s.jiraCalls)} (${s.jiraCallsPerIncident} per incident) | ${n(s.naive.jiraCalls)} (one create each) |`,
    `| ticket-sync hand-offs | ${n(s.handOffs)} | |`,
    `| DynamoDB requests per alert | ${s.dynamoRequestsPerAlert} | |`,
    `| peak RSS (whole process) | ${n(s.peakRssMiB)} MiB | |`,
    '',
    `DynamoDB requests by operation: ${ops(s.dynamoByOperation)}; items: ${ops(s.dynamo.itemsByOperation)}; ` +
      `capacity units (size counted): ${ops(s.dynamo.unitsByOperation)}. SQS requests, intake: ` +
      `${ops(s.sqs.billable.intake)}; ticket-sync: ${ops(s.sqs.billable.ticketSync)} ` +
      `(${n(s.sqs.emptyReceives)} empty receives not counted).`,
    '',
    'All messages are put on the intake queue first (10 per request), then the pollers drain both queues: ' +
      `up to ${TOPOLOGY.intake.maxConcurrency} ingest invocations at once, as the stack deploys, and one ticket-sync ` +
      'invocation at a time (the stack allows 2). Everything runs in ' +
      'this process, the local SQS, DynamoDB and Jira servers included, so the RSS is theirs too. Comments are not ' +
      'coalesced (interval 0), so the Jira calls are an upper bound. The baseline is computed from the counts, not ' +
      `run: a naive pipeline opens one ticket per unique alert with one create call each (${n(unique)} issues are ` +
      'not actually created on the emulator).',
    '',
    ...sizeNote(s, target),
  ];
}

export function costLines(c: CostModel, s: ScaleFigures): string[] {
  // Cents hide the small lines; a tenth of a cent shows them without pretending to more precision.
  const usd = (x: number) => `$${x.toFixed(x < 1 ? 3 : 2)}`;
  return [
    `## Cost model: ${n(ALERTS_PER_MONTH)} alerts a month on AWS (rates measured in the throughput run above)`,
    '',
    '| item | per alert | per month | price (assumed, us-east-1 on-demand) | USD / month |',
    '|---|---:|---:|---|---:|',
    ...c.lines.map(
      (l) => `| ${l.item} | ${l.perAlert} ${l.unit} | ${n(l.perMonth)} | ${l.price} | ${usd(l.usdPerMonth)} |`,
    ),
    `| **total** | | | | **${usd(c.usdPerMonth)}** |`,
    '',
    `Inputs: ingest ${c.inputs.ingestMsPerAlert} ms per alert at ${c.inputs.ingestMemoryMb} MB, ticket-sync ` +
      `${c.inputs.ticketSyncMsPerHandOff} ms per hand-off at ${c.inputs.ticketSyncMemoryMb} MB, ` +
      `${c.inputs.handOffsPerAlert} hand-offs per alert; handler time is the wall time of each invocation on this ` +
      'machine, local DynamoDB and SQS round trips included (AWS round trips are slower, the CPU may be faster). ' +
      `DynamoDB units are the capacity the local server reported for each request (item size counted: ` +
      `${n(s.dynamo.writeUnits)} WRU for ${n(s.dynamo.writeItems)} items written, ${n(s.dynamo.readUnits)} RRU for ` +
      `${n(s.dynamo.readItems)} items read, batch calls counted per item); counting one unit per item instead ` +
      `would give ${usd(c.dynamoUsdOneUnitPerItem)}. A refused conditional write counts 1 WRU ` +
      `(${n(s.dynamo.failedConditionalWrites)} here). SQS: one request per call (messages are far below 64 KB); ` +
      'forwarders assumed to send 10 messages per request.',
    '',
    'The rates are those of a storm, where ingest invocations carry full batches of 100; a trickle of alerts makes ' +
      'smaller batches, so more invocations, receives and incident writes per alert. Not included: storage, ' +
      'CloudWatch logs and metrics, Secrets Manager, KMS, data transfer, the jira-webhook function, free tiers, and ' +
      'the fixed cost of the event source mappings long-polling both queues when idle. Prices are list prices to be ' +
      'checked, set in bench/cost.ts.',
    '',
  ];
}
