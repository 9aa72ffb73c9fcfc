import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

export interface DynamoFigures {
  /** Items touched per operation: 1 per single-item call, the keys or puts of each batch call. */
  itemsByOperation: Record<string, number>;
  /** Items read / written: on-demand bills one request unit per item up to 4 KB (read) or 1 KB (write). */
  readItems: number;
  writeItems: number;
  /** Capacity units the local server reported (ReturnConsumedCapacity), which also count item size. */
  unitsByOperation: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  /** Conditional writes refused: AWS bills them; the local server reports no capacity for them (counted as 1). */
  failedConditionalWrites: number;
}

type Consumed = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

function batchItems(op: string, input: { RequestItems?: Record<string, unknown> }): number {
  let n = 0;
  for (const v of Object.values(input.RequestItems ?? {})) {
    if (op === 'BatchGetItem') n += (v as { Keys?: unknown[] }).Keys?.length ?? 0;
    else n += Array.isArray(v) ? v.length : 0;
  }
  return n;
}

/**
 * Counts what DynamoDB on-demand would bill for the requests a client sends: items per call (batch calls opened
 * up) and the capacity units the server reports when asked (`ReturnConsumedCapacity: TOTAL`, added to each
 * request; it changes nothing else). The table has no indexes, so table units are all the units.
 */
export class DynamoMeter {
  private readonly items = new Map<string, number>();
  private readonly units = new Map<string, number>();
  private failedConditional = 0;

  attach(doc: DynamoDBDocumentClient): void {
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const op = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        if (!READS.has(op) && !WRITES.has(op)) return next(args);
        const input = args.input as Record<string, unknown>;
        const n = op.startsWith('Batch') ? batchItems(op, input) : 1;
        this.items.set(op, (this.items.get(op) ?? 0) + n);
        try {
          const result = await next({
            ...args,
            input: { ...input, ReturnConsumedCapacity: 'TOTAL' } as typeof args.input,
          });
          const consumed = (result.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity;
          const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
          this.addUnits(
            op,
            list.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0),
          );
          return result;
        } catch (err) {
          if (err instanceof Error && err.name === 'ConditionalCheckFailedException') {
            this.failedConditional++;
            this.addUnits(op, 1);
          }
          throw err;
        }
      },
      { step: 'initialize', name: 'a2tBenchDynamoMeter' },
    );
  }

  private addUnits(op: string, n: number): void {
    this.units.set(op, (this.units.get(op) ?? 0) + n);
  }

  figures(): DynamoFigures {
    const sum = (m: Map<string, number>, ops: Set<string>) =>
      [...m].reduce((s, [op, n]) => s + (ops.has(op) ? n : 0), 0);
    return {
      itemsByOperation: Object.fromEntries(this.items),
      readItems: sum(this.items, READS),
      writeItems: sum(this.items, WRITES),
      unitsByOperation: Object.fromEntries(this.units),
      readUnits: sum(this.units, READS),
      writeUnits: sum(this.units, WRITES),
      failedConditionalWrites: this.failedConditional,
    };
  }
}
