import { inCidr } from './cidr';
import type { EventFields, FieldValue } from './engine-types';
import { SigmaInvalidRuleError } from './errors';
import type { SigmaValue, TimePart } from './modifiers';
import { applyModifiers, asText, initialValue } from './modifiers';
import type { Predicate } from './predicate';
import { mostSelective, not, unionOf } from './predicate';
import { compileRegex } from './regex';
import { compileLiteralSet, compileTextMatcher } from './text-match';
import { lowerCached, scalarText, withLeadingStar, withTrailingStar } from './values';

/**
 * One detection item (`Field|modifiers: value(s)`, or a keyword list) compiled to a predicate. The event is read
 * once per item: `get(field)` once, each value lower-cased at most once (and memoised across rules).
 */

type Scalar = string | number | boolean;
/** A test on one non-null value: the value itself, its text, and that text lower-cased. */
type ScalarTest = (x: Scalar, raw: string, low: string) => boolean;
/** A test that needs the whole field (null, exists, field references). */
type FieldTest = (fv: FieldValue | undefined, ev: EventFields) => boolean;
type ValueTest =
  | { kind: 'scalar'; test: ScalarTest; needles: readonly string[] | undefined; contains?: string }
  | { kind: 'field'; test: FieldTest; needles: undefined };

/** From this many case-insensitive `contains` literals on, one literal-set pass beats an `includes` per literal. */
const LITERAL_SET_FROM = 16;

/** Compiles `field|modifiers: value(s)`. */
export function compileFieldItem(field: string, modifiers: readonly string[], raw: unknown, where: string): Predicate {
  const { tests, all, negate } = compileValues(modifiers, raw, where, false);
  let p: Predicate;
  if (!all) {
    const scalar = anyScalar(tests.filter((t) => t.kind === 'scalar'));
    const fieldTests = tests.filter((t) => t.kind === 'field').map((t) => t.test);
    p = {
      test: (ev) => {
        const fv = ev.get(field);
        if (scalar !== undefined && someScalar(fv, scalar)) return true;
        for (const t of fieldTests) if (t(fv, ev)) return true;
        return false;
      },
      needles: unionOf(tests.map((t) => t.needles)),
    };
  } else {
    const each = tests.map((t) =>
      t.kind === 'field' ? t.test : (fv: FieldValue | undefined) => someScalar(fv, t.test),
    );
    p = {
      test: (ev) => {
        const fv = ev.get(field);
        for (const t of each) if (!t(fv, ev)) return false;
        return true;
      },
      needles: mostSelective(tests.map((t) => t.needles)),
    };
  }
  return negate ? not(p) : p;
}

/**
 * Compiles a keyword item: values searched in every text value of the event (`ev.values()`). A plain keyword
 * matches anywhere in a value (implicit `contains`) unless a modifier places it.
 */
export function compileKeywordItem(modifiers: readonly string[], raw: unknown, where: string): Predicate {
  const { tests, all, negate } = compileValues(modifiers, raw, where, true);
  const scalarTests = tests.map((t) => {
    if (t.kind !== 'scalar') throw new Error('keyword values compile to scalar tests'); // compileValues ensures it
    return t;
  });
  const search = (test: ScalarTest) => (ev: EventFields) => {
    for (const v of ev.values()) if (test(v, v, lowerCached(v))) return true;
    return false;
  };
  let p: Predicate;
  if (!all) {
    const any = anyScalar(scalarTests);
    p = { test: any === undefined ? () => false : search(any), needles: unionOf(tests.map((t) => t.needles)) };
  } else {
    const each = scalarTests.map((t) => search(t.test));
    p = { test: (ev) => each.every((t) => t(ev)), needles: mostSelective(tests.map((t) => t.needles)) };
  }
  return negate ? not(p) : p;
}

