import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { documentClient, RequestCounter } from '../lambdas/adapters/dynamodb/client';
import { DynamoIngestStore } from '../lambdas/adapters/dynamodb/ingest-store';
import { DynamoTicketStore } from '../lambdas/adapters/dynamodb/ticket-store';
import { DynamoTicketBudget } from '../lambdas/adapters/dynamodb/budget-store';
import { DynamoFailureStore } from '../lambdas/adapters/dynamodb/failure-store';
import { SqsTicketQueue } from '../lambdas/adapters/sqs/ticket-queue';
import type { Settings } from '../lambdas/adapters/config';
import { settingsOf } from '../lambdas/adapters/config';
import type { IngestResult } from '../lambdas/core/ingest/ingest-batch';
import type { Drafter, TicketGateway } from '../lambdas/core/sync/ports';
import type { SyncSettings } from '../lambdas/core/sync/settings';
import type { SyncOutcome } from '../lambdas/core/sync/sync-incident';
import { UNCONTROLLED } from '../lambdas/core/sync/control';
import type { TicketingControl } from '../lambdas/core/sync/control';
import { retryDelaySeconds } from '../lambdas/core/sync/retry-schedule';
import { ingestRecords } from '../lambdas/ingest/ingest-records';
import { loadDetectStage } from '../lambdas/core/detect/stage';
import type { DetectStage } from '../lambdas/core/detect/stage';
import { fixedGateway } from '../lambdas/ticket-sync/jira-session';
import type { GatewaySource } from '../lambdas/ticket-sync/jira-session';
import { runTicketSync } from '../lambdas/ticket-sync/run-ticket-sync';
import type { Telemetry } from '../lambdas/ticket-sync/run-ticket-sync';
import { TOPOLOGY } from '../lambdas/topology';
import { LOCAL_CREDENTIALS, LOCAL_REGION, createTable, startLocalDynamo } from './dynamodb-server';
import type { LocalDynamo } from './dynamodb-server';
import { createQueues, sqsClient, startLocalSqs } from './sqs-server';
import type { LocalQueues, LocalSqs } from './sqs-server';
import { EventSourcePoller } from './poller';

/** SQS's limit on one SendMessageBatch request, all its messages together. */
const MAX_BATCH_REQUEST_BYTES = 1024 * 1024;

/** Stages by selection, so the many runtimes a test run starts read and index the pack once each. */
const DETECT_STAGES = new Map<string, DetectStage>();

/** The builtin detect stage for a selection, built once per process. */
export function sharedDetectStage(selection: Settings['sigma']): DetectStage {
  const key = JSON.stringify(selection);
  let stage = DETECT_STAGES.get(key);
  if (stage === undefined) {
    stage = loadDetectStage(selection);
    DETECT_STAGES.set(key, stage);
  }
  return stage;
}

export interface RuntimeOptions {
  /** Use running servers (tests start them in global setup); else they are started here. */
  dynamoEndpoint?: string;
  sqsEndpoint?: string;
  /** The Jira ticket-sync uses: a fixed gateway (the emulator, a site), or a session as the Lambda's (`jiraSession`). */
  jira?: TicketGateway;
  /** Credentials, site check and circuit breaker as in the Lambda (lambdas/ticket-sync/jira-session.ts). */
  jiraSession?: GatewaySource;
  /** The kill switch and cap, as the Lambda reads them from SSM (default: on, no cap). */
  control?: () => Promise<TicketingControl>;
  drafter: Drafter;
  sync: SyncSettings;
  settings?: Partial<Settings>;
  /** Multiplies the stack's visibility timeouts (6 and 12 minutes) so local retries take seconds. */
  visibilityScale?: number;
  ingestBatchSize?: number;
  ingestBatchingWindowMs?: number;
  /**
   * Ingest invocations at once when draining (default: the deployed maximum, `TOPOLOGY.intake.maxConcurrency`), so
   * concurrent batches of one attack race locally as they do in AWS; 1 runs them one after the other.
   */
  ingestConcurrency?: number;
  /** Unique per runtime so tests can share one server. */
  prefix?: string;
  /** ticket-sync's clock (epoch ms; default the wall clock): tests step it so coalescing never depends on speed. */
  now?: () => number;
  /**
   * How ticket-sync puts a message off (default: change its visibility on the queue). Tests that step `now` replace
   * it, so a deferred update comes back when their clock says, not after real seconds.
   */
  deferMessage?: (receiptHandle: string, seconds: number) => Promise<void>;
  /**
   * The detect stage ingest runs (default: the builtin SigmaHQ pack under `settings.sigma`, as the Lambda loads it;
   * `false`: none, for tests about something else).
   */
  detect?: DetectStage | false;
  /** Also told what ticket-sync reports (metrics and log lines), besides the runtime's own totals. */
  telemetry?: Telemetry;
}

