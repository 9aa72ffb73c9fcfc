import { validateAdf } from '../../lambdas/core/render/adf-validate';
import { JIRA_LIMITS, PROJECT_ID, componentId, issueTypeId, priorityId } from './site';
import type { Site } from './site';

/**
 * What the OpenAPI document leaves open (`fields` is a free-form object there), checked the way Jira's create and edit
 * screens do, with Jira's messages: `errors` is keyed by field id, as in Jira's `{errorMessages, errors}` 400.
 *
 * Description and comment length: Jira limits text fields to 32,767 characters of its stored representation. For ADF
 * the emulator measures the JSON-serialised document (`JSON.stringify(adf).length`), which is never shorter than the
 * text and so refuses at least everything Jira refuses.
 */

export type FieldErrors = Record<string, string>;

/** A create or edit, read and checked, ready to apply. */
export interface IssueChange {
  projectKey?: string;
  issueType?: string;
  summary?: string;
  /** ADF, or null to clear. */
  description?: unknown;
  setLabels?: string[];
  addLabels: string[];
  removeLabels: string[];
  priority?: string;
  components?: string[];
  customFields: Record<string, unknown>;
}

export type ReadResult = { ok: true; change: IssueChange } | { ok: false; errors: FieldErrors };

interface IssueBody {
  fields?: Record<string, unknown>;
  update?: Record<string, unknown>;
}

const CREATE_SCREEN = ['project', 'issuetype', 'summary', 'description', 'labels', 'priority', 'components'];
const EDIT_SCREEN = ['summary', 'description', 'labels', 'priority', 'components'];

export const MESSAGES = {
  cannotSet: (field: string) => `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`,
  notAdf: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
  tooLong: `The entered text is too long. It exceeds the allowed limit of ${JIRA_LIMITS.textChars.toLocaleString('en-US')} characters.`,
};

/** `POST /rest/api/3/issue`. */
export function readCreate(site: Site, body: IssueBody): ReadResult {
  const fields = body.fields ?? {};
  const errors: FieldErrors = {};
  const change = emptyChange();
  rejectOffScreen(site, fields, CREATE_SCREEN, errors);

  if (refName(fields.project, 'key') === site.projectKey || refName(fields.project, 'id') === PROJECT_ID) {
    change.projectKey = site.projectKey;
  } else {
    errors.project = 'Specify a valid project ID or key';
  }

  if (fields.issuetype === undefined) {
    errors.issuetype = 'Specify an issue type';
  } else {
    const type = byNameOrId(fields.issuetype, site.issueTypes, (n) => issueTypeId(site, n));
    if (type === undefined) errors.issuetype = 'The issue type selected is invalid.';
    else change.issueType = type;
  }

  if (fields.summary === undefined || fields.summary === null || fields.summary === '') {
    errors.summary = 'You must specify a summary of the issue.';
  }
  for (const cf of site.customFields) {
    if (cf.required === true && fields[cf.id] === undefined) errors[cf.id] = `${cf.name} is required.`;
  }
  readCommon(site, fields, change, errors);
  readUpdate(body.update, change, errors);
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, change };
}

/** `PUT /rest/api/3/issue/{key}`: fields are set, `update.labels` operations add and remove. */
export function readEdit(site: Site, body: IssueBody): ReadResult {
  const fields = body.fields ?? {};
  const errors: FieldErrors = {};
  const change = emptyChange();
  rejectOffScreen(site, fields, EDIT_SCREEN, errors);
  if ('summary' in fields && (fields.summary === null || fields.summary === '')) {
    errors.summary = 'You must specify a summary of the issue.';
  }
  readCommon(site, fields, change, errors);
  readUpdate(body.update, change, errors);
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, change };
}

/** A comment body: ADF, valid, within the text limit. Returns the error for the `comment` key, if any. */
export function commentBodyError(body: unknown): string | undefined {
  if (body === undefined || body === null) return 'Comment body can not be empty!';
  return adfError(body);
}

function emptyChange(): IssueChange {
  return { addLabels: [], removeLabels: [], customFields: {} };
}

function rejectOffScreen(site: Site, fields: Record<string, unknown>, screen: string[], errors: FieldErrors): void {
  const custom = new Set(site.customFields.map((c) => c.id));
  for (const id of Object.keys(fields)) {
    if (!screen.includes(id) && !custom.has(id)) errors[id] = MESSAGES.cannotSet(id);
  }
}