function anyScalar(tests: readonly { test: ScalarTest; contains?: string }[]): ScalarTest | undefined {
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0].test;
  const literals = tests.flatMap((t) => (t.contains === undefined ? [] : [t.contains]));
  if (literals.length >= LITERAL_SET_FROM) {
    const inSet = compileLiteralSet(literals);
    const rest = anyScalar(tests.filter((t) => t.contains === undefined));
    return rest === undefined ? (_x, _raw, low) => inSet(low) : (x, raw, low) => inSet(low) || rest(x, raw, low);
  }
  const fns = tests.map((t) => t.test);
  return (x, raw, low) => {
    for (const f of fns) if (f(x, raw, low)) return true;
    return false;
  };
}

/** True when the field holds a non-null value (or, for a list, an element) that passes. */
function someScalar(fv: FieldValue | undefined, test: ScalarTest): boolean {
  if (fv === undefined || fv === null) return false;
  if (typeof fv !== 'object') {
    const raw = scalarText(fv) as string;
    return test(fv, raw, lowerCached(raw));
  }
  for (const x of fv) {
    if (x === null) continue;
    const raw = scalarText(x) as string;
    if (test(x, raw, lowerCached(raw))) return true;
  }
  return false;
}

function compileValues(
  modifiers: readonly string[],
  raw: unknown,
  where: string,
  keyword: boolean,
): { tests: ValueTest[]; all: boolean; negate: boolean } {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new SigmaInvalidRuleError(where, 'empty list of values');
  const values = list.map((v) => {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return initialValue(v);
    throw new SigmaInvalidRuleError(where, `a value must be a string, number, boolean or null, not ${typeName(v)}`);
  });
  const { alternatives, flags } = applyModifiers(values, modifiers, where, keyword);
  const placed = modifiers.some((m) => m === 'contains' || m === 'startswith' || m === 'endswith');
  const tests = alternatives.map((alts) => {
    const compiled = alts.map((v) => compileValue(keyword ? keywordValue(v, placed, where) : v, where));
    if (compiled.length === 1) return compiled[0];
    if (compiled.every((c) => c.kind === 'scalar')) {
      return {
        kind: 'scalar',
        test: anyScalar(compiled) as ScalarTest,
        needles: unionOf(compiled.map((c) => c.needles)),
      } satisfies ValueTest;
    }
    const fns = compiled.map((c) =>
      c.kind === 'field' ? c.test : (fv: FieldValue | undefined) => someScalar(fv, c.test),
    );
    return { kind: 'field', test: (fv, ev) => fns.some((f) => f(fv, ev)), needles: undefined } satisfies ValueTest;
  });
  return { tests, all: flags.all, negate: flags.negate };
}

function typeName(v: unknown): string {
  return Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a map' : typeof v;
}

/** A keyword value: text gets the implicit `*...*`; what needs a field is rejected. */
function keywordValue(input: SigmaValue, placed: boolean, where: string): SigmaValue {
  const v = asText(input);
  if (v.t === 'str') {
    return placed ? v : { ...v, parts: withTrailingStar(withLeadingStar(v.parts)) };
  }
  if (v.t === 're' || v.t === 'cidr') return v;
  throw new SigmaInvalidRuleError(
    where,
    `a keyword (field-less) value cannot be ${v.t === 'null' ? 'null' : `a ${v.t} test`}`,
  );
}

const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)$/;

/** An event value as a number: numbers as they are, numeric text (decimal, or hex with 0x) parsed. */
function numericValue(x: Scalar): number {
  if (typeof x === 'number') return x;
  if (typeof x !== 'string') return NaN;
  const s = x.trim();
  if (s === '' || !(DECIMAL.test(s) || /^0x[0-9a-f]+$/i.test(s))) return NaN;
  return Number(s);
}

