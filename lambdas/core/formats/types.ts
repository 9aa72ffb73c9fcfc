import type { Alert, SourceProduct } from '../model/alert';

/** One record found by the decoder inside an SQS body or a file, before any format is known. */
export interface RawRecord {
  /** Parsed JSON value, or for `xml` the parsed `<Event>` element (fast-xml-parser object). */
  value: unknown;
  kind: 'json' | 'xml';
  /** Where inside the source: `line 3`, `record 2`, `event 5`, `body`. */
  position: string;
  /** The record's own text (JSON text or the `<Event>…</Event>` XML), for excerpts and content hashes. */
  text: string;
  /** Envelopes unwrapped to reach it, outermost first (`sns`, `eventbridge`). */
  envelopes: string[];
}

export interface NormalizeContext {
  source: string;
  /** UTC ISO-8601 time the record was received (SQS SentTimestamp, or now). */
  receivedTime: string;
  /** Cap on the raw record kept on the Alert. */
  maxRawBytes: number;
}

/**
 * One adapter per format. `detect` must be cheap and must not throw; `normalize` throws `RecordRejected`
 * with a one-line reason when the record is of this format but unusable (no host, bad time…).
 */
export interface FormatAdapter {
  /**
   * Declared under its product in lambdas/core/model/products.ts (test/core/formats/registry-fixtures.test.ts checks
   * that, and that a fixture normalizes through every registered adapter).
   */
  id: string;
  product: SourceProduct;
  detect(record: RawRecord): boolean;
  normalize(record: RawRecord, ctx: NormalizeContext): Alert;
}

/** Thrown by an adapter for a record it recognises but cannot turn into an Alert. */
export class RecordRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RecordRejected';
  }
}
