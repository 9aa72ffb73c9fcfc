import { mulberry32 } from '../../bench/generator';

/**
 * Deterministic interleavings of concurrent invocations: every invocation stops at each await point it is given
 * (`turn`), and once every live invocation has stopped (or finished), the seeded generator picks the one that goes
 * on. Exactly one invocation runs at a time, so the same seed replays the same interleaving step for step, whatever
 * the machine's speed: a race is found by the order of steps, never by timing.
 */
export class SeededScheduler {
  /** Steps granted so far. */
  steps = 0;
  private readonly rnd: () => number;
  private readonly waiting: { who: number; go: () => void }[] = [];
  private running = 0;
  private next = 0;

  constructor(readonly seed: number) {
    this.rnd = mulberry32(seed);
  }

  /** Runs `body` as one invocation of the schedule; `turn` is what it awaits before each step. */
  async run<T>(body: (turn: () => Promise<void>) => Promise<T>): Promise<T> {
    const who = this.next++;
    this.running++;
    try {
      return await body(() => this.turn(who));
    } finally {
      this.running--;
      this.release();
    }
  }

  /**
   * Wraps every method of a port so each call is one step: it waits its turn, then runs while all other
   * invocations wait. Calls an invocation makes at once (a `Promise.all`) take their steps one after the other, so
   * one invocation is never two runners. Properties that are not functions pass through.
   */
  port<T extends object>(target: T, turn: () => Promise<void>): T {
    let chain: Promise<unknown> = Promise.resolve();
    return new Proxy(target, {
      get(t, p, r) {
        const v = Reflect.get(t, p, r) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          const step = chain.then(async () => {
            await turn();
            return (v as (...a: unknown[]) => Promise<unknown>).apply(t, args);
          });
          chain = step.catch(() => undefined);
          return step;
        };
      },
    });
  }

  private turn(who: number): Promise<void> {
    return new Promise((go) => {
      this.waiting.push({ who, go });
      this.running--;
      this.release();
    });
  }

  /** When nobody runs, the seed picks who goes next. */
  private release(): void {
    if (this.running > 0 || this.waiting.length === 0) return;
    const [chosen] = this.waiting.splice(Math.floor(this.rnd() * this.waiting.length), 1);
    this.running++;
    this.steps++;
    chosen.go();
  }
}
