import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Counts DynamoDB requests by operation: the benchmark reports requests per alert from it. */
export class RequestCounter {
  readonly byOperation = new Map<string, number>();
  get total(): number {
    return [...this.byOperation.values()].reduce((a, b) => a + b, 0);
  }
  reset(): void {
    this.byOperation.clear();
  }
}

export function documentClient(config: DynamoDBClientConfig = {}, counter?: RequestCounter): DynamoDBDocumentClient {
  const client = new DynamoDBClient(config);
  if (counter !== undefined) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const op = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        counter.byOperation.set(op, (counter.byOperation.get(op) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'a2tRequestCounter' },
    );
  }
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
