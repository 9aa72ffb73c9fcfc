import * as fs from 'node:fs';
import { CliError } from '../errors';
import { walkInputPaths } from '../inputs';

/** One input to stream: a file, or stdin. */
export interface InputRef {
  /** Path as given (or `stdin`), as rejections name it. */
  source: string;
  /** The file to read; absent for stdin. */
  file?: string;
}

/**
 * FILE, DIR (recursively, in a stable order) or `-` (stdin); nothing given means stdin. Every path is checked before
 * anything is read, so a typo fails the run at once (exit 1) instead of after minutes of work. As `readInputs` does,
 * a directory walk leaves out files that are not alerts (READMEs, CSV context: `NOT_ALERTS`, told to `onSkip`), and
 * every other file is judged by its content whatever its name.
 */
export function listInputs(args: string[], onSkip?: (file: string) => void): InputRef[] {
  const out: InputRef[] = [];
  for (const arg of args.length === 0 ? ['-'] : args) {
    if (arg === '-') {
      out.push({ source: 'stdin' });
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(arg);
    } catch {
      throw new CliError(`cannot read ${arg}: no such file or directory`);
    }
    if (stat.isDirectory()) out.push(...walk(arg, onSkip));
    else out.push({ source: arg, file: arg });
  }
  return out;
}

function walk(dir: string, onSkip?: (file: string) => void): InputRef[] {
  return walkInputPaths(dir, onSkip).map((p) => ({ source: p, file: p }));
}

/** The input's bytes as chunks of up to 1 MiB; a file that cannot be opened or read is a CliError (exit 1). */
export async function* inputChunks(
  ref: InputRef,
  stdin: NodeJS.ReadableStream = process.stdin,
): AsyncGenerator<Buffer> {
  const stream = ref.file === undefined ? stdin : fs.createReadStream(ref.file, { highWaterMark: 1024 * 1024 });
  try {
    for await (const c of stream) yield typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
  } catch (err) {
    throw new CliError(`cannot read ${ref.source}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  } finally {
    if (ref.file !== undefined) (stream as fs.ReadStream).destroy();
  }
}
