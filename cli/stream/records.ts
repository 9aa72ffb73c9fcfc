import { decode, normalizeInput } from '../../lambdas/core/formats';
import type { NormalizeInputOptions, RawRecord } from '../../lambdas/core/formats';
import type { IngestUnit } from '../../lambdas/core/ingest/ingest-batch';
import { makeRejection } from '../../lambdas/core/model/rejection';
import type { Rejection } from '../../lambdas/core/model/rejection';
import { STREAM_DEFAULTS } from './piece';
import type { Piece, Segment, StreamLimits } from './piece';
import { inputPieces } from './pieces';
import { mapPosition, mapReason } from './positions';
import { listInputs } from '../inputs';
import type { InputRef } from '../inputs';
import { inputChunks } from './sources';

/**
 * The streaming reader for the commands that look at every record (`detect`, `draft`, `replay`): inputs of any size,
 * read as pieces (pieces.ts) with the Lambda's 1 MiB limit per record, never per file. A small input is one piece, its
 * own bytes, so what these commands print for it is what they printed when they read it whole; a large one gives the
 * same records, rejections and positions as decoding it whole would (the segmenters' property test).
 */

export interface StreamedInputs {
  refs: InputRef[];
  /** One input's pieces, read as they are asked for. */
  pieces(ref: InputRef): AsyncGenerator<Piece>;
}

/**
 * FILE, DIR or `-` (stdin), checked before anything is read (a missing path is exit 1 at once); a directory walk leaves
 * out files that are not alerts and tells `onSkip`, as `readInputs` did.
 */
export function streamInputs(
  args: string[],
  opts: { stdin?: NodeJS.ReadableStream; onSkip?: (file: string) => void; limits?: Partial<StreamLimits> } = {},
): StreamedInputs {
  const limits = { ...STREAM_DEFAULTS, ...opts.limits };
  return {
    refs: listInputs(args, opts.onSkip),
    pieces: (ref) => inputPieces(inputChunks(ref, opts.stdin), limits),
  };
}

/** A segment's records and rejections, with every position (and line span in a reason) as a position in its input. */
export function decodeSegment(segment: Segment, source: string): { records: RawRecord[]; rejections: Rejection[] } {
  const { records, rejections } = decode(segment.bytes, source);
  if (segment.place.kind === 'whole') return { records, rejections };
  const place = segment.place;
  return {
    records: records.map((r) => ({ ...r, position: mapPosition(place, r.position) })),
    rejections: rejections.map((r) => relocated(r, place)),
  };
}

/** A rejection found inside a segment (by decode or normalize), placed in its input. */
export function relocated(r: Rejection, place: Segment['place']): Rejection {
  if (place.kind === 'whole') return r;
  return { ...r, position: mapPosition(place, r.position), reason: mapReason(place, r.reason) };
}

/** A stretch the streamer rejected itself (too long to hold, binary, broken gzip), as decode would word it. */
export function faultRejection(fault: Extract<Piece, { kind: 'fault' }>, source: string): Rejection {
  return makeRejection(source, fault.position, fault.reason, fault.excerpt);
}

/**
 * One input normalized as one unit (one message, as `runInMemory` has each file), read in pieces: a small input is
 * normalized exactly as before; a large one segment by segment (local times aligned within a segment, see
 * docs/shadow-mode.md), its rejections placed in the file. One receive time for the whole input, as before.
 */
export async function normalizeStreamed(
  streamed: StreamedInputs,
  ref: InputRef,
  opts: NormalizeInputOptions = {},
): Promise<IngestUnit> {
  const unit: IngestUnit = { messageId: ref.source, alerts: [], rejections: [] };
  const withTime = { ...opts, receivedTime: opts.receivedTime ?? new Date().toISOString() };
  for await (const piece of streamed.pieces(ref)) {
    if (piece.kind === 'fault') {
      unit.rejections.push(faultRejection(piece, ref.source));
      continue;
    }
    const r = normalizeInput(piece.bytes, ref.source, withTime);
    for (const a of r.alerts) unit.alerts.push(a);
    for (const x of r.rejections) unit.rejections.push(relocated(x, piece.place));
  }
  return unit;
}
