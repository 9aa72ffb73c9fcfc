import type { EventFields } from './engine-types';

/**
 * A compiled piece of a rule: a test on an event, plus the prefilter literals it implies. `needles` is a set of
 * lower-cased strings at least one of which occurs in some event value whenever `test` is true; undefined when
 * the test can pass without any (negations, numbers, regexes, existence checks...).
 */
export interface Predicate {
  test(ev: EventFields): boolean;
  readonly needles: readonly string[] | undefined;
}

/** Always true, no needles: the value of an empty conjunction. */
export const ALWAYS: Predicate = { test: () => true, needles: undefined };

/** All must hold. Any one part's needles are necessary for the whole, so the most selective set is kept. */
export function allOf(parts: readonly Predicate[]): Predicate {
  if (parts.length === 1) return parts[0];
  return { test: (ev) => parts.every((p) => p.test(ev)), needles: mostSelective(parts.map((p) => p.needles)) };
}

/** One must hold. Needles only if every part has some: then their union is necessary. */
export function anyOf(parts: readonly Predicate[]): Predicate {
  if (parts.length === 1) return parts[0];
  return { test: (ev) => parts.some((p) => p.test(ev)), needles: unionOf(parts.map((p) => p.needles)) };
}

/** Negation: a negated test can pass on an event holding no literal at all, so it has no needles. */
export function not(part: Predicate): Predicate {
  return { test: (ev) => !part.test(ev), needles: undefined };
}

/** The union of needle sets; undefined as soon as one set is undefined. */
export function unionOf(sets: readonly (readonly string[] | undefined)[]): readonly string[] | undefined {
  const out = new Set<string>();
  for (const s of sets) {
    if (s === undefined) return undefined;
    for (const n of s) out.add(n);
  }
  return [...out];
}

/**
 * The defined set that prefilters best: its shortest needle longest (long literals are rarer), then the fewest
 * needles. Undefined when no set is defined.
 */
export function mostSelective(sets: readonly (readonly string[] | undefined)[]): readonly string[] | undefined {
  let best: readonly string[] | undefined;
  let bestMin = -1;
  for (const s of sets) {
    if (s === undefined || s.length === 0) continue;
    const min = Math.min(...s.map((n) => n.length));
    if (min > bestMin || (min === bestMin && best !== undefined && s.length < best.length)) {
      best = s;
      bestMin = min;
    }
  }
  return best;
}
