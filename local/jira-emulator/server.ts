import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Faults, faultResponse } from './faults';
import type { FaultControl } from './faults';
import { HTML_HEADERS, issueListPage, issuePage } from './html';
import { boundaryOf, parseMultipart } from './multipart';
import type { FormPart } from './multipart';
import { jiraContract } from './openapi';
import { Representation, jiraTime } from './representation';
import { HANDLERS } from './routes';
import type { ApiResponse, DomainCounters, RouteContext } from './route-kit';
import { siteFrom } from './site';
import type { Site, SiteOptions } from './site';
import { IssueStore } from './store';
import type { StoredIssue } from './store';

/** Options of {@link startJiraEmulator}: the site (site.ts) plus how the server runs. */
export interface JiraEmulatorOptions extends SiteOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * How long a new issue stays invisible to search (default 0). Jira search is not read-after-write consistent; the
   * CLI sets about a second so the pipeline's duplicate protection is exercised, not bypassed.
   */
  searchDelayMs?: number;
  /** Keep the issues in this JSON file across restarts. */
  stateFile?: string;
  /** Check every JSON response against the OpenAPI document's response schema; see `responseViolations()`. */
  validateResponses?: boolean;
  /** The clock (epoch ms), for tests that step through the search delay. */
  now?: () => number;
}

/** An issue as a test or the CLI reads it: plain values, frozen. */
export interface IssueView {
  id: string;
  key: string;
  issueType: string;
  summary: string;
  description: unknown;
  labels: readonly string[];
  priority: string;
  status: string;
  statusCategory: 'new' | 'indeterminate' | 'done';
  resolution: string | null;
  components: readonly string[];
  customFields: Readonly<Record<string, unknown>>;
  created: string;
  updated: string;
  comments: readonly { id: string; body: unknown; created: string }[];
  /** Links touching this issue, as they were requested (`inwardIssue`, `outwardIssue`). */
  links: readonly { type: string; inwardKey: string; outwardKey: string }[];
  /** Attached files, oldest first; `content` is the file read as UTF-8. */
  attachments: readonly { id: string; filename: string; mimeType: string; size: number; content: string }[];
}

/** One REST request: no headers, no query (it may carry alert-derived text). `status` 0: left unanswered (hang). */
export interface RequestLogEntry {
  method: string;
  path: string;
  operationId?: string;
  status: number;
}

export interface EmulatorCounters extends DomainCounters {
  /** REST requests received, faulted ones included. */
  requests: number;
  /** Responses by status code. */
  byStatus: Record<string, number>;
  /** Requests answered with an injected fault, or left hanging. */
  faultsServed: number;
}

export interface ResponseViolation {
  operationId: string;
  status: number;
  errors: string[];
}