export interface RuntimeTotals {
  accepted: number;
  duplicates: number;
  suppressed: number;
  rejected: number;
  incidents: Set<string>;
  outcomes: SyncOutcome[];
  errors: string[];
  /** ticket-sync's metrics (run-ticket-sync.ts METRICS), summed. */
  metrics: Map<string, number>;
  /** ticket-sync's log lines, `level message {fields}`. */
  logs: string[];
}

function addResult(t: RuntimeTotals, r: IngestResult): void {
  t.accepted += r.accepted;
  t.duplicates += r.duplicates;
  t.suppressed += r.suppressed;
  t.rejected += r.rejected;
  for (const id of r.incidents.keys()) t.incidents.add(id);
  // An incident write that failed gives its messages back to the queue: the invocation failed in part. (A message
  // the store refused for good is a rejection, a result: its error line is not a failure.)
  if (r.failedMessages.size === 0) return;
  const failed = r.errors.filter(
    (e) => e.startsWith('incident ') || [...r.failedMessages].some((m) => e.startsWith(`message ${m}:`)),
  );
  for (const e of failed.length > 0 ? failed : [`${r.failedMessages.size} message(s) given back to the queue`])
    t.errors.push(`ingest: ${e}`);
}

/**
 * The whole pipeline on one machine: the local DynamoDB and SQS servers, the table and queues as the stack defines
 * them, and the real ingest and ticket-sync code driven by pollers that behave like Lambda's SQS integration.
 */
export class LocalRuntime {
  private constructor(
    readonly totals: RuntimeTotals,
    readonly dynamoRequests: RequestCounter,
    readonly sqs: SQSClient,
    readonly queues: LocalQueues,
    readonly tableName: string,
    readonly doc: ReturnType<typeof documentClient>,
    private readonly ingestPoller: EventSourcePoller,
    private readonly syncPoller: EventSourcePoller,
    private readonly owned: { dynamo?: LocalDynamo; sqs?: LocalSqs },
    /** Ingest invocations `drain` runs at once. */
    readonly ingestConcurrency: number,
  ) {}

