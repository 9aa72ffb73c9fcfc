/**
 * What becomes of any input that cannot be an Alert: never dropped, never thrown through a batch.
 * `reason` is one line a person understands; `excerpt` is a short, verbatim prefix of the input.
 */
export interface Rejection {
  rejected: true;
  /** File path, SQS message id, `stdin`… */
  source: string;
  /** Where inside the source: `line 3`, `record 2`, `event 5`, `body`. */
  position: string;
  reason: string;
  excerpt: string;
  /** UTC ISO-8601 time the rejection was made. */
  time: string;
}

export const EXCERPT_CHARS = 200;

/** A short, single-line, verbatim excerpt: control characters are escaped so a log line stays one line. */
export function excerptOf(text: string, max = EXCERPT_CHARS): string {
  const head = text.length > max ? `${text.slice(0, max)}…` : text;
  return head.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function makeRejection(
  source: string,
  position: string,
  reason: string,
  text: string,
  time: string = new Date().toISOString(),
): Rejection {
  // A reason is one line by contract, whatever an exception message contained.
  const oneLine = reason.replace(/\s+/g, ' ').trim().slice(0, 300);
  return { rejected: true, source, position, reason: oneLine, excerpt: excerptOf(text), time };
}

export function isRejection(x: unknown): x is Rejection {
  return typeof x === 'object' && x !== null && (x as { rejected?: unknown }).rejected === true;
}
