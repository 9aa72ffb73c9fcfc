import type { IncidentMeta } from '../correlate/incident-meta';
import { MAX_LABELS } from '../draft/labels';
import type { IssueState, PriorityLevel, TicketFacts, TicketState } from './ports';
import type { SyncSettings } from './settings';

/**
 * What ticket-sync should do for one incident, decided without I/O: `planSync` looks at what is known (the incident,
 * the recorded ticket state, the Jira issue once read) and either decides or names the one thing it must learn
 * first. `syncIncident` (sync-incident.ts) finds that out, asks again, and carries the decision out.
 */

/** The incident as ticket-sync sees it: its META item (undefined: not stored yet) and, once drafted, its facts. */
export interface IncidentNow {
  meta: IncidentMeta | undefined;
  /** The facts the ticket would show now: known after drafting. */
  facts?: TicketFacts;
}

/** The ticket as ticket-sync sees it: what was recorded about it and, once read, the Jira issue itself. */
export interface TicketNow {
  state: TicketState;
  issue?: IssueState;
}

/** Labels to add to an issue and the priority to raise it to; empty when the issue already shows them. */
export interface Escalation {
  addLabels: string[];
  priorityName?: string;
}

/** Something the plan must learn before it can decide: the executor finds it out and plans again. */
export type SyncNeed =
  /** A comment was being posted when the last attempt stopped: ask Jira whether it took it (by its marker). */
  | { do: 'check-pending-comment'; key: string; marker: string }
  /** Load the incident's alerts and draft them: what the ticket would show now. */
  | { do: 'draft' }
  /** Read the issue from Jira: its status (closed?), labels and priority. */
  | { do: 'read-issue'; key: string }
  /**
   * The ticket is recorded but its raw-events file is still due (the last attempt stopped between the two): attach it
   * (attach-events.ts finds a file an earlier attempt uploaded by its name).
   */
  | { do: 'attach'; reason: string; key: string; version: number };

/** What to do, and why (the reason ends up in the outcome, the logs and the retry message). */
export type SyncDecision =
  /** Nothing for Jira. `syncedVersion`: record it (the version brought nothing a ticket reader would want). */
  | { do: 'nothing'; reason: string; key?: string; syncedVersion?: number }
  /** Not now: come back later (after `retryAfterMs` when known). */
  | { do: 'wait'; reason: string; retryAfterMs?: number }
  /**
   * Claim the create and open the ticket. `recover`: an earlier create claim died, so the ticket it may have opened
   * is looked up by the incident's label first (the store's conditional claim has the last word on both).
   */
  | { do: 'create'; reason: string; recover: boolean }
  /** The ticket was closed past the reopen window: open a new one linked to it. */
  | { do: 'follow-up'; reason: string; closedKey: string }
  /** The ticket was closed within the window: reopen it, comment what is new, escalate. */
  | { do: 'reopen'; reason: string; key: string; transition: string; marker: string; escalation: Escalation }
  /** Comment what is new on the open ticket, and escalate (labels, priority) where the facts call for it. */
  | { do: 'comment'; reason: string; key: string; marker: string; escalation: Escalation };

export type SyncPlan = SyncNeed | SyncDecision;

const RANK: Record<PriorityLevel, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

/**
 * The next step of syncing one incident's ticket. `now` in epoch ms. `mayDefer`: whether this delivery may be put
 * off (false on the last receives before the DLQ: an update is then posted early rather than dead-lettered).
 *
 * In order: an incident not stored yet is waited for; a permanent Jira refusal, an already synced version and a
 * false-positive verdict end it; then, with the facts drafted: no ticket → create (unless below the threshold or
 * another create holds a live claim); a closed ticket → reopen within the window, else a follow-up; an open one →
 * nothing when nothing is new, a comment coalesced per interval unless severity rose.
 */
