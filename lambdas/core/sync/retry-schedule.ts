/**
 * How long a hand-off that failed waits before its next receive. Each receive of an SQS message counts towards the
 * queue's maxReceiveCount, so the wait grows with the receive count: a short Jira hiccup is retried within a minute,
 * an outage is ridden out for about a day before the message reaches the DLQ, at a few requests an hour.
 */
export interface RetrySchedule {
  /** The wait after the first failed receive. */
  firstSeconds: number;
  /** The longest wait (SQS allows 12 hours). */
  maxSeconds: number;
}

/** The wait after failed receive number `receive` (1-based): first × 2^(receive−1), capped. */
export function retryDelaySeconds(schedule: RetrySchedule, receive: number): number {
  const n = Math.max(1, Math.floor(receive));
  // 2^30 already exceeds any cap: no overflow to Infinity for absurd receive counts.
  return Math.min(schedule.maxSeconds, schedule.firstSeconds * 2 ** Math.min(n - 1, 30));
}

/** Seconds from the first receive until a message that fails every receive reaches the DLQ. */
export function secondsUntilDeadLetter(schedule: RetrySchedule, maxReceiveCount: number): number {
  let total = 0;
  for (let receive = 1; receive <= maxReceiveCount; receive += 1) total += retryDelaySeconds(schedule, receive);
  return total;
}
