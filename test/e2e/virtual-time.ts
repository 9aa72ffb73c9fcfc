import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { LocalRuntime } from '../../local/runtime';

/** SQS's longest visibility timeout: a deferred message stays hidden until this clock releases it. */
const HIDDEN_SECONDS = 43_200;

/**
 * ticket-sync's clock in an end-to-end test, stepped by the pipeline's own work instead of read from the machine.
 *
 * It moves by `msPerAlert` for every alert ingest handles (a storm's alerts arrive that far apart), and when nothing
 * is left to do but wait, it jumps to the next deferred update, as a discrete-event simulation does. An update that
 * ticket-sync coalesces is hidden on the queue until this clock reaches the time it asked for. So how many comments
 * a storm makes follows from the pipeline's rules alone, and is the same on an idle machine and on a loaded one.
 */
export class VirtualTime {
  private jumped = 0;
  private runtime?: LocalRuntime;
  private lastWork = -1;
  private waiting: { receiptHandle: string; due: number }[] = [];

  constructor(
    private readonly start: number,
    private readonly msPerAlert: number,
  ) {}

  /** Hands the clock the runtime whose work moves it (the runtime is built with the clock, so it comes after). */
  attach(runtime: LocalRuntime): void {
    this.runtime = runtime;
  }

  /** Epoch ms: for ticket-sync's `now`. */
  readonly now = (): number => this.start + this.jumped + this.alertsHandled() * this.msPerAlert;

  /** ticket-sync's `deferMessage`: hide the message until `seconds` have passed on this clock. */
  readonly defer = async (receiptHandle: string, seconds: number): Promise<void> => {
    await this.setVisibility(receiptHandle, HIDDEN_SECONDS);
    this.waiting.push({ receiptHandle, due: this.now() + seconds * 1000 });
  };

  /**
   * Runs after each round of polling (`drain`'s `onTick`): a round that did nothing means only waiting is left, so
   * the clock jumps to the earliest deferred update; then every update that is due becomes visible again.
   */
  readonly tick = async (): Promise<void> => {
    const work = this.workDone();
    if (work === this.lastWork && this.waiting.length > 0) {
      const next = Math.min(...this.waiting.map((w) => w.due));
      this.jumped += Math.max(0, next - this.now());
    }
    this.lastWork = work;
    const now = this.now();
    const due = this.waiting.filter((w) => w.due <= now);
    this.waiting = this.waiting.filter((w) => w.due > now);
    for (const w of due) await this.setVisibility(w.receiptHandle, 0);
  };

  private alertsHandled(): number {
    const t = this.attached().totals;
    return t.accepted + t.duplicates + t.suppressed + t.rejected;
  }

  /** Everything either Lambda did: ingest's records, ticket-sync's outcomes and failures (deferrals included). */
  private workDone(): number {
    const t = this.attached().totals;
    return this.alertsHandled() + t.outcomes.length + t.errors.length;
  }

  private async setVisibility(receiptHandle: string, seconds: number): Promise<void> {
    const runtime = this.attached();
    await runtime.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: runtime.queues.ticketSync.url,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }

  private attached(): LocalRuntime {
    if (this.runtime === undefined) throw new Error('VirtualTime used before attach(runtime)');
    return this.runtime;
  }
}
