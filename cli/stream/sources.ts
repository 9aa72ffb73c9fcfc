import * as fs from 'node:fs';
import { CliError } from '../errors';
import type { InputRef } from '../inputs';

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
