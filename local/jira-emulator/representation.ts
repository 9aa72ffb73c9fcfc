import { PROJECT_ID, componentId, issueTypeId, priorityId, resolutionId } from './site';
import type { Site, StatusCategoryKey, StatusDef, TransitionDef } from './site';
import type { IssueStore, StoredAttachment, StoredComment, StoredIssue } from './store';

/**
 * The emulator's state in Jira's REST v3 shapes (IssueBean, StatusDetails, Comment, …), as the OpenAPI document
 * describes them and with the values Jira Cloud actually sends (timestamps like `2021-01-17T12:34:00.000+0000`).
 */

const CATEGORIES: Record<StatusCategoryKey, { id: number; colorName: string; name: string }> = {
  new: { id: 2, colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, colorName: 'green', name: 'Done' },
};

export function statusCategoryName(key: StatusCategoryKey): string {
  return CATEGORIES[key].name;
}

/** Jira's timestamp format: milliseconds and a `+0000` offset. */
export function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** Which fields a GET or a search asked for (`fields=summary,status`, `*all`, `*navigable`, `-comment`). */
export interface FieldSelection {
  all: boolean;
  include: Set<string>;
  exclude: Set<string>;
}

export function fieldSelection(requested: string[], defaultAll: boolean): FieldSelection {
  const names = requested
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const selection: FieldSelection = { all: names.length === 0 && defaultAll, include: new Set(), exclude: new Set() };
  for (const name of names) {
    if (name === '*all' || name === '*navigable') selection.all = true;
    else if (name.startsWith('-')) {
      selection.exclude.add(name.slice(1));
      // "-description" alone means all navigable fields but that one.
      if (!names.some((n) => !n.startsWith('-'))) selection.all = true;
    } else selection.include.add(name);
  }
  return selection;
}

/** Renders stored issues, statuses, priorities, users and the project with links (`self`) under the emulator's URL. */
export class Representation {
  constructor(
    private readonly site: Site,
    private readonly store: IssueStore,
    readonly baseUrl: string,
  ) {}

  apiUrl(path: string): string {
    return `${this.baseUrl}/rest/api/3/${path}`;
  }

  issueUrl(issue: StoredIssue): string {
    return this.apiUrl(`issue/${issue.id}`);
  }

  statusDef(name: string): StatusDef {
    const status = this.site.statuses.find((s) => s.name === name);
    if (status === undefined) throw new Error(`status ${name} is not in the site's workflow`);
    return status;
  }

  status(name: string): Record<string, unknown> {
    const s = this.statusDef(name);
    const category = CATEGORIES[s.category];
    return {
      self: this.apiUrl(`status/${s.id}`),
      description: '',
      iconUrl: `${this.baseUrl}/images/icons/statuses/generic.png`,
      name: s.name,
      id: s.id,
      statusCategory: {
        self: this.apiUrl(`statuscategory/${category.id}`),
        id: category.id,
        key: s.category,
        colorName: category.colorName,
        name: category.name,
      },
    };
  }

  priority(name: string): Record<string, unknown> {
    const id = priorityId(this.site, name) ?? '0';
    return {
      self: this.apiUrl(`priority/${id}`),
      iconUrl: `${this.baseUrl}/images/icons/priorities/${name.toLowerCase()}.svg`,
      name,
      id,
    };
  }

  /** The `Priority` of `GET /priority` and `/priority/search`. */
  priorityDetails(name: string, index: number): Record<string, unknown> {
    return {
      ...this.priority(name),
      description: `${name} priority`,
      statusColor: ['#d04437', '#f15C75', '#f79232', '#707070', '#999999'][index] ?? '#707070',
      isDefault: name === 'Medium',
    };
  }

  issueType(name: string): Record<string, unknown> {
    const id = issueTypeId(this.site, name) ?? '0';
    return {
      self: this.apiUrl(`issuetype/${id}`),
      id,
      description: `${name} issue type`,
      iconUrl: `${this.baseUrl}/images/icons/issuetypes/${name.toLowerCase()}.svg`,
      name,
      subtask: false,
      hierarchyLevel: 0,
    };
  }

  resolution(name: string): Record<string, unknown> {
    const id = resolutionId(this.site, name) ?? '0';
    return { self: this.apiUrl(`resolution/${id}`), id, description: name, name };
  }

  user(): Record<string, unknown> {
    return {
      self: this.apiUrl(`user?accountId=${encodeURIComponent(this.site.accountId)}`),
      accountId: this.site.accountId,
      emailAddress: this.site.email,
      displayName: this.site.displayName,
      active: true,
      timeZone: 'Etc/UTC',
      accountType: 'atlassian',
    };
  }

  project(): Record<string, unknown> {
    return {
      self: this.apiUrl(`project/${PROJECT_ID}`),
      id: PROJECT_ID,
      key: this.site.projectKey,
      name: this.site.projectName,
      description: 'Security incidents opened by alert-to-ticket',
      projectTypeKey: 'software',
      simplified: false,
      style: 'classic',
      isPrivate: false,
      assigneeType: 'UNASSIGNED',
      issueTypes: this.site.issueTypes.map((t) => this.issueType(t)),
      components: this.site.components.map((c) => this.component(c)),
      lead: this.user(),
    };
  }

