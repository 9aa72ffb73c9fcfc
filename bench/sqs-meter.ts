import type { SQSClient } from '@aws-sdk/client-sqs';
import type { LocalQueues } from '../local/sqs-server';

export type QueueRole = 'intake' | 'ticketSync';

/** Handler time as the pollers drove it: invocations that ended in a delete, and the messages they carried. */
export interface InvocationTimes {
  invocations: number;
  messages: number;
  ms: number;
}

export interface SqsFigures {
  /** Requests AWS would bill, by queue and operation: empty receives and the local drain's depth checks left out. */
  billable: Record<QueueRole, Record<string, number>>;
  /** Receives that returned nothing (idle polling, and the receive that closes a batch). */
  emptyReceives: number;
  /** Messages received from each queue, redeliveries included. */
  received: Record<QueueRole, number>;
  handler: Record<QueueRole, InvocationTimes>;
}

interface OpenBatch {
  /** End of the latest receive: the poller invokes the handler right after the receive that ends a batch. */
  since: number;
  messages: number;
}

/**
 * Watches the runtime's SQS client (the one its pollers and `send` use) to count requests per queue and to time the
 * handler invocations without reaching into the runtime: a poller receives a batch, invokes, then deletes what
 * succeeded, so an invocation is the time from the batch's last receive to its first delete. A batch that fails as a
 * whole is not deleted; its time then merges into the next one (none fail in the bench's fault-free runs).
 */
export class SqsMeter {
  private readonly billable: Record<QueueRole, Map<string, number>> = { intake: new Map(), ticketSync: new Map() };
  private readonly received: Record<QueueRole, number> = { intake: 0, ticketSync: 0 };
  private readonly handler: Record<QueueRole, InvocationTimes> = {
    intake: { invocations: 0, messages: 0, ms: 0 },
    ticketSync: { invocations: 0, messages: 0, ms: 0 },
  };
  private readonly open = new Map<QueueRole, OpenBatch>();
  private emptyReceives = 0;
  private readonly roles: Map<string, QueueRole>;

  constructor(queues: LocalQueues) {
    this.roles = new Map([
      [queues.intake.url, 'intake'],
      [queues.intake.dlqUrl, 'intake'],
      [queues.ticketSync.url, 'ticketSync'],
      [queues.ticketSync.dlqUrl, 'ticketSync'],
    ]);
  }

  attach(client: SQSClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const op = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        const url = (args.input as { QueueUrl?: string }).QueueUrl;
        const role = url === undefined ? undefined : this.roles.get(url);
        if (role === undefined || op === 'GetQueueAttributes') return next(args);
        if (op === 'DeleteMessageBatch') this.closeBatch(role);
        const result = await next(args);
        if (op === 'ReceiveMessage') {
          const n = (result.output as { Messages?: unknown[] }).Messages?.length ?? 0;
          this.onReceive(role, n);
          if (n === 0) return result;
        }
        const ops = this.billable[role];
        ops.set(op, (ops.get(op) ?? 0) + 1);
        return result;
      },
      { step: 'initialize', name: 'a2tBenchSqsMeter' },
    );
  }

  private onReceive(role: QueueRole, n: number): void {
    if (n === 0) this.emptyReceives++;
    this.received[role] += n;
    const batch = this.open.get(role);
    if (n === 0 && batch === undefined) return;
    this.open.set(role, { since: performance.now(), messages: (batch?.messages ?? 0) + n });
  }

  private closeBatch(role: QueueRole): void {
    const batch = this.open.get(role);
    if (batch === undefined) return;
    this.open.delete(role);
    const h = this.handler[role];
    h.invocations++;
    h.messages += batch.messages;
    h.ms += performance.now() - batch.since;
  }

  figures(): SqsFigures {
    return {
      billable: {
        intake: Object.fromEntries(this.billable.intake),
        ticketSync: Object.fromEntries(this.billable.ticketSync),
      },
      emptyReceives: this.emptyReceives,
      received: { ...this.received },
      handler: { intake: { ...this.handler.intake }, ticketSync: { ...this.handler.ticketSync } },
    };
  }
}
