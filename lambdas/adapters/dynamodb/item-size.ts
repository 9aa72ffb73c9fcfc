import { clipText } from '../../core/bounded';

/**
 * DynamoDB's item limit and how close to it an item is. The size rules are AWS's ("Item sizes and formats"):
 * attribute names and string values count as their UTF-8 bytes, a number up to 21 bytes, a boolean or null one
 * byte, and a list or map 3 bytes plus 1 byte per element besides the elements (a map's keys count as names).
 */
export const MAX_ITEM_BYTES = 400 * 1024;

function valueBytes(v: unknown): number {
  if (v === undefined) return 0;
  if (v === null || typeof v === 'boolean') return 1;
  if (typeof v === 'number' || typeof v === 'bigint') return 21;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return v.byteLength;
  if (Array.isArray(v)) return 3 + v.reduce((n: number, x) => n + 1 + valueBytes(x), 0);
  if (v instanceof Set) return 3 + [...v].reduce((n: number, x) => n + valueBytes(x), 0);
  if (typeof v === 'object') {
    return (
      3 +
      Object.entries(v as Record<string, unknown>).reduce(
        (n, [k, x]) => n + (x === undefined ? 0 : 1 + Buffer.byteLength(k, 'utf8') + valueBytes(x)),
        0,
      )
    );
  }
  return 0;
}

/** The size DynamoDB counts for an item (an upper bound: numbers are counted at their largest). */
export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce(
    (n, [k, v]) => n + (v === undefined ? 0 : Buffer.byteLength(k, 'utf8') + valueBytes(v)),
    0,
  );
}

/** Flag on an alert whose stored copy had to be cut to fit an item (the raw record first, then long fields). */
export const STORED_TRUNCATED = 'stored-truncated';

/** Entries kept of one object (a hash map, say) when shrinking: the alert model's own objects have fewer. */
const MAX_OBJECT_ENTRIES = 64;

/** A copy of `v` with every string (and object key) cut to `maxChars`, every list to `maxItems` entries. */
function shrunk(v: unknown, maxChars: number, maxItems: number): unknown {
  if (typeof v === 'string') return clipText(v, maxChars);
  if (Array.isArray(v)) return v.slice(0, maxItems).map((x) => shrunk(x, maxChars, maxItems));
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(
      Object.entries(v)
        .slice(0, MAX_OBJECT_ENTRIES)
        .map(([k, x]) => [clipText(k, Math.max(maxChars, 16)), shrunk(x, maxChars, maxItems)]),
    );
  }
  return v;
}

/**
 * JSON text of `value` within `maxBytes` of UTF-8, by construction: as it is when it fits; else with `raw` cut to
 * what room is left (`rawTruncated`); else with the raw record dropped and every string and list halved until it
 * fits, flagged `stored-truncated`. The last resort keeps every field at 16 characters and no list entries.
 */
export function fitJson<T extends { raw?: unknown; rawTruncated?: boolean; flags?: string[] }>(
  value: T,
  maxBytes: number,
): string {
  const size = (s: string): number => Buffer.byteLength(s, 'utf8');
  const whole = JSON.stringify(value);
  if (size(whole) <= maxBytes) return whole;
  const rawText = typeof value.raw === 'string' ? value.raw : (JSON.stringify(value.raw) ?? '');
  const withoutRaw = JSON.stringify({ ...value, raw: '', rawTruncated: true });
  // JSON escapes can make a character 6 bytes: a raw cut sized for that always fits.
  const room = Math.floor((maxBytes - size(withoutRaw) - 1024) / 6);
  if (room > 0) {
    const cut = JSON.stringify({ ...value, raw: clipText(rawText, room), rawTruncated: true });
    if (size(cut) <= maxBytes) return cut;
  }
  const flags = [...(value.flags ?? [])];
  if (!flags.includes(STORED_TRUNCATED)) flags.push(STORED_TRUNCATED);
  const base = { ...value, raw: '', rawTruncated: true, flags };
  for (let chars = 16_384, items = 256; chars >= 16; chars = Math.floor(chars / 2), items = Math.max(4, items >> 1)) {
    const text = JSON.stringify({ ...(shrunk(base, chars, items) as object), flags });
    if (size(text) <= maxBytes) return text;
  }
  return JSON.stringify({ ...(shrunk(base, 16, 0) as object), flags });
}
