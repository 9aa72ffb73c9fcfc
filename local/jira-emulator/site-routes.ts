/** The site's metadata: priorities, project, statuses, the account, server info, create metadata, permissions. */
import { KNOWN_PERMISSIONS, PROJECT_ID, issueTypeId, priorityId } from './site';
import { intParam, listParam, messages } from './route-kit';
import type { ApiResponse, Handler, RouteContext } from './route-kit';

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

export const SITE_ROUTES: Record<string, Handler> = {
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
