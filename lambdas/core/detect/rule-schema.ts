import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';

/**
 * The Sigma detection rule JSON schema (sigma-specification `json-schema/sigma-detection-rule-schema.json`,
 * commit ba9251a, public domain), draft 2020-12, with its descriptions left out. One deliberate change: the rules
 * specification allows `condition` to be a list of conditions (OR-ed), which the schema file does not; here it
 * accepts a string or a non-empty list of strings.
 */
const SIGMA_RULE_SCHEMA = {
  title: 'Sigma rule specification V2.0.0 (2024-08-08)',
  type: 'object',
  required: ['title', 'logsource', 'detection'],
  properties: {
    title: { type: 'string', maxLength: 256 },
    id: { type: 'string', format: 'uuid' },
    related: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'type'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          type: {
            type: 'string',
            oneOf: [
              { const: 'derived' },
              { const: 'obsolete' },
              { const: 'merged' },
              { const: 'renamed' },
              { const: 'similar' },
            ],
          },
        },
      },
    },
    name: { type: 'string', maxLength: 256 },
    taxonomy: { type: 'string', maxLength: 256 },
    status: {
      type: 'string',
      oneOf: [
        { const: 'stable' },
        { const: 'test' },
        { const: 'experimental' },
        { const: 'deprecated' },
        { const: 'unsupported' },
      ],
    },
    description: { type: 'string', maxLength: 65535 },
    license: { type: 'string' },
    author: { type: 'string' },
    references: { type: 'array', uniqueItems: true, items: { type: 'string' } },
    date: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$' },
    modified: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$' },
    logsource: {
      type: 'object',
      properties: {
        category: { type: 'string' },
        product: { type: 'string' },
        service: { type: 'string' },
        definition: { type: 'string' },
      },
    },
    detection: {
      type: 'object',
      required: ['condition'],
      additionalProperties: {
        anyOf: [
          {
            type: 'array',
            items: {
              anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'object', items: { type: 'string' } }],
            },
          },
          { type: 'object', items: { type: 'string' } },
        ],
      },
      properties: {
        condition: {
          anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }],
        },
      },
    },
    fields: { type: 'array', uniqueItems: true, items: { type: 'string' } },
    falsepositives: { uniqueItems: true, type: 'array', items: { type: 'string', minLength: 2 } },
    level: {
      type: 'string',
      oneOf: [
        { const: 'informational' },
        { const: 'low' },
        { const: 'medium' },
        { const: 'high' },
        { const: 'critical' },
      ],
    },
    tags: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', pattern: '^[a-z0-9_-]+\\.[a-z0-9._-]+$' },
    },
    scope: { type: 'array', items: { type: 'string', minLength: 2 } },
  },
} as const;

const UUID = /^(?:urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Compiled on first use, once: the pack builder validates thousands of rules, the Lambda none.
let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  if (validator === undefined) {
    // strict: false because the upstream schema puts `items` beside `type: object` (harmless, but strict mode
    // rejects it); the uuid format is added by hand rather than pulling in ajv-formats for one regex.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('uuid', UUID);
    validator = ajv.compile(SIGMA_RULE_SCHEMA);
  }
  return validator;
}

/** `/detection/selection` → `detection.selection`; `/tags/0` → `tags[0]`. */
function pathOf(instancePath: string): string {
  const segments = instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  return segments.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

function shortValue(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One readable line for the first failing place: enumerations named, required properties named. */
function describe(errors: readonly ErrorObject[], doc: unknown): string {
  const first = errors.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf') ?? errors[0];
  const path = pathOf(first.instancePath);
  const at = path === '' ? 'rule' : path;
  if (first.keyword === 'required') {
    const missing = (first.params as { missingProperty: string }).missingProperty;
    return `${path === '' ? missing : `${path}.${missing}`}: required property is missing`;
  }
  const here = errors.filter((e) => e.instancePath === first.instancePath);
  const consts = here
    .filter((e) => e.keyword === 'const')
    .map((e) => (e.params as { allowedValue: unknown }).allowedValue);
  const value = first.instancePath
    .split('/')
    .slice(1)
    .reduce<unknown>(
      (o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      doc,
    );
  if (consts.length > 0) return `${at}: ${shortValue(value)} is not one of ${consts.join(', ')}`;
  return `${at}: ${first.message ?? 'is invalid'} (got ${shortValue(value)})`;
}

/**
 * Validates a parsed rule document against the Sigma rule JSON schema. Returns the first problem as one line
 * naming the field (`level: "severe" is not one of informational, low, medium, high, critical`), or undefined.
 */
export function validateRuleDocument(doc: unknown, _file?: string): string | undefined {
  const validate = compiled();
  if (validate(doc)) return undefined;
  return describe(validate.errors ?? [], doc);
}
