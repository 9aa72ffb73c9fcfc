import { DEFAULT_ATTACHMENT_MAX_BYTES } from '../draft/limits';
import { RAW_EVENTS_FILE_PREFIX, rawEventsFile } from '../draft/raw-evidence';
import type { RawEventsFile } from '../draft/raw-evidence';
import { PermanentError, RetryableError } from '../errors';
import type { IncidentView } from '../model/incident';
import { AttachmentTooLargeError } from './ports';
import type { AttachmentInfo, TicketGateway, TicketState } from './ports';

/**
 * The raw-events attachment of a ticket, exactly once. The file's name carries a hash of its content
 * (`raw-events-3f9a1c2b.xml`), so the name itself is the idempotency key: before uploading, the files are
 * listed (a consistent read, unlike search) and a file of that name means an earlier attempt already uploaded it.
 * After the upload every other `raw-events-*` file is deleted, so the ticket shows one file, the newest. A crash at
 * any point leaves at most one extra file, which the retry deletes; it never uploads the same content twice. Two
 * invocations racing on one incident (FIFO order normally prevents it) may both upload: both then keep the copy with
 * the lowest id.
 *
 * Why a new name per content rather than one fixed name: Jira keeps same-named files side by side, so with one name a
 * retry after "uploaded, old one not yet deleted" could not tell which of two `raw-events.xml` is current.
 */

/** Sizes tried after Jira refuses a file as too large: each a quarter of the last, down to 64 KB. */
const SHRINK_FACTOR = 4;
const MIN_BYTES = 64 * 1024;

/** What the ticket got, recorded on the ticket state (`TicketState.attachment`). */
export type AttachmentRecord = NonNullable<TicketState['attachment']>;

/** Whether the gateway can attach files at all: a fake or a dry run may not. */
export function canAttach(jira: TicketGateway): boolean {
  return jira.listAttachments !== undefined && jira.addAttachment !== undefined && jira.removeAttachment !== undefined;
}

/**
 * Attach the incident's raw events to issue `key` (or find that an earlier attempt did), and remove the files it
 * replaces. Never fails the ticket on the file's account: a file Jira refuses as too large is cut further; a
 * permanent refusal (no permission to attach) is returned as a `note`. Transient failures (429, 5xx, timeouts)
 * are thrown for the queue to retry.
 */
export async function attachRawEvents(
  key: string,
  view: IncidentView,
  version: number,
  jira: TicketGateway,
  maxBytes: number = DEFAULT_ATTACHMENT_MAX_BYTES,
): Promise<AttachmentRecord> {
  if (!canAttach(jira)) return { version, events: 0, note: 'this Jira gateway cannot attach files' };
  const siteLimit = await jira.attachmentLimit?.();
  let limit = Math.min(maxBytes, typeof siteLimit === 'number' && siteLimit > 0 ? siteLimit : Infinity);
  let file = build(view, limit);
  if (file.events === 0 && file.notLoaded === 0) return { version, events: 0, note: 'no events to attach' };
  let ours = await rawFiles(jira, key);
  let uploaded: AttachmentInfo | undefined;
  if (!ours.some((a) => a.filename === file.fileName)) {
    for (;;) {
      try {
        const upload = { fileName: file.fileName, mediaType: file.mediaType, content: file.content };
        uploaded = await jira.addAttachment!(key, upload);
        break;
      } catch (err) {
        if (err instanceof AttachmentTooLargeError && limit > MIN_BYTES) {
          // The site's limit is below what it reported (or it reported none): cut further rather than fail the ticket.
          limit = Math.max(MIN_BYTES, Math.floor(Math.min(limit, file.bytes) / SHRINK_FACTOR));
          file = build(view, limit);
          if (ours.some((a) => a.filename === file.fileName)) break;
          continue;
        }
        if (err instanceof PermanentError) return { version, events: 0, note: `not attached: ${err.message}` };
        throw err;
      }
    }
    // Read again: an invocation racing this one (a redrive beside the original delivery) may have uploaded the same
    // file. Both keep the copy with the lowest id and delete the rest, so they agree and one copy stays.
    ours = await rawFiles(jira, key);
  }
  // Jira's answer stands in when the read does not list the file yet (or, in a dry run, at all).
  const kept = ours.filter((a) => a.filename === file.fileName).sort(byId)[0] ?? uploaded;
  if (kept === undefined) {
    throw new RetryableError(`Jira does not list ${file.fileName} on ${key}`, { key });
  }
  await removeOthers(ours, kept, jira);
  return { file: file.fileName, version, events: file.events };
}

/** Our files on the issue (the `raw-events-` prefix): an analyst's own attachments are never touched. */
async function rawFiles(jira: TicketGateway, key: string): Promise<AttachmentInfo[]> {
  return (await jira.listAttachments!(key)).filter((a) => a.filename.startsWith(RAW_EVENTS_FILE_PREFIX));
}

/** Oldest first: Jira's attachment ids are increasing numbers. */
function byId(a: AttachmentInfo, b: AttachmentInfo): number {
  return a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function build(view: IncidentView, maxBytes: number): RawEventsFile {
  return rawEventsFile({ incidentId: view.incidentId, alerts: view.alerts, alertCount: view.alertCount }, { maxBytes });
}

/** Every earlier raw-events file, and any second copy of the current one, goes: the ticket shows one file. */
async function removeOthers(ours: AttachmentInfo[], kept: AttachmentInfo, jira: TicketGateway): Promise<void> {
  for (const old of ours) {
    if (old.id === kept.id) continue;
    try {
      await jira.removeAttachment!(old.id);
    } catch (err) {
      // Already gone (an earlier attempt removed it, or an analyst did): nothing left to do for it.
      if (!(err instanceof PermanentError)) throw err;
    }
  }
}
