import { createHash } from 'node:crypto';
import { MESSAGES, commentBodyError, readCreate, readEdit } from './field-rules';
import type { IssueChange } from './field-rules';
import { JqlError, checkVocabulary, compareFor, matches, parseJql } from './jql';
import type { JqlIssue } from './jql';
import { fieldSelection, statusCategoryName } from './representation';
import type { Representation } from './representation';
import { KNOWN_PERMISSIONS, PROJECT_ID, issueTypeId, priorityId, resolutionId } from './site';
import type { Site } from './site';
import type { IssueStore, StoredIssue } from './store';

/**
 * The REST v3 operations the pipeline uses, keyed by the OpenAPI document's operationId. A request reaches a handler
 * only after it passed authentication and the document's own validation; handlers apply what the document leaves
 * open (field-rules.ts) and answer in Jira's shapes.
 */

export interface ApiRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface ApiResponse {
  status: number;
  /** JSON body; undefined for an empty body (204, or Jira's empty 201 for issue links). */
  body?: unknown;
}

/** What happened, for the emulator's counters. */
export interface DomainCounters {
  issuesCreated: number;
  commentsAdded: number;
  issuesEdited: number;
  transitions: number;
  links: number;
  searches: number;
}

export interface RouteContext {
  site: Site;
  store: IssueStore;
  repr: Representation;
  now(): number;
  searchDelayMs: number;
  counters: DomainCounters;
}

export type Handler = (ctx: RouteContext, req: ApiRequest) => ApiResponse;

export const NOT_FOUND_ISSUE: ApiResponse = {
  status: 404,
  body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} },
};

function fieldErrors(errors: Record<string, string>): ApiResponse {
  return { status: 400, body: { errorMessages: [], errors } };
}

function messages(status: number, ...errorMessages: string[]): ApiResponse {
  return { status, body: { errorMessages, errors: {} } };
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const v = query.get(name);
  return v === null ? fallback : Number.parseInt(v, 10);
}

function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function applyChange(issue: StoredIssue, change: IssueChange): void {
  if (change.summary !== undefined) issue.summary = change.summary;
  if (change.description !== undefined) issue.description = change.description;
  if (change.priority !== undefined) issue.priority = change.priority;
  if (change.components !== undefined) issue.components = change.components;
  Object.assign(issue.customFields, change.customFields);
  let labels = change.setLabels ?? issue.labels;
  labels = [...labels, ...change.addLabels.filter((l) => !labels.includes(l))];
  issue.labels = labels.filter((l) => !change.removeLabels.includes(l));
}

const createIssue: Handler = (ctx, req) => {
  const body = req.body as { fields?: Record<string, unknown>; update?: Record<string, unknown> };
  const read = readCreate(ctx.site, body);
  if (!read.ok) return fieldErrors(read.errors);
  const now = ctx.now();
  const initial = ctx.site.statuses.find((s) => s.category === 'new') ?? ctx.site.statuses[0];
  const issue = ctx.store.create(ctx.site.projectKey, ({ id, key, number }) => {
    const created: StoredIssue = {
      id,
      key,
      number,
      projectKey: ctx.site.projectKey,
      issueType: read.change.issueType ?? ctx.site.issueTypes[0],
      summary: '',
      description: null,
      labels: [],
      priority: ctx.site.priorities.includes('Medium')
        ? 'Medium'
        : ctx.site.priorities[Math.floor(ctx.site.priorities.length / 2)],
      status: initial.name,
      resolution: null,
      resolutionDate: null,
      components: [],
      customFields: {},
      created: now,
      updated: now,
      searchableAt: now + ctx.searchDelayMs,
      comments: [],
    };
    applyChange(created, read.change);
    return created;
  });
  ctx.counters.issuesCreated += 1;
  return { status: 201, body: { id: issue.id, key: issue.key, self: `${ctx.repr.issueUrl(issue)}` } };
};

const getIssue: Handler = (ctx, req) => {
  const issue = ctx.store.find(req.params.issueIdOrKey);
  if (issue === undefined) return NOT_FOUND_ISSUE;
  return { status: 200, body: ctx.repr.issue(issue, fieldSelection(listParam(req.query, 'fields'), true)) };
};

