import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../lambdas/adapters/dynamodb/client';
import type { DlqTarget } from './commands/dlq';
import { operatorValues, requireValues } from './stack-outputs';
import type { StackValues } from './stack-outputs';

/**
 * The deployed stack the operator commands work on: its outputs from `--stack NAME` (read from the stack's SSM
 * parameter) or from the environment (`A2T_TABLE_NAME`…), and the AWS SDK's usual credentials chain.
 * `A2T_DYNAMODB_ENDPOINT` / `A2T_SQS_ENDPOINT` point them at local servers instead.
 */
export async function awsTarget(
  options: {
    stack?: string;
    need?: 'table' | 'all';
    env?: NodeJS.ProcessEnv;
    read?: (name: string) => Promise<StackValues>;
  } = {},
): Promise<DlqTarget> {
  const env = options.env ?? process.env;
  const { values, from } = await operatorValues(options.stack, env, options.read);
  const v =
    options.need === 'table'
      ? requireValues(values, ['tableName'], from)
      : requireValues(
          values,
          ['tableName', 'intakeQueueUrl', 'intakeDlqUrl', 'ticketSyncQueueUrl', 'ticketSyncDlqUrl'],
          from,
        );
  const dynamoEndpoint = env.A2T_DYNAMODB_ENDPOINT;
  const sqsEndpoint = env.A2T_SQS_ENDPOINT;
  return {
    doc: documentClient(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}),
    sqs: new SQSClient(sqsEndpoint ? { endpoint: sqsEndpoint } : {}),
    table: v.tableName,
    intakeUrl: values.intakeQueueUrl ?? '',
    intakeDlqUrl: values.intakeDlqUrl ?? '',
    ticketSyncUrl: values.ticketSyncQueueUrl ?? '',
    ticketSyncDlqUrl: values.ticketSyncDlqUrl ?? '',
  };
}
