/**
 * One source of truth for the deployment's shape: the CDK stack and the embedded local runtime both read it,
 * so a queue's DLQ wiring, receive count and timeouts cannot drift between `cdk deploy` and `npm run demo`.
 */
export const TOPOLOGY = {
  table: {
    partitionKey: 'pk',
    sortKey: 'sk',
    /** Epoch seconds; DynamoDB deletes expired items (the local server ignores it, AWS honours it). */
    ttlAttribute: 'expiresAt',
  },
  intake: {
    name: 'alerts',
    dlqName: 'alerts-dlq',
    /** ≥ 6 × the ingest timeout, as AWS recommends for SQS event sources, so a slow batch is not redelivered mid-run. */
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    retentionDays: 14,
    /**
     * Ingest invocations at once, by default (the event source's `MaximumConcurrency`, `a2t:ingestMaxConcurrency`):
     * the local runtime and the concurrency tests run as many, so what they prove is what is deployed.
     */
    maxConcurrency: 10,
  },
  ticketSync: {
    name: 'ticket-sync.fifo',
    dlqName: 'ticket-sync-dlq.fifo',
    /** ≥ 6 × the ticket-sync timeout: only a crashed invocation's messages wait this long; failures set their own wait. */
    visibilityTimeoutSeconds: 720,
    /**
     * A hand-off Jira cannot take is kept, not dead-lettered within the hour: each failed receive waits longer
     * (`retry`), so 18 receives span about a day (60 s, 2, 4 … 64 min, then 2 h: 24.1 h in all) before the DLQ.
     */
    maxReceiveCount: 18,
    retry: { firstSeconds: 60, maxSeconds: 7_200 },
    retentionDays: 14,
    /** Lambda's limit for FIFO event sources. */
    batchSize: 10,
  },
  functions: {
    ingest: { timeoutSeconds: 60, memoryMb: 1024 },
    ticketSync: { timeoutSeconds: 120, memoryMb: 512 },
    jiraWebhook: { timeoutSeconds: 10, memoryMb: 256 },
  },
} as const;

/** Environment variable names the handlers read (validated in lambdas/adapters/config.ts). */
export const ENV = {
  tableName: 'A2T_TABLE_NAME',
  ticketSyncQueueUrl: 'A2T_TICKET_SYNC_QUEUE_URL',
  /** The Jira credentials (email, API token): ticket-sync only. */
  jiraSecretArn: 'A2T_JIRA_SECRET_ARN',
  /** The webhook's HMAC key: jira-webhook only, which never sees the API token. */
  webhookSecretArn: 'A2T_WEBHOOK_SECRET_ARN',
  jiraSiteUrl: 'A2T_JIRA_SITE_URL',
  jiraProjectKey: 'A2T_JIRA_PROJECT_KEY',
  jiraIssueType: 'A2T_JIRA_ISSUE_TYPE',
  priorityNames: 'A2T_PRIORITY_NAMES',
  settings: 'A2T_SETTINGS',
  /** SSM parameter holding the kill switch (`on`, `dry-run`, `off`), read at run time. */
  ticketingParameter: 'A2T_TICKETING_PARAMETER',
  /** SSM parameter holding the cap on tickets created per hour, read at run time. */
  ticketCapParameter: 'A2T_TICKET_CAP_PARAMETER',
  /** File name, beside the bundle, of the SOC's own Sigma rules precompiled at synth; unset when it has none. */
  sigmaUserPack: 'A2T_SIGMA_USER_PACK',
} as const;

/**
 * What an operator needs from a deployed stack: each value is a CloudFormation output (`output`), the variable the
 * `a2t` operator commands read it from (`env`), and a key of the JSON the stack also publishes in the SSM parameter
 * `/<stack name>/operator`, which `a2t … --stack NAME` reads.
 */
export const OPERATOR_VALUES = {
  tableName: { output: 'TableName', env: 'A2T_TABLE_NAME' },
  intakeQueueUrl: { output: 'IntakeQueueUrl', env: 'A2T_INTAKE_QUEUE_URL' },
  intakeQueueArn: { output: 'IntakeQueueArn', env: 'A2T_INTAKE_QUEUE_ARN' },
  intakeDlqUrl: { output: 'IntakeDlqUrl', env: 'A2T_INTAKE_DLQ_URL' },
  ticketSyncQueueUrl: { output: 'TicketSyncQueueUrl', env: 'A2T_TICKET_SYNC_QUEUE_URL' },
  ticketSyncDlqUrl: { output: 'TicketSyncDlqUrl', env: 'A2T_TICKET_SYNC_DLQ_URL' },
  jiraSecretArn: { output: 'JiraSecretArn', env: 'A2T_JIRA_SECRET_ARN' },
  webhookSecretArn: { output: 'WebhookSecretArn', env: 'A2T_WEBHOOK_SECRET_ARN' },
  ticketingParameter: { output: 'TicketingParameter', env: 'A2T_TICKETING_PARAMETER' },
  ticketCapParameter: { output: 'TicketCapParameter', env: 'A2T_TICKET_CAP_PARAMETER' },
  alarmTopicArn: { output: 'AlarmTopicArn', env: 'A2T_ALARM_TOPIC_ARN' },
  jiraSiteUrl: { output: 'JiraSiteUrl', env: 'JIRA_BASE_URL' },
  jiraProjectKey: { output: 'JiraProjectKey', env: 'JIRA_PROJECT_KEY' },
  jiraIssueType: { output: 'JiraIssueType', env: 'JIRA_ISSUE_TYPE' },
} as const;
export type OperatorValueName = keyof typeof OPERATOR_VALUES;

/** The SSM parameter a stack publishes its operator values in (JSON of {@link OPERATOR_VALUES} keys). */
export const operatorParameterName = (stackName: string): string => `/${stackName}/operator`;