  static async start(o: RuntimeOptions): Promise<LocalRuntime> {
    const owned: { dynamo?: LocalDynamo; sqs?: LocalSqs } = {};
    let dynamoEndpoint = o.dynamoEndpoint;
    if (dynamoEndpoint === undefined) {
      owned.dynamo = await startLocalDynamo();
      dynamoEndpoint = owned.dynamo.endpoint;
    }
    let sqsEndpoint = o.sqsEndpoint;
    if (sqsEndpoint === undefined) {
      owned.sqs = await startLocalSqs();
      sqsEndpoint = owned.sqs.endpoint;
    }
    const prefix = o.prefix ?? `a2t-${randomUUID().slice(0, 8)}-`;
    const tableName = `${prefix}table`;
    await createTable(dynamoEndpoint, tableName);
    const sqs = sqsClient(sqsEndpoint);
    const queues = await createQueues(sqs, prefix, o.visibilityScale ?? 1 / 180);
    const settings = settingsOf(o.settings ?? {});
    const detect = o.detect === false ? undefined : (o.detect ?? sharedDetectStage(settings.sigma));
    const counter = new RequestCounter();
    const doc = documentClient(
      { endpoint: dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS },
      counter,
    );
    const ingestStore = new DynamoIngestStore(doc, tableName);
    const ticketQueue = new SqsTicketQueue(sqs, queues.ticketSync.url);
    const ticketStore = new DynamoTicketStore(doc, tableName);

    const totals: RuntimeTotals = {
      accepted: 0,
      duplicates: 0,
      suppressed: 0,
      rejected: 0,
      incidents: new Set(),
      outcomes: [],
      errors: [],
      metrics: new Map(),
      logs: [],
    };
    const ingestPoller = new EventSourcePoller({
      sqs,
      queueUrl: queues.intake.url,
      queueArn: queues.intake.arn,
      batchSize: o.ingestBatchSize ?? 100,
      batchingWindowMs: o.ingestBatchingWindowMs ?? 50,
      invoke: async (records: SQSRecord[]) => {
        const { response, result, error } = await ingestRecords(records, {
          store: ingestStore,
          queue: ticketQueue,
          settings,
          ...(detect !== undefined ? { detect } : {}),
        });
        if (result !== undefined) addResult(totals, result);
        if (error !== undefined)
          totals.errors.push(`ingest: ${error instanceof Error ? error.message : String(error)}`);
        return response;
      },
    });
    const jira = o.jiraSession ?? (o.jira !== undefined ? fixedGateway(o.jira) : undefined);
    if (jira === undefined) throw new Error('LocalRuntime needs jira or jiraSession');
    const scale = o.visibilityScale ?? 1 / 180;
    const failures = new DynamoFailureStore(doc, tableName);
    const telemetry = collecting(totals, o.telemetry);
    const syncPoller = new EventSourcePoller({
      sqs,
      queueUrl: queues.ticketSync.url,
      queueArn: queues.ticketSync.arn,
      batchSize: TOPOLOGY.ticketSync.batchSize,
      batchingWindowMs: 0,
      invoke: (records: SQSRecord[]) =>
        runTicketSync(
          records,
          {
            store: ticketStore,
            jira,
            drafter: o.drafter,
            settings: o.sync,
            control: o.control ?? (async () => UNCONTROLLED),
            budget: (limit) => new DynamoTicketBudget(doc, tableName, () => limit),
            recordFailure: (incidentId, error, receives) =>
              failures.record(incidentId, error, new Date((o.now ?? Date.now)()).toISOString(), receives),
            maxReceiveCount: TOPOLOGY.ticketSync.maxReceiveCount,
            // The stack's growing waits, scaled like the visibility timeouts so a local retry takes seconds.
            backoffSeconds: (receive) => Math.round(retryDelaySeconds(TOPOLOGY.ticketSync.retry, receive) * scale),
            deferMessage:
              o.deferMessage ??
              (async (receiptHandle, seconds) => {
                await sqs.send(
                  new ChangeMessageVisibilityCommand({
                    QueueUrl: queues.ticketSync.url,
                    ReceiptHandle: receiptHandle,
                    VisibilityTimeout: seconds,
                  }),
                );
              }),
            telemetry,
            onOutcome: ({ dryRun, ...outcome }) => {
              if (!dryRun) totals.outcomes.push(outcome);
            },
            ...(o.now !== undefined ? { now: o.now } : {}),
          },
          { owner: `local-${randomUUID().slice(0, 8)}` },
        ),
    });
    const concurrency = o.ingestConcurrency ?? TOPOLOGY.intake.maxConcurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new Error(`ingestConcurrency must be a whole number ≥ 1, not ${concurrency}`);
    return new LocalRuntime(totals, counter, sqs, queues, tableName, doc, ingestPoller, syncPoller, owned, concurrency);
  }

