/**
 * What the input streamer hands on: segments of an input, each decoded on its own by the formats stage's `decode`
 * (so every record is read exactly as the Lambda reads it), and faults it found itself in stretches too long to hold.
 */

/** Where a segment sits in its input: how positions `decode` reports inside it become positions in the input. */
export type Place =
  /** The whole input (a small file): positions stand as they are. */
  | { kind: 'whole' }
  /**
   * JSON text starting at this line of the input: `line k` becomes `line line+k-1`; `body` (the segment holds one
   * value) becomes the line that value starts on. `only`: the input's one segment after blank lines, whose `body`
   * and `record k` stand, as for a whole body.
   */
  | { kind: 'lines'; line: number; bodyLine: number; only?: boolean }
  /**
   * Elements of a top-level JSON array, sent as an array of their own: `record k` becomes `record index+k`, behind
   * `line arrayLine, ` when the array is not the input's first value.
   */
  | { kind: 'elements'; index: number; line: number; arrayLine?: number }
  /** Windows Event Log XML: `event k` becomes `event index+k`. */
  | { kind: 'events'; index: number };

export interface Segment {
  kind: 'segment';
  /** UTF-8 (or ASCII-compatible) bytes; small inputs keep their own bytes, gzip and all. */
  bytes: Buffer;
  place: Place;
}

/** A stretch rejected by the streamer itself (too long to hold, or the input as a whole). */
export interface Fault {
  kind: 'fault';
  position: string;
  reason: string;
  excerpt: string;
}

export type Piece = Segment | Fault;

export interface StreamLimits {
  /** A segment is cut at the first record boundary past this size. */
  segmentBytes: number;
  /** An input smaller than this is sent whole, exactly as `decode` reads a body. */
  wholeFileBytes: number;
  /** Largest record (the Lambda's limit, 1 MiB). */
  maxRecordBytes: number;
  /** Largest value held to be decoded whole (an API page, an envelope): the Lambda's body limit, 64 MiB. */
  maxValueBytes: number;
}

export const STREAM_DEFAULTS: StreamLimits = {
  segmentBytes: 256 * 1024,
  wholeFileBytes: 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
  maxValueBytes: 64 * 1024 * 1024,
};

/** The excerpt a fault keeps: enough for `makeRejection`'s 200 characters. */
export const EXCERPT_BYTES = 256;
