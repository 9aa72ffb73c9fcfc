import { PermanentError } from '../errors';
import type { CreateIssueInput } from './ports';

/**
 * Every Jira field alert-to-ticket writes, what supplies its value, and when it is written, declared once. The Jira
 * gateway builds its REST bodies from these rows (`jiraCreateFields`, `jiraIssueEdit`), the site check derives from
 * them which fields must be on the create screen, ticket-sync fills custom fields through `customFieldValues`, and
 * the settings schema takes its custom-field sources from `CUSTOM_FIELD_SOURCES`. To add a field: docs/extending.md.
 */

/** One Jira field (`fields.<id>` in the REST body). */
export interface JiraFieldRow {
  /** Jira's field id. */
  readonly field: string;
  /** Where the value comes from (for people: docs and review). */
  readonly from: string;
  /** On create: sent every time, or only when configured. */
  readonly create: 'always' | 'when-set';
  /**
   * Afterwards: never written again (an analyst owns it from then on), labels added (never removed, so labels set by
   * hand stay), or set (priority: raised only, the caller decides when).
   */
  readonly update: 'never' | 'add' | 'set';
  /** The REST value from ticket-sync's create input; undefined when the field is not sent. */
  readonly value: (input: CreateIssueInput) => unknown;
}

export const JIRA_FIELDS: readonly JiraFieldRow[] = [
  {
    field: 'project',
    from: 'settings: projectKey',
    create: 'always',
    update: 'never',
    value: (i) => ({ key: i.projectKey }),
  },
  {
    field: 'issuetype',
    from: 'settings: issueTypeName',
    create: 'always',
    update: 'never',
    value: (i) => ({ name: i.issueTypeName }),
  },
  {
    field: 'summary',
    from: 'draft: the report summary line (core/draft/summary-line.ts)',
    create: 'always',
    update: 'never',
    value: (i) => i.summary,
  },
  {
    field: 'description',
    from: 'draft: the report rendered as ADF (core/render/adf.ts); later changes go in comments',
    create: 'always',
    update: 'never',
    value: (i) => i.description,
  },
  {
    field: 'labels',
    from: 'draft: techniques, tactics, products (core/draft/labels.ts), plus the incident label (core/model/labels.ts)',
    create: 'always',
    update: 'add',
    value: (i) => i.labels,
  },
  {
    field: 'priority',
    from: 'draft: P1–P4 (core/draft/priority.ts), named by settings: priorityNames',
    create: 'always',
    update: 'set',
    value: (i) => ({ name: i.priorityName }),
  },
  {
    field: 'components',
    from: 'settings: components',
    create: 'when-set',
    update: 'never',
    value: (i) =>
      i.components !== undefined && i.components.length > 0 ? i.components.map((name) => ({ name })) : undefined,
  },
];

/**
 * What a custom field can be filled with (settings map `customfield_<n>` → one of these keys). Written on create
 * only, like the description: a number an analyst corrected by hand is not overwritten.
 */
export const CUSTOM_FIELD_VALUES = {
  severity: { from: 'incident META: severity, 0–100', value: (i: IncidentFieldFacts) => i.severity },
  incidentId: { from: 'the incident id, INC-<yyyymmdd>-<hex>', value: (i: IncidentFieldFacts) => i.incidentId },
} as const;

/** The incident facts a custom field can carry. */
export interface IncidentFieldFacts {
  incidentId: string;
  severity: number;
}

/** A custom-field source: `severity` or `incidentId`. */
export type CustomFieldSource = keyof typeof CUSTOM_FIELD_VALUES;

/** Every custom-field source; a non-empty tuple, as `z.enum` wants. */
export const CUSTOM_FIELD_SOURCES = Object.keys(CUSTOM_FIELD_VALUES) as [CustomFieldSource, ...CustomFieldSource[]];

/** Fields the gateway sends on every create (the site check wants each on the create screen). */
export const ALWAYS_SENT_FIELDS: readonly string[] = JIRA_FIELDS.filter((f) => f.create === 'always').map(
  (f) => f.field,
);

const CUSTOM_FIELD = /^customfield_\d+$/;

/** The configured custom fields' values for an incident: `{ customfield_10050: 87 }`. */
export function customFieldValues(
  mapping: Readonly<Record<string, CustomFieldSource>>,
  incident: IncidentFieldFacts,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [id, source] of Object.entries(mapping)) out[id] = CUSTOM_FIELD_VALUES[source].value(incident);
  return out;
}

/** The REST `fields` of a create: every row with a value, then the custom fields. */
export function jiraCreateFields(input: CreateIssueInput): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const row of JIRA_FIELDS) {
    const value = row.value(input);
    if (value !== undefined) fields[row.field] = value;
  }
  for (const [id, value] of Object.entries(input.customFields ?? {})) {
    // A mapping typo must not overwrite summary or labels: only custom fields go through this door.
    if (!CUSTOM_FIELD.test(id))
      throw new PermanentError(`custom field id ${JSON.stringify(id)} is not customfield_<number>`);
    fields[id] = value;
  }
  return fields;
}

/**
 * The REST body of an edit, for the two rows written after create: labels as `update.labels[{add}]` (so labels an
 * analyst added or removed by hand stay as they are) and the priority as a set.
 */
export function jiraIssueEdit(change: { addLabels?: string[]; priorityName?: string }): {
  fields?: Record<string, unknown>;
  update?: Record<string, unknown[]>;
} {
  const addLabels = change.addLabels ?? [];
  return {
    fields: change.priorityName === undefined ? undefined : { priority: { name: change.priorityName } },
    update: addLabels.length === 0 ? undefined : { labels: addLabels.map((label) => ({ add: label })) },
  };
}
