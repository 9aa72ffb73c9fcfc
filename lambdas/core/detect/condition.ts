import { SigmaInvalidRuleError, SigmaUnsupportedRuleError } from './errors';
import type { Predicate } from './predicate';
import { allOf, anyOf, not } from './predicate';

/**
 * Sigma conditions: `and`, `or`, `not`, parentheses, `1 of x*` / `any of x*` / `all of x*`, `1 of them` /
 * `all of them`. Precedence, loosest first: or, and, not, `x of`, parentheses. Keywords are matched
 * case-insensitively; search identifiers exactly.
 */

/** A parsed condition. */
export type ConditionNode =
  | { op: 'and' | 'or'; args: ConditionNode[] }
  | { op: 'not'; arg: ConditionNode }
  | { op: 'ref'; name: string }
  | { op: 'of'; quantifier: 'any' | 'all'; pattern: string };

const WHERE = 'detection.condition';

function tokenize(text: string): string[] {
  return text.match(/[()]|[^\s()]+/g) ?? [];
}

/** Parses one condition string. Throws `SigmaInvalidRuleError`/`SigmaUnsupportedRuleError` with the reason. */
export function parseCondition(text: string): ConditionNode {
  if (text.includes('|')) {
    throw new SigmaUnsupportedRuleError(
      WHERE,
      'aggregation (pipe) conditions are deprecated in Sigma 2 and replaced by correlation rules',
    );
  }
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): string | undefined => tokens[pos]?.toLowerCase();
  const fail = (detail: string): never => {
    throw new SigmaInvalidRuleError(WHERE, `${detail} in '${text}'`);
  };

  const parseOr = (): ConditionNode => {
    const args = [parseAnd()];
    while (peek() === 'or') {
      pos++;
      args.push(parseAnd());
    }
    return args.length === 1 ? args[0] : { op: 'or', args };
  };
  const parseAnd = (): ConditionNode => {
    const args = [parseNot()];
    while (peek() === 'and') {
      pos++;
      args.push(parseNot());
    }
    return args.length === 1 ? args[0] : { op: 'and', args };
  };
  const parseNot = (): ConditionNode => {
    if (peek() === 'not') {
      pos++;
      return { op: 'not', arg: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const tok = tokens[pos];
    if (tok === undefined) return fail('unexpected end of condition');
    const low = tok.toLowerCase();
    if (tok === '(') {
      pos++;
      const inner = parseOr();
      if (tokens[pos] !== ')') fail("missing ')'");
      pos++;
      return inner;
    }
    if ((low === '1' || low === 'any' || low === 'all') && tokens[pos + 1]?.toLowerCase() === 'of') {
      const pattern = tokens[pos + 2];
      if (pattern === undefined || pattern === '(' || pattern === ')') return fail(`'${tok} of' needs a pattern`);
      pos += 3;
      return {
        op: 'of',
        quantifier: low === 'all' ? 'all' : 'any',
        pattern: pattern.toLowerCase() === 'them' ? 'them' : pattern,
      };
    }
    if (/^\d+$/.test(low) && tokens[pos + 1]?.toLowerCase() === 'of') {
      return fail(`'${tok} of' is not a Sigma quantifier (only '1 of', 'any of' and 'all of' are)`);
    }
    if (tok === ')' || ['and', 'or', 'not', 'of', 'them'].includes(low)) return fail(`unexpected '${tok}'`);
    if (tok.includes('*')) return fail(`wildcard identifier '${tok}' outside '1 of'/'all of'`);
    pos++;
    return { op: 'ref', name: tok };
  };

  const node = parseOr();
  if (pos < tokens.length) fail(`unexpected '${tokens[pos]}'`);
  return node;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'su');
}

/**
 * The identifiers a `1 of`/`all of` pattern covers. Identifiers starting with `_` are left out (by convention
 * they are helpers, as in pySigma) unless the pattern itself starts with `_`.
 */
export function resolvePattern(pattern: string, identifiers: readonly string[]): string[] {
  if (pattern === 'them') return identifiers.filter((id) => !id.startsWith('_'));
  const re = globToRegExp(pattern);
  return identifiers.filter((id) => re.test(id) && (pattern.startsWith('_') || !id.startsWith('_')));
}

/** Builds the predicate of a parsed condition from the compiled search identifiers. */
export function buildCondition(node: ConditionNode, selections: ReadonlyMap<string, Predicate>): Predicate {
  switch (node.op) {
    case 'and':
      return allOf(node.args.map((a) => buildCondition(a, selections)));
    case 'or':
      return anyOf(node.args.map((a) => buildCondition(a, selections)));
    case 'not':
      return not(buildCondition(node.arg, selections));
    case 'ref': {
      const p = selections.get(node.name);
      if (p === undefined)
        throw new SigmaInvalidRuleError(WHERE, `'${node.name}' is not a search identifier of the rule`);
      return p;
    }
    case 'of': {
      const ids = resolvePattern(node.pattern, [...selections.keys()]);
      if (ids.length === 0) {
        throw new SigmaInvalidRuleError(WHERE, `'${node.pattern}' matches no search identifier`);
      }
      const parts = ids.map((id) => selections.get(id) as Predicate);
      return node.quantifier === 'all' ? allOf(parts) : anyOf(parts);
    }
  }
}
