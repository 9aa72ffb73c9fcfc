import fc from 'fast-check';
import { compileLiteralSet, compileTextMatcher } from '../../../../lambdas/core/detect/text-match';
import type { Part } from '../../../../lambdas/core/detect/values';
import { ONE, STAR } from '../../../../lambdas/core/detect/values';

/** The obvious (backtracking) reading of a pattern, as a JavaScript RegExp: the reference the matcher must agree with. */
function reference(parts: readonly Part[]): RegExp {
  const body = parts
    .map((p) => {
      if (typeof p === 'string') return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (p.kind === 'star') return '[\\s\\S]*';
      if (p.kind === 'one') return '[\\s\\S]';
      if (p.kind === 'set') return `[${p.chars.map((c) => c.replace(/[\]\\^-]/g, '\\$&')).join('')}]`;
      throw new Error('placeholder');
    })
    .join('');
  return new RegExp(`^${body}$`);
}

const SET: Part = { kind: 'set', chars: ['-', '/', '\u2013', '\u2014', '\u2015'] };
const char = fc.constantFrom('a', 'b', 'A', '-', '/', '\u2013', 'é');
const part: fc.Arbitrary<Part> = fc.oneof(
  { arbitrary: fc.array(char, { minLength: 1, maxLength: 3 }).map((a) => a.join('')), weight: 4 },
  { arbitrary: fc.constant(STAR), weight: 2 },
  { arbitrary: fc.constant(ONE), weight: 1 },
  { arbitrary: fc.constant(SET), weight: 1 },
);

describe('text matcher', () => {
  it('agrees with a reference regular expression on every pattern shape (cased and not)', () => {
    fc.assert(
      fc.property(
        fc.array(part, { maxLength: 6 }),
        fc.array(
          fc.array(char, { maxLength: 10 }).map((a) => a.join('')),
          { minLength: 1, maxLength: 6 },
        ),
        fc.boolean(),
        (parts, texts, cased) => {
          const m = compileTextMatcher(parts, cased);
          const lowered = parts.map((p) => (typeof p === 'string' && !cased ? p.toLowerCase() : p));
          const re = reference(lowered);
          for (const t of texts) {
            const low = t.toLowerCase();
            expect(m.test(t, low)).toBe(re.test(cased ? t : low));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('uses the fast shapes for *x*, x*, *x, x and many windash variants', () => {
    expect(compileTextMatcher([STAR, 'AbC', STAR], false).contains).toBe('abc');
    expect(compileTextMatcher([STAR, 'AbC', STAR], true).contains).toBeUndefined();
    const many = compileTextMatcher([STAR, ' ', SET, 'a ', SET, 'b ', SET, 'c ', SET, 'd', STAR], false);
    expect(many.test('x /a -b \u2014c \u2015d y', 'x /a -b \u2014c \u2015d y')).toBe(true);
    expect(many.test('x /a -b +c \u2015d y', 'x /a -b +c \u2015d y')).toBe(false);
  });
});

describe('literal set (contains any of many literals)', () => {
  it('agrees with one includes per literal', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', '='), { maxLength: 40 }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.constantFrom('a', 'b', 'c', '='), { minLength: 1, maxLength: 20 }).map((a) => a.join('')),
          { minLength: 1, maxLength: 40 },
        ),
        fc.array(text, { minLength: 1, maxLength: 10 }),
        (literals, texts) => {
          const inSet = compileLiteralSet(literals);
          for (const t of texts) expect(inSet(t)).toBe(literals.some((l) => t.includes(l)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('finds a hash among thousands sharing a long prefix', () => {
    const literals = Array.from({ length: 3000 }, (_, i) => `imphash=${i.toString(16).padStart(32, '0')}`);
    const inSet = compileLiteralSet(literals);
    expect(inSet(`sha1=x,imphash=${(2999).toString(16).padStart(32, '0')}`)).toBe(true);
    expect(inSet(`sha1=x,imphash=${(3000).toString(16).padStart(32, '0')}`)).toBe(false);
  });
});
