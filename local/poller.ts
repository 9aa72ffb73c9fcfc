import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  /** Lambda's batch size: messages per invocation (received 10 at a time, as SQS allows). */
  batchSize: number;
  /** Lambda's batching window: wait this long to fill a batch. */
  batchingWindowMs: number;
  invoke(records: SQSRecord[]): Promise<SQSBatchResponse>;
}

/**
 * Behaves like Lambda's SQS event source mapping, locally: gathers a batch (size and window), invokes the handler,
 * deletes what succeeded and leaves the reported failures to come back after their visibility timeout (or the
 * wait the handler set), so the queue's redrive policy moves a poison message to its DLQ after maxReceiveCount.
 */
export class EventSourcePoller {
  invocations = 0;
  /** Invocations running now, and the most that ever ran at once. */
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly o: PollerOptions) {}

  /** Receives one batch and invokes; returns how many messages it handled (0: the queue looked empty). */
  async pollOnce(): Promise<number> {
    const messages: Message[] = [];
    const deadline = Date.now() + this.o.batchingWindowMs;
    while (messages.length < this.o.batchSize) {
      const r = await this.o.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.o.queueUrl,
          MaxNumberOfMessages: Math.min(10, this.o.batchSize - messages.length),
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
          WaitTimeSeconds: 0,
        }),
      );
      const got = r.Messages ?? [];
      messages.push(...got);
      if (got.length === 0 && (messages.length > 0 || Date.now() >= deadline)) break;
      if (got.length === 0) await new Promise((res) => setTimeout(res, 20));
    }
    if (messages.length === 0) return 0;
    this.invocations++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const records = messages.map((m) => this.toRecord(m));
    let failed: Set<string>;
    try {
      const response = await this.o.invoke(records);
      failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    } catch {
      // A thrown handler fails the whole batch, as in Lambda.
      failed = new Set(records.map((r) => r.messageId));
    } finally {
      this.inFlight--;
    }
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    for (let i = 0; i < done.length; i += 10) {
      await this.o.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.o.queueUrl,
          Entries: done.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    return messages.length;
  }

  /**
   * `n` polls at once, as Lambda runs up to the event source's maximum concurrency of invocations: each receives its
   * own messages (the queue hides a received message from the others) and invokes on them. Returns how many
   * messages they handled together.
   */
  async pollConcurrently(n: number): Promise<number> {
    const handled = await Promise.all(Array.from({ length: Math.max(1, n) }, () => this.pollOnce()));
    return handled.reduce((a, b) => a + b, 0);
  }

  private toRecord(m: Message): SQSRecord {
    const a = m.Attributes ?? {};
    return {
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
        SentTimestamp: a.SentTimestamp ?? String(Date.now()),
        SenderId: a.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        ...(a.MessageGroupId !== undefined ? { MessageGroupId: a.MessageGroupId } : {}),
        ...(a.MessageDeduplicationId !== undefined ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
        ...(a.SequenceNumber !== undefined ? { SequenceNumber: a.SequenceNumber } : {}),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.o.queueArn,
      awsRegion: 'us-east-1',
    };
  }
}
