import { PermanentError, RetryableError } from '../errors';
import type { IncidentMeta } from '../correlate/incident-meta';
import type { IncidentView } from '../model/incident';
import { incidentLabel } from '../model/labels';
import type { AdfDoc } from '../render/adf-nodes';
import { attachRawEvents, canAttach } from './attach-events';
import { TicketCapReachedError } from './budget';
import type { TicketBudget } from './budget';
import { customFieldValues } from './jira-fields';
import { claimHeld, factsOf, planSync } from './plan';
import type { Escalation, IncidentNow, SyncDecision, TicketNow } from './plan';
import { TransitionUnavailableError } from './ports';
import type { Drafter, PriorityLevel, TicketFacts, TicketGateway, TicketState, TicketStore } from './ports';
import type { SyncSettings } from './settings';

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
  /** The cap on tickets created per hour (budget.ts); none: no cap. */
  budget?: TicketBudget;
}

/** The incident drafted for its ticket: the view it was drafted from and the draft. */
interface Drafted {
  meta: IncidentMeta;
  view: IncidentView;
  draft: { summary: string; description: AdfDoc; labels: string[]; priority: PriorityLevel };
  facts: TicketFacts;
}

/**
 * `planSync` asks for at most four things (a pending comment, the draft, a due attachment, the issue): a fifth ask is
 * a bug.
 */
const MAX_STEPS = 5;

/**
 * Bring one incident's Jira ticket up to date, exactly once. What to do is decided by `planSync` (plan.ts, pure);
 * this function finds out what the plan asks for (a pending comment's fate, the draft, the Jira issue), plans again,
 * and carries the decision out:
 * - create: claim the create (conditional write), look the ticket up by its incident label when recovering from a
 *   dead claim, create it with that label, record the key;
 * - comment: comment only what is new, add labels, raise priority; never rewrite summary or description (an analyst
 *   may have edited them);
 * - reopen / follow-up: reopen a ticket closed within the window, else open a follow-up linked to it; a workflow
 *   that offers no reopen transition gets the linked follow-up too.
 * Throws RetryableError (with the wait) to defer, PermanentError when Jira refuses the content.
 */
export async function syncIncident(incidentId: string, deps: SyncDeps): Promise<SyncOutcome> {
  const now = deps.now ?? Date.now;
  const { store, settings } = deps;
  const incident: IncidentNow = { meta: await store.loadMeta(incidentId) };
  // The ticket state matters only once the incident is stored.
  const stored = incident.meta === undefined ? undefined : await store.loadTicket(incidentId);
  const ticket: TicketNow = { state: stored ?? { incidentId, previousKeys: [], syncedVersion: 0 } };
  let drafted: Drafted | undefined;
  try {
    for (let step = 0; step < MAX_STEPS; step++) {
      const plan = planSync(incident, ticket, settings, now(), deps.mayDefer !== false);
      switch (plan.do) {
        case 'check-pending-comment': {
          // An interrupted comment: if Jira has it, it counts as synced; either way the pending mark is settled.
          const { pending, ...state } = ticket.state;
          const posted = await deps.jira.hasComment(plan.key, plan.marker);
          ticket.state =
            posted && pending !== undefined
              ? { ...state, synced: pending.facts, lastCommentAt: pending.at, pending: undefined }
              : { ...state, pending: undefined };
          break;
        }
        case 'draft': {
          const { meta } = incident;
          if (meta === undefined) throw new Error(`planSync asked to draft ${incidentId}, which is not stored`);
          const view = await store.loadView(incidentId, settings.maxAlerts);
          if (view === undefined)
            throw new RetryableError(`incident ${incidentId} has no alerts stored yet`, { incidentId });
          const draft = deps.drafter.draft(view);
          drafted = { meta, view, draft, facts: factsOf(meta, draft.labels, draft.priority) };
          incident.facts = drafted.facts;
          break;
        }
        case 'read-issue':
          ticket.issue = await deps.jira.getIssue(plan.key);
          break;
        case 'attach': {
          if (drafted === undefined) throw new Error(`planSync asked to attach for ${incidentId} before drafting it`);
          ticket.state = await attachAndRecord(ticket.state, plan.key, plan.version, drafted.view, deps);
          break;
        }
        default:
          return await carryOut(plan, incidentId, ticket.state, drafted, deps);
      }
    }
    throw new Error(`planSync for ${incidentId} kept asking after ${MAX_STEPS} steps`);
  } catch (err) {
    if (err instanceof PermanentError && drafted !== undefined) {
      // Jira refused this version's content: recorded on the incident, and this version is not retried (no retry
      // storm on a 400).
      await store.saveTicket({
        ...ticket.state,
        ...(await store.loadTicket(incidentId)),
        syncedVersion: drafted.meta.version,
        lastError: err.message,
      });
    }
    throw err;
  }
}