  /**
   * Puts bodies on the intake queue, as a forwarder would: up to 10 per call, and no more than SQS takes in one batch
   * request (1 MiB in all), so whole-file messages near the size limit go one per call.
   */
  async send(bodies: string[]): Promise<void> {
    let i = 0;
    while (i < bodies.length) {
      let end = i + 1;
      let bytes = Buffer.byteLength(bodies[i], 'utf8');
      while (end < bodies.length && end - i < 10) {
        const next = Buffer.byteLength(bodies[end], 'utf8');
        if (bytes + next > MAX_BATCH_REQUEST_BYTES) break;
        bytes += next;
        end++;
      }
      const r = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queues.intake.url,
          Entries: bodies.slice(i, end).map((b, j) => ({ Id: String(j), MessageBody: b })),
        }),
      );
      if ((r.Failed ?? []).length > 0)
        throw new Error(`intake queue refused ${r.Failed!.length} message(s): ${r.Failed![0].Message ?? ''}`);
      i = end;
    }
  }

  async depth(url: string): Promise<number> {
    const r = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const a = r.Attributes ?? {};
    return (
      Number(a.ApproximateNumberOfMessages ?? 0) +
      Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
    );
  }

  /** The most ingest invocations that ran at once so far. */
  get ingestMaxInFlight(): number {
    return this.ingestPoller.maxInFlight;
  }

  /** One ingest poll: how many messages it handled. */
  pollIngest(): Promise<number> {
    return this.ingestPoller.pollOnce();
  }

  /** `ingestConcurrency` ingest polls at once (concurrent invocations): how many messages they handled. */
  pollIngestConcurrently(n = this.ingestConcurrency): Promise<number> {
    return this.ingestPoller.pollConcurrently(n);
  }

  /** One ticket-sync poll (one invocation, as Lambda's event source would make it): how many messages it handled. */
  pollTicketSync(): Promise<number> {
    return this.syncPoller.pollOnce();
  }

  /**
   * Runs both pollers until both queues are empty (dead letters aside) or the time is up; awaits `onTick` after each
   * round. Each round runs `ingestConcurrency` ingest invocations at once, then one ticket-sync invocation.
   */
  async drain(timeoutMs = 60_000, onTick?: () => void | Promise<void>): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const a = await this.ingestPoller.pollConcurrently(this.ingestConcurrency);
      const b = await this.syncPoller.pollOnce();
      await onTick?.();
      if (a === 0 && b === 0) {
        if ((await this.depth(this.queues.intake.url)) === 0 && (await this.depth(this.queues.ticketSync.url)) === 0)
          return true;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return false;
  }

  async close(): Promise<void> {
    this.doc.destroy();
    this.sqs.destroy();
    await this.owned.sqs?.close();
    await this.owned.dynamo?.close();
  }
}

/** ticket-sync's telemetry into the runtime's totals (and to `also`): metrics summed, lines kept, errors listed. */
function collecting(totals: RuntimeTotals, also?: Telemetry): Telemetry {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    totals.logs.push(`${level} ${message}${fields !== undefined ? ` ${JSON.stringify(fields)}` : ''}`);
    if (level !== 'info' && typeof fields?.error === 'string') totals.errors.push(`ticket-sync: ${fields.error}`);
  };
  const info = line('info');
  const warn = line('warn');
  const error = line('error');
  return {
    count: (metric, n = 1) => {
      totals.metrics.set(metric, (totals.metrics.get(metric) ?? 0) + n);
      also?.count(metric, n);
    },
    info: (m, f) => {
      info(m, f);
      also?.info(m, f);
    },
    warn: (m, f) => {
      warn(m, f);
      also?.warn(m, f);
    },
    error: (m, f) => {
      error(m, f);
      also?.error(m, f);
    },
  };
}
