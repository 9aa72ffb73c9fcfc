import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../lambdas/adapters/dynamodb/client';
import type { DlqTarget } from './commands/dlq';
import { CliError } from './errors';

/**
 * The deployed stack the operator commands work on, from its outputs in the environment (the AWS SDK's usual
 * credentials chain). `A2T_DYNAMODB_ENDPOINT` / `A2T_SQS_ENDPOINT` point them at local servers instead.
 */
export function awsTarget(env: NodeJS.ProcessEnv = process.env, need: 'table' | 'all' = 'all'): DlqTarget {
  const names =
    need === 'table'
      ? ['A2T_TABLE_NAME']
      : [
          'A2T_TABLE_NAME',
          'A2T_INTAKE_QUEUE_URL',
          'A2T_INTAKE_DLQ_URL',
          'A2T_TICKET_SYNC_QUEUE_URL',
          'A2T_TICKET_SYNC_DLQ_URL',
        ];
  const missing = names.filter((n) => (env[n] ?? '').trim() === '');
  if (missing.length > 0) {
    throw new CliError(
      `set ${missing.join(', ')} from the stack outputs (aws cloudformation describe-stacks --stack-name AlertToTicket)`,
    );
  }
  const dynamoEndpoint = env.A2T_DYNAMODB_ENDPOINT;
  const sqsEndpoint = env.A2T_SQS_ENDPOINT;
  return {
    doc: documentClient(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}),
    sqs: new SQSClient(sqsEndpoint ? { endpoint: sqsEndpoint } : {}),
    table: env.A2T_TABLE_NAME!,
    intakeUrl: env.A2T_INTAKE_QUEUE_URL ?? '',
    intakeDlqUrl: env.A2T_INTAKE_DLQ_URL ?? '',
    ticketSyncUrl: env.A2T_TICKET_SYNC_QUEUE_URL ?? '',
    ticketSyncDlqUrl: env.A2T_TICKET_SYNC_DLQ_URL ?? '',
  };
}
