import { useLocalDynamo } from '../helpers/local-dynamo';
import { syncIncident } from '../../lambdas/core/sync/sync-incident';
import type { SyncOutcome } from '../../lambdas/core/sync/sync-incident';
import type { TicketGateway, TicketStore } from '../../lambdas/core/sync/ports';

import { Crash, crashing, runKeyAlert, syncWorld } from '../helpers/ticket-sync-world';
import type { SyncWorld } from '../helpers/ticket-sync-world';

const local = useLocalDynamo();

const world = (searchDelayMs = 0): Promise<SyncWorld> => syncWorld(local, 'sync', { searchDelayMs });

describe('ticket-sync against the Jira emulator and the local DynamoDB server', () => {
  let w: SyncWorld;
  afterEach(async () => w?.jira.close());

  it('creates one ticket with the summary, labels, priority and ADF description', async () => {
    w = await world();
    const id = await w.ingest([runKeyAlert(1)]);
    const r = await syncIncident(id, w.deps());
    expect(r).toMatchObject({ action: 'created', key: 'SOC-1' });
    const issue = w.jira.issue('SOC-1')!;
    expect(issue.summary).toContain('FIN-WS-034');
    expect(issue.labels).toEqual(expect.arrayContaining(['T1547.001', 'persistence', `a2t-${id.toLowerCase()}`]));
    expect(issue.priority).toBe('High');
  });

  it.each([
    ['after the claim', (x: SyncWorld) => ({ jira: crashing<TicketGateway>(x.gateway, 'createIssue', false) })],
    [
      'after Jira created the issue',
      (x: SyncWorld) => ({ jira: crashing<TicketGateway>(x.gateway, 'createIssue', true) }),
    ],
    ['after the key was recorded', (x: SyncWorld) => ({ store: crashing<TicketStore>(x.tickets, 'saveTicket', true) })],
  ])('leaves exactly one Jira issue when it crashes %s and is retried', async (_when, fault) => {
    // Search lags 30 s behind creates, as Jira's may: the retry must not rely on it too early.
    w = await world(30_000);
    const id = await w.ingest([runKeyAlert(1)]);
    await expect(syncIncident(id, w.deps(fault(w)))).rejects.toThrow(Crash);
    // The retry comes after the message's visibility timeout (12 minutes in the stack).
    w.clock.now += 12 * 60_000;
    const retry = await syncIncident(id, w.deps()).catch((e: unknown) => e);
    // If the first attempt's claim is not yet stale the retry is deferred, never duplicated; run it again later.
    const final = retry instanceof Error ? await syncIncident(id, w.deps()) : (retry as SyncOutcome);
    expect(final.key).toBe('SOC-1');
    expect(w.jira.issues()).toHaveLength(1);
    // And nothing more happens on a further delivery of the same version.
    expect((await syncIncident(id, w.deps())).action).toBe('noop');
    expect(w.jira.issues()).toHaveLength(1);
  });

  it('comments only what is new, adds labels, raises priority but never lowers it, and never rewrites the summary', async () => {
    w = await world();
    const id = await w.ingest([runKeyAlert(1, { severity: 45 })]);
    await syncIncident(id, w.deps());
    expect(w.jira.issue('SOC-1')!.priority).toBe('Medium');
    // Credential theft (T1003.001) is a P1 row of the rubric (docs/priority.md); a vendor score alone is not.
    await w.ingest([runKeyAlert(2, { severity: 95, technique: ['T1547.001', 'T1218.011', 'T1003.001'] })]);
    w.clock.now += 60_000;
    expect((await syncIncident(id, w.deps())).action).toBe('updated');
    const issue = w.jira.issue('SOC-1')!;
    expect(issue.priority).toBe('Highest');
    expect(issue.labels).toEqual(expect.arrayContaining(['T1218.011', `a2t-${id.toLowerCase()}`]));
    expect(issue.comments).toHaveLength(1);
    // T1218.011 was known from the first alert (its rundll32 Run-key value is LOLBin proxy execution): only the
    // credential theft is new.
    expect(JSON.stringify(issue.comments[0])).toContain('T1003.001');
    expect(JSON.stringify(issue.comments[0])).not.toContain('T1218.011');
    const summaryBefore = issue.summary;
    await w.ingest([runKeyAlert(3, { severity: 40 })]);
    w.clock.now += 10 * 60_000;
    await syncIncident(id, w.deps());
    expect(w.jira.issue('SOC-1')!.priority).toBe('Highest');
    expect(w.jira.issue('SOC-1')!.summary).toBe(summaryBefore);
  });

  it('coalesces updates within the interval unless severity rises', async () => {
    w = await world();
    const id = await w.ingest([runKeyAlert(1)]);
    await syncIncident(id, w.deps());
    await w.ingest([runKeyAlert(2, { process: { pid: 1, image: 'C:\\Users\\Public\\x.exe' } })]);
    await syncIncident(id, w.deps());
    await w.ingest([runKeyAlert(3, { file: 'C:\\Users\\Public\\y.dll' })]);
    w.clock.now += 30_000;
    await expect(syncIncident(id, w.deps())).rejects.toMatchObject({ retryAfterMs: 4.5 * 60_000 });
    expect(w.jira.issue('SOC-1')!.comments).toHaveLength(1);
    // On its last receives a message is not deferred again: the update goes out early rather than to the DLQ.
    expect((await syncIncident(id, w.deps({ mayDefer: false }))).action).toBe('updated');
    expect(w.jira.issue('SOC-1')!.comments).toHaveLength(2);
  });

  it('reopens a closed ticket within the window and opens a linked follow-up after it', async () => {
    w = await world();
    const id = await w.ingest([runKeyAlert(1)]);
    await syncIncident(id, w.deps());
    await w.gateway.transition('SOC-1', 'Done');
    await w.ingest([runKeyAlert(2, { user: 'CORP\\other' })]);
    expect((await syncIncident(id, w.deps())).action).toBe('reopened');
    expect(w.jira.issue('SOC-1')!.status).not.toBe('Done');

    await w.gateway.transition('SOC-1', 'Done');
    await w.ingest([runKeyAlert(3, { user: 'CORP\\third' })]);
    w.clock.now += 8 * 86_400_000;
    const r = await syncIncident(id, w.deps({ now: () => Date.now() + 8 * 86_400_000 }));
    expect(r).toMatchObject({ action: 'followup', key: 'SOC-2' });
    expect(w.jira.issues()).toHaveLength(2);
    expect(w.jira.issue('SOC-2')!.links.length + w.jira.issue('SOC-1')!.links.length).toBeGreaterThanOrEqual(1);
  });

  it('records a permanent 400 on the incident and does not retry it', async () => {
    w = await world();
    const id = await w.ingest([runKeyAlert(1)]);
    const deps = w.deps();
    const bad = {
      ...deps,
      settings: { ...deps.settings, priorityNames: { ...deps.settings.priorityNames, P2: 'Urgent' } },
    };
    await expect(syncIncident(id, bad)).rejects.toThrow(/priority/i);
    expect((await w.tickets.loadTicket(id))?.lastError).toMatch(/priority/i);
    expect((await syncIncident(id, bad)).action).toBe('noop');
    expect(w.jira.issues()).toHaveLength(0);
  });
});
