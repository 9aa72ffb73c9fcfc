import { createHash } from 'node:crypto';

/**
 * Bounding text an intruder writes. Every value that becomes an identity (a key, a list entry, an id) or is stored
 * has a length limit; these helpers cut it without splitting a character and without two different values ending
 * up the same (a long value keeps its readable prefix and gains a hash of the whole).
 */

/** Marks text that was cut: it ends with this, so a reader never takes a prefix for the whole value. */
export const CUT_MARK = '…';

/** Hex digits of SHA-256 kept in a bounded id: 128 bits, so distinct values stay distinct. */
const HASH_HEX = 32;

/** Lone surrogates (half of a pair) replaced by U+FFFD: storage and JSON consumers need well-formed UTF-16. */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** The end index (≤ `max`) of a cut of `text` that does not split a surrogate pair. */
function cutIndex(text: string, max: number): number {
  let end = Math.max(0, Math.min(max, text.length));
  if (end > 0 && end < text.length) {
    const code = text.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  }
  return end;
}

/** At most `max` UTF-16 code units of `text`, cut on a code point boundary (no marker). */
export function headOf(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, cutIndex(text, max));
}

/**
 * `text` well-formed (see `wellFormed`) and cut to at most `max` characters (code units) on a code point boundary,
 * ending with `CUT_MARK` if cut: fit for any store or JSON consumer.
 */
export function clipText(text: string, max: number): string {
  const t = wellFormed(text);
  if (t.length <= max) return t;
  return `${t.slice(0, cutIndex(t, Math.max(0, max - CUT_MARK.length)))}${CUT_MARK}`;
}

/** The longest prefix of `text` whose UTF-8 encoding fits `maxBytes`, cut on a code point boundary. */
export function utf8Head(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += cp > 0xffff ? 2 : 1;
  }
  return text.slice(0, i);
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_HEX);
}

/**
 * An identity that fits `maxChars`: the value itself when it is at most `maxChars - 64` characters, else its
 * readable prefix, `#`, and 32 hex digits of SHA-256 of the whole. The two forms cannot collide: a value kept
 * whole is shorter than any hashed form, so no one can forge a short value equal to another's hashed one.
 */
export function boundedId(text: string, maxChars: number): string {
  const whole = maxChars - 64;
  if (text.length <= whole) return text;
  const head = headOf(text, maxChars - HASH_HEX - 1);
  return `${head}#${digest(text)}`;
}

/**
 * A storage key that fits `maxBytes` of UTF-8 (DynamoDB: 2,048 for a partition key, 1,024 for a sort key):
 * well-formed, whole when it is at most `maxBytes - 100` bytes, else its readable prefix, `#~`, and 32 hex digits
 * of SHA-256 of the whole. As with `boundedId`, a key kept whole is always shorter than a hashed one.
 */
export function boundedKey(text: string, maxBytes: number): string {
  const key = wellFormed(text);
  if (Buffer.byteLength(key, 'utf8') <= maxBytes - 100) return key;
  // The head fills the room left by the hash, so the hashed form is never shorter than `maxBytes - 100`.
  return `${utf8Head(key, maxBytes - HASH_HEX - 2)}#~${digest(key)}`;
}