const editIssue: Handler = (ctx, req) => {
  const issue = ctx.store.find(req.params.issueIdOrKey);
  if (issue === undefined) return NOT_FOUND_ISSUE;
  const read = readEdit(ctx.site, req.body as { fields?: Record<string, unknown>; update?: Record<string, unknown> });
  if (!read.ok) return fieldErrors(read.errors);
  applyChange(issue, read.change);
  issue.updated = ctx.now();
  ctx.store.persist();
  ctx.counters.issuesEdited += 1;
  if (req.query.get('returnIssue') === 'true')
    return { status: 200, body: ctx.repr.issue(issue, fieldSelection([], true)) };
  return { status: 204 };
};

const addComment: Handler = (ctx, req) => {
  const issue = ctx.store.find(req.params.issueIdOrKey);
  if (issue === undefined) return NOT_FOUND_ISSUE;
  const error = commentBodyError((req.body as { body?: unknown }).body);
  if (error !== undefined) return fieldErrors({ comment: error });
  if (issue.comments.length >= ctx.site.maxComments) {
    return messages(413, `The issue ${issue.key} has reached the limit of ${ctx.site.maxComments} comments.`);
  }
  const now = ctx.now();
  const comment = {
    id: ctx.store.nextId(),
    body: (req.body as { body: unknown }).body,
    authorAccountId: ctx.site.accountId,
    created: now,
  };
  issue.comments.push(comment);
  issue.updated = now;
  ctx.store.persist();
  ctx.counters.commentsAdded += 1;
  return { status: 201, body: ctx.repr.comment(issue, comment) };
};

const getComments: Handler = (ctx, req) => {
  const issue = ctx.store.find(req.params.issueIdOrKey);
  if (issue === undefined) return NOT_FOUND_ISSUE;
  const startAt = Math.max(0, intParam(req.query, 'startAt', 0));
  const maxResults = Math.max(0, Math.min(5000, intParam(req.query, 'maxResults', 5000)));
  const orderBy = req.query.get('orderBy') ?? 'created';
  const sorted = [...issue.comments].sort((a, b) => a.created - b.created || Number(a.id) - Number(b.id));
  if (orderBy === '-created') sorted.reverse();
  const page = sorted.slice(startAt, startAt + maxResults);
  return {
    status: 200,
    body: { startAt, maxResults, total: sorted.length, comments: page.map((c) => ctx.repr.comment(issue, c)) },
  };
};

function availableTransitions(ctx: RouteContext, issue: StoredIssue) {
  return ctx.site.transitions.filter(
    (t) => (t.from.length === 0 || t.from.includes(issue.status)) && t.to !== issue.status,
  );
}

const getTransitions: Handler = (ctx, req) => {
  const issue = ctx.store.find(req.params.issueIdOrKey);
  if (issue === undefined) return NOT_FOUND_ISSUE;
  return {
    status: 200,
    body: { expand: 'transitions', transitions: availableTransitions(ctx, issue).map((t) => ctx.repr.transition(t)) },
  };
};

const doTransition: Handler = (ctx, req) => {
  const issue = ctx.store.find(req.params.issueIdOrKey);
  if (issue === undefined) return NOT_FOUND_ISSUE;
  const body = req.body as {
    transition?: { id?: string };
    fields?: Record<string, unknown>;
    update?: Record<string, unknown>;
  };
  const id = body.transition?.id;
  if (id === undefined) return messages(400, "Missing 'transition' identifier");
  const transition = availableTransitions(ctx, issue).find((t) => t.id === id);
  if (transition === undefined) return messages(400, `Transition id '${id}' is not valid for this issue.`);
  const target = ctx.repr.statusDef(transition.to);
  const errors: Record<string, string> = {};
  for (const field of [...Object.keys(body.fields ?? {}), ...Object.keys(body.update ?? {})]) {
    if (field !== 'resolution' || target.category !== 'done') errors[field] = MESSAGES.cannotSet(field);
  }
  let resolution: string | null = null;
  if (target.category === 'done') {
    const ref = body.fields?.resolution as { name?: unknown; id?: unknown } | undefined;
    resolution = ctx.site.resolutions[0] ?? 'Done';
    if (ref !== undefined) {
      const found = ctx.site.resolutions.find((r) => r === ref.name || resolutionId(ctx.site, r) === ref.id);
      if (found === undefined) errors.resolution = `Resolution '${String(ref.name ?? ref.id)}' is not valid.`;
      else resolution = found;
    }
  }
  if (Object.keys(errors).length > 0) return fieldErrors(errors);
  const now = ctx.now();
  issue.status = target.name;
  issue.resolution = resolution;
  issue.resolutionDate = resolution === null ? null : now;
  issue.updated = now;
  ctx.store.persist();
  ctx.counters.transitions += 1;
  return { status: 204 };
};

