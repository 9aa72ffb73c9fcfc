/** Attachments: upload (multipart), metadata, content, delete, and the site's attachment settings. */
import { JIRA_LIMITS } from './site';
import type { StoredAttachment } from './store';
import { NOT_FOUND_ISSUE, messages } from './route-kit';
import type { ApiResponse, Handler, RouteContext } from './route-kit';

function notFound(id: string): ApiResponse {
  return messages(404, `The attachment with id '${id}' does not exist.`);
}

function denied(ctx: RouteContext, ...permissions: string[]): boolean {
  return permissions.every((p) => ctx.site.deniedPermissions.includes(p));
}

/**
 * `POST /issue/{key}/attachments`: every `file` part becomes an attachment. The server has already checked the
 * `X-Atlassian-Token: no-check` header and parsed the body. Jira's 413 for a file over the site's limit, more than 60
 * files in one request, or an issue past its per-issue count; nothing is stored then.
 */
const addAttachment: Handler = (ctx, req) => {
  const issue = ctx.store.find(req.params.issueIdOrKey);
  if (issue === undefined) return NOT_FOUND_ISSUE;
  if (!ctx.site.attachmentsEnabled || denied(ctx, 'CREATE_ATTACHMENTS')) {
    return messages(403, 'You do not have permission to create attachments for this issue.');
  }
  const files = (req.files ?? []).filter((p) => p.name === 'file' && p.filename !== undefined);
  if (files.length === 0)
    return messages(400, "No file was sent: attach files in multipart form-data parts named 'file'.");
  if (files.length > JIRA_LIMITS.filesPerUpload) {
    return messages(413, `Too many files: at most ${JIRA_LIMITS.filesPerUpload} can be attached in one request.`);
  }
  const tooLarge = files.find((f) => f.data.length > ctx.site.maxAttachmentBytes);
  if (tooLarge !== undefined) {
    return messages(
      413,
      `The file ${tooLarge.filename ?? ''} is ${tooLarge.data.length} bytes, larger than the maximum attachment size of ${ctx.site.maxAttachmentBytes} bytes.`,
    );
  }
  const existing = issue.attachments ?? [];
  if (existing.length + files.length > ctx.site.maxAttachments) {
    return messages(413, `The issue ${issue.key} has reached the limit of ${ctx.site.maxAttachments} attachments.`);
  }
  const now = ctx.now();
  const added: StoredAttachment[] = files.map((f) => ({
    id: ctx.store.nextId(),
    filename: f.filename ?? 'file',
    mimeType: f.contentType.split(';')[0].trim() || 'application/octet-stream',
    size: f.data.length,
    authorAccountId: ctx.site.accountId,
    created: now,
    contentBase64: f.data.toString('base64'),
  }));
  issue.attachments = [...existing, ...added];
  issue.updated = now;
  ctx.store.persist();
  ctx.counters.attachmentsAdded += added.length;
  return { status: 200, body: added.map((a) => ctx.repr.attachment(a)) };
};

const getAttachment: Handler = (ctx, req) => {
  const found = ctx.store.findAttachment(req.params.id);
  if (found === undefined) return notFound(req.params.id);
  return { status: 200, body: ctx.repr.attachmentMetadata(found.attachment) };
};

/** The bytes; by default Jira answers 303 to a download URL, `redirect=false` serves them directly. */
const getAttachmentContent: Handler = (ctx, req) => {
  const found = ctx.store.findAttachment(req.params.id);
  if (found === undefined) return notFound(req.params.id);
  if (req.query.get('redirect') !== 'false') {
    return {
      status: 303,
      headers: { Location: `${ctx.repr.apiUrl(`attachment/content/${found.attachment.id}`)}?redirect=false` },
    };
  }
  const a = found.attachment;
  return { status: 200, raw: { contentType: a.mimeType, bytes: Buffer.from(a.contentBase64, 'base64') } };
};

const removeAttachment: Handler = (ctx, req) => {
  const found = ctx.store.findAttachment(req.params.id);
  if (found === undefined) return notFound(req.params.id);
  if (denied(ctx, 'DELETE_OWN_ATTACHMENTS', 'DELETE_ALL_ATTACHMENTS')) {
    return messages(403, 'You do not have permission to delete this attachment.');
  }
  const { issue } = found;
  issue.attachments = (issue.attachments ?? []).filter((a) => a.id !== found.attachment.id);
  issue.updated = ctx.now();
  ctx.store.persist();
  ctx.counters.attachmentsRemoved += 1;
  return { status: 204 };
};

const getAttachmentMeta: Handler = (ctx) => ({
  status: 200,
  body: { enabled: ctx.site.attachmentsEnabled, uploadLimit: ctx.site.maxAttachmentBytes },
});

export const ATTACHMENT_ROUTES: Record<string, Handler> = {
  addAttachment,
  getAttachment,
  getAttachmentContent,
  removeAttachment,
  getAttachmentMeta,
};
