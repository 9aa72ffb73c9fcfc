import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CliError } from '../errors';
import type { WorkerInit, WorkerReply } from './protocol';
import { processSegment } from './segment-work';
import type { SegmentJob, SegmentResult, SegmentWorkOptions } from './segment-work';

/**
 * Where the per-record work of a shadow run happens: in worker threads (one per core by default), or in the main
 * thread. Results come back in any order; the run puts them back in input order before correlating.
 */
export interface SegmentRunner {
  readonly threads: number;
  run(job: SegmentJob): Promise<SegmentResult>;
  close(): Promise<void>;
}

/** `--threads 1`: everything in the main thread, one segment after the other. */
export function inProcessRunner(opts: SegmentWorkOptions): SegmentRunner {
  return {
    threads: 1,
    run: async (job) => processSegment(job, opts),
    close: async () => undefined,
  };
}

const WORKER_PATH = path.join(__dirname, 'worker.cjs');

/**
 * Old-generation heap of each worker. Left to itself V8 lets every isolate's heap grow with the machine's memory
 * (a million records: 910 MiB peak for the run, 750 MiB at 200,000); capped, the workers collect sooner at no
 * measurable cost in time (540 MiB at 200,000). 384 MiB still holds the largest segment there is, a 64 MiB page.
 */
const WORKER_HEAP_MB = 384;

interface Pending {
  resolve: (r: SegmentResult) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * `n` worker threads, each with its own detect stage. A job goes to the thread with the fewest jobs waiting. A worker
 * that cannot start, or dies, fails the run with one line (exit 1): a report missing some records would be wrong.
 */
export async function workerRunner(n: number, init: WorkerInit): Promise<SegmentRunner> {
  const threads: Thread[] = [];
  let failure: CliError | undefined;
  let closing = false;
  let seq = 0;
  const fail = (t: Thread, message: string): void => {
    if (closing) return;
    failure ??= new CliError(`shadow worker failed: ${message} (--threads 1 does the work in the main thread)`);
    for (const p of t.pending.values()) p.reject(failure);
    t.pending.clear();
  };
  const started = Array.from({ length: n }, () => {
    // execArgv: [] keeps the parent's flags (jest's, tsx's loaders) out: worker.cjs registers what it needs.
    const worker = new Worker(WORKER_PATH, {
      workerData: init,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    const t: Thread = { worker, pending: new Map() };
    threads.push(t);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (m: WorkerReply) => {
        if (m.kind === 'ready') resolve();
        else if (m.kind === 'fatal') reject(new CliError(m.message));
        else {
          const p = t.pending.get(m.seq);
          t.pending.delete(m.seq);
          if (m.kind === 'result') p?.resolve(m.result);
          else p?.reject(new CliError(`shadow worker failed: ${m.message}`));
        }
      });
      worker.on('error', (err) => {
        fail(t, err.message);
        reject(failure!);
      });
      worker.on('exit', (code) => {
        if (t.pending.size > 0 || code !== 0) fail(t, `exited with code ${code}`);
        reject(failure ?? new CliError('shadow worker exited before it was ready'));
      });
    });
  });
  const close = async (): Promise<void> => {
    closing = true;
    await Promise.all(threads.map((t) => t.worker.terminate()));
  };
  try {
    await Promise.all(started);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    threads: n,
    run(job: SegmentJob): Promise<SegmentResult> {
      if (failure !== undefined) return Promise.reject(failure);
      const t = threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = seq++;
      return new Promise<SegmentResult>((resolve, reject) => {
        t.pending.set(id, { resolve, reject });
        t.worker.postMessage({ seq: id, job });
      });
    },
    close: async () => {
      // Terminating is not failing: pending jobs (none, after a complete run) are simply dropped.
      for (const t of threads) t.pending.clear();
      await close();
    },
  };
}
