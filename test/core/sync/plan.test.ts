import { ticketSyncSettings } from '../../../lambdas/adapters/config';
import type { IncidentMeta } from '../../../lambdas/core/correlate/incident-meta';
import { changed, claimHeld, commentMarker, escalation, planSync } from '../../../lambdas/core/sync/plan';
import type { IncidentNow, TicketNow } from '../../../lambdas/core/sync/plan';
import type { IssueState, TicketFacts, TicketState } from '../../../lambdas/core/sync/ports';

/**
 * ticket-sync's decisions, without Jira, DynamoDB or a clock: every branch of `planSync`. What the decisions do to a
 * real ticket is tested in test/integration/ticket-sync.test.ts and, under faults, in test/faults.
 */

const NOW = Date.parse('2026-11-22T10:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const ID = 'INC-20261122-abc123';
const SETTINGS = ticketSyncSettings({ projectKey: 'SOC', issueTypeName: 'Incident' });

const iso = (ms: number) => new Date(ms).toISOString();

function meta(over: Partial<IncidentMeta> = {}): IncidentMeta {
  return {
    incidentId: ID,
    groupKey: 'storm:fin-ws-034:runkey',
    status: 'open',
    createdAt: iso(NOW - 10 * MINUTE),
    firstSeen: iso(NOW - 10 * MINUTE),
    lastSeen: iso(NOW - MINUTE),
    hosts: ['fin-ws-034'],
    hostNames: ['FIN-WS-034'],
    users: ['corp\\jwilliams'],
    techniques: ['T1547.001'],
    sources: ['sysmon'],
    rules: ['Run key'],
    iocs: [],
    overflow: {},
    alertCount: 3,
    duplicates: 0,
    suppressed: 0,
    severity: 70,
    severityReasons: ['Run key to a user-writable DLL'],
    version: 2,
    notifiedVersion: 2,
    notifiedAlertCount: 3,
    syncedVersion: 0,
    appliedMessages: [],
    ...over,
  };
}

function facts(over: Partial<TicketFacts> = {}): TicketFacts {
  return {
    alertCount: 3,
    duplicates: 0,
    hosts: ['fin-ws-034'],
    users: ['corp\\jwilliams'],
    techniques: ['T1547.001'],
    iocs: [],
    severity: 70,
    priority: 'P2',
    labels: ['T1547.001', 'persistence'],
    ...over,
  };
}

function state(over: Partial<TicketState> = {}): TicketState {
  return { incidentId: ID, previousKeys: [], syncedVersion: 0, ...over };
}

function issue(over: Partial<IssueState> = {}): IssueState {
  return {
    key: 'SOC-7',
    status: 'To Do',
    statusCategory: 'new',
    labels: ['T1547.001', 'persistence', 'a2t-inc-20261122-abc123'],
    priorityName: 'High',
    ...over,
  };
}

/** A ticket created at version 1, showing `facts()` at the time, last commented `ago` ms before NOW. */
function synced(ago = 10 * MINUTE, over: Partial<TicketState> = {}): TicketState {
  return state({ ticketKey: 'SOC-7', syncedVersion: 1, synced: facts(), lastCommentAt: iso(NOW - ago), ...over });
}

const plan = (incident: IncidentNow, ticket: TicketNow, mayDefer = true) =>
  planSync(incident, ticket, SETTINGS, NOW, mayDefer);

describe('planSync: before the incident is known', () => {
  it('waits for an incident whose META is not stored yet', () => {
    expect(plan({ meta: undefined }, { state: state() })).toEqual({
      do: 'wait',
      reason: `incident ${ID} is not stored yet`,
      retryAfterMs: 2_000,
    });
  });

  it('gives up on it on the last receives: the incident was never stored', () => {
    expect(plan({ meta: undefined }, { state: state() }, false)).toEqual({
      do: 'nothing',
      reason: 'incident never stored',
    });
  });
});

describe('planSync: what ends a sync early', () => {
  it('first settles a comment an interrupted attempt was posting', () => {
    const pending = { marker: commentMarker(ID, 2), facts: facts(), at: iso(NOW - MINUTE) };
    expect(plan({ meta: meta() }, { state: synced(MINUTE, { pending }) })).toEqual({
      do: 'check-pending-comment',
      key: 'SOC-7',
      marker: `alert-to-ticket ${ID} v2`,
    });
  });

  it('does not retry a version Jira refused permanently', () => {
    const refused = state({ syncedVersion: 2, lastError: 'Jira rejected createIssue (400): priority' });
    expect(plan({ meta: meta({ version: 2 }) }, { state: refused })).toEqual({
      do: 'nothing',
      reason: 'permanent Jira error recorded: Jira rejected createIssue (400): priority',
    });
  });

  it('tries again when a newer version follows the refused one', () => {
    const refused = state({ syncedVersion: 2, lastError: 'Jira rejected createIssue (400): priority' });
    expect(plan({ meta: meta({ version: 3 }) }, { state: refused })).toEqual({ do: 'draft' });
  });

  it('does nothing for a version already synced (a redelivered hand-off)', () => {
    expect(plan({ meta: meta({ version: 1 }) }, { state: synced() })).toEqual({
      do: 'nothing',
      key: 'SOC-7',
      reason: 'version 1 already synced',
    });
  });

  it('does nothing for an incident a false-positive verdict suppressed, ticket or not', () => {
    const suppressed = meta({ status: 'suppressed', version: 5 });
    const expected = { do: 'nothing', reason: 'suppressed by a false-positive verdict' };
    expect(plan({ meta: suppressed, facts: facts() }, { state: state() })).toEqual(expected);
    expect(plan({ meta: suppressed, facts: facts() }, { state: synced(), issue: issue() })).toEqual(expected);
  });
});

describe('planSync: an incident without a ticket', () => {
  it('drafts a new incident, then creates its ticket', () => {
    expect(plan({ meta: meta() }, { state: state() })).toEqual({ do: 'draft' });
    expect(plan({ meta: meta(), facts: facts() }, { state: state() })).toEqual({
      do: 'create',
      reason: 'new incident',
      recover: false,
    });
  });

  it('opens no ticket below the ticket threshold, and one at it', () => {
    const below = meta({ severity: SETTINGS.ticketThreshold - 1 });
    expect(plan({ meta: below, facts: facts() }, { state: state() })).toEqual({
      do: 'nothing',
      reason: `severity ${SETTINGS.ticketThreshold - 1} is below the ticket threshold ${SETTINGS.ticketThreshold}`,
    });
    const at = meta({ severity: SETTINGS.ticketThreshold });
    expect(plan({ meta: at, facts: facts() }, { state: state() })).toMatchObject({ do: 'create' });
  });

  it('waits, without drafting, while another invocation holds a live create claim', () => {
    const claimed = state({ claimOwner: 'req-1', claimedAt: iso(NOW - 30_000) });
    expect(plan({ meta: meta() }, { state: claimed })).toEqual({
      do: 'wait',
      reason: `incident ${ID}: another create is in progress`,
      retryAfterMs: SETTINGS.staleClaimMs - 30_000,
    });
  });

  it('waits at least a second for a claim about to go stale', () => {
    const claimed = state({ claimOwner: 'req-1', claimedAt: iso(NOW - SETTINGS.staleClaimMs + 10) });
    expect(plan({ meta: meta() }, { state: claimed })).toMatchObject({ do: 'wait', retryAfterMs: 1_000 });
  });

  it('recovers from a dead claim: create, looking the ticket up by label first', () => {
    const dead = state({ claimOwner: 'req-1', claimedAt: iso(NOW - SETTINGS.staleClaimMs - 1) });
    expect(plan({ meta: meta() }, { state: dead })).toEqual({ do: 'draft' });
    expect(plan({ meta: meta(), facts: facts() }, { state: dead })).toEqual({
      do: 'create',
      reason: 'an earlier create died: look its ticket up by label first',
      recover: true,
    });
  });

  it('explains a refused claim: a ticket just recorded, or a live claim', () => {
    expect(claimHeld(state({ ticketKey: 'SOC-9' }), SETTINGS, NOW)).toEqual({
      do: 'wait',
      reason: `incident ${ID}: ticket SOC-9 was just recorded`,
      retryAfterMs: 1_000,
    });
    expect(claimHeld(state({ claimOwner: 'req-2', claimedAt: iso(NOW) }), SETTINGS, NOW)).toEqual({
      do: 'wait',
      reason: `incident ${ID}: another create is in progress`,
      retryAfterMs: SETTINGS.staleClaimMs,
    });
  });
});

describe('planSync: an incident with an open ticket', () => {
  const grown = facts({ alertCount: 5, hosts: ['fin-ws-034', 'fin-ws-035'] });

  it('drafts, then reads the issue, before deciding', () => {
    expect(plan({ meta: meta() }, { state: synced() })).toEqual({ do: 'draft' });
    expect(plan({ meta: meta(), facts: grown }, { state: synced() })).toEqual({ do: 'read-issue', key: 'SOC-7' });
  });

  it('records the version and comments nothing when only duplicates came in', () => {
    const same = facts({ duplicates: 40 });
    expect(plan({ meta: meta(), facts: same }, { state: synced(), issue: issue() })).toEqual({
      do: 'nothing',
      key: 'SOC-7',
      reason: 'nothing new for the ticket',
      syncedVersion: 2,
    });
  });

  it('comments new evidence once the comment interval is over', () => {
    const ago = SETTINGS.commentIntervalMs + 1;
    expect(plan({ meta: meta(), facts: grown }, { state: synced(ago), issue: issue() })).toEqual({
      do: 'comment',
      reason: 'new evidence',
      key: 'SOC-7',
      marker: `alert-to-ticket ${ID} v2`,
      escalation: { addLabels: [] },
    });
  });

  it('coalesces an update within the comment interval: wait until it is over', () => {
    expect(plan({ meta: meta(), facts: grown }, { state: synced(MINUTE), issue: issue() })).toEqual({
      do: 'wait',
      reason: 'ticket SOC-7: update coalesced',
      retryAfterMs: SETTINGS.commentIntervalMs - MINUTE,
    });
  });

  it('does not coalesce a severity rise: comment and raise the priority at once', () => {
    const worse = facts({ severity: 90, priority: 'P1' });
    expect(plan({ meta: meta(), facts: worse }, { state: synced(MINUTE), issue: issue() })).toEqual({
      do: 'comment',
      reason: 'severity rose',
      key: 'SOC-7',
      marker: `alert-to-ticket ${ID} v2`,
      escalation: { addLabels: [], priorityName: 'Highest' },
    });
  });

  it('posts a coalesced update early on the last receives instead of dead-lettering it', () => {
    expect(plan({ meta: meta(), facts: grown }, { state: synced(MINUTE), issue: issue() }, false)).toMatchObject({
      do: 'comment',
      reason: 'new evidence',
    });
  });

  it('comments when nothing was commented yet', () => {
    const created = synced(0, { lastCommentAt: undefined });
    expect(plan({ meta: meta(), facts: grown }, { state: created, issue: issue() })).toMatchObject({ do: 'comment' });
  });

  it('keeps a ticket up to date below the ticket threshold (the threshold gates creation only)', () => {
    const low = meta({ severity: 10 });
    expect(plan({ meta: low, facts: grown }, { state: synced(DAY), issue: issue() })).toMatchObject({
      do: 'comment',
    });
  });
});

describe('planSync: an incident whose ticket was closed', () => {
  const grown = facts({ alertCount: 5 });
  const closed = (updatedAgo: number) =>
    issue({ status: 'Done', statusCategory: 'done', updated: iso(NOW - updatedAgo) });

  it('reopens it within the reopen window, with the comment and escalation', () => {
    expect(plan({ meta: meta(), facts: grown }, { state: synced(DAY), issue: closed(DAY) })).toEqual({
      do: 'reopen',
      reason: 'new alerts within the reopen window',
      key: 'SOC-7',
      transition: 'Reopen',
      marker: `alert-to-ticket ${ID} v2`,
      escalation: { addLabels: [] },
    });
  });

  it('opens a follow-up linked to it after the window', () => {
    const ago = SETTINGS.reopenWindowMs + 1;
    expect(plan({ meta: meta(), facts: grown }, { state: synced(ago), issue: closed(ago) })).toEqual({
      do: 'follow-up',
      reason: 'SOC-7 was closed past the reopen window',
      closedKey: 'SOC-7',
    });
  });

  it('dates the closing from the webhook before the issue (an edit after closing does not restart the window)', () => {
    const closedLongAgo = synced(30 * DAY, { closedAt: iso(NOW - 30 * DAY) });
    expect(plan({ meta: meta(), facts: grown }, { state: closedLongAgo, issue: closed(MINUTE) })).toMatchObject({
      do: 'follow-up',
    });
  });

  it('reopens a closed issue whose closing time is unknown', () => {
    const undated = issue({ status: 'Done', statusCategory: 'done' });
    expect(plan({ meta: meta(), facts: grown }, { state: synced(DAY), issue: undated })).toMatchObject({
      do: 'reopen',
    });
  });
});

describe('escalation and what counts as new', () => {
  const names = SETTINGS;

  it('adds the labels the issue lacks, never removes any', () => {
    const e = escalation({ labels: ['persistence', 'by-hand'], priorityName: 'High' }, facts(), names);
    expect(e).toEqual({ addLabels: ['T1547.001'] });
  });

  it('never takes a ticket past 8 labels when it adds the ones the issue lacks', () => {
    const seven = ['a2t-inc-1', 'persistence', 'sysmon', 'T1059.001', 'T1036.005', 'T1218.011', 'by-hand'];
    const e = escalation({ labels: seven, priorityName: 'High' }, facts({ labels: ['T1547.001', 'T1564.003'] }), names);
    expect(e).toEqual({ addLabels: ['T1547.001'] });
    expect(escalation({ labels: [...seven, 'x'], priorityName: 'High' }, facts(), names)).toEqual({ addLabels: [] });
  });

  it('raises the priority but never lowers one an analyst raised', () => {
    expect(escalation({ labels: [], priorityName: 'Medium' }, facts({ labels: [] }), names)).toEqual({
      addLabels: [],
      priorityName: 'High',
    });
    expect(escalation({ labels: [], priorityName: 'Highest' }, facts({ labels: [] }), names)).toEqual({
      addLabels: [],
    });
  });

  it('sets our priority over a name it does not map', () => {
    expect(escalation({ labels: [], priorityName: 'Urgent' }, facts({ labels: [] }), names)).toEqual({
      addLabels: [],
      priorityName: 'High',
    });
  });

  it('counts new alerts, hosts, users, techniques, IOCs, labels and severity as news; duplicates alone not', () => {
    const prev = facts({ iocs: [{ type: 'domain', value: 'Evil.example', defanged: 'Evil[.]example' }] });
    expect(changed(undefined, prev)).toBe(true);
    expect(changed(prev, { ...prev, duplicates: 99 })).toBe(false);
    expect(
      changed(prev, { ...prev, iocs: [{ type: 'domain', value: 'evil.example', defanged: 'evil[.]example' }] }),
    ).toBe(false);
    expect(changed(prev, { ...prev, alertCount: 4 })).toBe(true);
    expect(changed(prev, { ...prev, severity: 71 })).toBe(true);
    expect(changed(prev, { ...prev, users: [...prev.users, 'corp\\admin'] })).toBe(true);
    expect(changed(prev, { ...prev, techniques: [...prev.techniques, 'T1059.001'] })).toBe(true);
    expect(changed(prev, { ...prev, labels: [...prev.labels, 'execution'] })).toBe(true);
  });
});
