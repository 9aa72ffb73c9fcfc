import { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { JsonSegmenter } from './json-segmenter';
import { EXCERPT_BYTES } from './piece';
import type { Piece, StreamLimits } from './piece';
import { XmlSegmenter } from './xml-segmenter';

/**
 * One input, read as a stream, as pieces: an input smaller than `wholeFileBytes` goes whole (its own bytes, exactly
 * the body `decode` has always read); a larger one is decompressed (gzip) and transcoded (UTF-16) as it streams,
 * checked for binary content once, and cut into segments of whole records by the JSON or XML segmenter.
 */

const SNIFF = 8192;

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** decode's test (formats/decode.ts): NUL, or more than one byte in ten a control other than tab, line ends, FF, ESC. */
export function binaryReason(b: Uint8Array): string | undefined {
  const n = Math.min(b.length, SNIFF);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0) return 'not text: binary content (NUL bytes)';
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d && c !== 0x1b) controls++;
  }
  return controls * 10 > n ? 'not text: binary content (control characters)' : undefined;
}

/** UTF-16 as decode recognises it: a BOM, or ASCII markup with every other byte zero. */
function utf16Of(b: Uint8Array): { encoding: 'utf-16le' | 'utf-16be'; bom: boolean } | undefined {
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  if (b.length >= 4 && b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0)
    return { encoding: 'utf-16le', bom: false };
  if (b.length >= 4 && b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0)
    return { encoding: 'utf-16be', bom: false };
  return undefined;
}

const fault = (reason: string, excerpt: Uint8Array, position = 'body'): Piece => ({
  kind: 'fault',
  position,
  reason,
  excerpt: Buffer.from(excerpt.subarray(0, EXCERPT_BYTES)).toString('latin1'),
});

/** Reads from an async iterator of chunks, with bytes put back in front. */
class ChunkReader {
  private readonly front: Buffer[] = [];
  constructor(private readonly it: AsyncIterator<Buffer>) {}
  unshift(b: Buffer): void {
    if (b.length > 0) this.front.unshift(b);
  }
  async next(): Promise<Buffer | undefined> {
    const f = this.front.shift();
    if (f !== undefined) return f;
    const r = await this.it.next();
    return r.done === true ? undefined : r.value;
  }
  /** At least `n` bytes (fewer only at the end), as one buffer. */
  async head(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let size = 0;
    while (size < n) {
      const c = await this.next();
      if (c === undefined) break;
      parts.push(c);
      size += c.length;
    }
    return Buffer.concat(parts);
  }
  async *rest(): AsyncGenerator<Buffer> {
    for (let c = await this.next(); c !== undefined; c = await this.next()) yield c;
  }
}

async function* gunzipped(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  const source = Readable.from(chunks);
  // pipe() does not carry a read error over: without this, a file that fails mid-read would leave gunzip waiting.
  source.on('error', (err) => gunzip.destroy(err));
  source.pipe(gunzip);
  for await (const c of gunzip) yield c as Buffer;
}

async function* transcoded(chunks: AsyncIterable<Buffer>, encoding: 'utf-16le' | 'utf-16be'): AsyncGenerator<Buffer> {
  // TextDecoder drops the BOM and carries a character split between chunks over to the next.
  const decoder = new TextDecoder(encoding);
  for await (const c of chunks) {
    const text = decoder.decode(c, { stream: true });
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield Buffer.from(tail, 'utf8');
}

/**
 * The pieces of one input. Never throws for what the input holds: a binary file, gzip that stops decompressing, a
 * DTD become faults. Errors reading the input itself (a file that vanished) propagate.
 */
export async function* inputPieces(chunks: AsyncIterable<Buffer>, limits: StreamLimits): AsyncGenerator<Piece> {
  const raw = new ChunkReader(chunks[Symbol.asyncIterator]());
  const first = await raw.head(limits.wholeFileBytes);
  if (first.length < limits.wholeFileBytes && (!isGzip(first) || inflatesSmall(first, limits.wholeFileBytes))) {
    yield { kind: 'segment', bytes: first, place: { kind: 'whole' } };
    return;
  }
  raw.unshift(first);
  const gzip = isGzip(first);
  let source: AsyncIterable<Buffer> = gzip ? gunzipped(raw.rest()) : raw.rest();
  try {
    let text = new ChunkReader(source[Symbol.asyncIterator]());
    let head = await text.head(SNIFF);
    if (gzip && isGzip(head)) {
      yield fault('not text: gzip inside gzip is not accepted', head);
      return;
    }
    const utf16 = utf16Of(head);
    if (utf16 !== undefined) {
      text.unshift(head);
      source = transcoded(text.rest(), utf16.encoding);
      text = new ChunkReader(source[Symbol.asyncIterator]());
      head = await text.head(SNIFF);
    } else if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      head = head.subarray(3);
    }
    const binary = binaryReason(head);
    if (binary !== undefined) {
      yield fault(binary, head);
      return;
    }
    text.unshift(head);
    let start = 0;
    while (start < head.length && [0x20, 0x09, 0x0a, 0x0d].includes(head[start])) start++;
    const segmenter = head[start] === 0x3c ? new XmlSegmenter(limits) : new JsonSegmenter(limits);
    // One piece is held back: an input that turns out to be a single segment is the whole body, and decode names
    // its positions as for a whole body (`body`, `record 3`), not as for a part of one (`line 1`).
    let held: Piece | undefined;
    let count = 0;
    const hold = function* (pieces: Piece[]): Generator<Piece> {
      for (const piece of pieces) {
        if (held !== undefined) yield held;
        held = piece;
        count++;
      }
    };
    for await (const chunk of text.rest()) {
      yield* hold(segmenter.push(chunk));
      if (segmenter instanceof XmlSegmenter && segmenter.done) break;
    }
    yield* hold(segmenter.end());
    if (held?.kind === 'segment' && count === 1 && held.place.kind === 'lines') {
      held.place = held.place.line === 1 ? { kind: 'whole' } : { ...held.place, only: true };
    }
    if (held !== undefined) yield held;
    else yield fault('empty input', head);
  } catch (err) {
    if (!gzip || (err as { code?: string }).code?.startsWith('Z_') !== true) throw err;
    // What was read before the fault stands; the rest of the input is one rejection.
    yield fault(`not text: gzip data that does not decompress (${(err as Error).message})`, Buffer.alloc(0));
  }
}

/** A small gzip input that also inflates small is sent whole: decode inflates it, exactly as before. */
function inflatesSmall(gz: Buffer, limit: number): boolean {
  try {
    gunzipSync(gz, { maxOutputLength: limit });
    return true;
  } catch (err) {
    // Too large inflated: stream it. Broken: send it whole, decode rejects it with its reason.
    return (err as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE';
  }
}
