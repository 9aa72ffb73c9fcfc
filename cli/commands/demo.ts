import * as fs from 'node:fs';
import * as path from 'node:path';
import { printTable, replay } from './replay';

const ROOT = path.resolve(__dirname, '..', '..');

/** The example inputs (their READMEs say what each scenario is and what to expect). */
export function exampleFiles(dir = path.join(ROOT, 'examples')): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    // examples/context holds asset and user context, passed with --context, not alerts.
    if (e.isDirectory()) {
      if (e.name !== 'context') out.push(...exampleFiles(p));
    } else if (!e.name.endsWith('.md')) out.push(p);
  }
  return out;
}

/** The examples' asset and user context. */
export function contextFiles(): string[] {
  const dir = path.join(ROOT, 'examples', 'context');
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.csv'))
        .sort()
        .map((f) => path.join(dir, f))
    : [];
}

/**
 * `npm run demo`: the example attacks through the embedded runtime (local SQS, DynamoDB, the real handlers' code and
 * the Jira emulator), a table of the tickets, the rejection, and where to read each ticket.
 */
export async function demoCommand(
  opts: { serve?: boolean; port?: number },
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const started = Date.now();
  const outDir = path.join(ROOT, 'out');
  const files = exampleFiles().map((f) => path.relative(process.cwd(), f));
  out.write(
    `a2t demo: replaying ${files.length} example file(s) through local SQS, DynamoDB and the Jira emulator…\n\n`,
  );
  const summary = await replay(files, {
    jira: 'local',
    context: contextFiles(),
    out: path.relative(process.cwd(), outDir),
    port: opts.port,
  });
  printTable(summary, out);
  out.write(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (opts.serve) {
    out.write('\nThe Jira emulator keeps running: open the /browse/KEY links above. Ctrl-C to stop.\n');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  await summary.close();
}
