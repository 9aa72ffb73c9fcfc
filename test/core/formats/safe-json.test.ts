import fc from 'fast-check';
import {
  JsonRejected,
  jsonDepth,
  newScanMemo,
  parseJsonSafely,
  scanJsonValue,
} from '../../../lambdas/core/formats/safe-json';
import type { JsonScan } from '../../../lambdas/core/formats/safe-json';

describe('scanJsonValue', () => {
  it('finds the end of an object and its depth', () => {
    const text = '{"a":{"b":[1,2]}} tail';
    expect(scanJsonValue(text, 0)).toEqual({ end: 17, depth: 3 });
  });

  it('ignores brackets and escaped quotes inside strings', () => {
    const text = '{"a":"}]\\"{["}';
    expect(scanJsonValue(text, 0)).toEqual({ end: text.length, depth: 1 });
  });

  it('reports an object that never closes', () => {
    expect(scanJsonValue('{"a":{"b":1}', 0).error).toBe('unterminated');
  });

  it('reports a mismatched bracket where it is found', () => {
    expect(scanJsonValue('{"a":[1}', 0)).toEqual({ end: 7, depth: 2, error: 'mismatched bracket' });
  });

  it('reports a string cut off at a line end', () => {
    expect(scanJsonValue('{"a":"abc\n{"b":1}', 0)).toEqual({
      end: 9,
      depth: 1,
      error: 'raw line break inside a string',
    });
  });

  it('scans 100,000 levels without recursion', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(scanJsonValue(text, 0)).toEqual({ end: 200_000, depth: 100_000 });
  });
});

describe('scanJsonValue with a memo', () => {
  const lineStarts = (text: string): number[] => {
    const out: number[] = [];
    const re = /^[ \t]*[[{]/gm;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m.index + m[0].length - 1);
    return out;
  };

  it('answers a resumed scan from what an earlier scan learnt', () => {
    const text = '{"a":1\n{"b":2}\n';
    const memo = newScanMemo();
    expect(scanJsonValue(text, 0, memo).error).toBe('unterminated');
    expect(memo.closes.get(7)).toBe(14);
    expect(scanJsonValue(text, 7, memo)).toEqual({ end: 14, depth: 1 });
  });

  it('gives the same outcome as a fresh scan for every line-opening bracket', () => {
    const chars = fc.constantFrom('{', '}', '[', ']', '"', '\\', '\n', ' ', 'a', ':', ',');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 80 }), (parts) => {
        const text = parts.join('');
        const memo = newScanMemo();
        for (const start of lineStarts(text)) {
          const fresh = scanJsonValue(text, start);
          const remembered = scanJsonValue(text, start, memo);
          // A failure's end and depth are where the fresh scan gave up; only a success's are part of the answer.
          const outcome = (r: JsonScan) => (r.error === undefined ? [r.end, r.depth] : r.error);
          expect(outcome(remembered)).toEqual(outcome(fresh));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('jsonDepth', () => {
  it('is 0 for a scalar and counts nesting otherwise', () => {
    expect(jsonDepth('"[["')).toBe(0);
    expect(jsonDepth('[{"a":[{}]}]')).toBe(4);
  });
});

describe('parseJsonSafely', () => {
  it('parses ordinary JSON', () => {
    expect(parseJsonSafely('{"a":[1,"x"]}', 64)).toEqual({ a: [1, 'x'] });
  });

  it('refuses nesting beyond the limit before parsing', () => {
    expect(() => parseJsonSafely('[[[1]]]', 2)).toThrow(
      new JsonRejected('JSON nested 3 levels deep exceeds the limit of 2'),
    );
  });

  it('drops __proto__ keys, also when escaped, and never sets a prototype', () => {
    const v = parseJsonSafely(
      '{"__proto__":{"polluted":1},"\\u005f_proto__":{"polluted":2},"a":{"__proto__":{"x":1}}}',
      64,
    );
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v as object)).toEqual(['a']);
    expect((v as { a: object }).a).toEqual({});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps constructor and prototype keys as plain data', () => {
    const v = parseJsonSafely('{"constructor":{"prototype":{"polluted":1}}}', 64) as Record<string, unknown>;
    expect(v.constructor).toEqual({ prototype: { polluted: 1 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('turns a syntax error into a one-line reason', () => {
    expect(() => parseJsonSafely('{"a":}', 64)).toThrow(/^invalid JSON: /);
  });
});
