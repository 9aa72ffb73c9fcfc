import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { RetryableError } from '../../core/errors';
import type { HandOff, TicketQueue } from '../../core/ingest/ports';

/** Hand-offs to `ticket-sync.fifo`: group = incident id (one incident in order), dedup id = incident id + version. */
export class SqsTicketQueue implements TicketQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: HandOff[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      const r = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((m, j) => ({
            Id: String(j),
            MessageBody: JSON.stringify(m),
            MessageGroupId: m.incidentId,
            MessageDeduplicationId: `${m.incidentId}-v${m.version}`,
          })),
        }),
      );
      if ((r.Failed ?? []).length > 0) {
        throw new RetryableError(
          `ticket-sync queue refused ${r.Failed!.length} hand-off(s): ${r.Failed![0].Message ?? ''}`,
        );
      }
    }
  }
}