export interface JiraEmulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (the jira.js `host`). */
  url: string;
  /** The site it emulates, credentials included (they are the emulator's own). */
  site: Readonly<Site>;
  faults: FaultControl;
  issues(): readonly IssueView[];
  issue(key: string): IssueView | undefined;
  requestLog(): readonly RequestLogEntry[];
  counters(): EmulatorCounters;
  /** Responses that did not match the document (only with `validateResponses`). */
  responseViolations(): readonly ResponseViolation[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const JSON_TYPE = 'application/json;charset=UTF-8';

/**
 * Starts a Jira Cloud emulator: the REST v3 subset the pipeline uses, validated against Atlassian's OpenAPI document
 * and Jira's own field rules, with search lag, fault injection and readable `/browse/KEY` pages.
 *
 * @example
 * const jira = await startJiraEmulator({ searchDelayMs: 1000 });
 * const client = createCloudClient({ host: jira.url, auth: { type: 'basic', email: jira.site.email, apiToken: jira.site.apiToken } });
 * jira.faults.inject({ status: 429, count: 2, retryAfterSeconds: 1 });
 * await jira.close();
 */
export async function startJiraEmulator(options: JiraEmulatorOptions = {}): Promise<JiraEmulator> {
  const contract = jiraContract();
  // Loads the document now (a broken install fails here, not on the first request) and warms the router.
  await contract.checkRequest({ method: 'GET', path: '/rest/api/3/serverInfo', query: '', headers: {} });
  const site = siteFrom(options);
  const store = new IssueStore(options.stateFile);
  const faults = new Faults();
  const now = options.now ?? Date.now;
  const log: RequestLogEntry[] = [];
  const violations: ResponseViolation[] = [];
  const hanging = new Set<ServerResponse>();
  const counters: EmulatorCounters = {
    requests: 0,
    byStatus: {},
    faultsServed: 0,
    issuesCreated: 0,
    commentsAdded: 0,
    issuesEdited: 0,
    transitions: 0,
    links: 0,
    searches: 0,
    attachmentsAdded: 0,
    attachmentsRemoved: 0,
  };
  const expectedAuth = Buffer.from(`Basic ${Buffer.from(`${site.email}:${site.apiToken}`).toString('base64')}`);
  // Requests are handled once the port (and so the public URL the responses link to) is known.
  const server = createServer();

  function write(res: ServerResponse, status: number, headers: Record<string, string>, text?: string | Buffer): void {
    counters.byStatus[status] = (counters.byStatus[status] ?? 0) + 1;
    res.writeHead(status, headers).end(text);
  }

  function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    if (body === undefined) write(res, status, headers);
    else write(res, status, { 'Content-Type': JSON_TYPE, ...headers }, JSON.stringify(body));
  }

  function authorized(req: IncomingMessage): boolean {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expectedAuth.length && timingSafeEqual(given, expectedAuth);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname;
    if (!path.startsWith('/rest/')) return servePage(method, path, res);

    counters.requests += 1;
    const entry: RequestLogEntry = { method, path, status: 0 };
    log.push(entry);
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));

    const fault = faults.take(method, path);
    if (fault.kind === 'hang') {
      counters.faultsServed += 1;
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      req.resume();
      return;
    }
    if (fault.kind === 'status') {
      counters.faultsServed += 1;
      const f = faultResponse(fault.status, fault.retryAfterSeconds);
      req.resume();
      write(res, fault.status, { 'Content-Type': f.contentType, ...f.headers }, f.body);
      entry.status = fault.status;
      return;
    }

    const answer = await respond(req, method, url);
    entry.operationId = answer.operationId;
    entry.status = answer.status;
    // Checked before it is sent, so a test that has its answer also has the verdict on it.
    if (options.validateResponses === true && answer.operationId !== undefined && answer.body !== undefined) {
      const check = await contract.checkResponse(answer.operationId, answer.status, answer.body);
      if (check.errors.length > 0) {
        violations.push({ operationId: answer.operationId, status: answer.status, errors: check.errors });
      }
    }
    if (answer.raw !== undefined) {
      write(res, answer.status, { 'Content-Type': answer.raw.contentType, ...answer.headers }, answer.raw.bytes);
    } else send(res, answer.status, answer.body, answer.headers);
  }

  async function respond(
    req: IncomingMessage,
    method: string,
    url: URL,
  ): Promise<ApiResponse & { operationId?: string }> {
    if (!authorized(req)) {
      req.resume();
      return {
        status: 401,
        body: { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} },
        headers: { 'WWW-Authenticate': 'Basic realm="protected-area"' },
      };
    }
    const contentType = req.headers['content-type'] ?? '';
    const boundary = boundaryOf(contentType);
    // An upload may carry a file up to the site's limit: its body is read up to twice that, so a file just over the
    // limit gets the attachment endpoint's own 413, and a huge one is drained, not buffered.
    const limit = boundary === undefined ? MAX_BODY_BYTES : Math.max(MAX_BODY_BYTES, 2 * site.maxAttachmentBytes);
    const raw = await readBody(req, limit);
    if (raw === undefined) return { status: 413, body: { errorMessages: ['Request entity too large.'], errors: {} } };
    let body: unknown;
    let files: FormPart[] | undefined;
    if (boundary !== undefined) {
      // Jira blocks form posts without this header (XSRF protection), before reading them: a plain-text 403.
      const token = String(req.headers['x-atlassian-token'] ?? '').toLowerCase();
      if (token !== 'no-check' && token !== 'nocheck') {
        return {
          status: 403,
          raw: { contentType: 'text/plain;charset=UTF-8', bytes: Buffer.from('XSRF check failed') },
        };
      }
      const parsed = parseMultipart(raw, boundary);
      if (!parsed.ok)
        return { status: 400, body: { errorMessages: [`Malformed multipart body: ${parsed.reason}.`], errors: {} } };
      files = parsed.parts;
      // The document describes the body as an array of MultipartFile (Spring's view of each part): validated so.
      body = files.map((f) => ({
        name: f.name,
        ...(f.filename !== undefined ? { originalFilename: f.filename } : {}),
        contentType: f.contentType,
        size: f.data.length,
        empty: f.data.length === 0,
      }));
    } else if (raw.length > 0) {
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        return { status: 415, body: { errorMessages: ['Unsupported Media Type: send application/json.'], errors: {} } };
      }
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        return {
          status: 400,
          body: { errorMessages: [`Unexpected character in the JSON body: ${(err as Error).message}`], errors: {} },
        };
      }
    }
    // The credentials stay here: the validator needs no Authorization or Cookie header.
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        (e): e is [string, string | string[]] => e[1] !== undefined && e[0] !== 'authorization' && e[0] !== 'cookie',
      ),
    );
    const check = await contract.checkRequest({
      method,
      path: url.pathname,
      query: url.search.slice(1),
      headers,
      body,
    });
    if (check.kind === 'unknown-route') {
      return { status: 404, body: { errorMessages: [`null for uri: ${publicUrl}${url.pathname}`], errors: {} } };
    }
    if (check.kind === 'invalid') {
      return {
        operationId: check.operationId,
        status: 400,
        body: { errorMessages: check.errors.map((e) => `Invalid request (${check.operationId}): ${e}`), errors: {} },
      };
    }
    const handler = HANDLERS[check.operationId];
    if (handler === undefined) {
      return {
        operationId: check.operationId,
        status: 501,
        body: { errorMessages: [`The Jira emulator does not implement ${check.operationId}.`], errors: {} },
      };
    }
    return {
      operationId: check.operationId,
      ...handler(ctx, { params: check.params, query: url.searchParams, body, ...(files ? { files } : {}) }),
    };
  }

  function servePage(method: string, path: string, res: ServerResponse): void {
    const browse = /^\/browse\/([A-Za-z][A-Za-z0-9_]*-\d+)$/.exec(path);
    if (method === 'GET' && path === '/') {
      res.writeHead(200, HTML_HEADERS).end(issueListPage(site, store));
      return;
    }
    // Jira's own download path for attachments; a download (never rendered inline), as the files hold alert text.
    const download = /^\/secure\/attachment\/(\d+)\/[^/]*$/.exec(path);
    const file = method === 'GET' && download !== null ? store.findAttachment(download[1]) : undefined;
    if (file !== undefined) {
      res
        .writeHead(200, {
          'Content-Type': 'application/octet-stream',
          'Content-Disposition': `attachment; filename="${file.attachment.filename.replace(/[^\w.-]/g, '_')}"`,
          'X-Content-Type-Options': 'nosniff',
        })
        .end(Buffer.from(file.attachment.contentBase64, 'base64'));
      return;
    }
    const issue = method === 'GET' && browse !== null ? store.find(browse[1]) : undefined;
    if (issue !== undefined) {
      res.writeHead(200, HTML_HEADERS).end(issuePage(store, issue));
      return;
    }
    res
      .writeHead(404, HTML_HEADERS)
      .end('<!doctype html><title>Not found</title><p>Not found. <a href="/">All issues</a></p>');
  }

  function view(issue: StoredIssue): IssueView {
    const category = site.statuses.find((s) => s.name === issue.status)?.category ?? 'new';
    return deepFreeze(
      structuredClone({
        id: issue.id,
        key: issue.key,
        issueType: issue.issueType,
        summary: issue.summary,
        description: issue.description,
        labels: issue.labels,
        priority: issue.priority,
        status: issue.status,
        statusCategory: category,
        resolution: issue.resolution,
        components: issue.components,
        customFields: issue.customFields,
        created: jiraTime(issue.created),
        updated: jiraTime(issue.updated),
        comments: issue.comments.map((c) => ({ id: c.id, body: c.body, created: jiraTime(c.created) })),
        links: store
          .links()
          .filter((l) => l.inwardKey === issue.key || l.outwardKey === issue.key)
          .map((l) => ({ type: l.typeName, inwardKey: l.inwardKey, outwardKey: l.outwardKey })),
        attachments: (issue.attachments ?? []).map((a) => ({
          id: a.id,
          filename: a.filename,
          mimeType: a.mimeType,
          size: a.size,
          content: Buffer.from(a.contentBase64, 'base64').toString('utf8'),
        })),
      }),
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const publicUrl = `http://${host}:${address.port}`;
  const ctx: RouteContext = {
    site,
    store,
    repr: new Representation(site, store, publicUrl),
    now,
    searchDelayMs: options.searchDelayMs ?? 0,
    counters,
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the emulator: answer like Jira's 500 rather than leave the client waiting.
      if (!res.headersSent) send(res, 500, { errorMessages: [`Jira emulator error: ${String(err)}`], errors: {} });
    });
  });

  return {
    url: publicUrl,
    site,
    faults,
    issues: () => store.all().map(view),
    issue: (key) => {
      const found = store.find(key);
      return found === undefined ? undefined : view(found);
    },
    requestLog: () => log.map((e) => ({ ...e })),
    counters: () => structuredClone(counters),
    responseViolations: () => violations.map((v) => ({ ...v })),
    close: async () => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** The body, or undefined when it exceeds `limit` bytes (the rest is drained, not buffered). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(chunk as Buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