/** The decision, done. Every branch but `nothing` and `wait` acts on a drafted incident. */
async function carryOut(
  plan: SyncDecision,
  incidentId: string,
  ticket: TicketState,
  drafted: Drafted | undefined,
  deps: SyncDeps,
): Promise<SyncOutcome> {
  if (plan.do === 'nothing') {
    if (plan.syncedVersion !== undefined) await deps.store.saveTicket({ ...ticket, syncedVersion: plan.syncedVersion });
    return { action: 'noop', incidentId, ...(plan.key !== undefined ? { key: plan.key } : {}), reason: plan.reason };
  }
  if (plan.do === 'wait') {
    throw new RetryableError(plan.reason, { incidentId }, { retryAfterMs: plan.retryAfterMs });
  }
  if (drafted === undefined) throw new Error(`planSync decided to ${plan.do} ${incidentId} before drafting it`);
  const { meta, view, facts } = drafted;
  switch (plan.do) {
    case 'create': {
      const { key, found, state } = await create(ticket, drafted, deps, plan.recover);
      await attachAndRecord(state, key, meta.version, view, deps);
      if (found) return { action: 'reconciled', incidentId, key, reason: FOUND };
      return { action: 'created', incidentId, key, reason: plan.reason };
    }
    case 'follow-up':
      return followUp(ticket, plan.closedKey, plan.reason, drafted, deps);
    case 'reopen': {
      try {
        await deps.jira.transition(plan.key, plan.transition);
      } catch (err) {
        if (!(err instanceof TransitionUnavailableError)) throw err;
        // The site's workflow cannot reopen (no such transition, or not from this status): a linked follow-up
        // carries the new alerts instead, as after the reopen window.
        return followUp(ticket, plan.key, `${err.message}: a linked follow-up instead`, drafted, deps);
      }
      const body = deps.drafter.reopenComment(ticket.synced, facts, view, plan.marker);
      await publishUpdate(ticket, plan, body, facts, meta.version, view, deps, {
        statusCategory: 'new',
        closedAt: undefined,
      });
      return { action: 'reopened', incidentId, key: plan.key, reason: plan.reason };
    }
    case 'comment': {
      const body = deps.drafter.updateComment(ticket.synced, facts, view, plan.marker);
      await publishUpdate(ticket, plan, body, facts, meta.version, view, deps);
      return { action: 'updated', incidentId, key: plan.key, reason: plan.reason };
    }
  }
}

const FOUND = 'found the ticket an interrupted create had opened';

/** A new ticket for the incident, linked to its closed one (`closedKey`), which is kept among its previous keys. */
async function followUp(
  ticket: TicketState,
  closedKey: string,
  reason: string,
  drafted: Drafted,
  deps: SyncDeps,
): Promise<SyncOutcome> {
  const incidentId = drafted.meta.incidentId;
  const next: TicketState = {
    ...ticket,
    ticketKey: undefined,
    previousKeys: ticket.previousKeys.includes(closedKey) ? ticket.previousKeys : [...ticket.previousKeys, closedKey],
    synced: undefined,
    lastCommentAt: undefined,
    closedAt: undefined,
    // The closed ticket's file stays on it; the follow-up gets its own.
    attachment: undefined,
    attachmentDue: undefined,
  };
  await deps.store.saveTicket(next);
  const { key, found, state } = await create(next, drafted, deps, false);
  if (!found) await deps.jira.linkIssues(key, closedKey, deps.settings.linkType);
  await attachAndRecord(state, key, drafted.meta.version, drafted.view, deps);
  if (found) return { action: 'reconciled', incidentId, key, reason: FOUND };
  return { action: 'followup', incidentId, key, reason };
}

/**
 * Claim the create, then open the ticket, or find the one a dead claim's owner opened (`found`). `recover`: the plan
 * saw a dead claim; the store's conditional claim reports one too, and refuses the claim when another is live.
 */
