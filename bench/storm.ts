import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoIngestStore } from '../lambdas/adapters/dynamodb/ingest-store';
import { RequestCounter, documentClient } from '../lambdas/adapters/dynamodb/client';
import { normalizeInput } from '../lambdas/core/formats';
import { ingestBatch } from '../lambdas/core/ingest/ingest-batch';
import { MemoryTicketQueue } from '../lambdas/core/ingest/memory-store';
import { LOCAL_CREDENTIALS, LOCAL_REGION, createTable, startLocalDynamo } from '../local/dynamodb-server';
import { generateStorm } from './generator';
import type { StormSpec } from './generator';

export interface StormFigures {
  spec: StormSpec;
  ours: {
    incidents: number;
    handOffs: number;
    dynamoRequests: number;
    requestsPerAlert: number;
    byOperation: Record<string, number>;
    seconds: number;
  };
  naive: { tickets: number; dynamoRequests: number; requestsPerAlert: number; seconds: number };
  ratio: number;
}

const BATCH = 100;

/**
 * The storm through the ingest core against the local DynamoDB server, and through a naive pipeline in the same run:
 * one idempotency record per alert, then one read and one write of its group's incident per alert, and a ticket for
 * every alert that is not a duplicate (how most Lambda pipelines are written).
 */
export async function benchStorm(spec: StormSpec): Promise<StormFigures> {
  const bodies = generateStorm(spec);
  const dynamo = await startLocalDynamo();
  const ourCounter = new RequestCounter();
  const naiveCounter = new RequestCounter();
  const cfg = { endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const ourDoc = documentClient(cfg, ourCounter);
  const naiveDoc = documentClient(cfg, naiveCounter);
  await createTable(dynamo.endpoint, 'ours');
  await createTable(dynamo.endpoint, 'naive');
  try {
    const store = new DynamoIngestStore(ourDoc, 'ours');
    const queue = new MemoryTicketQueue();
    const incidents = new Set<string>();
    let t0 = performance.now();
    for (let i = 0; i < bodies.length; i += BATCH) {
      const units = bodies
        .slice(i, i + BATCH)
        .map((b, j) => ({ messageId: `m-${i + j}`, ...normalizeInput(b, `m-${i + j}`) }));
      const r = await ingestBatch(units, store, queue);
      for (const id of r.incidents.keys()) incidents.add(id);
    }
    const ourSeconds = (performance.now() - t0) / 1000;

    t0 = performance.now();
    let tickets = 0;
    for (let i = 0; i < bodies.length; i++) {
      for (const a of normalizeInput(bodies[i], `m-${i}`).alerts) {
        try {
          await naiveDoc.send(
            new PutCommand({
              TableName: 'naive',
              Item: { pk: `IDEMP#${a.alertId}`, sk: 'X' },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        } catch (err) {
          if (err instanceof ConditionalCheckFailedException) continue;
          throw err;
        }
        const key = { pk: `INC#${a.host.name}#${a.rule?.name ?? a.eventType}`, sk: 'META' };
        const cur = await naiveDoc.send(new GetCommand({ TableName: 'naive', Key: key }));
        await naiveDoc.send(
          new PutCommand({ TableName: 'naive', Item: { ...key, count: Number(cur.Item?.count ?? 0) + 1 } }),
        );
        tickets++;
      }
    }
    const naiveSeconds = (performance.now() - t0) / 1000;
    const ours = {
      incidents: incidents.size,
      handOffs: queue.sent.length,
      dynamoRequests: ourCounter.total,
      requestsPerAlert: round(ourCounter.total / bodies.length),
      byOperation: Object.fromEntries(ourCounter.byOperation),
      seconds: round(ourSeconds),
    };
    const naive = {
      tickets,
      dynamoRequests: naiveCounter.total,
      requestsPerAlert: round(naiveCounter.total / bodies.length),
      seconds: round(naiveSeconds),
    };
    return { spec, ours, naive, ratio: round(naive.dynamoRequests / ours.dynamoRequests) };
  } finally {
    ourDoc.destroy();
    naiveDoc.destroy();
    await dynamo.close();
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;
