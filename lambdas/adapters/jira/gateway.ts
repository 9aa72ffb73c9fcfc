import { createCloudClient } from 'jira.js';
import type { CloudClient, SchemaMismatchBehavior } from 'jira.js';
import { ConfigError, PermanentError } from '../../core/errors';
import type { AdfDoc } from '../../core/render/adf-nodes';
import { AttachmentTooLargeError, TransitionUnavailableError } from '../../core/sync/ports';
import type {
  AttachmentInfo,
  AttachmentUpload,
  CreateIssueInput,
  IssueState,
  TicketGateway,
} from '../../core/sync/ports';
import { jiraCreateFields, jiraIssueEdit } from '../../core/sync/jira-fields';
import { CallPolicy } from './call-policy';
import { JiraAuthError } from './errors';
import type { CallKind, CallPolicyOptions, GatewayStats } from './call-policy';
import { jqlIncidentLookup } from './jql';
import { checkSite, checkSiteReport } from './site-check';
import type { SiteExpectations, SiteProblem } from './site-check';

export type { TicketGateway } from '../../core/sync/ports';
export type { GatewayStats } from './call-policy';
export type { SiteExpectations, SiteProblem } from './site-check';

export interface JiraGatewayOptions extends CallPolicyOptions {
  /** The site, e.g. `https://your-site.atlassian.net` (no path). */
  baseUrl: string;
  email: string;
  apiToken: string;
  /** What jira.js does when a response does not match its schema (default 'warn'; tests use 'throw'). */
  onSchemaMismatch?: SchemaMismatchBehavior;
}

/** An issue found by label search. */
export interface FoundIssue {
  key: string;
  id: string;
  status: string;
  created?: string;
}

type JiraDocument = Exclude<Parameters<CloudClient['issueComments']['addComment']>[0]['body'], string | undefined>;

const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-[1-9]\d*$/;
/** Pages of 100 labelled issues; an incident label is on one issue, a handful after follow-ups. */
const SEARCH_PAGE = 100;
const MAX_SEARCH_PAGES = 50;
const CATEGORIES = new Set(['new', 'indeterminate', 'done']);
/** Attachment ids are numbers; anything else is refused before it reaches a URL path. */
const ATTACHMENT_ID = /^\d{1,19}$/;

/**
 * {@link TicketGateway} on Jira Cloud REST v3 through jira.js 6. Every call goes through one {@link CallPolicy}
 * (timeouts, retries, 429 handling, counters) and one error translation (errors.ts). The API token is used for the
 * Authorization header by jira.js and is never logged or put in an error.
 *
 * @example
 * const jira = new JiraGateway({ baseUrl: 'https://acme.atlassian.net', email, apiToken });
 * const { key } = await jira.createIssue({ projectKey: 'SOC', issueTypeName: 'Incident', summary, description, labels, priorityName: 'High' });
 */
export class JiraGateway implements TicketGateway {
  private readonly jira: CloudClient;
  private readonly policy: CallPolicy;
  /** The site's upload limit, read once per gateway (a container's lifetime): it is a site setting. */
  private uploadLimit: Promise<number | undefined> | undefined;

