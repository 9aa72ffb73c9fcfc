import { parseCondition } from '../../../../lambdas/core/detect/condition';
import { compile, load, matches, reasonOf } from './rule-helpers';

const ids = `
    a:
        A: 'x'
    b:
        B: 'x'
    c:
        C: 'x'`;

describe('condition parsing', () => {
  it('binds not tighter than and, and tighter than or', () => {
    expect(parseCondition('a or b and not c')).toEqual({
      op: 'or',
      args: [
        { op: 'ref', name: 'a' },
        {
          op: 'and',
          args: [
            { op: 'ref', name: 'b' },
            { op: 'not', arg: { op: 'ref', name: 'c' } },
          ],
        },
      ],
    });
  });

  it('reads 1 of / any of / all of, and parentheses', () => {
    expect(parseCondition('(1 of sel* or any of x) and not all of them')).toEqual({
      op: 'and',
      args: [
        {
          op: 'or',
          args: [
            { op: 'of', quantifier: 'any', pattern: 'sel*' },
            { op: 'of', quantifier: 'any', pattern: 'x' },
          ],
        },
        { op: 'not', arg: { op: 'of', quantifier: 'all', pattern: 'them' } },
      ],
    });
  });
});

describe('condition evaluation', () => {
  it('and / or / not with precedence', () => {
    const rule = compile(`${ids}
    condition: a or b and not c`);
    expect(matches(rule, { A: 'x', C: 'x' })).toBe(true); // a alone is enough
    expect(matches(rule, { B: 'x' })).toBe(true);
    expect(matches(rule, { B: 'x', C: 'x' })).toBe(false);
    expect(matches(rule, {})).toBe(false);
  });

  it('parentheses override precedence', () => {
    const rule = compile(`${ids}
    condition: (a or b) and not c`);
    expect(matches(rule, { A: 'x', C: 'x' })).toBe(false);
    expect(matches(rule, { A: 'x' })).toBe(true);
  });

  it('not binds to the next operand only, and can repeat', () => {
    const rule = compile(`${ids}
    condition: not a and not not b`);
    expect(matches(rule, { B: 'x' })).toBe(true);
    expect(matches(rule, { A: 'x', B: 'x' })).toBe(false);
    expect(matches(rule, {})).toBe(false);
  });

  it('1 of / all of a pattern', () => {
    const rule = compile(`
    selection_img:
        Image|endswith: '\\rundll32.exe'
    selection_cli:
        CommandLine|contains: 'javascript:'
    filter_main:
        ParentImage|endswith: '\\explorer.exe'
    filter_optional:
        User|contains: 'SYSTEM'
    condition: all of selection_* and not 1 of filter_*`);
    const hit = { Image: 'C:\\rundll32.exe', CommandLine: 'javascript:alert()' };
    expect(matches(rule, hit)).toBe(true);
    expect(matches(rule, { ...hit, ParentImage: 'C:\\Windows\\explorer.exe' })).toBe(false);
    expect(matches(rule, { ...hit, User: 'NT AUTHORITY\\SYSTEM' })).toBe(false);
    expect(matches(rule, { Image: 'C:\\rundll32.exe' })).toBe(false);
  });

  it('1 of them / all of them leave out identifiers starting with _', () => {
    const rule = compile(`${ids}
    _helper:
        H: 'x'
    condition: all of them`);
    expect(matches(rule, { A: 'x', B: 'x', C: 'x' })).toBe(true);
    expect(matches(rule, { A: 'x', B: 'x' })).toBe(false);
    const any = compile(`
    a:
        A: 'x'
    _helper:
        H: 'x'
    condition: 1 of them`);
    expect(matches(any, { H: 'x' })).toBe(false);
    expect(matches(any, { A: 'x' })).toBe(true);
  });

  it('a list of conditions is their OR', () => {
    const rule = compile(`${ids}
    condition:
        - a and b
        - c`);
    expect(matches(rule, { A: 'x', B: 'x' })).toBe(true);
    expect(matches(rule, { C: 'x' })).toBe(true);
    expect(matches(rule, { A: 'x' })).toBe(false);
  });

  it('rejects unknown identifiers, empty patterns and syntax errors as invalid, naming the problem', () => {
    const unknown = load(`${ids}
    condition: a and d`);
    expect(unknown.kind).toBe('invalid');
    expect(reasonOf(unknown)).toBe("detection.condition: 'd' is not a search identifier of the rule");
    expect(reasonOf(load(`${ids}\n    condition: 1 of z*`))).toBe(
      "detection.condition: 'z*' matches no search identifier",
    );
    expect(reasonOf(load(`${ids}\n    condition: a and (b or c`))).toBe(
      "detection.condition: missing ')' in 'a and (b or c'",
    );
    expect(reasonOf(load(`${ids}\n    condition: a b`))).toBe("detection.condition: unexpected 'b' in 'a b'");
    expect(reasonOf(load(`${ids}\n    condition: a and`))).toBe(
      "detection.condition: unexpected end of condition in 'a and'",
    );
    expect(load(`${ids}\n    condition: 2 of them`).kind).toBe('invalid');
    expect(load(`${ids}\n    condition: a*`).kind).toBe('invalid');
  });

  it('reports deprecated aggregation conditions as unsupported', () => {
    const r = load(`${ids}\n    condition: a | count() by B > 5`);
    expect(r.kind).toBe('unsupported');
    expect(reasonOf(r)).toMatch(/aggregation \(pipe\) conditions/);
  });
});