async function create(
  ticket: TicketState,
  drafted: Drafted,
  deps: SyncDeps,
  recover: boolean,
): Promise<{ key: string; found: boolean; state: TicketState }> {
  const now = deps.now ?? Date.now;
  const { settings, store, jira } = deps;
  const { meta, draft, facts } = drafted;
  const incidentId = meta.incidentId;
  const claim = await store.claimCreate(incidentId, deps.owner, iso(now()), iso(now() - settings.staleClaimMs));
  if (!claim.claimed) {
    const wait = claimHeld(claim.state, settings, now());
    throw new RetryableError(wait.reason, { incidentId }, { retryAfterMs: wait.retryAfterMs });
  }
  const label = incidentLabel(incidentId);
  // `lookupBeforeCreate`: a run whose table starts empty (a replay against a real site) finds last run's tickets.
  if (recover || claim.recovering || settings.lookupBeforeCreate) {
    // A dead owner may have created the issue before it could record the key: find it by the incident's label.
    const found = (await jira.findByLabel(settings.projectKey, label)).filter(
      (i) => !ticket.previousKeys.includes(i.key),
    );
    if (found.length > 0) {
      const key = found[0].key;
      const state = recorded(ticket, key, meta.version, facts, dueVersion(deps, meta.version));
      await store.saveTicket(state);
      return { key, found: true, state };
    }
  }
  const labels = [...new Set([...draft.labels, label])];
  const customFields = customFieldValues(settings.customFields, { incidentId, severity: meta.severity });
  const reservedAt = now();
  if (deps.budget !== undefined) {
    const slot = await deps.budget.reserve(reservedAt);
    if (!slot.granted) {
      // Over the hour's cap: release the claim (nothing was created) and wait for the next hour.
      await store.saveTicket({ ...ticket, claimOwner: undefined, claimedAt: undefined });
      throw new TicketCapReachedError(slot.limit, incidentId, slot.retryAfterMs);
    }
  }
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
      err instanceof PermanentError || (err instanceof RetryableError && !err.mayHaveBeenApplied);
    if (provenNotCreated) {
      await store.saveTicket({ ...ticket, claimOwner: undefined, claimedAt: undefined });
      await deps.budget?.release(reservedAt);
    }
    throw err;
  }
  const state = recorded(ticket, created.key, meta.version, facts, dueVersion(deps, meta.version));
  await store.saveTicket(state);
  return { key: created.key, found: false, state };
}

/**
 * The ticket state once its key is known: the claim released, the version and facts it shows recorded, and its
 * raw-events file marked due in the same write (so a crash before the file is attached is finished by the retry).
 */
function recorded(
  ticket: TicketState,
  key: string,
  version: number,
  facts: TicketFacts,
  attachmentDue: number | undefined,
): TicketState {
  return {
    ...ticket,
    ticketKey: key,
    claimOwner: undefined,
    claimedAt: undefined,
    syncedVersion: version,
    synced: facts,
    lastError: undefined,
    attachmentDue,
  };
}

/** The version whose raw-events file is due, when the gateway can attach files at all. */
function dueVersion(deps: SyncDeps, version: number): number | undefined {
  return canAttach(deps.jira) ? version : undefined;
}

/**
 * Attach the raw-events file of `version` to `key`, when one is due, and record it (clearing the due mark). A file
 * Jira keeps refusing is recorded with its reason, never retried forever; transient failures are thrown and the
 * retry finds the due mark.
 */
async function attachAndRecord(
  state: TicketState,
  key: string,
  version: number,
  view: IncidentView,
  deps: SyncDeps,
): Promise<TicketState> {
  if (state.attachmentDue === undefined) return state;
  const attachment = await attachRawEvents(key, view, version, deps.jira, deps.settings.attachmentMaxBytes);
  const next: TicketState = { ...state, attachmentDue: undefined, attachment };
  await deps.store.saveTicket(next);
  return next;
}

/**
 * Comment, refresh the raw-events file, add labels and raise priority, then record what the ticket now shows. The
 * file is refreshed before the edit, so a permanent refusal of the edit (a 400 on a priority name) does not leave
 * the file without the new events; it is marked due with the comment, so a crash after the comment finishes it.
 */
async function publishUpdate(
  ticket: TicketState,
  target: { key: string; marker: string; escalation: Escalation },
  body: AdfDoc,
  facts: TicketFacts,
  version: number,
  view: IncidentView,
  deps: SyncDeps,
  extra: Partial<TicketState> = {},
): Promise<void> {
  // New events arrived (that is why there is an update): the file is due from the moment the comment may exist.
  const marked = await postComment(
    { ...ticket, attachmentDue: dueVersion(deps, version) },
    target.key,
    body,
    target.marker,
    facts,
    deps,
  );
  const attached = await attachAndRecord(marked, target.key, version, view, deps);
  const { addLabels, priorityName } = target.escalation;
  if (addLabels.length > 0 || priorityName !== undefined) {
    await deps.jira.updateIssue(target.key, {
      ...(addLabels.length > 0 ? { addLabels } : {}),
      ...(priorityName !== undefined ? { priorityName } : {}),
    });
  }
  await deps.store.saveTicket({
    ...attached,
    syncedVersion: version,
    synced: facts,
    lastCommentAt: iso((deps.now ?? Date.now)()),
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
): Promise<TicketState> {
  const at = iso((deps.now ?? Date.now)());
  const marked: TicketState = { ...ticket, pending: { marker, facts, at } };
  await deps.store.saveTicket(marked);
  await deps.jira.addComment(key, body);
  return marked;
}

const iso = (ms: number): string => new Date(ms).toISOString();
