import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lambdas/adapters/dynamodb/client';
import { LOCAL_CREDENTIALS, LOCAL_REGION, createTable, startLocalDynamo } from '../../local/dynamodb-server';
import type { LocalDynamo } from '../../local/dynamodb-server';

/** A suite's local DynamoDB server and client; read them inside tests or hooks, after `beforeAll` ran. */
export interface LocalDynamoSuite {
  readonly endpoint: string;
  readonly doc: DynamoDBDocumentClient;
  /** A fresh table with the project's schema, named `<prefix>-<n>`, so tests of one suite never share state. */
  newTable(prefix: string): Promise<string>;
}

/**
 * Starts the npm DynamoDB-compatible server once for the calling suite (its own `beforeAll`/`afterAll`) and hands
 * out fresh tables: the setup every integration suite on the table needs, written once.
 */
export function useLocalDynamo(): LocalDynamoSuite {
  let dynamo: LocalDynamo | undefined;
  let client: DynamoDBDocumentClient | undefined;
  let tables = 0;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    client = documentClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  });
  afterAll(async () => {
    client?.destroy();
    await dynamo?.close();
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('useLocalDynamo: read the server inside a test or hook, after beforeAll');
    return v;
  };
  return {
    get endpoint() {
      return started(dynamo).endpoint;
    },
    get doc() {
      return started(client);
    },
    async newTable(prefix: string) {
      const table = `${prefix}-${++tables}`;
      await createTable(started(dynamo).endpoint, table);
      return table;
    },
  };
}
