import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV, TOPOLOGY } from '../../lambdas/topology';
import { KEYS } from '../../lambdas/adapters/dynamodb/keys';
import { PipelineFunction } from './lambda-function';
import { grantItemAccessByPrefix } from './grants';

export interface WebhookStageProps {
  table: dynamodb.ITable;
  /** The webhook's own secret (the HMAC key), never the Jira credentials. */
  secret: secretsmanager.ISecret;
  logRetentionDays: number;
  /** Reserved concurrency (bounds a flood of forged calls); 0: none. */
  reservedConcurrency: number;
  settings: string;
  /** The Jira project tickets live in: a verdict from an issue of any other project is ignored. */
  jiraProjectKey: string;
}

/** `INC#…` → `INC#`: the partition-key prefix of a kind of item, from the one key layout (keys.ts). */
const prefixOf = (pk: string): string => pk.slice(0, pk.indexOf('#') + 1);

/**
 * The items the webhook touches, by action (webhook-store.ts): it reads an incident's META, updates its TICKET status
 * and META verdict, and puts delivery marks and group suppressions. Nothing else: not alerts, context, claims or
 * budgets, whatever the caller sends.
 */
const WEBHOOK_ITEMS = {
  GetItem: [prefixOf(KEYS.incidentMeta('x').pk)],
  UpdateItem: [prefixOf(KEYS.incidentTicket('x').pk)],
  PutItem: [prefixOf(KEYS.webhook('x').pk), prefixOf(KEYS.suppression('x').pk)],
} as const;

/**
 * The `jira-webhook` Lambda behind a Function URL. The URL has no IAM auth because Jira cannot sign SigV4; the
 * function authenticates every call itself with the HMAC-SHA256 `X-Hub-Signature` of Jira's shared-secret webhooks,
 * verified timing-safe before the body is parsed. Being reachable from the internet, it gets the least of anything:
 * its own secret (it cannot read the Jira API token) and only the table items it writes (`dynamodb:LeadingKeys`).
 */
export class WebhookStage extends Construct {
  readonly function: PipelineFunction;
  readonly url: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: WebhookStageProps) {
    super(scope, id);
    this.function = new PipelineFunction(this, 'JiraWebhookFn', {
      entryDir: 'jira-webhook',
      description: 'Receives Jira webhooks: ticket status and analyst verdicts back into incidents',
      ...TOPOLOGY.functions.jiraWebhook,
      logRetentionDays: props.logRetentionDays,
      ...(props.reservedConcurrency > 0 ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: {
        [ENV.tableName]: props.table.tableName,
        [ENV.webhookSecretArn]: props.secret.secretArn,
        [ENV.settings]: props.settings,
        [ENV.jiraProjectKey]: props.jiraProjectKey,
      },
    });
    for (const [action, prefixes] of Object.entries(WEBHOOK_ITEMS)) {
      grantItemAccessByPrefix(props.table, this.function.role, [action], prefixes);
    }
    props.secret.grantRead(this.function.role);
    this.url = this.function.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  }
}
