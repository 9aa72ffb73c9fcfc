/**
 * `GET` and `POST /rest/api/3/search/jql`: JQL evaluated over the issues search can see (a new issue only after
 * `searchDelayMs`, as Jira's index lags its writes), paged with `nextPageToken` until `isLast`.
 */
import { createHash } from 'node:crypto';
import { JqlError, checkVocabulary, compareFor, matches, parseJql } from './jql';
import type { JqlIssue } from './jql';
import { fieldSelection, statusCategoryName } from './representation';
import { PROJECT_ID, priorityId } from './site';
import type { StoredIssue } from './store';
import { intParam, listParam, messages } from './route-kit';
import type { ApiResponse, Handler, RouteContext } from './route-kit';

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

export const SEARCH_ROUTES: Record<string, Handler> = {
  searchAndReconsileIssuesUsingJql: searchGet,
  searchAndReconsileIssuesUsingJqlPost: searchPost,
};
