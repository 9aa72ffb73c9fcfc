import { PermanentError, RetryableError } from '../errors';
import type { IncidentMeta } from '../correlate/incident-meta';
import { incidentLabel } from '../model/labels';
import type {
  AdfDoc,
  Drafter,
  IssueState,
  PriorityLevel,
  TicketFacts,
  TicketGateway,
  TicketState,
  TicketStore,
} from './ports';

export interface SyncSettings {
  projectKey: string;
  issueTypeName: string;
  /** P1–P4 → the site's priority names. */
  priorityNames: Record<PriorityLevel, string>;
  components: string[];
  /** Jira custom field id → what to put in it: `severity` (0–100) or `incidentId`. */
  customFields: Record<string, 'severity' | 'incidentId'>;
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
}

export const DEFAULT_SYNC: Omit<SyncSettings, 'projectKey' | 'issueTypeName'> = {
  priorityNames: { P1: 'Highest', P2: 'High', P3: 'Medium', P4: 'Low' },
  components: [],
  customFields: {},
  commentIntervalMs: 5 * 60_000,
  reopenWindowMs: 7 * 86_400_000,
  reopenTransition: 'Reopen',
  linkType: 'Relates',
  staleClaimMs: 120_000,
  maxAlerts: 200,
};

export type SyncAction = 'created' | 'updated' | 'reopened' | 'followup' | 'reconciled' | 'noop';

export interface SyncOutcome {
  action: SyncAction;
  incidentId: string;
  key?: string;
  reason: string;
}

export interface SyncDeps {
  store: TicketStore;
  jira: TicketGateway;
  drafter: Drafter;
  settings: SyncSettings;
  /** Identifies this invocation in create claims. */
  owner: string;
  /**
   * Whether a coalesced update may be put off. Every deferral is a receive, so the caller says no on the last
   * receives before the DLQ: the update is then posted early rather than dead-lettered.
   */
  mayDefer?: boolean;
  now?: () => number;
}

const RANK: Record<PriorityLevel, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

/**
 * Bring one incident's Jira ticket up to date, exactly once:
 * - no ticket: claim the create (conditional write), look the ticket up by its incident label when recovering
 *   from a dead claim, create it with that label, record the key;
 * - a ticket: comment only what is new (coalesced per interval unless severity rises), add labels, raise priority;
 *   never rewrite summary or description (an analyst may have edited them);
 * - a closed ticket: reopen within the window, else open a follow-up linked to it.
 * Throws RetryableError (with the wait) to defer, PermanentError when Jira refuses the content.
 */
