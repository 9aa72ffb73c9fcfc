import { TOPOLOGY } from '../lambdas/topology';
import type { ScaleFigures } from './scale';

/**
 * us-east-1 on-demand list prices the model assumes, in USD. Assumptions to be checked against the AWS price
 * pages before quoting a figure: prices change, and free tiers are left out on purpose.
 */
export const PRICES = {
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  /** Lambda arm64, first pricing tier. */
  lambdaPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  sqsStandardPerMillionRequests: 0.4,
  sqsFifoPerMillionRequests: 0.5,
} as const;

export const ALERTS_PER_MONTH = 1_000_000;

export interface CostLine {
  item: string;
  /** Quantity per alert, as measured in the throughput run. */
  perAlert: number;
  perMonth: number;
  unit: string;
  price: string;
  usdPerMonth: number;
}

export interface CostModel {
  alertsPerMonth: number;
  lines: CostLine[];
  usdPerMonth: number;
  /** DynamoDB counted one request unit per item instead (ignoring item size): the lower bound. */
  dynamoUsdOneUnitPerItem: number;
  inputs: {
    ingestMsPerAlert: number;
    ticketSyncMsPerHandOff: number;
    handOffsPerAlert: number;
    ingestMemoryMb: number;
    ticketSyncMemoryMb: number;
  };
}

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
const sig = (x: number): number => Number(x.toPrecision(3));

/**
 * What 1 million alerts a month would cost on AWS at the rates the throughput run measured: DynamoDB capacity units
 * (item size counted), Lambda GB-seconds from the measured handler time per alert and per hand-off at the memory the
 * stack configures, Lambda invocations, and SQS requests (standard intake, FIFO ticket-sync).
 */
export function costModel(s: ScaleFigures, alertsPerMonth = ALERTS_PER_MONTH): CostModel {
  const alerts = s.spec.alerts;
  const { intake, ticketSync } = s.sqs.handler;
  const ingestMemoryMb = TOPOLOGY.functions.ingest.memoryMb;
  const ticketSyncMemoryMb = TOPOLOGY.functions.ticketSync.memoryMb;
  const ingestMsPerAlert = intake.ms / Math.max(1, intake.messages);
  const ticketSyncMsPerHandOff = ticketSync.ms / Math.max(1, ticketSync.messages);
  const handOffsPerAlert = s.handOffs / alerts;
  const invocationsPerAlert =
    intake.invocations / Math.max(1, intake.messages) +
    handOffsPerAlert * (ticketSync.invocations / Math.max(1, ticketSync.messages));

  const line = (item: string, perAlert: number, unit: string, price: string, usdPerUnit: number): CostLine => ({
    item,
    perAlert: sig(perAlert),
    perMonth: Math.round(perAlert * alertsPerMonth),
    unit,
    price,
    usdPerMonth: perAlert * alertsPerMonth * usdPerUnit,
  });
  const perMillion = (usd: number) => usd / 1e6;
  const lines = [
    line(
      'DynamoDB writes',
      s.dynamo.writeUnits / alerts,
      'WRU',
      `$${PRICES.dynamoPerMillionWriteUnits} / M WRU`,
      perMillion(PRICES.dynamoPerMillionWriteUnits),
    ),
    line(
      'DynamoDB reads (strongly consistent)',
      s.dynamo.readUnits / alerts,
      'RRU',
      `$${PRICES.dynamoPerMillionReadUnits} / M RRU`,
      perMillion(PRICES.dynamoPerMillionReadUnits),
    ),
    line(
      `Lambda ingest, ${ingestMemoryMb} MB`,
      (ingestMsPerAlert / 1000) * (ingestMemoryMb / 1024),
      'GB-s',
      `$${PRICES.lambdaPerGbSecond} / GB-s`,
      PRICES.lambdaPerGbSecond,
    ),
    line(
      `Lambda ticket-sync, ${ticketSyncMemoryMb} MB`,
      handOffsPerAlert * (ticketSyncMsPerHandOff / 1000) * (ticketSyncMemoryMb / 1024),
      'GB-s',
      `$${PRICES.lambdaPerGbSecond} / GB-s`,
      PRICES.lambdaPerGbSecond,
    ),
    line(
      'Lambda invocations (ingest + ticket-sync)',
      invocationsPerAlert,
      'requests',
      `$${PRICES.lambdaPerMillionRequests} / M`,
      perMillion(PRICES.lambdaPerMillionRequests),
    ),
    line(
      'SQS intake (standard)',
      sum(s.sqs.billable.intake) / alerts,
      'requests',
      `$${PRICES.sqsStandardPerMillionRequests} / M`,
      perMillion(PRICES.sqsStandardPerMillionRequests),
    ),
    line(
      'SQS ticket-sync (FIFO)',
      sum(s.sqs.billable.ticketSync) / alerts,
      'requests',
      `$${PRICES.sqsFifoPerMillionRequests} / M`,
      perMillion(PRICES.sqsFifoPerMillionRequests),
    ),
  ];
  const dynamoUsdOneUnitPerItem =
    (s.dynamo.writeItems / alerts) * alertsPerMonth * perMillion(PRICES.dynamoPerMillionWriteUnits) +
    (s.dynamo.readItems / alerts) * alertsPerMonth * perMillion(PRICES.dynamoPerMillionReadUnits);
  return {
    alertsPerMonth,
    lines,
    usdPerMonth: lines.reduce((a, l) => a + l.usdPerMonth, 0),
    dynamoUsdOneUnitPerItem,
    inputs: {
      ingestMsPerAlert: sig(ingestMsPerAlert),
      ticketSyncMsPerHandOff: sig(ticketSyncMsPerHandOff),
      handOffsPerAlert: sig(handOffsPerAlert),
      ingestMemoryMb,
      ticketSyncMemoryMb,
    },
  };
}
