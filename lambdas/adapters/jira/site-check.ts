import type { CloudClient } from 'jira.js';
import { PermanentError } from '../../core/errors';
import { JiraAuthError } from './errors';
import { ALWAYS_SENT_FIELDS } from '../../core/sync/jira-fields';
import { jqlLatestInStatus } from './jql';

/** What the pipeline will send to the site, to be checked before go-live. */
export interface SiteExpectations {
  projectKey: string;
  issueTypeName: string;
  /** Every priority name the mapping can produce. */
  priorityNames: string[];
  /** Every transition name the pipeline may ask for (e.g. 'Reopen'). */
  transitionNames: string[];
  /** Components and custom field ids sent on create, if any. */
  components?: string[];
  customFieldIds?: string[];
}

/** Runs one read through the gateway's call policy. */
export type ReadCall = <T>(operation: string, fn: (jira: CloudClient) => Promise<T>) => Promise<T>;

/** The project permissions the pipeline uses. */
export const REQUIRED_PERMISSIONS = [
  'BROWSE_PROJECTS',
  'CREATE_ISSUES',
  'EDIT_ISSUES',
  'ADD_COMMENTS',
  'TRANSITION_ISSUES',
  'LINK_ISSUES',
  // The raw-events attachment: uploaded, and the one it replaces deleted (core/sync/attach-events.ts).
  'CREATE_ATTACHMENTS',
  'DELETE_OWN_ATTACHMENTS',
] as const;

/** What a problem is about: the first four make ticketing impossible, the rest degrade it. */
export type SiteArea =
  'credentials' | 'project' | 'issue-type' | 'priority' | 'create-screen' | 'component' | 'permission' | 'transition';

/** Areas whose problems make every create fail: the cold-start check blocks ticketing on these only. */
const BLOCKING: ReadonlySet<SiteArea> = new Set(['credentials', 'project', 'issue-type', 'priority']);

export interface SiteProblem {
  area: SiteArea;
  /** Ticketing is impossible until it is fixed (credentials, project, issue type, priorities). */
  blocking: boolean;
  /** One line that says what to fix. */
  message: string;
}

/** Every problem as one line, blocking ones and warnings alike (what `a2t jira check` prints). */
export async function checkSite(call: ReadCall, expect: SiteExpectations): Promise<string[]> {
  return (await checkSiteReport(call, expect)).map((p) => p.message);
}

/**
 * Each problem is one line that says what to fix, with whether it blocks ticketing. A Jira refusal (401, 403, 404,
 * 400) is a problem; a site that is down (any other RetryableError) is thrown, because nothing about the
 * configuration is known then.
 *
 * Blocking: what makes every ticket fail (credentials, project, issue type, priority names). The rest (create
 * screen, components, permissions, transitions) are warnings: the affected operation fails on its own (a 400 is
 * recorded on its incident, a 403 waits with an alarm, a missing reopen transition becomes a linked follow-up),
 * while every other ticket goes through.
 *
 * Transitions cannot be listed without an issue (the workflow API needs admin rights), so the check reads the
 * transitions offered on the newest issue of each status of the issue type. A name offered from no sampled status is
 * reported only when every status could be sampled; until the project has an issue in each status, such a name is
 * left unverified rather than reported falsely.
 */
export async function checkSiteReport(call: ReadCall, expect: SiteExpectations): Promise<SiteProblem[]> {
  const problems = new Problems();
  const refused = async <T>(
    operation: string,
    fn: (jira: CloudClient) => Promise<T>,
    problem: (detail: string) => string,
  ) => {
    try {
      return await call(operation, fn);
    } catch (err) {
      if (!(err instanceof PermanentError || err instanceof JiraAuthError)) throw err;
      problems.push(problem(err.message));
      return undefined;
    }
  };

  problems.area = 'credentials';
  const me = await refused(
    'getCurrentUser',
    (j) => j.myself.getCurrentUser(),
    (d) => `credentials: ${d}`,
  );
  if (me === undefined) return problems.list;

  const key = expect.projectKey;
  problems.area = 'project';
  const project = await refused(
    'getProject',
    (j) => j.projects.getProject({ projectIdOrKey: key }),
    () =>
      `project ${key}: not found or not visible to the integration account; check the project key or grant Browse projects`,
  );
  if (project === undefined) return problems.list;

  const typeNames = (project.issueTypes ?? []).map((t) => t.name ?? '');
  const issueType = (project.issueTypes ?? []).find((t) => t.name === expect.issueTypeName);
  if (issueType === undefined) {
    problems.area = 'issue-type';
    problems.push(
      `issue type '${expect.issueTypeName}' is not in project ${key} (it has: ${typeNames.join(', ')}); fix the configured issue type`,
    );
  }

  await checkPriorities(refused, expect, project.id, problems);
  if (issueType?.id !== undefined) await checkCreateScreen(refused, expect, issueType.id, problems);
  await checkPermissions(refused, key, problems);
  if (issueType !== undefined) await checkTransitions(refused, expect, problems);
  return problems.list;
}

/** Problems as they are found; each takes the area of the check that is running. */
class Problems {
  readonly list: SiteProblem[] = [];
  area: SiteArea = 'credentials';
  push(message: string, area: SiteArea = this.area): void {
    this.list.push({ area, blocking: BLOCKING.has(area), message });
  }
}

type Refusable = <T>(
  operation: string,
  fn: (jira: CloudClient) => Promise<T>,
  problem: (detail: string) => string,
) => Promise<T | undefined>;