/** Page tokens carry the offset and a digest of the query, so a token is refused for a different query. */
function pageToken(offset: number, jql: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: digest(jql) })).toString('base64url');
}

function digest(jql: string): string {
  return createHash('sha256').update(jql).digest('hex').slice(0, 16);
}

function readPageToken(token: string, jql: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    return typeof parsed.o === 'number' && parsed.q === digest(jql) ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}

interface SearchParams {
  jql: string;
  nextPageToken?: string;
  maxResults?: number;
  fields: string[];
  reconcileIssues: number[];
}

function search(ctx: RouteContext, p: SearchParams): ApiResponse {
  ctx.counters.searches += 1;
  let query;
  try {
    query = parseJql(p.jql);
    if (query.clauses.length === 0) {
      return messages(
        400,
        'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
      );
    }
    checkVocabulary(query, {
      projects: [ctx.site.projectKey, ctx.site.projectName, PROJECT_ID],
      statuses: ctx.site.statuses.map((s) => s.name),
      statusCategories: ['new', 'indeterminate', 'done', 'To Do', 'In Progress', 'Done'],
      priorities: ctx.site.priorities,
      issueTypes: ctx.site.issueTypes,
      resolutions: ctx.site.resolutions,
      keyExists: (key) => ctx.store.find(key) !== undefined,
    });
  } catch (err) {
    if (err instanceof JqlError) return messages(400, err.message);
    throw err;
  }
  const now = ctx.now();
  const reconciled = new Set(p.reconcileIssues.map(String));
  // Jira's index lags behind its writes; `reconcileIssues` asks for those ids to be read consistently.
  const visible = ctx.store.all().filter((i) => i.searchableAt <= now || reconciled.has(i.id));
  const found = visible
    .map((i) => ({ issue: i, view: jqlView(ctx, i) }))
    .filter(({ view }) => matches(view, query))
    .sort((a, b) => compareFor(query.orderBy)(a.view, b.view))
    .map(({ issue }) => issue);
  let offset = 0;
  if (p.nextPageToken !== undefined) {
    const decoded = readPageToken(p.nextPageToken, p.jql);
    if (decoded === undefined) return messages(400, 'The nextPageToken is invalid or belongs to a different query.');
    offset = decoded;
  }
  const idsOnly = p.fields.length === 0 || p.fields.every((f) => f === 'id' || f === 'key');
  const max = Math.max(1, Math.min(idsOnly ? 5000 : 100, p.maxResults ?? 50));
  const page = found.slice(offset, offset + max);
  const isLast = offset + page.length >= found.length;
  const onlyId = p.fields.length === 0 || (p.fields.length === 1 && p.fields[0] === 'id');
  const selection = fieldSelection(p.fields, false);
  const body: Record<string, unknown> = {
    issues: page.map((i) => (onlyId ? { id: i.id } : ctx.repr.issue(i, selection))),
    isLast,
  };
  if (!isLast) body.nextPageToken = pageToken(offset + page.length, p.jql);
  return { status: 200, body };
}

function jqlView(ctx: RouteContext, issue: StoredIssue): JqlIssue {
  const status = ctx.repr.statusDef(issue.status);
  return {
    key: issue.key,
    number: issue.number,
    projectKey: issue.projectKey,
    labels: issue.labels,
    status: issue.status,
    statusCategory: status.category,
    statusCategoryName: statusCategoryName(status.category),
    priority: issue.priority,
    priorityRank: Number(priorityId(ctx.site, issue.priority) ?? 0),
    issueType: issue.issueType,
    resolution: issue.resolution,
    created: issue.created,
    updated: issue.updated,
  };
}

const searchGet: Handler = (ctx, req) =>
  search(ctx, {
    jql: req.query.get('jql') ?? '',
    nextPageToken: req.query.get('nextPageToken') ?? undefined,
    maxResults: req.query.has('maxResults') ? intParam(req.query, 'maxResults', 50) : undefined,
    fields: listParam(req.query, 'fields'),
    reconcileIssues: listParam(req.query, 'reconcileIssues').map(Number),
  });

const searchPost: Handler = (ctx, req) => {
  const b = req.body as {
    jql?: string;
    nextPageToken?: string;
    maxResults?: number;
    fields?: string[];
    reconcileIssues?: number[];
  };
  return search(ctx, {
    jql: b.jql ?? '',
    nextPageToken: b.nextPageToken,
    maxResults: b.maxResults,
    fields: (b.fields ?? []).flatMap((f) => f.split(',')).filter((f) => f !== ''),
    reconcileIssues: b.reconcileIssues ?? [],
  });
};

