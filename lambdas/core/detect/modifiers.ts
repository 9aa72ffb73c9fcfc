import type { CidrNetwork } from './cidr';
import { parseCidr } from './cidr';
import { base64, base64Offsets, utf16be, utf16le, utf16WithBom, windash } from './encodings';
import { SigmaInvalidRuleError, SigmaUnsupportedRuleError } from './errors';
import type { RegexAnchors, RegexFlags } from './regex';
import type { Part } from './values';
import { insertPlaceholders, parseSigmaString, plainText, withLeadingStar, withTrailingStar } from './values';

/**
 * Sigma value modifiers (`field|mod1|mod2: value`), applied left to right as the spec and pySigma do. A rule value
 * becomes a `SigmaValue`; transformation modifiers rewrite it (and `windash`/`base64offset` may turn one value
 * into several alternatives, any of which may match), type modifiers turn it into a regex, a network, a
 * comparison... `all` and `neq` act on the whole detection item instead.
 */

export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** A rule value on its way through the modifiers. */
export type SigmaValue =
  /** Text with wildcards; `raw` is the value as written while no modifier has changed it (what `re` reads). */
  | { t: 'str'; parts: readonly Part[]; raw: string | undefined; bytes: boolean; cased: boolean }
  | { t: 'num'; n: number }
  | { t: 'bool'; b: boolean }
  | { t: 'null' }
  | { t: 're'; source: string; flags: RegexFlags; anchors: RegexAnchors }
  | { t: 'cidr'; net: CidrNetwork }
  | { t: 'exists'; b: boolean }
  | { t: 'fieldref'; ref: string; start: boolean; end: boolean; cased: boolean }
  | { t: 'cmp'; op: CompareOp; n: number }
  | { t: 'time'; part: TimePart; op: CompareOp | 'eq'; n: number };

/** What `all` and `neq` set on the detection item. */
export interface ItemFlags {
  /** `all`: every value must match (AND) instead of any (OR). */
  all: boolean;
  /** `neq`: the item matches when its values do not. */
  negate: boolean;
}

interface ModifierContext {
  readonly name: string;
  readonly where: string;
  /** Value modifiers applied before this one (`re`, `cidr` and `exists` must come first). */
  readonly before: number;
  /** A keyword (field-less) item. */
  readonly keyword: boolean;
}

type ValueModifier = (v: SigmaValue, ctx: ModifierContext) => SigmaValue[];

/** A rule's literal value as the starting `SigmaValue`. */
export function initialValue(v: string | number | boolean | null): SigmaValue {
  if (typeof v === 'string') return { t: 'str', parts: parseSigmaString(v), raw: v, bytes: false, cased: false };
  if (typeof v === 'number') return { t: 'num', n: v };
  if (typeof v === 'boolean') return { t: 'bool', b: v };
  return { t: 'null' };
}

/** Numbers and booleans used where text is expected read as their text (`Field|contains: 123`). */
export function asText(v: SigmaValue): SigmaValue {
  if (v.t === 'num' || v.t === 'bool') {
    const s = String(v.t === 'num' ? v.n : v.b);
    return { t: 'str', parts: [s], raw: s, bytes: false, cased: false };
  }
  return v;
}

function invalid(ctx: ModifierContext, detail: string): SigmaInvalidRuleError {
  return new SigmaInvalidRuleError(ctx.where, detail);
}

function wrongType(ctx: ModifierContext, v: SigmaValue, expects: string): SigmaInvalidRuleError {
  return invalid(ctx, `modifier '${ctx.name}' expects ${expects}, not ${describe(v)}`);
}

function describe(v: SigmaValue): string {
  switch (v.t) {
    case 'str':
      return 'a string';
    case 'num':
      return 'a number';
    case 'bool':
      return 'a boolean';
    case 'null':
      return 'null';
    case 're':
      return 'a regular expression';
    case 'cidr':
      return 'a CIDR network';
    case 'exists':
      return 'an exists check';
    case 'fieldref':
      return 'a field reference';
    case 'cmp':
      return 'a numeric comparison';
    case 'time':
      return 'a time part';
  }
}

const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)$/;

function numberOf(v: SigmaValue): number | undefined {
  if (v.t === 'num') return v.n;
  if (v.t === 'str' && v.raw !== undefined && DECIMAL.test(v.raw.trim())) return Number(v.raw.trim());
  return undefined;
}

