import { XMLParser } from 'fast-xml-parser';
import { normalizeRecord, decode } from '../lambdas/core/formats';
import { isRejection } from '../lambdas/core/model/rejection';
import { fixtureRecords } from './corpus';

export interface FormatFigure {
  format: string;
  records: number;
  recordsPerSecond: number;
  /** Our decode + normalize time over the bare parse (JSON.parse / XML parse) of the same records. */
  ratioToParse: number;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Normalize throughput per format on the fixture corpus, beside a bare parse of the same records measured in the
 * same run: the ratio says what detection, mapping and validation cost on top of reading the bytes.
 */
export function benchNormalize(minMs: number): FormatFigure[] {
  const records = fixtureRecords();
  const byFormat = new Map<string, { kind: 'json' | 'xml'; text: string }[]>();
  for (const r of records) {
    const d = decode(r.text, 'bench');
    const n =
      d.records[0] === undefined
        ? undefined
        : normalizeRecord(d.records[0], {
            source: 'bench',
            receivedTime: new Date().toISOString(),
            maxRawBytes: 65536,
          });
    const format = n === undefined || isRejection(n) ? 'rejected' : n.source.format;
    byFormat.set(format, [...(byFormat.get(format) ?? []), r]);
  }
  const xml = new XMLParser({ ignoreAttributes: false, processEntities: false });
  const out: FormatFigure[] = [];
  for (const [format, list] of [...byFormat].sort((a, b) => b[1].length - a[1].length)) {
    const ours = timeLoop(minMs, () => {
      for (const r of list) {
        const d = decode(r.text, 'bench');
        for (const rec of d.records)
          normalizeRecord(rec, { source: 'bench', receivedTime: '2024-01-01T00:00:00.000Z', maxRawBytes: 65536 });
      }
    });
    const parse = timeLoop(minMs, () => {
      for (const r of list) {
        if (r.kind === 'json') JSON.parse(r.text);
        else xml.parse(r.text);
      }
    });
    out.push({
      format,
      records: list.length,
      recordsPerSecond: Math.round((list.length * 1000) / ours),
      ratioToParse: Number((ours / parse).toFixed(1)),
    });
  }
  return out;
}

/** Mean milliseconds per run of `fn`, repeated for at least `minMs` after a warm-up. */
export function timeLoop(minMs: number, fn: () => void): number {
  fn();
  let runs = 0;
  const start = now();
  while (now() - start < minMs || runs < 3) {
    fn();
    runs++;
  }
  return (now() - start) / runs;
}