const linkIssues: Handler = (ctx, req) => {
  const b = req.body as {
    type: { name?: string; id?: string };
    inwardIssue: { key?: string; id?: string };
    outwardIssue: { key?: string; id?: string };
    comment?: unknown;
  };
  const type = ctx.site.linkTypes.find((t) => t.name === b.type.name || t.id === b.type.id);
  if (type === undefined)
    return messages(404, `No issue link type with name '${b.type.name ?? b.type.id ?? ''}' found.`);
  if (b.comment !== undefined)
    return messages(400, 'The Jira emulator does not add comments through issue links; post the comment separately.');
  const inward = ctx.store.find(b.inwardIssue.key ?? b.inwardIssue.id ?? '');
  const outward = ctx.store.find(b.outwardIssue.key ?? b.outwardIssue.id ?? '');
  if (inward === undefined || outward === undefined) return NOT_FOUND_ISSUE;
  if (inward.key === outward.key) return messages(400, 'You cannot link an issue to itself.');
  const exists = ctx.store
    .links()
    .some((l) => l.typeName === type.name && l.inwardKey === inward.key && l.outwardKey === outward.key);
  // Jira keeps one link per type and pair: linking again is accepted and changes nothing.
  if (!exists) {
    ctx.store.addLink({ typeName: type.name, inwardKey: inward.key, outwardKey: outward.key });
    ctx.counters.links += 1;
  }
  return { status: 201 };
};

const getPriorities: Handler = (ctx) => ({
  status: 200,
  body: ctx.site.priorities.map((p, i) => ctx.repr.priorityDetails(p, i)),
});

const searchPriorities: Handler = (ctx, req) => {
  const startAt = Math.max(0, intParam(req.query, 'startAt', 0));
  const maxResults = Math.max(1, Math.min(50, intParam(req.query, 'maxResults', 50)));
  const name = req.query.get('priorityName')?.toLowerCase();
  const ids = listParam(req.query, 'id');
  const all = ctx.site.priorities
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => name === undefined || p.toLowerCase().includes(name))
    .filter(({ p }) => ids.length === 0 || ids.includes(priorityId(ctx.site, p) ?? ''));
  const values = all.slice(startAt, startAt + maxResults).map(({ p, i }) => ctx.repr.priorityDetails(p, i));
  return {
    status: 200,
    body: {
      self: ctx.repr.apiUrl(`priority/search?startAt=${startAt}&maxResults=${maxResults}`),
      maxResults,
      startAt,
      total: all.length,
      isLast: startAt + values.length >= all.length,
      values,
    },
  };
};

function projectMatches(ctx: RouteContext, idOrKey: string): boolean {
  return idOrKey.toUpperCase() === ctx.site.projectKey || idOrKey === PROJECT_ID;
}

function noProject(idOrKey: string, status = 404): ApiResponse {
  return messages(status, `No project could be found with key '${idOrKey}'.`);
}

const getProject: Handler = (ctx, req) =>
  projectMatches(ctx, req.params.projectIdOrKey)
    ? { status: 200, body: ctx.repr.project() }
    : noProject(req.params.projectIdOrKey);

const getAllStatuses: Handler = (ctx, req) => {
  if (!projectMatches(ctx, req.params.projectIdOrKey)) return noProject(req.params.projectIdOrKey);
  const statuses = ctx.site.statuses.map((s) => ctx.repr.status(s.name));
  return {
    status: 200,
    body: ctx.site.issueTypes.map((t) => {
      const type = ctx.repr.issueType(t);
      return { id: type.id, name: t, self: type.self, subtask: false, statuses };
    }),
  };
};

const getCurrentUser: Handler = (ctx) => ({ status: 200, body: ctx.repr.user() });

const getServerInfo: Handler = (ctx) => ({
  status: 200,
  body: {
    baseUrl: ctx.repr.baseUrl,
    displayUrl: ctx.repr.baseUrl,
    version: '1001.0.0-SNAPSHOT',
    versionNumbers: [1001, 0, 0],
    deploymentType: 'Cloud',
    buildNumber: 100000,
    buildDate: '2025-12-01T00:00:00.000+0000',
    serverTime: new Date(ctx.now()).toISOString().replace('Z', '+0000'),
    scmInfo: 'jira-emulator',
    serverTitle: 'Jira (alert-to-ticket emulator)',
  },
});

