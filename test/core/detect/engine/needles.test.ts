import fc from 'fast-check';
import { compileRule } from '../../../../lambdas/core/detect/compile';
import type { CompiledRule, FieldValue } from '../../../../lambdas/core/detect/compile';
import { compile, event } from './rule-helpers';

const needlesOf = (detection: string) => compile(detection).needles;

describe('needles (prefilter literals)', () => {
  it('come from the positive selection, lower-cased', () => {
    expect(
      needlesOf(String.raw`
    selection:
        Image|endswith: '\WhoAmI.exe'
    filter:
        User|contains: 'SYSTEM'
    condition: selection and not filter`),
    ).toEqual(['\\whoami.exe']);
  });

  it('cover every branch of an OR, or are undefined when a branch has none', () => {
    expect(
      needlesOf(`
    a:
        CommandLine|contains: 'mimikatz'
    b:
        CommandLine|contains: 'sekurlsa'
    condition: a or b`),
    ).toEqual(['mimikatz', 'sekurlsa']);
    expect(
      needlesOf(`
    a:
        CommandLine|contains: 'mimikatz'
    b:
        EventID: 4688
    condition: a or b`),
    ).toBeUndefined();
  });

  it('are undefined for negation-only, regex, numeric, existence and too-short selections', () => {
    const cases = [
      `    filter:\n        User: 'x'\n    condition: not filter`,
      `    s:\n        CommandLine|re: 'mimikatz'\n    condition: s`,
      `    s:\n        EventID: 4688\n    condition: s`,
      `    s:\n        EventID: '4688'\n    condition: s`,
      `    s:\n        Field|exists: true\n    condition: s`,
      `    s:\n        CommandLine|contains: 'ab'\n    condition: s`,
      `    s:\n        Ip|cidr: '10.0.0.0/8'\n    condition: s`,
      `    s:\n        CommandLine|neq: 'abcdef'\n    condition: s`,
      `    s:\n        A|fieldref: B\n    condition: s`,
    ];
    for (const c of cases) expect(needlesOf(c)).toBeUndefined();
  });

  it('pick the most selective item of an AND, and the longest literal of a wildcard value', () => {
    expect(
      needlesOf(String.raw`
    s:
        Image|endswith: '\cmd.exe'
        CommandLine|contains: 'a*Invoke-WebRequest*b'
    condition: s`),
    ).toEqual(['invoke-webrequest']);
  });

  it('list every windash and base64offset variant', () => {
    expect(
      needlesOf(`
    s:
        CommandLine|windash|contains: ' -encodedcommand'
    condition: s`),
    ).toHaveLength(5);
    expect(
      needlesOf(`
    s:
        CommandLine|base64offset|contains: 'http://'
    condition: s`),
    ).toHaveLength(3);
  });

  it('come from keywords too', () => {
    expect(
      needlesOf(`
    keywords:
        - 'event::clear'
        - 'event::drop'
    condition: keywords`),
    ).toEqual(['event::drop', 'event::clear']);
  });
});

/*
 * The property that makes needles safe: whenever a rule matches an event, one of its needles occurs in one of the
 * event's lower-cased values. Rules are generated over a small alphabet rich in what goes wrong (case, dashes,
 * wildcards, escapes, non-ASCII), events from the rules' own literals so that matches are frequent.
 */
const ALPHABET = [
  'a',
  'b',
  'A',
  'B',
  'x',
  'a',
  'b',
  'A',
  'B',
  'x',
  '-',
  '/',
  '\u2013',
  ' ',
  '*',
  '?',
  '\\',
  'É',
  'é',
  'Σ',
  'σ',
  '1',
];
const text = (max: number, min = 0) =>
  fc.array(fc.constantFrom(...ALPHABET), { minLength: min, maxLength: max }).map((a) => a.join(''));
const MODIFIERS = [
  [],
  ['contains'],
  ['startswith'],
  ['endswith'],
  ['contains', 'all'],
  ['windash', 'contains'],
  ['contains', 'windash'],
  ['cased', 'contains'],
  ['cased'],
  ['base64offset', 'contains'],
  ['wide', 'base64offset', 'contains'],
  ['neq'],
];
const FIELDS = ['F1', 'F2'];

