/** Issues: create, read, edit, comment, transition, link. */
import { MESSAGES, commentBodyError, readCreate, readEdit } from './field-rules';
import type { IssueChange } from './field-rules';
import { fieldSelection } from './representation';
import { resolutionId } from './site';
import type { StoredIssue } from './store';
import { NOT_FOUND_ISSUE, fieldErrors, listParam, intParam, messages } from './route-kit';
import type { Handler, RouteContext } from './route-kit';

/** Fields are set first, then `update` operations apply: labels added, then removed. */
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
  return { status: 201, body: { id: issue.id, key: issue.key, self: ctx.repr.issueUrl(issue) } };
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

export const ISSUE_ROUTES: Record<string, Handler> = {
  createIssue,
  getIssue,
  editIssue,
  addComment,
  getComments,
  getTransitions,
  doTransition,
  linkIssues,
};