/** Windash sets expanded into plain alternatives, for the encodings (which work on concrete characters). */
function concreteVariants(v: Extract<SigmaValue, { t: 'str' }>, ctx: ModifierContext): Part[][] {
  let out: Part[][] = [[]];
  for (const p of v.parts) {
    if (typeof p !== 'string' && p.kind === 'set') {
      out = out.flatMap((prefix) => p.chars.map((c) => [...prefix, c]));
      if (out.length > 625) throw new SigmaUnsupportedRuleError(ctx.where, 'too many windash variants to encode');
    } else {
      out = out.map((prefix) => [...prefix, p]);
    }
  }
  return out;
}

const wildcardPosition =
  (side: 'contains' | 'startswith' | 'endswith'): ValueModifier =>
  (input, ctx) => {
    const v = asText(input);
    if (v.t === 'str') {
      let parts = v.parts;
      if (side !== 'startswith') parts = withLeadingStar(parts);
      if (side !== 'endswith') parts = withTrailingStar(parts);
      return [{ ...v, parts, raw: undefined }];
    }
    if (v.t === 're') {
      const anchors = { start: v.anchors.start || side === 'startswith', end: v.anchors.end || side === 'endswith' };
      return [{ ...v, anchors }];
    }
    if (v.t === 'fieldref') {
      return [{ ...v, start: v.start || side !== 'endswith', end: v.end || side !== 'startswith' }];
    }
    throw wrongType(ctx, v, 'a string, a regular expression or a field reference');
  };

const encode =
  (transform: (text: string) => string): ValueModifier =>
  (input, ctx) => {
    const v = asText(input);
    if (v.t !== 'str') throw wrongType(ctx, v, 'a string');
    return concreteVariants(v, ctx).map((parts) => ({
      t: 'str',
      parts: parts.map((p) => (typeof p === 'string' ? transform(p) : p)),
      raw: undefined,
      bytes: true,
      cased: v.cased,
    }));
  };

const base64Modifier =
  (offsets: boolean): ValueModifier =>
  (input, ctx) => {
    const v = asText(input);
    if (v.t !== 'str') throw wrongType(ctx, v, 'a string');
    return concreteVariants(v, ctx).flatMap((parts) => {
      const text = plainText(parts);
      if (text === undefined) throw invalid(ctx, `'${ctx.name}' cannot encode a value with wildcards`);
      const encoded = offsets ? base64Offsets(text, v.bytes) : [base64(text, v.bytes)];
      return encoded.map((e): SigmaValue => ({ t: 'str', parts: [e], raw: undefined, bytes: false, cased: v.cased }));
    });
  };

const regexFlag =
  (flag: keyof RegexFlags): ValueModifier =>
  (v, ctx) => {
    if (v.t !== 're') throw invalid(ctx, `modifier '${ctx.name}' applies to regular expressions only (after 're')`);
    return [{ ...v, flags: { ...v.flags, [flag]: true } }];
  };

const compare =
  (op: CompareOp): ValueModifier =>
  (v, ctx) => {
    if (v.t === 'time' && v.op === 'eq') return [{ ...v, op }];
    const n = numberOf(v);
    if (n === undefined) throw wrongType(ctx, v, 'a number');
    return [{ t: 'cmp', op, n }];
  };

const timePart =
  (part: TimePart): ValueModifier =>
  (v, ctx) => {
    const n = numberOf(v);
    if (n === undefined || !Number.isInteger(n)) throw wrongType(ctx, v, 'an integer');
    return [{ t: 'time', part, op: 'eq', n }];
  };

function mustComeFirst(ctx: ModifierContext): void {
  if (ctx.before > 0) throw invalid(ctx, `modifier '${ctx.name}' must come before any other value modifier`);
}