  component(name: string): Record<string, unknown> {
    const id = componentId(this.site, name) ?? '0';
    return { self: this.apiUrl(`component/${id}`), id, name };
  }

  projectRef(): Record<string, unknown> {
    return {
      self: this.apiUrl(`project/${PROJECT_ID}`),
      id: PROJECT_ID,
      key: this.site.projectKey,
      name: this.site.projectName,
      projectTypeKey: 'software',
      simplified: false,
    };
  }

  comment(issue: StoredIssue, c: StoredComment): Record<string, unknown> {
    return {
      self: this.apiUrl(`issue/${issue.id}/comment/${c.id}`),
      id: c.id,
      author: this.user(),
      body: c.body,
      updateAuthor: this.user(),
      created: jiraTime(c.created),
      updated: jiraTime(c.created),
      jsdPublic: true,
    };
  }

  /** An `Attachment` (the upload's answer, `fields.attachment`): `content` is where its bytes are served. */
  attachment(a: StoredAttachment): Record<string, unknown> {
    return {
      self: this.apiUrl(`attachment/${a.id}`),
      id: a.id,
      filename: a.filename,
      author: this.user(),
      created: jiraTime(a.created),
      size: a.size,
      mimeType: a.mimeType,
      content: this.apiUrl(`attachment/content/${a.id}`),
    };
  }

  /** `AttachmentMetadata` (`GET /attachment/{id}`): the same, with a numeric id, as the document declares it. */
  attachmentMetadata(a: StoredAttachment): Record<string, unknown> {
    return { ...this.attachment(a), id: Number(a.id), properties: {} };
  }

  transition(t: TransitionDef): Record<string, unknown> {
    return {
      id: t.id,
      name: t.name,
      to: this.status(t.to),
      hasScreen: this.statusDef(t.to).category === 'done',
      isGlobal: t.from.length === 0,
      isInitial: false,
      isAvailable: true,
      isConditional: false,
      isLooped: false,
    };
  }

  /** `fields.issuelinks`: each link seen from this issue names the issue at its other end. */
  issueLinks(issue: StoredIssue): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const link of this.store.links()) {
      const type = this.site.linkTypes.find((t) => t.name === link.typeName);
      if (type === undefined) continue;
      const base = {
        id: link.id,
        self: this.apiUrl(`issueLink/${link.id}`),
        type: { ...type, self: this.apiUrl(`issueLinkType/${type.id}`) },
      };
      if (link.inwardKey === issue.key) {
        const other = this.store.find(link.outwardKey);
        if (other !== undefined) out.push({ ...base, outwardIssue: this.linkedIssue(other) });
      } else if (link.outwardKey === issue.key) {
        const other = this.store.find(link.inwardKey);
        if (other !== undefined) out.push({ ...base, inwardIssue: this.linkedIssue(other) });
      }
    }
    return out;
  }

  private linkedIssue(issue: StoredIssue): Record<string, unknown> {
    return {
      id: issue.id,
      key: issue.key,
      self: this.apiUrl(`issue/${issue.id}`),
      fields: {
        summary: issue.summary,
        status: this.status(issue.status),
        priority: this.priority(issue.priority),
        issuetype: this.issueType(issue.issueType),
      },
    };
  }

  /** Every field of the issue, keyed by field id. */
  allFields(issue: StoredIssue): Record<string, unknown> {
    const fields: Record<string, unknown> = {
      summary: issue.summary,
      description: issue.description ?? null,
      labels: [...issue.labels],
      priority: this.priority(issue.priority),
      status: this.status(issue.status),
      statuscategorychangedate: jiraTime(issue.updated),
      issuetype: this.issueType(issue.issueType),
      project: this.projectRef(),
      resolution: issue.resolution === null ? null : this.resolution(issue.resolution),
      resolutiondate: issue.resolutionDate === null ? null : jiraTime(issue.resolutionDate),
      created: jiraTime(issue.created),
      updated: jiraTime(issue.updated),
      components: issue.components.map((c) => this.component(c)),
      issuelinks: this.issueLinks(issue),
      creator: this.user(),
      reporter: this.user(),
      assignee: null,
      attachment: (issue.attachments ?? []).map((a) => this.attachment(a)),
      comment: {
        comments: issue.comments.map((c) => this.comment(issue, c)),
        self: this.apiUrl(`issue/${issue.id}/comment`),
        maxResults: issue.comments.length,
        total: issue.comments.length,
        startAt: 0,
      },
    };
    for (const cf of this.site.customFields) fields[cf.id] = issue.customFields[cf.id] ?? null;
    return fields;
  }

  /** An IssueBean with the selected fields. */
  issue(issue: StoredIssue, selection: FieldSelection): Record<string, unknown> {
    const all = this.allFields(issue);
    const fields: Record<string, unknown> = {};
    for (const [id, value] of Object.entries(all)) {
      if ((selection.all || selection.include.has(id)) && !selection.exclude.has(id)) fields[id] = value;
    }
    return {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: issue.id,
      self: this.apiUrl(`issue/${issue.id}`),
      key: issue.key,
      fields,
    };
  }
}