export async function syncIncident(incidentId: string, deps: SyncDeps): Promise<SyncOutcome> {
  const now = deps.now ?? Date.now;
  const { store, settings } = deps;
  const meta = await store.loadMeta(incidentId);
  // The hand-off is sent just before ingest's write lands: wait for it rather than sync nothing.
  if (meta === undefined) {
    // The hand-off is sent just before ingest's write: usually the write is a moment away. On the last receives
    // the incident was never written (its batch was retried and its alerts correlated elsewhere): nothing to sync.
    if (deps.mayDefer === false) return { action: 'noop', incidentId, reason: 'incident never stored' };
    throw new RetryableError(`incident ${incidentId} is not stored yet`, { incidentId }, { retryAfterMs: 2_000 });
  }
  let ticket: TicketState = (await store.loadTicket(incidentId)) ?? { incidentId, previousKeys: [], syncedVersion: 0 };
  if (ticket.pending !== undefined && ticket.ticketKey !== undefined) {
    // An interrupted comment: if Jira has it, it counts as synced; either way the pending mark is settled.
    const posted = await deps.jira.hasComment(ticket.ticketKey, ticket.pending.marker);
    ticket = posted
      ? { ...ticket, synced: ticket.pending.facts, lastCommentAt: ticket.pending.at, pending: undefined }
      : { ...ticket, pending: undefined };
  }
  if (ticket.lastError !== undefined && ticket.syncedVersion >= meta.version) {
    return { action: 'noop', incidentId, reason: `permanent Jira error recorded: ${ticket.lastError}` };
  }
  if (ticket.ticketKey !== undefined && ticket.syncedVersion >= meta.version) {
    return { action: 'noop', incidentId, key: ticket.ticketKey, reason: `version ${meta.version} already synced` };
  }
  if (meta.status === 'suppressed')
    return { action: 'noop', incidentId, reason: 'suppressed by a false-positive verdict' };

  const view = await store.loadView(incidentId, settings.maxAlerts);
  if (view === undefined) throw new RetryableError(`incident ${incidentId} has no alerts stored yet`, { incidentId });
  const draft = deps.drafter.draft(view);
  const facts = factsOf(meta, draft.labels, draft.priority);

  try {
    if (ticket.ticketKey === undefined) return await create(ticket, meta, draft, facts, deps, undefined);
    const issue = await deps.jira.getIssue(ticket.ticketKey);
    const marker = `alert-to-ticket ${incidentId} v${meta.version}`;
    if (issue.statusCategory === 'done') {
      const closedAt = Date.parse(ticket.closedAt ?? issue.updated ?? new Date(now()).toISOString());
      if (now() - closedAt <= settings.reopenWindowMs) {
        await deps.jira.transition(issue.key, settings.reopenTransition);
        const body = deps.drafter.reopenComment(ticket.synced, facts, view, marker);
        await publishUpdate(ticket, issue, body, marker, facts, meta.version, deps, {
          statusCategory: 'new',
          closedAt: undefined,
        });
        return { action: 'reopened', incidentId, key: issue.key, reason: 'new alerts within the reopen window' };
      }
      const followUp: TicketState = {
        ...ticket,
        ticketKey: undefined,
        previousKeys: [...ticket.previousKeys, issue.key],
        synced: undefined,
        lastCommentAt: undefined,
        closedAt: undefined,
      };
      await store.saveTicket(followUp);
      return await create(followUp, meta, draft, facts, deps, issue.key);
    }

    if (!changed(ticket.synced, facts)) {
      await store.saveTicket({ ...ticket, syncedVersion: meta.version });
      return { action: 'noop', incidentId, key: issue.key, reason: 'nothing new for the ticket' };
    }
    const severityRose = ticket.synced !== undefined && facts.severity > ticket.synced.severity;
    const since = ticket.lastCommentAt === undefined ? Infinity : now() - Date.parse(ticket.lastCommentAt);
    if (since < settings.commentIntervalMs && !severityRose && deps.mayDefer !== false) {
      // Coalesce: come back when the interval is over; the comment will then carry everything new since.
      throw new RetryableError(
        `ticket ${issue.key}: update coalesced`,
        { incidentId },
        { retryAfterMs: settings.commentIntervalMs - since },
      );
    }
    const body = deps.drafter.updateComment(ticket.synced, facts, view, marker);
    await publishUpdate(ticket, issue, body, marker, facts, meta.version, deps);
    return { action: 'updated', incidentId, key: issue.key, reason: severityRose ? 'severity rose' : 'new evidence' };
  } catch (err) {
    if (err instanceof PermanentError) {
      // Recorded on the incident; this version is not retried (no retry storm on a 400).
      await store.saveTicket({
        ...ticket,
        ...(await store.loadTicket(incidentId)),
        syncedVersion: meta.version,
        lastError: err.message,
      });
    }
    throw err;
  }
}

