import { PermanentError } from '../errors';

/**
 * Why a rule did not compile. Thrown inside the engine only: `compileRule` turns it into a `LoadedRule`, so no
 * caller ever sees it thrown. `where` names the offending part of the rule (e.g. `detection.selection.Image|foo`).
 */
export abstract class SigmaRuleError extends PermanentError {
  constructor(
    readonly where: string,
    readonly detail: string,
  ) {
    super(where ? `${where}: ${detail}` : detail, { where });
  }
}

/** The document is not a valid Sigma rule (the spec or the reference implementation rejects it). */
export class SigmaInvalidRuleError extends SigmaRuleError {}

/** The rule is valid Sigma, but needs something this engine cannot do (placeholders, a regex RE2 rejects...). */
export class SigmaUnsupportedRuleError extends SigmaRuleError {}
