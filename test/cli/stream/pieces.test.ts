import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { decode } from '../../../lambdas/core/formats';
import { inputPieces } from '../../../cli/stream/pieces';
import { STREAM_DEFAULTS } from '../../../cli/stream/piece';
import type { Piece, StreamLimits } from '../../../cli/stream/piece';
import { mapPosition, mapReason } from '../../../cli/stream/positions';
import { listInputs } from '../../../cli/inputs';
import { JSON_REASONS } from '../../../cli/stream/json-segmenter';
import { REAL_DIR } from '../../helpers/real-fixtures';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

async function* chunksOf(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

interface Outcome {
  records: { position: string; text: string }[];
  rejections: { position: string; reason: string }[];
  segments: number;
}

/** What a whole-body decode gives. */
function whole(buf: Buffer): Outcome {
  const d = decode(buf, 'test');
  return {
    records: d.records.map((r) => ({ position: r.position, text: r.text })),
    rejections: d.rejections.map((r) => ({ position: r.position, reason: r.reason })),
    segments: 1,
  };
}

/** What the streamer gives: every segment decoded on its own, its positions mapped back to the input. */
async function streamed(buf: Buffer, chunk: number, limits: Partial<StreamLimits>): Promise<Outcome> {
  const out: Outcome = { records: [], rejections: [], segments: 0 };
  for await (const p of inputPieces(chunksOf(buf, chunk), { ...STREAM_DEFAULTS, wholeFileBytes: 0, ...limits })) {
    if (p.kind === 'fault') {
      out.rejections.push({ position: p.position, reason: p.reason });
      continue;
    }
    out.segments++;
    const d = decode(p.bytes, 'test');
    for (const r of d.records) out.records.push({ position: mapPosition(p.place, r.position), text: r.text });
    for (const r of d.rejections)
      out.rejections.push({ position: mapPosition(p.place, r.position), reason: mapReason(p.place, r.reason) });
  }
  return out;
}

/**
 * The one place streaming names a position differently: elements of a top-level array that is not the input's only
 * value are `record k` whether or not decode would have put `line n, ` in front (it cannot know until the end).
 */
const sameAs = (o: Outcome): string =>
  JSON.stringify({ records: o.records, rejections: o.rejections }).replace(/"line \d+, record /g, '"record ');

const object = fc
  .record({
    EventID: fc.integer({ min: 1, max: 26 }),
    Hostname: fc.constantFrom('WS-1', 'ws-2.corp'),
    Image: fc.constantFrom('C:\\Windows\\cmd.exe', 'a"b', '{x}', '[y]', 'z\\\\', 'ünïcødé'),
  })
  .map((o) => JSON.stringify(o));

/** Lines as exports have them, good and broken. */
const line = fc.oneof(
  { weight: 6, arbitrary: object },
  object.map((o) => o.slice(0, Math.max(1, o.length - 9))), // cut off
  object.map((o) => o.slice(0, -1)), // never closes
  fc.constant('{"a": "string cut'),
  fc.constant('{"a": [1, 2}'),
  fc.constantFrom('garbage text', '42', '"a string"', 'null', '}', ']', '', '   '),
  object.map((o) => `${o},`),
  object.map((o) => `${o} trailing`),
  fc.tuple(object, object).map(([a, b]) => a + b),
  fc.tuple(object, object).map(([a, b]) => `[${a},${b}]`),
  fc.tuple(object, object).map(([a, b]) => `[\n  ${a},\n  ${b}\n]`),
  fc.tuple(object, object).map(([a, b]) => `[${a}, 5, "x", ${b}]`),
  fc.tuple(object, object).map(([a, b]) => `[[${a}],[${b}]]`),
  object.map((o) => JSON.stringify(JSON.parse(o) as unknown, null, 2)),
  fc.tuple(object, object).map(([a, b]) => JSON.stringify({ value: [JSON.parse(a), JSON.parse(b)] }, null, 2)),
  object.map((o) => `  ${o}`),
  object.map((o) => `${o}\r`),
);

describe('streamed inputs read as decode reads them whole', () => {
  it('gives the same records, rejections and positions for any mix of JSON lines, however it is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 14 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 70 }),
        async (lines, finalNewline, segmentBytes, chunk) => {
          const buf = Buffer.from(lines.join('\n') + (finalNewline ? '\n' : ''));
          expect(sameAs(await streamed(buf, chunk, { segmentBytes }))).toBe(sameAs(whole(buf)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same events and rejections for Windows Event Log XML', async () => {
    const events = fs
      .readFileSync(path.join(EXAMPLES, 'procsrv', 'events.xml'), 'utf8')
      .match(/<Event[\s>][\s\S]*?<\/Event>/g)!;
    const part = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...events) },
      fc.constantFrom(...events).map((e) => e.replace(/<\/Event>$/, '</Event >')),
      fc.constantFrom(...events).map((e) => e.slice(0, 120)),
      fc.constantFrom('<!-- comment -->', '<?xml version="1.0"?>', 'junk text', '<Event/>'),
      fc.constant('<ns:Event xmlns:ns="x"><ns:System/></ns:Event>'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(part, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.constantFrom('\n', ''),
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 500 }),
        async (parts, wrapped, sep, segmentBytes, chunk) => {
          const buf = Buffer.from((wrapped ? ['<Events>', ...parts, '</Events>'] : parts).join(sep));
          expect(sameAs(await streamed(buf, chunk, { segmentBytes }))).toBe(sameAs(whole(buf)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads every file of the real corpus and the examples exactly as decode does', async () => {
    const files = listInputs([REAL_DIR, EXAMPLES]);
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const f of files) {
      const buf = fs.readFileSync(f.file!);
      const expected = JSON.stringify(whole(buf).records) + JSON.stringify(whole(buf).rejections);
      for (const [segmentBytes, chunk] of [
        [1, 7],
        [4096, 65536],
      ]) {
        const s = await streamed(buf, chunk, { segmentBytes });
        expect(`${f.source}: ${JSON.stringify(s.records)}${JSON.stringify(s.rejections)}`).toBe(
          `${f.source}: ${expected}`,
        );
      }
    }
  });

  it('cuts a large input into many segments, and sends a small one whole', async () => {
    const ndjson = Buffer.from(
      Array.from({ length: 2000 }, (_, i) => JSON.stringify({ EventID: 1, Hostname: `h${i}` })).join('\n'),
    );
    const big = await streamed(ndjson, 65536, { segmentBytes: 4096 });
    expect(big.segments).toBeGreaterThan(10);
    expect(big.records).toHaveLength(2000);
    const pieces: Piece[] = [];
    for await (const p of inputPieces(chunksOf(ndjson, 65536), STREAM_DEFAULTS)) pieces.push(p);
    expect(pieces).toEqual([{ kind: 'segment', bytes: ndjson, place: { kind: 'whole' } }]);
  });
});

describe('memory stays bounded whatever the input', () => {
  const limits = { segmentBytes: 512, maxRecordBytes: 1000, maxValueBytes: 5000 };
  const good = (i: number): string => JSON.stringify({ EventID: 1, Hostname: `h${i}` });

  it('takes a line that never closes for a broken one once the next lines pass the record limit', async () => {
    const lines = [
      '{"EventID": 1, "Hostname": "cut',
      '{"EventID": 1, "nested": {"a": 1',
      ...Array.from({ length: 200 }, (_, i) => good(i)),
    ];
    const s = await streamed(Buffer.from(lines.join('\n')), 100, limits);
    expect(s.records.map((r) => r.position)).toEqual(Array.from({ length: 200 }, (_, i) => `line ${i + 3}`));
    expect(s.rejections).toEqual([
      { position: 'line 1', reason: JSON_REASONS.rawLineBreak },
      { position: 'line 2', reason: JSON_REASONS.unterminated },
    ]);
  });

  it('rejects a value past the body limit as it streams by, and reads on', async () => {
    const huge = JSON.stringify({ EventID: 1, Hostname: 'h', blob: 'x'.repeat(20_000) });
    const s = await streamed(Buffer.from([good(1), huge, good(2)].join('\n')), 300, limits);
    expect(s.records.map((r) => r.position)).toEqual(['line 1', 'line 3']);
    expect(s.rejections).toEqual([
      { position: 'line 2', reason: `record of ${huge.length} bytes exceeds the 1000 bytes limit` },
    ]);
  });

  it('drops a long run of text as it reads it, one rejection as decode gives, and reads the records after it', async () => {
    const text = Array.from({ length: 500 }, (_, i) => `plain text line ${i}`);
    const buf = Buffer.from([...text, good(1)].join('\n'));
    const pieces: Piece[] = [];
    for await (const p of inputPieces(chunksOf(buf, 256), { ...STREAM_DEFAULTS, wholeFileBytes: 0, ...limits }))
      pieces.push(p);
    // The run is a fault of the streamer itself (nothing of it held), the record after it a segment of its own.
    expect(pieces.map((p) => p.kind)).toEqual(['fault', 'segment']);
    expect(pieces[0]).toMatchObject({ position: 'line 1', reason: `${JSON_REASONS.text} (lines 1–500)` });
    expect(sameAs(await streamed(buf, 256, limits))).toBe(sameAs(whole(buf)));
  });

  it('streams the elements of a top-level array, numbered as decode numbers them', async () => {
    const arr = Buffer.from(`[${Array.from({ length: 300 }, (_, i) => good(i)).join(',')}]`);
    const s = await streamed(arr, 1000, limits);
    expect(s.segments).toBeGreaterThan(5);
    expect(s.records.map((r) => r.position)).toEqual(decode(arr, 't').records.map((r) => r.position));
  });
});

describe('encodings and whole-input faults', () => {
  const ndjson = Buffer.from(
    Array.from({ length: 3000 }, (_, i) => JSON.stringify({ EventID: 1, Hostname: `h${i}`, Image: 'ü' })).join('\n'),
  );
  const small = { segmentBytes: 4096, wholeFileBytes: 1024 };

  it('decompresses gzip as it streams', async () => {
    const s = await streamed(gzipSync(ndjson), 5000, small);
    expect(s.segments).toBeGreaterThan(1);
    expect(s.records.map((r) => r.text)).toEqual(whole(ndjson).records.map((r) => r.text));
  });

  it('rejects gzip inside gzip, and gzip that stops decompressing after what it did read', async () => {
    expect((await streamed(gzipSync(gzipSync(ndjson)), 5000, small)).rejections).toEqual([
      { position: 'body', reason: 'not text: gzip inside gzip is not accepted' },
    ]);
    const gz = gzipSync(ndjson);
    const cut = await streamed(gz.subarray(0, Math.floor(gz.length / 2)), 5000, small);
    expect(cut.records.length).toBeGreaterThan(100);
    expect(cut.rejections.at(-1)?.reason).toMatch(/^not text: gzip data that does not decompress/);
  });

  it('transcodes UTF-16 as it streams', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ndjson.toString('utf8'), 'utf16le')]);
    const s = await streamed(le, 4097, small);
    expect(s.records.map((r) => r.text)).toEqual(whole(ndjson).records.map((r) => r.text));
  });

  it('rejects binary content, a DTD and blank input as a whole', async () => {
    const binary = Buffer.alloc(5000, 0);
    expect((await streamed(binary, 1000, small)).rejections).toEqual([
      { position: 'body', reason: 'not text: binary content (NUL bytes)' },
    ]);
    const dtd = Buffer.from(
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Events>${'<Event/>'.repeat(500)}</Events>`,
    );
    const d = await streamed(dtd, 1000, small);
    expect(d.records).toEqual([]);
    expect(d.rejections).toEqual(whole(dtd).rejections.map((r) => ({ position: r.position, reason: r.reason })));
    expect((await streamed(Buffer.alloc(5000, 0x20), 1000, small)).rejections).toEqual([
      { position: 'body', reason: 'empty input' },
    ]);
  });
});
