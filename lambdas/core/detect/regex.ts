import { RE2JS } from 're2js';
import { SigmaUnsupportedRuleError } from './errors';

/** The `re` modifier's sub-modifiers. */
export interface RegexFlags {
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
}

/** Where a regex must match: anywhere (Sigma's default search), or also at the start/end (`startswith`/`endswith`). */
export interface RegexAnchors {
  start: boolean;
  end: boolean;
}

/**
 * Compiles a rule's regular expression with RE2 (re2js), which runs in time linear in the input whatever the
 * pattern: a rule cannot stall the detector with catastrophic backtracking. Sigma's regexes are PCRE-flavoured;
 * what RE2 lacks (lookaround, backreferences, possessive quantifiers, `\Z`) makes the rule unsupported, with
 * RE2's own message as the reason. Matching is a search (the pattern may match any part of the value), as in
 * the SIEM backends SigmaHQ's rules are written for.
 */
export function compileRegex(
  source: string,
  flags: RegexFlags,
  anchors: RegexAnchors,
  where: string,
): (text: string) => boolean {
  let pattern = source;
  // \A and \z rather than ^ and $: they stay anchored to the whole value under the multiline flag.
  if (anchors.start) pattern = `\\A(?:${pattern})`;
  if (anchors.end) pattern = `(?:${pattern})\\z`;
  let bits = 0;
  if (flags.ignoreCase) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.multiline) bits |= RE2JS.MULTILINE;
  if (flags.dotAll) bits |= RE2JS.DOTALL;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, bits);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new SigmaUnsupportedRuleError(where, `regular expression not supported by RE2 (linear-time engine): ${why}`);
  }
  return (text) => re.test(text);
}
