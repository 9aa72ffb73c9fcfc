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

/**
 * Item actions on the items whose partition key starts with one of `prefixes` only (IAM's `dynamodb:LeadingKeys`):
 * for the internet-facing webhook, which must not be able to touch alerts, context or claims even if compromised.
 */
export function grantItemAccessByPrefix(
  table: dynamodb.ITable,
  role: iam.IRole,
  actions: readonly string[],
  prefixes: readonly string[],
): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: actions.map((a) => `dynamodb:${a}`),
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => `${p}*`) } },
    }),
  );
}

export const TABLE_ACTIONS = {
  ingest: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchWriteItem'],
  ticketSync: ['GetItem', 'PutItem', 'UpdateItem', 'Query'],
} as const;
