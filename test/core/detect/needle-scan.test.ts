import fc from 'fast-check';
import { NeedleScanner } from '../../../lambdas/core/detect/needle-scan';

function found(needles: string[], text: string): string[] {
  const scanner = new NeedleScanner(
    needles.map((_, i) => i),
    needles,
  );
  const out: number[] = [];
  scanner.scan(text, new Uint32Array(needles.length), 1, out);
  return out.map((i) => needles[i]!).sort();
}

describe('NeedleScanner', () => {
  it('finds needles at the start, the end, overlapping, sharing windows, and short ones', () => {
    const needles = ['\\windows\\system32\\', '\\windows\\temp\\', 'cmd.exe', ' /c', '-e', 'temp\\x', 'zzzz', 'é€🙂x'];
    expect(found(needles, 'c:\\windows\\temp\\x\\cmd.exe /c whoami -e é€🙂x')).toEqual(
      [' /c', '-e', '\\windows\\temp\\', 'cmd.exe', 'temp\\x', 'é€🙂x'].sort(),
    );
    expect(found(needles, 'cmd.exe')).toEqual(['cmd.exe']);
    expect(found(needles, '')).toEqual([]);
  });

  it('reports each needle once, and leaves needles an earlier mark already found alone', () => {
    const needles = ['abcd', 'bcde'];
    const scanner = new NeedleScanner([0, 1], needles);
    const present = new Uint32Array(2);
    const out: number[] = [];
    scanner.scan('abcdabcdbcde', present, 7, out);
    expect(out.sort()).toEqual([0, 1]);
    out.length = 0;
    scanner.scan('abcd', present, 7, out);
    expect(out).toEqual([]);
    scanner.scan('abcd', present, 8, out);
    expect(out).toEqual([0]);
  });

  it('finds exactly the needles `includes` finds (property)', () => {
    // 'š' (U+0161) has the low byte of 'a': a window holding it must never pass for one holding 'a'.
    const alphabet = fc.constantFrom('a', 'b', 'c', '\\', '.', ' ', 'é', 'š', '€');
    const str = (max: number): fc.Arbitrary<string> => fc.array(alphabet, { maxLength: max }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        fc.uniqueArray(
          str(7).filter((s) => s.length > 0),
          { maxLength: 30 },
        ),
        str(60),
        (needles, text) => {
          expect(found(needles, text)).toEqual(needles.filter((n) => text.includes(n)).sort());
        },
      ),
      { numRuns: 500 },
    );
  });
});
