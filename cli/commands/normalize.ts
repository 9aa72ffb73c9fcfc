import { normalizeInput } from '../../lambdas/core/formats';
import { inputPieces } from '../stream/pieces';
import { STREAM_DEFAULTS } from '../stream/piece';
import { mapPosition, mapReason } from '../stream/positions';
import { listInputs } from '../inputs';
import { inputChunks } from '../stream/sources';

export interface NormalizeSummary {
  files: number;
  alerts: number;
  rejected: number;
  byFormat: Map<string, number>;
}

/** Writes and waits while the stream's buffer is full: a large input never piles up in memory behind a slow reader. */
async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

/**
 * `a2t normalize`: canonical alerts as NDJSON on stdout, one JSON line per rejection on stderr, a one-line summary
 * on stderr. Rejections are results: the exit code is 0 whenever the input could be read. Inputs of any size are
 * streamed (cli/stream): the record limit applies per record, never per file.
 */
export async function normalizeCommand(
  args: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<NormalizeSummary> {
  const files = listInputs(args);
  const summary: NormalizeSummary = { files: files.length, alerts: 0, rejected: 0, byFormat: new Map() };
  const rejection = (source: string, position: string, reason: string): string =>
    `${JSON.stringify({ rejected: true, source, position, reason })}\n`;
  for (const f of files) {
    for await (const piece of inputPieces(inputChunks(f), STREAM_DEFAULTS)) {
      if (piece.kind === 'fault') {
        await write(err, rejection(f.source, piece.position, piece.reason));
        summary.rejected++;
        continue;
      }
      const { alerts, rejections } = normalizeInput(piece.bytes, f.source);
      for (const a of alerts) {
        await write(out, `${JSON.stringify(a)}\n`);
        summary.byFormat.set(a.source.format, (summary.byFormat.get(a.source.format) ?? 0) + 1);
      }
      for (const r of rejections)
        await write(err, rejection(r.source, mapPosition(piece.place, r.position), mapReason(piece.place, r.reason)));
      summary.alerts += alerts.length;
      summary.rejected += rejections.length;
    }
  }
  const formats = [...summary.byFormat].sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} ${n}`);
  err.write(
    `a2t normalize: ${summary.files} file(s), ${summary.alerts} alert(s), ${summary.rejected} rejection(s)` +
      `${formats.length > 0 ? ` [${formats.join(', ')}]` : ''}\n`,
  );
  return summary;
}
