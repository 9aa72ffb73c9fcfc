import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TOPOLOGY } from '../lambdas/topology';

/** Fake static credentials: the local servers accept any; no real account is ever reached. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** dynalite in this process, in memory, on a free loopback port. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** The table exactly as lib/constructs/storage.ts defines it (keys from the shared topology). */
export async function createTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: TOPOLOGY.table.partitionKey, AttributeType: 'S' },
        { AttributeName: TOPOLOGY.table.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: TOPOLOGY.table.partitionKey, KeyType: 'HASH' },
        { AttributeName: TOPOLOGY.table.sortKey, KeyType: 'RANGE' },
      ],
    }),
  );
  client.destroy();
}
