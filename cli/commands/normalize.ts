import { normalizeInput } from '../../lambdas/core/formats';
import { readInputs } from '../inputs';

export interface NormalizeSummary {
  files: number;
  alerts: number;
  rejected: number;
  byFormat: Map<string, number>;
}

/**
 * `a2t normalize`: canonical alerts as NDJSON on stdout, one JSON line per rejection on stderr, a one-line summary
 * on stderr. Rejections are results: the exit code is 0 whenever the input could be read.
 */
export async function normalizeCommand(
  args: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<NormalizeSummary> {
  const files = await readInputs(args);
  const summary: NormalizeSummary = { files: files.length, alerts: 0, rejected: 0, byFormat: new Map() };
  for (const f of files) {
    const { alerts, rejections } = normalizeInput(f.content, f.source);
    for (const a of alerts) {
      out.write(`${JSON.stringify(a)}\n`);
      summary.byFormat.set(a.source.format, (summary.byFormat.get(a.source.format) ?? 0) + 1);
    }
    for (const r of rejections) {
      err.write(`${JSON.stringify({ rejected: true, source: r.source, position: r.position, reason: r.reason })}\n`);
    }
    summary.alerts += alerts.length;
    summary.rejected += rejections.length;
  }
  const formats = [...summary.byFormat].sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} ${n}`);
  err.write(
    `a2t normalize: ${summary.files} file(s), ${summary.alerts} alert(s), ${summary.rejected} rejection(s)` +
      `${formats.length > 0 ? ` [${formats.join(', ')}]` : ''}\n`,
  );
  return summary;
}
