import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliError } from './errors';

export interface InputFile {
  /** Path as given (or `stdin`). */
  source: string;
  content: Buffer;
}

/** Reads FILE, DIR (recursively, in a stable order) or `-` (stdin). Nothing given means stdin. */
export async function readInputs(args: string[], stdin: NodeJS.ReadableStream = process.stdin): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const arg of args.length === 0 ? ['-'] : args) {
    if (arg === '-') {
      out.push({ source: 'stdin', content: await readStream(stdin) });
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(arg);
    } catch {
      throw new CliError(`cannot read ${arg}: no such file or directory`);
    }
    if (stat.isDirectory()) out.push(...walk(arg));
    else out.push(readFile(arg));
  }
  return out;
}

function readFile(file: string): InputFile {
  try {
    return { source: file, content: fs.readFileSync(file) };
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

function walk(dir: string): InputFile[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new CliError(`cannot read directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  const files: InputFile[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    // Every file is read and judged by its content, whatever its name: a README becomes a rejection, not a skip.
    if (e.isDirectory()) files.push(...walk(p));
    else if (e.isFile()) files.push(readFile(p));
  }
  return files;
}

function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