  constructor(options: JiraGatewayOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new ConfigError(`Jira site URL is not a URL: ${JSON.stringify(options.baseUrl)}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('Jira site URL must be http(s)');
    if (options.email.trim() === '') throw new ConfigError('Jira email is empty: set it in the Jira secret');
    if (options.apiToken.trim() === '') throw new ConfigError('Jira API token is empty: set it in the Jira secret');
    try {
      this.jira = createCloudClient({
        host: url.origin,
        auth: { type: 'basic', email: options.email, apiToken: options.apiToken },
        onSchemaMismatch: options.onSchemaMismatch ?? 'warn',
      });
    } catch {
      // jira.js validates its config with zod; its message is a JSON dump. Say which setting to fix, never the token.
      throw new ConfigError(
        'Jira client configuration refused: check that the Jira email is an e-mail address and the site URL is right',
      );
    }
    this.policy = new CallPolicy(options);
  }

  /** Requests sent so far, retries and 429s among them. */
  stats(): GatewayStats {
    return this.policy.stats();
  }

  private call<T>(operation: string, kind: CallKind, fn: (jira: CloudClient) => Promise<T>): Promise<T> {
    return this.policy.run(operation, kind, () => fn(this.jira));
  }

  async createIssue(input: CreateIssueInput): Promise<{ key: string; id: string }> {
    // jira.js sends a string description to the v2 API, which would accept what v3 refuses: never let one through.
    if (!isAdfDocument(input.description)) {
      throw new PermanentError(
        'description must be an ADF document ({version: 1, type: "doc", content}), not a string',
      );
    }
    // Which fields, from what: the table in core/sync/jira-fields.ts.
    const fields = jiraCreateFields(input);
    const created = await this.call('createIssue', 'write', (j) => j.issues.createIssue({ fields }));
    return { key: created.key, id: created.id };
  }

  /**
   * Issues of the project carrying `label`, oldest first, every page. Search lags behind writes; ids in
   * `reconcileIds` (issues this process created) are read consistently, as Jira's `reconcileIssues` promises.
   */
  async findByLabel(
    projectKey: string,
    label: string,
    options: { reconcileIds?: string[] } = {},
  ): Promise<FoundIssue[]> {
    const jql = jqlIncidentLookup(projectKey, label);
    const reconcileIssues = (options.reconcileIds ?? []).map(Number).filter(Number.isSafeInteger).slice(0, 50);
    const found: FoundIssue[] = [];
    let nextPageToken: string | undefined;
    for (let page = 0; page < MAX_SEARCH_PAGES; page += 1) {
      const result = await this.call('searchIssues', 'read', (j) =>
        j.issueSearch.searchAndReconsileIssuesUsingJql({
          jql,
          nextPageToken,
          maxResults: SEARCH_PAGE,
          fields: ['status', 'created'],
          reconcileIssues: reconcileIssues.length > 0 ? reconcileIssues : undefined,
        }),
      );
      for (const issue of result.issues ?? []) {
        const fields = (issue.fields ?? {}) as Record<string, unknown>;
        if (issue.key === undefined || issue.id === undefined) continue;
        found.push({
          key: issue.key,
          id: issue.id,
          status: nameOf(fields.status) ?? 'unknown',
          created: stringOr(fields.created),
        });
      }
      nextPageToken = result.nextPageToken ?? undefined;
      if (result.isLast !== false || nextPageToken === undefined) return found;
    }
    throw new PermanentError(
      `more than ${MAX_SEARCH_PAGES * SEARCH_PAGE} issues carry label ${label}: refusing to page further`,
    );
  }

  async getIssue(key: string): Promise<IssueState> {
    const issueIdOrKey = checkedKey(key);
    const issue = await this.call('getIssue', 'read', (j) =>
      j.issues.getIssue({ issueIdOrKey, fields: ['status', 'labels', 'priority', 'resolution', 'updated'] }),
    );
    const fields = (issue.fields ?? {}) as Record<string, unknown>;
    const status = fields.status as { name?: unknown; statusCategory?: { key?: unknown } } | undefined;
    const category = status?.statusCategory?.key;
    const labels = Array.isArray(fields.labels) ? fields.labels.filter((l): l is string => typeof l === 'string') : [];
    return {
      key: issue.key ?? issueIdOrKey,
      status: nameOf(status) ?? 'unknown',
      // Jira's category keys are exactly these three; anything else is read as "still being worked on".
      statusCategory:
        typeof category === 'string' && CATEGORIES.has(category)
          ? (category as IssueState['statusCategory'])
          : 'indeterminate',
      resolution: nameOf(fields.resolution),
      labels,
      priorityName: nameOf(fields.priority),
      updated: stringOr(fields.updated),
    };
  }

  /** Posts an ADF comment. Not retried after an ambiguous failure: a retry first asks {@link hasComment}. */
  async addComment(key: string, body: AdfDoc): Promise<void> {
    const issueIdOrKey = checkedKey(key);
    // jira.js types ADF as open records; AdfDoc is the closed subset the renderer emits, so it fits as is.
    const adf: JiraDocument = { ...body };
    await this.call('addComment', 'write', (j) => j.issueComments.addComment({ issueIdOrKey, body: adf }));
  }

  /** Whether one of the issue's latest 100 comments contains `marker` in its text. */
  async hasComment(key: string, marker: string): Promise<boolean> {
    const issueIdOrKey = checkedKey(key);
    const page = await this.call('getComments', 'read', (j) =>
      j.issueComments.getComments({ issueIdOrKey, orderBy: '-created', maxResults: 100 }),
    );
    return (page.comments ?? []).some((c) => adfText(c.body).includes(marker));
  }

  /**
   * Adds labels (as `update.labels[{add}]`, so labels an analyst added or removed by hand stay as they are) and sets
   * the priority. Both are idempotent, so this call is retried like a read.
   */
  async updateIssue(key: string, change: { addLabels?: string[]; priorityName?: string }): Promise<void> {
    const issueIdOrKey = checkedKey(key);
    const addLabels = change.addLabels ?? [];
    if (addLabels.length === 0 && change.priorityName === undefined) return;
    await this.call('editIssue', 'idempotent-write', (j) =>
      j.issues.editIssue({ issueIdOrKey, ...jiraIssueEdit({ addLabels, priorityName: change.priorityName }) }),
    );
  }

  /** Moves the issue through the transition named `transitionName` (ids differ between sites; names are configured). */
  async transition(key: string, transitionName: string): Promise<void> {
    const issueIdOrKey = checkedKey(key);
    const offered = await this.call('getTransitions', 'read', (j) => j.issues.getTransitions({ issueIdOrKey }));
    const transitions = offered.transitions ?? [];
    const wanted = transitionName.toLowerCase();
    const match =
      transitions.find((t) => t.name === transitionName) ?? transitions.find((t) => t.name?.toLowerCase() === wanted);
    if (match?.id === undefined) {
      const names = transitions.map((t) => `'${t.name ?? t.id ?? '?'}'`).join(', ') || 'none';
      throw new TransitionUnavailableError(
        `Jira offers no transition '${transitionName}' on ${issueIdOrKey} now (available: ${names})`,
        { operation: 'doTransition', key: issueIdOrKey },
      );
    }
    const id = match.id;
    await this.call('doTransition', 'write', (j) => j.issues.doTransition({ issueIdOrKey, transition: { id } }));
  }

  /** Links two issues (`type` e.g. 'Relates'). Jira keeps one link per type and pair, so a repeat is harmless. */
  async linkIssues(inwardKey: string, outwardKey: string, typeName: string): Promise<void> {
    const inward = checkedKey(inwardKey);
    const outward = checkedKey(outwardKey);
    await this.call('linkIssues', 'idempotent-write', (j) =>
      j.issueLinks.linkIssues({
        type: { name: typeName },
        inwardIssue: { key: inward },
        outwardIssue: { key: outward },
      }),
    );
  }

  /** The issue's files, from `fields.attachment` (a consistent read: a file uploaded a moment ago is listed). */
  async listAttachments(key: string): Promise<AttachmentInfo[]> {
    const issueIdOrKey = checkedKey(key);
    const issue = await this.call('getIssue', 'read', (j) =>
      j.issues.getIssue({ issueIdOrKey, fields: ['attachment'] }),
    );
    const files = ((issue.fields ?? {}) as Record<string, unknown>).attachment;
    if (!Array.isArray(files)) return [];
    const out: AttachmentInfo[] = [];
    for (const f of files as { id?: unknown; filename?: unknown; size?: unknown }[]) {
      const id = typeof f.id === 'number' ? String(f.id) : f.id;
      if (typeof id !== 'string' || typeof f.filename !== 'string') continue;
      out.push({ id, filename: f.filename, ...(typeof f.size === 'number' ? { size: f.size } : {}) });
    }
    return out;
  }

  /**
   * Uploads one file with jira.js `addAttachment` (multipart/form-data, part `file`, header `X-Atlassian-Token:
   * no-check`). Not retried after an ambiguous failure (a timeout, a 500): the upload may have happened, and the
   * sync lists the issue's files before trying again. Jira's 413 → {@link AttachmentTooLargeError}; a 403 (no
   * permission to attach, attachments disabled) is permanent for this file, not a credential problem to wait out.
   */
  async addAttachment(key: string, file: AttachmentUpload): Promise<AttachmentInfo> {
    const issueIdOrKey = checkedKey(key);
    // A Blob carries the media type: jira.js would otherwise guess it from the name (`.jsonl` is not in its table).
    const content = new Blob([file.content], { type: file.mediaType });
    let added: Awaited<ReturnType<CloudClient['issueAttachments']['addAttachment']>>;
    try {
      added = await this.call('addAttachment', 'write', (j) =>
        j.issueAttachments.addAttachment({ issueIdOrKey, attachments: { filename: file.fileName, content } }),
      );
    } catch (err) {
      const status = (err as { context?: { status?: unknown } }).context?.status;
      if (err instanceof PermanentError && status === 413) {
        throw new AttachmentTooLargeError(
          `Jira refused ${file.fileName} (${Buffer.byteLength(file.content)} bytes) on ${issueIdOrKey} as too large (413)`,
          { operation: 'addAttachment', key: issueIdOrKey, status },
          { cause: err },
        );
      }
      if (err instanceof JiraAuthError && err.status === 403) {
        throw new PermanentError(
          `Jira refused to attach ${file.fileName} to ${issueIdOrKey} (403): the integration's account needs the Create attachments permission, and attachments must be enabled`,
          { operation: 'addAttachment', key: issueIdOrKey, status: 403 },
          { cause: err },
        );
      }
      throw err;
    }
    const first = added.find((a) => a.filename === file.fileName) ?? added[0];
    if (first?.id === undefined) {
      throw new PermanentError(`Jira answered the upload of ${file.fileName} without an attachment id`, {
        operation: 'addAttachment',
        key: issueIdOrKey,
      });
    }
    return {
      id: first.id,
      filename: first.filename ?? file.fileName,
      ...(first.size !== undefined ? { size: first.size } : {}),
    };
  }

  /** Deletes an attachment. Idempotent in effect (a second delete gets a 404), so retried like a read. */
  async removeAttachment(id: string): Promise<void> {
    if (!ATTACHMENT_ID.test(id))
      throw new PermanentError(`not a Jira attachment id: ${JSON.stringify(id.slice(0, 40))}`);
    await this.call('removeAttachment', 'idempotent-write', (j) => j.issueAttachments.removeAttachment({ id }));
  }

  /**
   * The site's per-file limit (`GET /attachment/meta` uploadLimit), asked once per gateway. Undefined when the site
   * does not say or the read is refused: the configured cap applies, and a 413 still makes the file smaller.
   */
  attachmentLimit(): Promise<number | undefined> {
    this.uploadLimit ??= this.call('getAttachmentMeta', 'read', (j) => j.issueAttachments.getAttachmentMeta()).then(
      (meta) =>
        meta.enabled !== false && typeof meta.uploadLimit === 'number' && meta.uploadLimit > 0
          ? meta.uploadLimit
          : undefined,
      (err: unknown) => {
        // Asked again next time: a transient failure must not fix the limit for the container's life.
        this.uploadLimit = undefined;
        if (err instanceof PermanentError || err instanceof JiraAuthError) return undefined;
        throw err;
      },
    );
    return this.uploadLimit;
  }

  /**
   * Checks the site before go-live; one line per problem, each saying what to fix (empty: ready). Failures that are
   * the site's and not its configuration (429, 5xx) are thrown as RetryableError.
   */
  checkSite(expect: SiteExpectations): Promise<string[]> {
    return checkSite((operation, fn) => this.call(operation, 'read', fn), expect);
  }

  /** The same check, each problem with its area and whether it blocks ticketing (site-check.ts). */
  checkSiteReport(expect: SiteExpectations): Promise<SiteProblem[]> {
    return checkSiteReport((operation, fn) => this.call(operation, 'read', fn), expect);
  }
}

/** Keys are put into URL paths by jira.js unencoded: anything but a plain key is refused before it gets there. */
function checkedKey(key: string): string {
  if (!ISSUE_KEY.test(key)) throw new PermanentError(`not a Jira issue key: ${JSON.stringify(key.slice(0, 40))}`);
  return key;
}

function nameOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const name = (value as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isAdfDocument(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const doc = value as { type?: unknown; content?: unknown };
  return doc.type === 'doc' && Array.isArray(doc.content);
}

/** The text of an ADF document, its text nodes concatenated. */
function adfText(node: unknown): string {
  if (typeof node !== 'object' || node === null) return '';
  const { text, content } = node as { text?: unknown; content?: unknown };
  const own = typeof text === 'string' ? text : '';
  return Array.isArray(content) ? own + content.map(adfText).join('') : own;
}
