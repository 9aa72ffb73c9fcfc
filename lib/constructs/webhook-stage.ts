import { CfnOutput } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV, TOPOLOGY } from '../../lambdas/topology';
import { PipelineFunction } from './lambda-function';
import { TABLE_ACTIONS, grantItemAccess } from './grants';

export interface WebhookStageProps {
  table: dynamodb.ITable;
  secret: secretsmanager.ISecret;
  logRetentionDays: number;
  settings: string;
}

/**
 * The `jira-webhook` Lambda behind a Function URL. The URL has no IAM auth because Jira cannot sign SigV4; the
 * function authenticates every call itself with the HMAC-SHA256 `X-Hub-Signature` of Jira's shared-secret webhooks,
 * verified timing-safe before the body is parsed.
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
      // Bounds what an unauthenticated flood can cost: bad signatures are refused in microseconds, but still invoke.
      reservedConcurrentExecutions: 5,
      environment: {
        [ENV.tableName]: props.table.tableName,
        [ENV.jiraSecretArn]: props.secret.secretArn,
        [ENV.settings]: props.settings,
      },
    });
    grantItemAccess(props.table, this.function.role, TABLE_ACTIONS.jiraWebhook);
    props.secret.grantRead(this.function.role);
    this.url = this.function.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    new CfnOutput(this, 'WebhookUrl', {
      value: this.url.url,
      description: 'Paste into Jira: Settings → System → WebHooks, with the webhookSecret of the Jira secret',
    });
  }
}
