import Ajv from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import fullSchema from '@atlaskit/adf-schema/dist/json-schema/v1/full.json';

/**
 * Validates a document against Atlassian's own ADF JSON schema (draft-04, shipped by @atlaskit/adf-schema).
 * Jira answers 400 to invalid ADF; the emulator and the tests use this to refuse it the same way.
 * Compiled once, lazily (~200 ms), because the Lambda that renders does not need it at cold start.
 */
let compiled: ValidateFunction | undefined;

export interface AdfValidation {
  valid: boolean;
  /** The first schema error, one line (the schema's anyOf produces many; the first is the useful one). */
  error?: string;
}

export function validateAdf(doc: unknown): AdfValidation {
  if (compiled === undefined) {
    const ajv = new Ajv({ strict: false, allErrors: false });
    compiled = ajv.compile(fullSchema as object);
  }
  if (compiled(doc)) return { valid: true };
  const first = compiled.errors?.[0];
  const where = first?.instancePath || '/';
  return { valid: false, error: `ADF invalid at ${where}: ${first?.message ?? 'unknown error'}` };
}
