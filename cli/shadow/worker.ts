import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../lambdas/core/errors';
import { cliDetectStage } from '../detect-stage';
import type { WorkerInit, WorkerReply, WorkerRequest } from './protocol';
import { processSegment } from './segment-work';

/**
 * A shadow-run worker thread: builds the detect stage once (the builtin pack and the user's rules, already checked
 * by the main thread), then turns each segment it is sent into alerts and rejections (segment-work.ts).
 */

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (reply: WorkerReply): void => port.postMessage(reply);

try {
  // The main thread reported any problem in the user's rules before starting workers: nothing to print here.
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const stage = cliDetectStage(init.rules, quiet);
  const opts = { context: init.context, receivedTime: init.receivedTime, annotate: stage.annotate };
  port.on('message', (req: WorkerRequest) => {
    try {
      // Bytes arrive as a plain Uint8Array: decode reads them as a Buffer (encodings, gzip).
      const b = req.job.segment.bytes;
      const segment = { ...req.job.segment, bytes: Buffer.from(b.buffer, b.byteOffset, b.byteLength) };
      post({ kind: 'result', seq: req.seq, result: processSegment({ ...req.job, segment }, opts) });
    } catch (err) {
      post({ kind: 'error', seq: req.seq, message: errorMessage(err) });
    }
  });
  post({ kind: 'ready' });
} catch (err) {
  post({ kind: 'fatal', message: errorMessage(err) });
}