function readCommon(site: Site, fields: Record<string, unknown>, change: IssueChange, errors: FieldErrors): void {
  if (typeof fields.summary === 'string' && fields.summary !== '') {
    if (fields.summary.length > JIRA_LIMITS.summaryChars) {
      errors.summary = `Summary must be less than ${JIRA_LIMITS.summaryChars} characters.`;
    } else if (/[\r\n]/.test(fields.summary)) {
      errors.summary = 'The summary is invalid because it contains newline characters.';
    } else {
      change.summary = fields.summary;
    }
  } else if (fields.summary !== undefined && fields.summary !== null && fields.summary !== '') {
    errors.summary = 'Operation value must be a string';
  }

  if ('description' in fields) {
    if (fields.description === null) change.description = null;
    else {
      const error = adfError(fields.description);
      if (error !== undefined) errors.description = error;
      else change.description = fields.description;
    }
  }

  if ('labels' in fields) {
    const labels = readLabels(fields.labels, errors);
    if (labels !== undefined) change.setLabels = labels;
  }

  if ('priority' in fields) {
    const priority = fields.priority;
    const name = byNameOrId(priority, site.priorities, (n) => priorityId(site, n));
    if (refName(priority, 'name') === undefined && refName(priority, 'id') === undefined) {
      errors.priority = "Could not find valid 'id' or 'name' in priority object.";
    } else if (name === undefined) {
      const asked = refName(priority, 'name') ?? refName(priority, 'id');
      errors.priority = `Specify a valid value for priority: '${asked}' is not a priority on this site.`;
    } else {
      change.priority = name;
    }
  }

  if ('components' in fields) {
    const list = fields.components;
    if (!Array.isArray(list)) {
      errors.components = 'data was not an array';
    } else {
      const names: string[] = [];
      for (const ref of list) {
        const name = byNameOrId(ref, site.components, (n) => componentId(site, n));
        if (name === undefined) {
          errors.components = `Component name '${refName(ref, 'name') ?? refName(ref, 'id') ?? ''}' is not valid`;
          break;
        }
        names.push(name);
      }
      change.components = names;
    }
  }

  for (const cf of site.customFields) {
    if (!(cf.id in fields)) continue;
    const value = fields[cf.id];
    if (value === null) change.customFields[cf.id] = null;
    else if (cf.type === 'number' && (typeof value !== 'number' || !Number.isFinite(value))) {
      errors[cf.id] = 'Operation value must be a number';
    } else if (cf.type === 'string' && typeof value !== 'string') {
      errors[cf.id] = 'Operation value must be a string';
    } else if (cf.type === 'string' && (value as string).length > JIRA_LIMITS.summaryChars) {
      errors[cf.id] = `${cf.name} must be less than ${JIRA_LIMITS.summaryChars} characters.`;
    } else {
      change.customFields[cf.id] = value;
    }
  }
}

/** `update: { labels: [{add}|{remove}|{set}] }`; every other `update` field is off the screen for the emulator. */
function readUpdate(update: Record<string, unknown> | undefined, change: IssueChange, errors: FieldErrors): void {
  if (update === undefined) return;
  for (const [field, ops] of Object.entries(update)) {
    if (field !== 'labels') {
      errors[field] = MESSAGES.cannotSet(field);
      continue;
    }
    for (const op of ops as Record<string, unknown>[]) {
      const verbs = Object.keys(op);
      if (verbs.length !== 1) {
        errors.labels = 'Each operation on labels must have exactly one of add, remove or set.';
        return;
      }
      const verb = verbs[0];
      if (verb === 'set') {
        const labels = readLabels(op.set, errors);
        if (labels !== undefined) change.setLabels = labels;
      } else if (verb === 'add' || verb === 'remove') {
        const labels = readLabels([op[verb]], errors);
        if (labels !== undefined) (verb === 'add' ? change.addLabels : change.removeLabels).push(...labels);
      } else {
        errors.labels = `Operation '${verb}' is not supported for labels; use add, remove or set.`;
        return;
      }
    }
  }
}

function readLabels(value: unknown, errors: FieldErrors): string[] | undefined {
  if (!Array.isArray(value)) {
    errors.labels = 'data was not an array';
    return undefined;
  }
  for (const label of value) {
    if (typeof label !== 'string' || label === '') {
      errors.labels = 'Labels must be non-empty strings.';
      return undefined;
    }
    if (/\s/.test(label)) {
      errors.labels = `The label '${label}' contains spaces which is invalid.`;
      return undefined;
    }
    if (label.length > JIRA_LIMITS.labelChars) {
      errors.labels = `The label '${label.slice(0, 40)}…' exceeds the maximum length for a single label of ${JIRA_LIMITS.labelChars} characters.`;
      return undefined;
    }
  }
  return [...new Set(value as string[])];
}

function adfError(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value !== 'object' || value === null || Array.isArray(value)) {
    return MESSAGES.notAdf;
  }
  const check = validateAdf(value);
  if (!check.valid) return `${MESSAGES.notAdf}: ${check.error ?? 'invalid document'}`;
  if (JSON.stringify(value).length > JIRA_LIMITS.textChars) return MESSAGES.tooLong;
  return undefined;
}

function refName(ref: unknown, prop: 'name' | 'id' | 'key'): string | undefined {
  if (typeof ref !== 'object' || ref === null) return undefined;
  const v = (ref as Record<string, unknown>)[prop];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A `{name}` or `{id}` reference resolved to a name of the site's list. */
function byNameOrId(ref: unknown, names: string[], idOf: (name: string) => string | undefined): string | undefined {
  const name = refName(ref, 'name');
  if (name !== undefined) return names.find((n) => n === name);
  const id = refName(ref, 'id');
  if (id !== undefined) return names.find((n) => idOf(n) === id);
  return undefined;
}
