/**
 * The Sigma rule engine's public types. Everything the detect stage (logsource routing, event views, the pack
 * builder, the CLI) needs from the engine is named here, so those modules depend on types, not on internals.
 */

/** Sigma's severity levels, lowest first. */
export type SigmaLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** A rule's `logsource` block: which events it applies to (routing is the caller's job, not the matcher's). */
export interface SigmaLogsource {
  product?: string;
  category?: string;
  service?: string;
  definition?: string;
}

/** The descriptive part of a rule: what a ticket shows (DRL 1.1 asks that a match name the rule's author). */
export interface SigmaRuleMeta {
  id: string;
  title: string;
  status?: string;
  level?: SigmaLevel;
  description?: string;
  author?: string;
  tags: string[];
  falsepositives: string[];
  references: string[];
  logsource: SigmaLogsource;
  /** Where the rule came from (path or pack entry), for messages. */
  file?: string;
}

/** One value an event holds for a field: a scalar, or a list (any element may match). */
export type FieldValue = string | number | boolean | null | readonly (string | number | boolean | null)[];

/**
 * What a matcher reads. Sigma field names are case-sensitive, but real events vary in casing, so an
 * implementation should fall back to a case-insensitive lookup when the exact name is absent.
 * `values()` yields every value of the event as text (numbers and booleans as `String(v)`, list elements one by
 * one, nulls left out), for keyword (field-less) search. The prefilter relies on it: every non-null value `get`
 * can return must be among `values()`, or `CompiledRule.needles` may wrongly rule the event out.
 */
export interface EventFields {
  get(field: string): FieldValue | undefined;
  values(): Iterable<string>;
}

/** A rule ready to evaluate: compiled once, matched many times. */
export interface CompiledRule {
  meta: SigmaRuleMeta;
  /** True when the event satisfies the rule's condition. Never throws. */
  match(ev: EventFields): boolean;
  /**
   * Lower-cased literals at least one of which must appear (as a substring) in some event value for a match to be
   * possible; undefined when no such set exists (the rule must always be evaluated). Test them against each value
   * lower-cased with `toLowerCase()` (or all values joined and lower-cased once). Needles of `wide`/`utf16*` values
   * may hold NUL characters; a NUL-joined text can then only make the prefilter pass more often, never less.
   */
  needles?: readonly string[];
}

/**
 * The outcome of loading one rule document: compiled, recognised but not supported by this engine (with the
 * reason), or not a valid Sigma rule (one line naming the offending field).
 */
export type LoadedRule =
  | { kind: 'ok'; rule: CompiledRule }
  | { kind: 'unsupported'; meta: SigmaRuleMeta; reason: string }
  | { kind: 'invalid'; file: string; reason: string };
