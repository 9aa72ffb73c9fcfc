import type { IncidentMeta } from '../correlate/incident-meta';
import type { IncidentView } from '../model/incident';
import type { AdfDoc } from '../render/adf-nodes';
import type { IncidentSnapshot } from '../render/delta';
import { PermanentError } from '../errors';

export interface CreateIssueInput {
  projectKey: string;
  issueTypeName: string;
  summary: string;
  description: AdfDoc;
  labels: string[];
  priorityName: string;
  components?: string[];
  customFields?: Record<string, unknown>;
}

export interface IssueState {
  key: string;
  status: string;
  statusCategory: 'new' | 'indeterminate' | 'done';
  resolution?: string;
  labels: string[];
  priorityName?: string;
  updated?: string;
}

/** Jira as ticket-sync needs it (implemented with jira.js in lambdas/adapters/jira/gateway.ts). */
export interface TicketGateway {
  createIssue(input: CreateIssueInput): Promise<{ key: string; id: string }>;
  findByLabel(projectKey: string, label: string): Promise<{ key: string; status: string; created?: string }[]>;
  getIssue(key: string): Promise<IssueState>;
  addComment(key: string, body: AdfDoc): Promise<void>;
  updateIssue(key: string, change: { addLabels?: string[]; priorityName?: string }): Promise<void>;
  /** Throws {@link TransitionUnavailableError} when the issue's workflow offers no transition of that name now. */
  transition(key: string, transitionName: string): Promise<void>;
  linkIssues(inwardKey: string, outwardKey: string, typeName: string): Promise<void>;
  /** Whether one of the issue's latest comments contains `marker` (reads are consistent, unlike search). */
  hasComment(key: string, marker: string): Promise<boolean>;
  /**
   * The issue's attachments (`fields.attachment`, a consistent read). The four attachment methods come together: a
   * gateway without them (a test fake, a dry run) tickets without the raw-events file.
   */
  listAttachments?(key: string): Promise<AttachmentInfo[]>;
  /**
   * Uploads one file (multipart, `X-Atlassian-Token: no-check`). Throws {@link AttachmentTooLargeError} on Jira's
   * 413. Not retried after an ambiguous failure: the retry lists the issue's files first.
   */
  addAttachment?(key: string, file: AttachmentUpload): Promise<AttachmentInfo>;
  removeAttachment?(id: string): Promise<void>;
  /** The largest file the site accepts (`/attachment/meta` uploadLimit), undefined when the site does not say. */
  attachmentLimit?(): Promise<number | undefined>;
}

/** A file on an issue, as Jira lists it. */
export interface AttachmentInfo {
  id: string;
  filename: string;
  size?: number;
}

/** A file to attach: its name, media type and text (sent as UTF-8). */
export interface AttachmentUpload {
  fileName: string;
  mediaType: string;
  content: string;
}

/** What ticket-sync has done for an incident: the `INC#<id> / TICKET` item. */
export interface TicketState {
  incidentId: string;
  ticketKey?: string;
  /** Tickets this incident had before (closed past the reopen window). */
  previousKeys: string[];
  /** Create claim: who is creating the ticket and since when (crash recovery looks the ticket up by label). */
  claimOwner?: string;
  claimedAt?: string;
  syncedVersion: number;
  /** The facts the ticket last showed, so an update comment says only what is new. */
  synced?: TicketFacts;
  lastCommentAt?: string;
  /** From the webhook or the last read of the issue. */
  statusCategory?: string;
  resolution?: string;
  closedAt?: string;
  /** A comment being posted: if we die after Jira took it, the retry finds its marker instead of posting twice. */
  pending?: { marker: string; facts: TicketFacts; at: string };
  /** A permanent Jira refusal (400): recorded on the incident, not retried. */
  lastError?: string;
  /**
   * The raw-events file is due on the ticket, as of this incident version: set in the same write that records the
   * key (or the update), cleared once the file is attached, so a crash in between is finished by the retry.
   */
  attachmentDue?: number;
  /** The raw-events file the ticket has: its name and the incident version it holds; `note` when it could not be. */
  attachment?: { file?: string; version: number; events: number; note?: string };
}

/** The facts a ticket shows, compared between syncs: the renderer's snapshot plus what sync itself manages. */
export type TicketFacts = IncidentSnapshot & { duplicates: number; labels: string[] };

export interface TicketStore {
  loadMeta(incidentId: string): Promise<IncidentMeta | undefined>;
  /** META plus a sample of its alerts (first and last ones), ready for drafting. */
  loadView(incidentId: string, maxAlerts: number): Promise<IncidentView | undefined>;
  loadTicket(incidentId: string): Promise<TicketState | undefined>;
  /**
   * Conditional: claim the create if there is no ticket and no claim younger than `staleBefore`.
   * Returns the state found when the claim is refused.
   */
  claimCreate(incidentId: string, owner: string, now: string, staleBefore: string): Promise<ClaimResult>;
  saveTicket(state: TicketState): Promise<void>;
}

/** `recovering`: an earlier claim went stale (a crash between claim and record): look the ticket up first. */
export type ClaimResult = { claimed: true; recovering: boolean } | { claimed: false; state: TicketState };

export type PriorityLevel = 'P1' | 'P2' | 'P3' | 'P4';

/** The drafting stage as ticket-sync uses it (lambdas/core/draft + render behind it). */
export interface Drafter {
  draft(view: IncidentView): { summary: string; description: AdfDoc; labels: string[]; priority: PriorityLevel };
  updateComment(prev: TicketFacts | undefined, next: TicketFacts, view: IncidentView, marker: string): AdfDoc;
  reopenComment(prev: TicketFacts | undefined, next: TicketFacts, view: IncidentView, marker: string): AdfDoc;
}

/**
 * The workflow offers no transition of the configured name on the issue (a site without `Reopen`, or a status it is
 * not offered from): ticket-sync opens a linked follow-up instead of failing the update.
 */
export class TransitionUnavailableError extends PermanentError {}

/** Jira refused a file as too large (413): the sync cuts the file further rather than fail the ticket. */
export class AttachmentTooLargeError extends PermanentError {}
