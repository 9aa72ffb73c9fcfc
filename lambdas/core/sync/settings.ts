import type { CustomFieldSource } from './jira-fields';
import type { PriorityLevel } from './ports';

/**
 * What ticket-sync is configured with. Built and validated in one place, `ticketSyncSettings` in
 * lambdas/adapters/config.ts, which also holds every default: the handler, the CLI, the bench and the tests all get
 * their settings from it, so none of them can drift from what the stack deploys.
 */
export interface SyncSettings {
  projectKey: string;
  issueTypeName: string;
  /** P1–P4 → the site's priority names. */
  priorityNames: Record<PriorityLevel, string>;
  components: string[];
  /** Jira custom field id → what to put in it: `severity` (0–100) or `incidentId` (see jira-fields.ts). */
  customFields: Record<string, CustomFieldSource>;
  /**
   * An incident below this severity gets no ticket (ingest does not hand it off; a re-driven or replayed hand-off
   * must not open one either). A ticket that exists is kept up to date whatever the severity.
   */
  ticketThreshold: number;
  /** At most one update comment per ticket per interval, unless severity rises. */
  commentIntervalMs: number;
  /** A closed ticket that gets new alerts within this window is reopened; after it, a follow-up is created. */
  reopenWindowMs: number;
  reopenTransition: string;
  linkType: string;
  /**
   * A create claim older than this is presumed dead (crashed). Jira search is not read-after-write consistent,
   * so recovery must not run before search has caught up with a create the dead owner may have made.
   */
  staleClaimMs: number;
  /** Alerts loaded for drafting (a sample beyond it: the first and the latest). */
  maxAlerts: number;
  /**
   * Look the incident's ticket up by label before every create, not only after a dead claim. For runs whose table
   * starts empty against a real site (`a2t replay --jira env`), so a second run finds the first run's tickets.
   */
  lookupBeforeCreate?: boolean;
  /**
   * The largest raw-events attachment, bytes (default `DEFAULT_ATTACHMENT_MAX_BYTES`, 10 MB); a site whose own limit
   * is lower gets a file cut to its limit.
   */
  attachmentMaxBytes?: number;
}