export function planSync(
  incident: IncidentNow,
  ticket: TicketNow,
  settings: SyncSettings,
  now: number,
  mayDefer = true,
): SyncPlan {
  const { meta, facts } = incident;
  const { state, issue } = ticket;
  if (meta === undefined) {
    // The hand-off is sent just before ingest's write: usually the write is a moment away. On the last receives
    // the incident was never written (its batch was retried and its alerts correlated elsewhere): nothing to sync.
    if (!mayDefer) return { do: 'nothing', reason: 'incident never stored' };
    return { do: 'wait', reason: `incident ${state.incidentId} is not stored yet`, retryAfterMs: 2_000 };
  }
  if (state.pending !== undefined && state.ticketKey !== undefined) {
    return { do: 'check-pending-comment', key: state.ticketKey, marker: state.pending.marker };
  }
  if (state.attachmentDue !== undefined && state.ticketKey !== undefined && state.lastError === undefined) {
    // After a crash between recording the ticket and attaching its events: finish that first (it needs the alerts).
    if (facts === undefined) return { do: 'draft' };
    return {
      do: 'attach',
      reason: 'the raw-events file was due when the last attempt stopped',
      key: state.ticketKey,
      version: state.attachmentDue,
    };
  }
  if (state.lastError !== undefined && state.syncedVersion >= meta.version) {
    return { do: 'nothing', reason: `permanent Jira error recorded: ${state.lastError}` };
  }
  if (state.ticketKey !== undefined && state.syncedVersion >= meta.version) {
    return { do: 'nothing', key: state.ticketKey, reason: `version ${meta.version} already synced` };
  }
  if (meta.status === 'suppressed') return { do: 'nothing', reason: 'suppressed by a false-positive verdict' };

  if (state.ticketKey === undefined) {
    if (meta.severity < settings.ticketThreshold) {
      return {
        do: 'nothing',
        reason: `severity ${meta.severity} is below the ticket threshold ${settings.ticketThreshold}`,
      };
    }
    const claimedAt = state.claimedAt === undefined ? undefined : Date.parse(state.claimedAt);
    const live = claimedAt !== undefined && claimedAt >= now - settings.staleClaimMs;
    // Before drafting: while another invocation holds a live claim, there is nothing to draft for.
    if (live) return claimHeld(state, settings, now);
    if (facts === undefined) return { do: 'draft' };
    return claimedAt !== undefined
      ? { do: 'create', reason: 'an earlier create died: look its ticket up by label first', recover: true }
      : { do: 'create', reason: 'new incident', recover: false };
  }

  if (facts === undefined) return { do: 'draft' };
  if (issue === undefined) return { do: 'read-issue', key: state.ticketKey };
  const marker = commentMarker(meta.incidentId, meta.version);
  if (issue.statusCategory === 'done') {
    const closedAt = Date.parse(state.closedAt ?? issue.updated ?? new Date(now).toISOString());
    if (now - closedAt <= settings.reopenWindowMs) {
      return {
        do: 'reopen',
        reason: 'new alerts within the reopen window',
        key: issue.key,
        transition: settings.reopenTransition,
        marker,
        escalation: escalation(issue, facts, settings),
      };
    }
    return { do: 'follow-up', reason: `${issue.key} was closed past the reopen window`, closedKey: issue.key };
  }

  if (!changed(state.synced, facts)) {
    return { do: 'nothing', key: issue.key, reason: 'nothing new for the ticket', syncedVersion: meta.version };
  }
  const severityRose = state.synced !== undefined && facts.severity > state.synced.severity;
  const since = state.lastCommentAt === undefined ? Infinity : now - Date.parse(state.lastCommentAt);
  if (since < settings.commentIntervalMs && !severityRose && mayDefer) {
    // Coalesce: come back when the interval is over; the comment will then carry everything new since.
    return {
      do: 'wait',
      reason: `ticket ${issue.key}: update coalesced`,
      retryAfterMs: settings.commentIntervalMs - since,
    };
  }
  return {
    do: 'comment',
    reason: severityRose ? 'severity rose' : 'new evidence',
    key: issue.key,
    marker,
    escalation: escalation(issue, facts, settings),
  };
}

/**
 * Why a create claim was refused, as a wait: the ticket was just recorded (the next delivery updates it), or another
 * create holds a live claim (come back when it would be stale). `state` is what the refusing store holds.
 */
export function claimHeld(state: TicketState, settings: SyncSettings, now: number): SyncDecision & { do: 'wait' } {
  if (state.ticketKey !== undefined) {
    return {
      do: 'wait',
      reason: `incident ${state.incidentId}: ticket ${state.ticketKey} was just recorded`,
      retryAfterMs: 1_000,
    };
  }
  const age = now - (state.claimedAt === undefined ? now : Date.parse(state.claimedAt));
  return {
    do: 'wait',
    reason: `incident ${state.incidentId}: another create is in progress`,
    retryAfterMs: Math.max(1_000, settings.staleClaimMs - age),
  };
}

/** The line a comment carries so a retry can tell whether Jira already took it. */
export function commentMarker(incidentId: string, version: number): string {
  return `alert-to-ticket ${incidentId} v${version}`;
}

/** The facts a ticket shows for `meta`, with the labels and priority the draft gave it. */
export function factsOf(meta: IncidentMeta, labels: string[], priority: PriorityLevel): TicketFacts {
  return {
    alertCount: meta.alertCount,
    duplicates: meta.duplicates,
    hosts: [...meta.hosts],
    users: [...meta.users],
    techniques: [...meta.techniques],
    iocs: meta.iocs.map((i) => ({ type: i.type, value: i.value, defanged: i.defanged })),
    severity: meta.severity,
    priority,
    labels: [...labels],
  };
}

/**
 * Labels the issue lacks, and the priority to raise it to. Escalate only: a priority an analyst lowered, or set to a
 * name we do not map, is raised only by a higher level.
 */
export function escalation(
  issue: Pick<IssueState, 'labels' | 'priorityName'>,
  facts: TicketFacts,
  settings: Pick<SyncSettings, 'priorityNames'>,
): Escalation {
  const names = settings.priorityNames;
  const wanted = facts.priority;
  // A ticket carries at most MAX_LABELS labels (each one a JQL pivot): an update adds only while there is room.
  const room = Math.max(0, MAX_LABELS - issue.labels.length);
  const addLabels = facts.labels.filter((l) => !issue.labels.includes(l)).slice(0, room);
  const current = (Object.keys(names) as PriorityLevel[]).find((p) => names[p] === issue.priorityName);
  const raise = current === undefined || RANK[wanted] < RANK[current];
  return raise && names[wanted] !== issue.priorityName ? { addLabels, priorityName: names[wanted] } : { addLabels };
}

/** Something an analyst would want to hear about (duplicates alone are not news). */
export function changed(prev: TicketFacts | undefined, next: TicketFacts): boolean {
  if (prev === undefined) return true;
  const grew = (a: string[], b: string[]) => b.some((x) => !a.includes(x));
  return (
    next.alertCount > prev.alertCount ||
    next.severity > prev.severity ||
    grew(prev.hosts, next.hosts) ||
    grew(prev.users, next.users) ||
    grew(prev.techniques, next.techniques) ||
    grew(prev.iocs.map(iocKey), next.iocs.map(iocKey)) ||
    grew(prev.labels, next.labels)
  );
}

const iocKey = (i: { type: string; value: string }): string => `${i.type}#${i.value.toLowerCase()}`;
