import { budgetHour, msUntilNextHour } from '../../../lambdas/core/sync/budget';
import { parseControl } from '../../../lambdas/core/sync/control';
import { DRY_RUN_KEY, dryRunDeps } from '../../../lambdas/core/sync/dry-run';
import type { TicketGateway, TicketState, TicketStore } from '../../../lambdas/core/sync/ports';
import { retryDelaySeconds, secondsUntilDeadLetter } from '../../../lambdas/core/sync/retry-schedule';
import type { SyncDeps } from '../../../lambdas/core/sync/sync-incident';

describe('the retry schedule', () => {
  const schedule = { firstSeconds: 60, maxSeconds: 7_200 };

  it('doubles from a minute to two hours', () => {
    expect([1, 2, 3, 7, 8, 18, 1_000].map((r) => retryDelaySeconds(schedule, r))).toEqual([
      60, 120, 240, 3_840, 7_200, 7_200, 7_200,
    ]);
  });

  it('keeps a hand-off about a day before the DLQ (it was about an hour: 5 × 720 s)', () => {
    expect(secondsUntilDeadLetter(schedule, 18) / 3600).toBeCloseTo(24.1, 1);
    expect(secondsUntilDeadLetter({ firstSeconds: 720, maxSeconds: 720 }, 5) / 3600).toBe(1);
  });
});

describe('the ticketing controls', () => {
  it('reads on, dry-run and off, and a cap', () => {
    expect(parseControl('dry-run', '12')).toEqual({
      control: { mode: 'dry-run', maxTicketsPerHour: 12 },
      problems: [],
    });
    expect(parseControl(' ON ', '0').control).toEqual({ mode: 'on', maxTicketsPerHour: 0 });
  });

  it('stops ticketing on a value it cannot read, and says so', () => {
    const r = parseControl('paused', '1e3');
    expect(r.control).toEqual({ mode: 'off', maxTicketsPerHour: 0 });
    expect(r.problems).toEqual([
      'kill switch "paused" is not one of on, dry-run, off: ticketing is off',
      'ticket cap "1e3" is not a whole number: no ticket will be created',
    ]);
    expect(parseControl(undefined, undefined).control.mode).toBe('off');
  });
});

describe('the ticket budget hour', () => {
  it('counts by UTC hour and waits until just after the next one', () => {
    const t = Date.parse('2024-02-15T21:30:00Z');
    expect(budgetHour(t)).toBe('2024-02-15T21');
    expect(msUntilNextHour(t)).toBe(30 * 60_000 + 1_000);
  });
});

describe('dry-run', () => {
  it('reads through, writes nothing, and says what it would have written', async () => {
    const calls: string[] = [];
    const lines: string[] = [];
    const jira = new Proxy({} as TicketGateway, {
      get: (_t, p) => async () => {
        calls.push(String(p));
        return p === 'getIssue' ? { key: 'SOC-1', status: 'Done', statusCategory: 'done', labels: [] } : [];
      },
    });
    const saved: TicketState[] = [];
    const store: TicketStore = {
      loadMeta: async () => undefined,
      loadView: async () => undefined,
      loadTicket: async () => undefined,
      claimCreate: async () => {
        throw new Error('the real claim must not be taken');
      },
      saveTicket: async (s) => void saved.push(s),
    };
    const deps = dryRunDeps(
      {
        store,
        jira,
        budget: {
          reserve: async () => {
            throw new Error('no budget in a dry run');
          },
          release: async () => undefined,
        },
      } as unknown as SyncDeps,
      (l) => lines.push(l),
    );
    expect(deps.budget).toBeUndefined();
    expect(await deps.store.claimCreate('INC-1', 'o', 'now', 'before')).toEqual({ claimed: true, recovering: false });
    await deps.store.saveTicket({ incidentId: 'INC-1', previousKeys: [], syncedVersion: 1 });
    await deps.jira.getIssue('SOC-1');
    const created = await deps.jira.createIssue({
      projectKey: 'SOC',
      issueTypeName: 'Incident',
      summary: 'T1547.001 – Run key on FIN-WS-034',
      description: { version: 1, type: 'doc', content: [] },
      labels: ['a2t-inc-1'],
      priorityName: 'High',
    });
    await deps.jira.addComment('SOC-1', { version: 1, type: 'doc', content: [] });
    await deps.jira.transition('SOC-1', 'Reopen');
    await deps.jira.linkIssues(created.key, 'SOC-1', 'Relates');

    expect(calls).toEqual(['getIssue']);
    expect(saved).toEqual([]);
    expect(created.key).toBe(DRY_RUN_KEY);
    expect(lines).toEqual([
      'would create an issue (Incident) in SOC: "T1547.001 – Run key on FIN-WS-034", priority High, labels a2t-inc-1, description 39 chars',
      'would comment on SOC-1: 39 chars',
      "would move SOC-1 through 'Reopen'",
      'would link DRY-RUN to SOC-1 (Relates)',
    ]);
  });
});