function compileValue(v: SigmaValue, where: string): ValueTest {
  switch (v.t) {
    case 'str': {
      const m = compileTextMatcher(v.parts, v.cased);
      const test: ScalarTest = (_x, raw, low) => m.test(raw, low);
      return m.contains === undefined
        ? { kind: 'scalar', test, needles: m.needles }
        : { kind: 'scalar', test, needles: m.needles, contains: m.contains };
    }
    case 'num': {
      // Sigma compares values as text; a number also equals the same number written as decimal text ("4688").
      const n = v.n;
      const text = String(n);
      return {
        kind: 'scalar',
        test: (x, raw) =>
          typeof x === 'number' ? x === n : typeof x === 'string' && (raw === text || numericValue(x) === n),
        needles: undefined,
      };
    }
    case 'bool': {
      const b = v.b;
      const text = String(b);
      return {
        kind: 'scalar',
        test: (x, _raw, low) => (typeof x === 'boolean' ? x === b : low === text),
        needles: undefined,
      };
    }
    case 'null':
      // Null: the field is absent, null, or an empty list. An empty string is a value ('' matches it).
      return {
        kind: 'field',
        test: (fv) => fv === undefined || fv === null || (typeof fv === 'object' && fv.every((x) => x === null)),
        needles: undefined,
      };
    case 're': {
      const re = compileRegex(v.source, v.flags, v.anchors, where);
      return { kind: 'scalar', test: (_x, raw) => re(raw), needles: undefined };
    }
    case 'cidr': {
      const net = v.net;
      return { kind: 'scalar', test: (x, raw) => typeof x === 'string' && inCidr(net, raw), needles: undefined };
    }
    case 'exists': {
      const b = v.b;
      return { kind: 'field', test: (fv) => (fv !== undefined) === b, needles: undefined };
    }
    case 'fieldref':
      return { kind: 'field', test: fieldRefTest(v), needles: undefined };
    case 'cmp': {
      const { op, n } = v;
      return { kind: 'scalar', test: (x) => compareNumbers(numericValue(x), op, n), needles: undefined };
    }
    case 'time': {
      const { part, op, n } = v;
      return {
        kind: 'scalar',
        test: (x) => {
          const got = timePartOf(x, part);
          return got !== undefined && (op === 'eq' ? got === n : compareNumbers(got, op, n));
        },
        needles: undefined,
      };
    }
  }
}

function compareNumbers(a: number, op: 'gt' | 'gte' | 'lt' | 'lte', b: number): boolean {
  if (Number.isNaN(a)) return false;
  switch (op) {
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
  }
}

/** `fieldref`: this field's value equals (or, with contains/startswith/endswith, holds) another field's. */
function fieldRefTest(v: Extract<SigmaValue, { t: 'fieldref' }>): FieldTest {
  const { ref, start, end, cased } = v;
  const holds = (a: string, b: string): boolean => {
    if (start && end) return a.includes(b);
    if (start) return a.startsWith(b);
    if (end) return a.endsWith(b);
    return a === b;
  };
  const texts = (fv: FieldValue | undefined): string[] => {
    if (fv === undefined || fv === null) return [];
    const list = typeof fv === 'object' ? fv : [fv];
    const out: string[] = [];
    for (const x of list) {
      const t = x === null ? undefined : scalarText(x);
      if (t !== undefined) out.push(cased ? t : lowerCached(t));
    }
    return out;
  };
  return (fv, ev) => {
    const mine = texts(fv);
    if (mine.length === 0) return false;
    const theirs = texts(ev.get(ref));
    return mine.some((a) => theirs.some((b) => holds(a, b)));
  };
}

const DAY_MS = 86_400_000;

/** Milliseconds since the epoch: numbers as they are; ISO 8601 text (zone-less read as UTC, as events write it). */
function epochMs(x: Scalar): number | undefined {
  if (typeof x === 'number') return x;
  if (typeof x !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(x.trim());
  if (m === null) return undefined;
  const [, date, time, fraction, zone] = m;
  const iso = `${date}T${time ?? '00:00:00'}${fraction ? fraction.slice(0, 4) : ''}${normaliseZone(zone)}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

function normaliseZone(zone: string | undefined): string {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 'Z';
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

/** The time modifiers' parts, in UTC (the spec: no time zone handling); weeks are ISO 8601 weeks. */
function timePartOf(x: Scalar, part: TimePart): number | undefined {
  const ms = epochMs(x);
  if (ms === undefined) return undefined;
  const d = new Date(ms);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    case 'week': {
      const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
      const thursday = Math.floor(ms / DAY_MS) * DAY_MS + (3 - weekday) * DAY_MS;
      const yearStart = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
      return 1 + Math.floor((thursday - yearStart) / (7 * DAY_MS));
    }
  }
}