async function create(
  ticket: TicketState,
  meta: IncidentMeta,
  draft: { summary: string; description: AdfDoc; labels: string[]; priority: PriorityLevel },
  facts: TicketFacts,
  deps: SyncDeps,
  followUpOf: string | undefined,
): Promise<SyncOutcome> {
  const now = deps.now ?? Date.now;
  const { settings, store, jira } = deps;
  const incidentId = meta.incidentId;
  const claim = await store.claimCreate(incidentId, deps.owner, iso(now()), iso(now() - settings.staleClaimMs));
  if (!claim.claimed) {
    if (claim.state.ticketKey !== undefined) {
      throw new RetryableError(
        `incident ${incidentId}: ticket ${claim.state.ticketKey} was just recorded`,
        { incidentId },
        { retryAfterMs: 1_000 },
      );
    }
    const age = now() - Date.parse(claim.state.claimedAt ?? iso(now()));
    throw new RetryableError(
      `incident ${incidentId}: another create is in progress`,
      { incidentId },
      { retryAfterMs: Math.max(1_000, settings.staleClaimMs - age) },
    );
  }
  const label = incidentLabel(incidentId);
  if (claim.recovering) {
    // A dead owner may have created the issue before it could record the key: find it by the incident's label.
    const found = (await jira.findByLabel(settings.projectKey, label)).filter(
      (i) => !ticket.previousKeys.includes(i.key),
    );
    if (found.length > 0) {
      const key = found[0].key;
      await store.saveTicket(recorded(ticket, key, meta.version, facts));
      return { action: 'reconciled', incidentId, key, reason: 'found the ticket an interrupted create had opened' };
    }
  }
  const labels = [...new Set([...draft.labels, label])];
  const customFields: Record<string, unknown> = {};
  for (const [field, what] of Object.entries(settings.customFields))
    customFields[field] = what === 'severity' ? meta.severity : incidentId;
  let created: { key: string };
  try {
    created = await jira.createIssue({
      projectKey: settings.projectKey,
      issueTypeName: settings.issueTypeName,
      summary: draft.summary,
      description: draft.description,
      labels,
      priorityName: settings.priorityNames[draft.priority],
      ...(settings.components.length > 0 ? { components: settings.components } : {}),
      ...(Object.keys(customFields).length > 0 ? { customFields } : {}),
    });
  } catch (err) {
    // Jira proved nothing was created (400, 429, 503…): release the claim so the retry need not wait it out or
    // search. Anything else (a timeout, a 500, an error we cannot classify) keeps the claim, as a crash would: the
    // create may have happened, and the retry reconciles by label.
    const provenNotCreated =
      err instanceof PermanentError || (err instanceof RetryableError && err.context.ambiguous !== true);
    if (provenNotCreated) await store.saveTicket({ ...ticket, claimOwner: undefined, claimedAt: undefined });
    throw err;
  }
  const { key } = created;
  await store.saveTicket(recorded(ticket, key, meta.version, facts));
  if (followUpOf !== undefined) {
    await jira.linkIssues(key, followUpOf, settings.linkType);
    return { action: 'followup', incidentId, key, reason: `${followUpOf} was closed past the reopen window` };
  }
  return { action: 'created', incidentId, key, reason: 'new incident' };
}

/** The ticket state once its key is known: the claim released, the version and facts it shows recorded. */
function recorded(ticket: TicketState, key: string, version: number, facts: TicketFacts): TicketState {
  return {
    ...ticket,
    ticketKey: key,
    claimOwner: undefined,
    claimedAt: undefined,
    syncedVersion: version,
    synced: facts,
    lastError: undefined,
  };
}

/** Comment, add labels and raise priority, then record what the ticket now shows. */
async function publishUpdate(
  ticket: TicketState,
  issue: IssueState,
  body: AdfDoc,
  marker: string,
  facts: TicketFacts,
  version: number,
  deps: SyncDeps,
  extra: Partial<TicketState> = {},
): Promise<void> {
  await postComment(ticket, issue.key, body, marker, facts, deps);
  await escalate(issue.key, issue.labels, issue.priorityName, facts, deps);
  await deps.store.saveTicket({
    ...ticket,
    syncedVersion: version,
    synced: facts,
    lastCommentAt: new Date((deps.now ?? Date.now)()).toISOString(),
    lastError: undefined,
    pending: undefined,
    ...extra,
  });
}

/** Mark, post, and let the caller record: a crash in between leaves a mark the retry resolves. */
async function postComment(
  ticket: TicketState,
  key: string,
  body: AdfDoc,
  marker: string,
  facts: TicketFacts,
  deps: SyncDeps,
): Promise<void> {
  const at = new Date((deps.now ?? Date.now)()).toISOString();
  await deps.store.saveTicket({ ...ticket, pending: { marker, facts, at } });
  await deps.jira.addComment(key, body);
}

async function escalate(
  key: string,
  issueLabels: string[],
  issuePriority: string | undefined,
  facts: TicketFacts,
  deps: SyncDeps,
): Promise<void> {
  const names = deps.settings.priorityNames;
  const addLabels = facts.labels.filter((l) => !issueLabels.includes(l));
  const current = (Object.keys(names) as PriorityLevel[]).find((p) => names[p] === issuePriority);
  // Escalate only: a priority an analyst lowered or set to a name we do not map is raised only by a higher level.
  const raise = current === undefined || RANK[facts.priority as PriorityLevel] < RANK[current];
  const priorityName =
    raise && names[facts.priority as PriorityLevel] !== issuePriority
      ? names[facts.priority as PriorityLevel]
      : undefined;
  if (addLabels.length > 0 || priorityName !== undefined) {
    await deps.jira.updateIssue(key, {
      ...(addLabels.length > 0 ? { addLabels } : {}),
      ...(priorityName !== undefined ? { priorityName } : {}),
    });
  }
}

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

/** Something an analyst would want to hear about (duplicates alone are not news). */
function changed(prev: TicketFacts | undefined, next: TicketFacts): boolean {
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

const iso = (ms: number): string => new Date(ms).toISOString();