async function checkPriorities(
  refused: Refusable,
  expect: SiteExpectations,
  projectId: string | undefined,
  problems: Problems,
): Promise<void> {
  // Unreadable priorities are not proof of absence: the failed read is a warning, and creates will tell.
  problems.area = 'permission';
  const names: string[] = [];
  for (let startAt = 0; ;) {
    const page = await refused(
      'searchPriorities',
      (j) =>
        j.issuePriorities.searchPriorities({
          startAt: String(startAt),
          maxResults: '50',
          projectId: projectId === undefined ? undefined : [projectId],
        }),
      (d) => `priorities: could not be read (${d})`,
    );
    if (page === undefined) return;
    names.push(...page.values.map((p) => p.name ?? ''));
    if (page.isLast || page.values.length === 0) break;
    startAt += page.values.length;
  }
  for (const wanted of new Set(expect.priorityNames)) {
    if (!names.includes(wanted)) {
      problems.push(
        `priority '${wanted}' does not exist in project ${expect.projectKey} (it has: ${names.join(', ')}); fix the priority-name mapping`,
        'priority',
      );
    }
  }
}

async function checkCreateScreen(
  refused: Refusable,
  expect: SiteExpectations,
  issueTypeId: string,
  problems: Problems,
): Promise<void> {
  problems.area = 'create-screen';
  const meta = await refused(
    'getCreateIssueMetaIssueTypeId',
    (j) => j.issues.getCreateIssueMetaIssueTypeId({ projectIdOrKey: expect.projectKey, issueTypeId, maxResults: 200 }),
    (d) => `create screen of '${expect.issueTypeName}': could not be read (${d}); grant Create issues`,
  );
  if (meta === undefined) return;
  const fields = meta.fields ?? meta.results ?? [];
  const sent = new Set([...ALWAYS_SENT_FIELDS, ...(expect.customFieldIds ?? [])]);
  if ((expect.components ?? []).length > 0) sent.add('components');
  const onScreen = new Set(fields.map((f) => f.fieldId));
  for (const f of fields) {
    if (f.required && f.hasDefaultValue !== true && !sent.has(f.fieldId)) {
      problems.push(
        `field '${f.name}' (${f.fieldId}) is required on the create screen of '${expect.issueTypeName}' and alert-to-ticket does not send it; make it optional or map it in the custom-field settings`,
      );
    }
  }
  for (const id of sent) {
    if (!onScreen.has(id) && id !== 'project' && id !== 'issuetype') {
      problems.push(
        `field '${id}' is not on the create screen of '${expect.issueTypeName}'; add it to the screen or stop sending it`,
      );
    }
  }
  const components = fields.find((f) => f.fieldId === 'components');
  if (components !== undefined && Array.isArray(components.allowedValues)) {
    const names = components.allowedValues.map((v) =>
      typeof v === 'object' && v !== null ? (v as { name?: unknown }).name : undefined,
    );
    for (const wanted of expect.components ?? []) {
      if (!names.includes(wanted))
        problems.push(
          `component '${wanted}' does not exist in project ${expect.projectKey}; create it or fix the components setting`,
          'component',
        );
    }
  }
}

async function checkPermissions(refused: Refusable, projectKey: string, problems: Problems): Promise<void> {
  problems.area = 'permission';
  const result = await refused(
    'getMyPermissions',
    (j) => j.permissions.getMyPermissions({ projectKey, permissions: REQUIRED_PERMISSIONS.join(',') }),
    (d) => `permissions: could not be read (${d})`,
  );
  if (result === undefined) return;
  const granted = (result.permissions ?? {}) as Record<string, { havePermission?: unknown } | undefined>;
  for (const permission of REQUIRED_PERMISSIONS) {
    if (granted[permission]?.havePermission !== true) {
      problems.push(
        `the integration account lacks ${permission} in project ${projectKey}; grant it in the project's permission scheme`,
      );
    }
  }
}

async function checkTransitions(refused: Refusable, expect: SiteExpectations, problems: Problems): Promise<void> {
  if (expect.transitionNames.length === 0) return;
  problems.area = 'transition';
  const byType = await refused(
    'getAllStatuses',
    (j) => j.projects.getAllStatuses({ projectIdOrKey: expect.projectKey }),
    (d) => `workflow statuses of project ${expect.projectKey}: could not be read (${d})`,
  );
  if (byType === undefined) return;
  const statuses = byType.find((t) => t.name === expect.issueTypeName)?.statuses ?? [];
  const offered = new Set<string>();
  let sampledAll = statuses.length > 0;
  for (const status of statuses) {
    if (status.name === undefined) continue;
    const statusName = status.name;
    const search = await refused(
      'searchIssues',
      (j) =>
        j.issueSearch.searchAndReconsileIssuesUsingJql({
          jql: jqlLatestInStatus(expect.projectKey, statusName),
          maxResults: 1,
          fields: ['status'],
        }),
      (d) => `issues of project ${expect.projectKey} could not be searched (${d}); grant Browse projects`,
    );
    const sample = search?.issues?.[0]?.id;
    if (sample === undefined) {
      sampledAll = false;
      continue;
    }
    const transitions = await refused(
      'getTransitions',
      (j) => j.issues.getTransitions({ issueIdOrKey: sample }),
      (d) => `transitions could not be read (${d})`,
    );
    for (const t of transitions?.transitions ?? []) if (t.name !== undefined) offered.add(t.name.toLowerCase());
  }
  if (!sampledAll) return;
  for (const name of new Set(expect.transitionNames)) {
    if (!offered.has(name.toLowerCase())) {
      problems.push(
        `transition '${name}' is not offered from any status of '${expect.issueTypeName}' in ${expect.projectKey}; fix the configured transition name or the workflow (until then a closed ticket that gets new alerts gets a linked follow-up instead)`,
      );
    }
  }
}