interface GenRule {
  selections: { field: string; mods: string[]; values: (string | number)[] }[][];
  keywords: string[];
  condition: string;
}

const condition = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: fc.constantFrom('s0', 's1', 's2', 'kw', '1 of s*', 'all of s*', '1 of them'), weight: 4 },
    {
      arbitrary: fc
        .tuple(tie('node'), fc.constantFrom('and', 'or'), tie('node'))
        .map(([a, op, b]) => `(${a} ${op} ${b})`),
      weight: 2,
    },
    { arbitrary: tie('node').map((a) => `not ${a}`), weight: 1 },
  ),
})).node;

const rule: fc.Arbitrary<GenRule> = fc.record({
  selections: fc.array(
    fc.array(
      fc.record({
        field: fc.constantFrom(...FIELDS),
        mods: fc.constantFrom(...MODIFIERS),
        values: fc.array(
          fc.oneof({ arbitrary: text(10, 2), weight: 5 }, { arbitrary: fc.integer({ min: 0, max: 20 }), weight: 1 }),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    { minLength: 3, maxLength: 3 },
  ),
  keywords: fc.array(text(10, 2), { minLength: 1, maxLength: 2 }),
  condition,
});

function toDoc(r: GenRule): unknown {
  const detection: Record<string, unknown> = { condition: r.condition, kw: r.keywords };
  r.selections.forEach((items, i) => {
    const map: Record<string, unknown> = {};
    for (const it of items) map[[it.field, ...it.mods].join('|')] = it.values;
    detection[`s${i}`] = map;
  });
  return { title: 't', logsource: { product: 'windows' }, detection };
}

/** Event values built from the rule's own values: wildcards filled in, case-flipped, dash-swapped, encoded. */
function eventFor(r: GenRule): fc.Arbitrary<Record<string, FieldValue>> {
  const literals = [...r.selections.flat().flatMap((s) => s.values.map(String)), ...r.keywords];
  const filled = fc.tuple(fc.constantFrom(...literals), text(2), fc.constantFrom('a', 'É', '-')).map(([v, star, one]) =>
    v
      .replace(/\\([*?\\])/g, '$1')
      .replace(/\*/g, star)
      .replace(/\?/g, one),
  );
  const piece = fc.oneof(
    filled,
    filled.map((p) => p.toUpperCase()),
    filled.map((p) => p.replaceAll('-', '\u2013')),
    fc.tuple(text(2), filled).map(([pre, p]) => Buffer.from(pre + p).toString('base64')),
    fc.tuple(text(2), filled).map(([pre, p]) => Buffer.from(pre + p, 'utf16le').toString('base64')),
    text(3),
  );
  const value = fc.array(piece, { minLength: 1, maxLength: 2 }).map((a) => a.join(''));
  return fc.record(
    { F1: fc.oneof(value, fc.integer({ min: 0, max: 20 }), fc.array(value, { maxLength: 2 })), F2: value },
    { requiredKeys: [] },
  );
}

describe('needle safety (property)', () => {
  it('a matching event always holds one of the needles', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        rule.chain((r) => fc.tuple(fc.constant(r), fc.array(eventFor(r), { minLength: 1, maxLength: 12 }))),
        ([r, events]) => {
          const loaded = compileRule(toDoc(r), 'gen.json');
          if (loaded.kind !== 'ok') return true; // e.g. a generated condition naming nothing: not this property's business
          const compiled: CompiledRule = loaded.rule;
          if (compiled.needles === undefined) return true;
          for (const fields of events) {
            const ev = event(fields);
            if (!compiled.match(ev)) continue;
            const values = [...ev.values()].map((v) => v.toLowerCase());
            const found = compiled.needles.some((n) => values.some((v) => v.includes(n)));
            checked++;
            if (!found) throw new Error(`needles ${JSON.stringify(compiled.needles)} miss ${JSON.stringify(fields)}`);
          }
          return true;
        },
      ),
      { numRuns: 3000 },
    );
    // Not vacuous: the generator yields matching events for rules with needles (about 180 per run).
    expect(checked).toBeGreaterThan(20);
  });
});