const VALUE_MODIFIERS: Record<string, ValueModifier> = {
  contains: wildcardPosition('contains'),
  startswith: wildcardPosition('startswith'),
  endswith: wildcardPosition('endswith'),
  cased: (v, ctx) => {
    if (v.t === 'str' || v.t === 'fieldref') return [{ ...v, cased: true }];
    throw wrongType(ctx, v, 'a string or a field reference');
  },
  exists: (v, ctx) => {
    mustComeFirst(ctx);
    if (ctx.keyword) throw invalid(ctx, "modifier 'exists' needs a field name");
    if (v.t !== 'bool') throw wrongType(ctx, v, 'true or false');
    return [{ t: 'exists', b: v.b }];
  },
  expand: (v, ctx) => {
    const found =
      v.t === 'str'
        ? insertPlaceholders(v.parts).find((p) => typeof p !== 'string' && p.kind === 'placeholder')
        : v.t === 're'
          ? /(?<!\\)%(\w+)%/u.exec(v.source)?.[0]
          : undefined;
    if (found !== undefined) {
      const name = typeof found === 'string' ? found : found.kind === 'placeholder' ? `%${found.name}%` : '';
      throw new SigmaUnsupportedRuleError(
        ctx.where,
        `placeholder ${name} must be expanded to environment-specific values, which this engine has no source for`,
      );
    }
    if (v.t === 'str') return [{ ...v, parts: insertPlaceholders(v.parts), raw: undefined }];
    if (v.t === 're') return [v];
    throw wrongType(ctx, v, 'a string or a regular expression');
  },
  fieldref: (input, ctx) => {
    if (ctx.keyword) throw invalid(ctx, "modifier 'fieldref' needs a field name");
    const v = asText(input);
    if (v.t !== 'str') throw wrongType(ctx, v, 'a field name');
    const ref = plainText(v.parts);
    if (ref === undefined || ref === '')
      throw invalid(ctx, 'a field reference must be a plain field name (no wildcards)');
    return [{ t: 'fieldref', ref, start: false, end: false, cased: v.cased }];
  },
  gt: compare('gt'),
  gte: compare('gte'),
  lt: compare('lt'),
  lte: compare('lte'),
  re: (input, ctx) => {
    mustComeFirst(ctx);
    const v = asText(input);
    if (v.t !== 'str' || v.raw === undefined) throw wrongType(ctx, v, 'a string');
    return [
      {
        t: 're',
        source: v.raw,
        flags: { ignoreCase: false, multiline: false, dotAll: false },
        anchors: { start: false, end: false },
      },
    ];
  },
  i: regexFlag('ignoreCase'),
  ignorecase: regexFlag('ignoreCase'),
  m: regexFlag('multiline'),
  multiline: regexFlag('multiline'),
  s: regexFlag('dotAll'),
  dotall: regexFlag('dotAll'),
  cidr: (v, ctx) => {
    mustComeFirst(ctx);
    if (v.t !== 'str' || v.raw === undefined) throw wrongType(ctx, v, 'a network such as 10.0.0.0/8');
    const net = parseCidr(v.raw);
    if (net === undefined) throw invalid(ctx, `'${v.raw}' is not an IPv4 or IPv6 network`);
    return [{ t: 'cidr', net }];
  },
  base64: base64Modifier(false),
  base64offset: base64Modifier(true),
  utf16le: encode(utf16le),
  wide: encode(utf16le),
  utf16be: encode(utf16be),
  utf16: encode(utf16WithBom),
  windash: (input, ctx) => {
    const v = asText(input);
    if (v.t !== 'str') throw wrongType(ctx, v, 'a string');
    return [{ ...v, parts: windash(v.parts), raw: undefined }];
  },
  minute: timePart('minute'),
  hour: timePart('hour'),
  day: timePart('day'),
  week: timePart('week'),
  month: timePart('month'),
  year: timePart('year'),
};

const ITEM_MODIFIERS: Record<string, (flags: ItemFlags) => void> = {
  all: (f) => {
    f.all = true;
  },
  neq: (f) => {
    f.negate = true;
  },
};

/** Every modifier name this engine knows (the spec's appendix plus pySigma's long names for the regex flags). */
export const KNOWN_MODIFIERS: readonly string[] = [...Object.keys(VALUE_MODIFIERS), ...Object.keys(ITEM_MODIFIERS)];

/**
 * Applies `modifiers` in order to each of a detection item's values. Returns, per value as written, the
 * alternatives it became, plus the item flags.
 */
export function applyModifiers(
  values: readonly SigmaValue[],
  modifiers: readonly string[],
  where: string,
  keyword: boolean,
): { alternatives: SigmaValue[][]; flags: ItemFlags } {
  const flags: ItemFlags = { all: false, negate: false };
  let alternatives = values.map((v) => [v]);
  let before = 0;
  for (const name of modifiers) {
    const item = ITEM_MODIFIERS[name];
    if (item !== undefined) {
      item(flags);
      continue;
    }
    const mod = Object.hasOwn(VALUE_MODIFIERS, name) ? VALUE_MODIFIERS[name] : undefined;
    if (mod === undefined) {
      const hint = KNOWN_MODIFIERS.includes(name.toLowerCase())
        ? ` (modifiers are lower case: '${name.toLowerCase()}')`
        : '';
      throw new SigmaInvalidRuleError(where, `unknown modifier '${name}'${hint}`);
    }
    const ctx: ModifierContext = { name, where, before, keyword };
    alternatives = alternatives.map((alts) => alts.flatMap((v) => mod(v, ctx)));
    before++;
  }
  return { alternatives, flags };
}
