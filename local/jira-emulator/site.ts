/**
 * The configuration of the emulated Jira site: one project with its issue types, priorities, workflow, resolutions,
 * components, custom fields, link types, and the integration account with its credentials and permissions.
 * Defaults resemble a fresh Jira Cloud company-managed project.
 */

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface StatusDef {
  id: string;
  name: string;
  category: StatusCategoryKey;
}

export interface TransitionDef {
  id: string;
  name: string;
  /** Status names it is offered from; empty means from every status (a global transition). */
  from: string[];
  /** Target status name. */
  to: string;
}

export interface CustomFieldDef {
  /** `customfield_<n>`. */
  id: string;
  name: string;
  type: 'number' | 'string';
  /** Required on the create screen (createmeta reports it; a create without it gets Jira's 400). */
  required?: boolean;
}

export interface LinkTypeDef {
  id: string;
  name: string;
  inward: string;
  outward: string;
}

/** Every option of the emulated site; `startJiraEmulator` fills what is not given with the defaults below. */
export interface SiteOptions {
  projectKey?: string;
  projectName?: string;
  issueTypes?: string[];
  priorities?: string[];
  statuses?: StatusDef[];
  transitions?: TransitionDef[];
  resolutions?: string[];
  components?: string[];
  customFields?: CustomFieldDef[];
  linkTypes?: LinkTypeDef[];
  /** The credentials the emulator accepts (HTTP Basic, email + API token). */
  email?: string;
  apiToken?: string;
  /** The integration account: the author of its comments, `GET /myself`. */
  accountId?: string;
  displayName?: string;
  /** Project permissions the account lacks (`GET /mypermissions` says so; the endpoints do not enforce them). */
  deniedPermissions?: string[];
  /** Jira refuses comments beyond 5,000 per issue with 413; lower it to test that path cheaply. */
  maxComments?: number;
  /**
   * The site's per-file attachment limit in bytes (`GET /attachment/meta` uploadLimit; a larger file gets Jira's 413).
   * Default 10 MiB: on Jira Cloud it is a site setting (Atlassian documents 1 GB by default, 2 GB at most) that admins
   * commonly lower; 10 MB (10,485,760 bytes) is Jira Server and Data Center's default. Small enough for tests.
   */
  maxAttachmentBytes?: number;
  /** Files per issue: Jira Cloud refuses more than 2,000 per issue with 413 (its 2024 per-issue limits). */
  maxAttachments?: number;
  /** Whether attachments are enabled on the site (off: uploads get a 403, `/attachment/meta` says `enabled: false`). */
  attachmentsEnabled?: boolean;
}

export type Site = Required<SiteOptions>;

export const JIRA_LIMITS = {
  summaryChars: 255,
  /** Jira's limit for text fields; the emulator measures the JSON-serialised ADF (see field-rules.ts). */
  textChars: 32_767,
  labelChars: 255,
  comments: 5_000,
  attachmentBytes: 10 * 1024 * 1024,
  attachments: 2_000,
  /** Files in one upload request (the OpenAPI document: "more than 60 files are requested to be uploaded" → 413). */
  filesPerUpload: 60,
} as const;

/** The project permissions the emulator knows, as `GET /mypermissions` names them. */
export const KNOWN_PERMISSIONS = [
  'BROWSE_PROJECTS',
  'CREATE_ISSUES',
  'EDIT_ISSUES',
  'ADD_COMMENTS',
  'TRANSITION_ISSUES',
  'LINK_ISSUES',
  'RESOLVE_ISSUES',
  'CLOSE_ISSUES',
  'ASSIGN_ISSUES',
  'DELETE_ISSUES',
  'CREATE_ATTACHMENTS',
  'DELETE_OWN_ATTACHMENTS',
  'DELETE_ALL_ATTACHMENTS',
] as const;

/** The site with every option not given set to its default. */
export function siteFrom(options: SiteOptions): Site {
  const statuses = options.statuses ?? [
    { id: '10000', name: 'To Do', category: 'new' },
    { id: '3', name: 'In Progress', category: 'indeterminate' },
    { id: '10001', name: 'Done', category: 'done' },
  ];
  return {
    projectKey: options.projectKey ?? 'SOC',
    projectName: options.projectName ?? 'Security Operations',
    issueTypes: options.issueTypes ?? ['Incident', 'Task', 'Bug'],
    priorities: options.priorities ?? ['Highest', 'High', 'Medium', 'Low', 'Lowest'],
    statuses,
    transitions: options.transitions ?? [
      { id: '11', name: 'To Do', from: ['In Progress'], to: 'To Do' },
      { id: '21', name: 'In Progress', from: ['To Do'], to: 'In Progress' },
      { id: '31', name: 'Done', from: ['To Do', 'In Progress'], to: 'Done' },
      { id: '41', name: 'Reopen', from: ['Done'], to: 'To Do' },
    ],
    resolutions: options.resolutions ?? ['Done', "Won't Do", 'Duplicate', 'False Positive'],
    components: options.components ?? ['Endpoint', 'Identity', 'Network'],
    customFields: options.customFields ?? [{ id: 'customfield_10050', name: 'Severity score', type: 'number' }],
    linkTypes: options.linkTypes ?? [
      { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
      { id: '10001', name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
      { id: '10002', name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
      { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
    ],
    email: options.email ?? 'a2t-integration@example.com',
    apiToken: options.apiToken ?? 'local-emulator-token',
    accountId: options.accountId ?? '712020:a2t-integration-0000-0000-000000000001',
    displayName: options.displayName ?? 'alert-to-ticket integration',
    deniedPermissions: options.deniedPermissions ?? [],
    maxComments: options.maxComments ?? JIRA_LIMITS.comments,
    maxAttachmentBytes: options.maxAttachmentBytes ?? JIRA_LIMITS.attachmentBytes,
    maxAttachments: options.maxAttachments ?? JIRA_LIMITS.attachments,
    attachmentsEnabled: options.attachmentsEnabled ?? true,
  };
}

/** Stable numeric ids for names listed in the site (priorities `1…`, issue types `10001…`, resolutions `10000…`). */
export function priorityId(site: Site, name: string): string | undefined {
  const i = site.priorities.indexOf(name);
  return i < 0 ? undefined : String(i + 1);
}

export function issueTypeId(site: Site, name: string): string | undefined {
  const i = site.issueTypes.indexOf(name);
  return i < 0 ? undefined : String(10001 + i);
}

export function resolutionId(site: Site, name: string): string | undefined {
  const i = site.resolutions.indexOf(name);
  return i < 0 ? undefined : String(10000 + i);
}

export function componentId(site: Site, name: string): string | undefined {
  const i = site.components.indexOf(name);
  return i < 0 ? undefined : String(10100 + i);
}

export const PROJECT_ID = '10000';
