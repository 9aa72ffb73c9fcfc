import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Item-level table access without the `index/*` wildcard that `grantReadWriteData` adds (the table has no index):
 * each function gets exactly the item actions it uses on exactly this table.
 */
export function grantItemAccess(table: dynamodb.ITable, role: iam.IRole, actions: readonly string[]): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: actions.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }),
  );
}

export const TABLE_ACTIONS = {
  ingest: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchWriteItem'],
  ticketSync: ['GetItem', 'PutItem', 'UpdateItem', 'Query'],
  jiraWebhook: ['GetItem', 'PutItem', 'UpdateItem'],
} as const;