const createMetaIssueTypes: Handler = (ctx, req) => {
  if (!projectMatches(ctx, req.params.projectIdOrKey)) return noProject(req.params.projectIdOrKey, 400);
  const types = ctx.site.issueTypes.map((t) => ctx.repr.issueType(t));
  return { status: 200, body: { issueTypes: types, maxResults: 50, startAt: 0, total: types.length } };
};

const createMetaFields: Handler = (ctx, req) => {
  if (!projectMatches(ctx, req.params.projectIdOrKey)) return noProject(req.params.projectIdOrKey, 400);
  const type = ctx.site.issueTypes.find((t) => issueTypeId(ctx.site, t) === req.params.issueTypeId);
  if (type === undefined) return messages(400, `The issue type with id '${req.params.issueTypeId}' does not exist.`);
  const system = (key: string, name: string, required: boolean, type: string, extra: Record<string, unknown> = {}) => ({
    fieldId: key,
    key,
    name,
    required,
    hasDefaultValue: false,
    operations: ['set'],
    schema: { type, system: key },
    ...extra,
  });
  const fields = [
    system('summary', 'Summary', true, 'string'),
    system('issuetype', 'Issue Type', true, 'issuetype', { allowedValues: [ctx.repr.issueType(type)] }),
    system('project', 'Project', true, 'project', { allowedValues: [ctx.repr.projectRef()] }),
    system('description', 'Description', false, 'string'),
    system('reporter', 'Reporter', true, 'user', { hasDefaultValue: true }),
    system('labels', 'Labels', false, 'array', {
      operations: ['add', 'set', 'remove'],
      schema: { type: 'array', items: 'string', system: 'labels' },
    }),
    system('priority', 'Priority', false, 'priority', {
      hasDefaultValue: true,
      allowedValues: ctx.site.priorities.map((p) => ctx.repr.priority(p)),
    }),
    system('components', 'Components', false, 'array', {
      operations: ['add', 'set', 'remove'],
      schema: { type: 'array', items: 'component', system: 'components' },
      allowedValues: ctx.site.components.map((c) => ctx.repr.component(c)),
    }),
    ...ctx.site.customFields.map((cf) => ({
      fieldId: cf.id,
      key: cf.id,
      name: cf.name,
      required: cf.required === true,
      hasDefaultValue: false,
      operations: ['set'],
      schema: {
        type: cf.type,
        custom:
          cf.type === 'number'
            ? 'com.atlassian.jira.plugin.system.customfieldtypes:float'
            : 'com.atlassian.jira.plugin.system.customfieldtypes:textfield',
        customId: Number(cf.id.replace('customfield_', '')),
      },
    })),
  ];
  return { status: 200, body: { fields, maxResults: 50, startAt: 0, total: fields.length } };
};

const getMyPermissions: Handler = (ctx, req) => {
  const wanted = listParam(req.query, 'permissions');
  if (wanted.length === 0)
    return messages(
      400,
      "The 'permissions' query parameter is required, e.g. permissions=BROWSE_PROJECTS,CREATE_ISSUES.",
    );
  const unknown = wanted.filter((p) => !(KNOWN_PERMISSIONS as readonly string[]).includes(p));
  if (unknown.length > 0) return messages(400, `Unknown permission keys: ${unknown.join(', ')}.`);
  const projectKey = req.query.get('projectKey');
  if (projectKey !== null && !projectMatches(ctx, projectKey)) return noProject(projectKey);
  const permissions: Record<string, unknown> = {};
  for (const key of wanted) {
    permissions[key] = {
      id: String(KNOWN_PERMISSIONS.indexOf(key as (typeof KNOWN_PERMISSIONS)[number]) + 10),
      key,
      name: key
        .toLowerCase()
        .replace(/_/g, ' ')
        .replace(/^\w/, (c) => c.toUpperCase()),
      type: 'PROJECT',
      description: `Permission ${key}`,
      havePermission: !ctx.site.deniedPermissions.includes(key),
    };
  }
  return { status: 200, body: { permissions } };
};

export const HANDLERS: Record<string, Handler> = {
  createIssue,
  getIssue,
  editIssue,
  addComment,
  getComments,
  getTransitions,
  doTransition,
  searchAndReconsileIssuesUsingJql: searchGet,
  searchAndReconsileIssuesUsingJqlPost: searchPost,
  linkIssues,
  getPriorities,
  searchPriorities,
  getProject,
  getAllStatuses,
  getCurrentUser,
  getServerInfo,
  getCreateIssueMetaIssueTypes: createMetaIssueTypes,
  getCreateIssueMetaIssueTypeId: createMetaFields,
  getMyPermissions,
};
