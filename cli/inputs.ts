import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliError } from './errors';

export interface InputFile {
  /** Path as given (or `stdin`). */
  source: string;
  content: Buffer;
}

/**
 * Files a directory walk leaves out: documentation, context tables and images sit beside alert exports (examples/
 * has a README and CSV context per scenario) and are not alerts. A file named on the command line is always read.
 */
export const NOT_ALERTS =
  /(^\.|^(readme|license|licence|notice|changelog)(\..*)?$|\.(md|markdown|rst|csv|tsv|pdf|png|jpe?g|gif|svg|html?|ya?ml)$)/i;

/** One input named on the command line: a file, or stdin. */
export interface InputRef {
  /** Path as given (or `stdin`), as rejections name it. */
  source: string;
  /** The file to read; absent for stdin. */
  file?: string;
}

/**
 * FILE, DIR (recursively, in a stable order) or `-` (stdin); nothing given means stdin. Every path is checked before
 * anything is read, so a typo fails the run at once (exit 1) instead of after minutes of work. A directory walk
 * leaves out files that are not alerts (READMEs, CSV context: `NOT_ALERTS`, told to `onSkip`), and every other file
 * is judged by its content whatever its name.
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
    if (stat.isDirectory()) out.push(...walkInputPaths(arg, onSkip).map((p) => ({ source: p, file: p })));
    else out.push({ source: arg, file: arg });
  }
  return out;
}

/**
 * Reads FILE, DIR (recursively, in a stable order) or `-` (stdin), whole, as `listInputs` names them. Nothing given
 * means stdin. In directories, files that are not alerts (READMEs, CSV context, images: `NOT_ALERTS`) are skipped and
 * told to `onSkip`.
 */
export async function readInputs(
  args: string[],
  stdin: NodeJS.ReadableStream = process.stdin,
  onSkip?: (file: string) => void,
): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const ref of listInputs(args, onSkip)) {
    out.push(ref.file === undefined ? { source: ref.source, content: await readStream(stdin) } : readFile(ref.file));
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

/**
 * Every file under `dir`, depth first in name order, that may hold alerts: the paths only, which `listInputs` names
 * for both the whole-file reader here and the streaming reader (cli/stream/sources.ts).
 */
export function walkInputPaths(dir: string, onSkip?: (file: string) => void): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new CliError(`cannot read directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  const files: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files.push(...walkInputPaths(p, onSkip));
    else if (!e.isFile()) continue;
    else if (NOT_ALERTS.test(e.name)) onSkip?.(p);
    // Every other file is read and judged by its content, whatever its name.
    else files.push(p);
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
