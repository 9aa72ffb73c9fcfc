import fc from 'fast-check';
import { boundedId, boundedKey, clipText, headOf, utf8Head, wellFormed } from '../../lambdas/core/bounded';

/** The bounds every key, id and stored entry built from alert text goes through. */

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const anyText = fc.string({ unit: 'binary', maxLength: 3000 });

describe('bounded keys and ids', () => {
  it('keeps every key within its byte limit, well-formed, and short keys as they are', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(1024, 2048), (text, limit) => {
        const key = boundedKey(text, limit);
        expect(Buffer.byteLength(key, 'utf8')).toBeLessThanOrEqual(limit);
        expect(key).not.toMatch(LONE);
        const short = Buffer.byteLength(wellFormed(text), 'utf8') <= limit - 100;
        expect(key === wellFormed(text)).toBe(short);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps two different long values two keys, and a forged short value apart from any hashed one', () => {
    const a = `IOC#commandline#${'x'.repeat(3000)}a`;
    const b = `IOC#commandline#${'x'.repeat(3000)}b`;
    expect(boundedKey(a, 2048)).not.toBe(boundedKey(b, 2048));
    // Someone writes the hashed form of `a` as their own value: it is too long to be kept whole, so it is hashed too.
    expect(boundedKey(boundedKey(a, 2048), 2048)).not.toBe(boundedKey(a, 2048));
    expect(boundedKey(a, 2048).startsWith('IOC#commandline#xxxx')).toBe(true);
  });

  it('bounds ids by characters the same way', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const id = boundedId(text, 256);
        expect(id.length).toBeLessThanOrEqual(256);
        expect(id === text).toBe(text.length <= 192);
      }),
      { numRuns: 500 },
    );
    expect(boundedId('a'.repeat(300), 256)).not.toBe(boundedId(`${'a'.repeat(299)}b`, 256));
  });
});

describe('cutting text', () => {
  it('never splits a surrogate pair and marks a cut', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 100 }), (text, max) => {
        const c = clipText(text, max);
        expect(c.length).toBeLessThanOrEqual(Math.max(max, 1));
        expect(c).not.toMatch(LONE);
        expect(wellFormed(text).length <= max || c.endsWith('…')).toBe(true);
        expect(headOf(text, max).length).toBeLessThanOrEqual(max);
        expect(Buffer.byteLength(utf8Head(text, max), 'utf8')).toBeLessThanOrEqual(max);
      }),
      { numRuns: 500 },
    );
    expect(clipText('ab\u{1F600}cd', 4)).toBe('ab…');
  });
});
