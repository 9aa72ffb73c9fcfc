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
  },
  ticketSync: {
    name: 'ticket-sync.fifo',
    dlqName: 'ticket-sync-dlq.fifo',
    visibilityTimeoutSeconds: 720,
    maxReceiveCount: 5,
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
  jiraSecretArn: 'A2T_JIRA_SECRET_ARN',
  jiraSiteUrl: 'A2T_JIRA_SITE_URL',
  jiraProjectKey: 'A2T_JIRA_PROJECT_KEY',
  jiraIssueType: 'A2T_JIRA_ISSUE_TYPE',
  priorityNames: 'A2T_PRIORITY_NAMES',
  settings: 'A2T_SETTINGS',
  /** File name, beside the bundle, of the SOC's own Sigma rules precompiled at synth; unset when it has none. */
  sigmaUserPack: 'A2T_SIGMA_USER_PACK',
} as const;
