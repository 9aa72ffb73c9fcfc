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

/**
 * Reads FILE, DIR (recursively, in a stable order) or `-` (stdin). Nothing given means stdin. In directories, files
 * that are not alerts (READMEs, CSV context, images: `NOT_ALERTS`) are skipped and told to `onSkip`.
 */
export async function readInputs(
  args: string[],
  stdin: NodeJS.ReadableStream = process.stdin,
  onSkip?: (file: string) => void,
): Promise<InputFile[]> {
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
    if (stat.isDirectory()) out.push(...walk(arg, onSkip));
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

/**
 * Every file under `dir`, depth first in name order, that may hold alerts: the paths only, so the whole-file reader
 * here and the streaming reader (cli/stream/sources.ts) walk folders the same way.
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

function walk(dir: string, onSkip?: (file: string) => void): InputFile[] {
  return walkInputPaths(dir, onSkip).map(readFile);
}

function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
