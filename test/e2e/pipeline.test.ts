import * as fs from 'node:fs';
import * as path from 'node:path';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { listDeadLetters, redrive } from '../../cli/commands/dlq';
import { TOPOLOGY } from '../../lambdas/topology';
import { exampleFiles } from '../../cli/commands/demo';
import { messagesOf } from '../../cli/commands/replay';
import { readInputs } from '../../cli/inputs';
import { startStack } from './harness';
import type { Stack } from './harness';
import { VirtualTime } from './virtual-time';

const STORM = path.resolve(__dirname, '..', '..', 'examples', 'storm-hr-ws-112', 'edr-alerts.ndjson');

async function examplesBodies(): Promise<string[]> {
  return messagesOf(await readInputs(exampleFiles())).bodies;
}

function cradle(id: number): string {
  return JSON.stringify({
    alert_id: `STORM-${id}`,
    timestamp: new Date(Date.parse('2024-03-01T10:00:00Z') + id * 10).toISOString(),
    host: 'OPS-WS-007',
    user: 'CORP\\tkim',
    rule: 'Suspicious LSASS access',
    severity: 'high',
    technique: 'T1003.001',
    process: { pid: 6644, image: 'C:\\Users\\Public\\svc.exe', command_line: 'svc.exe -d lsass' },
  });
}

describe('end to end through local SQS, DynamoDB and the Jira emulator', () => {
  let stack: Stack;
  afterEach(async () => stack?.close());

  it('turns the example scenarios into exactly the expected tickets, and a replay adds none', async () => {
    stack = await startStack();
    const bodies = await examplesBodies();
    await stack.runtime.send(bodies);
    expect(await stack.runtime.drain(60_000)).toBe(true);
    const issues = stack.jira.issues();
    const storm = issues.find((i) => i.summary.includes('HR-WS-112'));
    expect(storm).toBeDefined();
    // The most specific technique id only: T1059.001 without its parent T1059.
    expect(storm!.labels).toEqual(expect.arrayContaining(['T1059.001', 'execution']));
    expect(storm!.labels).not.toContain('T1059');
    expect(storm!.labels.some((l) => l.startsWith('a2t-inc-'))).toBe(true);
    expect(storm!.priority).toBe('High');
    // One rejection (the truncated message), stored; the storm's resends counted as duplicates.
    expect(stack.runtime.totals.rejected).toBe(1);
    expect(stack.runtime.totals.duplicates).toBeGreaterThanOrEqual(150);
    const ticketsBefore = issues.length;
    const commentsBefore = stack.jira.counters().commentsAdded;

    await stack.runtime.send(bodies);
    expect(await stack.runtime.drain(60_000)).toBe(true);
    expect(stack.jira.issues()).toHaveLength(ticketsBefore);
    expect(stack.jira.counters().commentsAdded).toBe(commentsBefore);
    expect(stack.runtime.totals.duplicates).toBeGreaterThanOrEqual(150 + bodies.length - 1);
  });

  it('makes a storm of 5,000 copies of one alert one ticket with a count of 5,000 and three comments', async () => {
    // The copies are 10 ms apart, so on the pipeline's clock the storm lasts 50 s; updates are coalesced per 30 s
    // (5 min in production). The ticket opens on the first batch (100 alerts); the first update has nothing to
    // coalesce with and posts at once (200); the next waits out the interval, absorbing every hand-off meanwhile
    // (3,300); the last waits again and posts the final count. The virtual clock makes the sequence exact.
    // One ingest invocation at a time: the sequence below is the batches' order (concurrent ingest is
    // test/integration/concurrent-ingest.test.ts).
    const time = new VirtualTime(Date.parse('2024-03-01T10:00:00Z'), 10);
    stack = await startStack({ commentIntervalMs: 30_000, time, ingestConcurrency: 1 });
    await stack.runtime.send(Array.from({ length: 5000 }, (_, i) => cradle(i)));
    expect(await stack.drain(120_000)).toBe(true);
    const issues = stack.jira.issues();
    expect(issues).toHaveLength(1);
    expect(stack.runtime.totals.accepted).toBe(5000);
    expect(stack.runtime.totals.incidents.size).toBe(1);
    const totals = issues[0].comments.map((c) => /([\d,]+) in total/.exec(JSON.stringify(c.body))?.[1]);
    expect(totals).toEqual(['200', '3,300', '5,000']);
    expect(stack.jira.counters().commentsAdded).toBe(3);
  });

  it('keeps exactly one ticket per incident while Jira answers 429 twenty times and then 503 five times', async () => {
    stack = await startStack({ instantRetries: true });
    stack.jira.faults.inject({ status: 429, count: 20, retryAfterSeconds: 1 });
    stack.jira.faults.inject({ status: 503, count: 5 });
    const storm = fs.readFileSync(STORM, 'utf8').trim().split('\n');
    await stack.runtime.send([...storm, cradle(1), cradle(2)]);
    expect(await stack.runtime.drain(90_000)).toBe(true);
    const issues = stack.jira.issues();
    expect(issues).toHaveLength(2);
    expect(issues.map((i) => i.summary)).toEqual(
      expect.arrayContaining([expect.stringContaining('HR-WS-112'), expect.stringContaining('OPS-WS-007')]),
    );
    expect(stack.jira.counters().faultsServed).toBe(25);
    expect(stack.runtime.totals.accepted).toBe(52);
    const dlq = await stack.runtime.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.runtime.queues.ticketSync.dlqUrl, MaxNumberOfMessages: 10 }),
    );
    expect(dlq.Messages ?? []).toHaveLength(0);
  });
});

describe('dead letters', () => {
  let stack: Stack;
  afterEach(async () => stack?.close());

  it('dead-letters a hand-off Jira keeps refusing after maxReceiveCount, lists it with the rejections, and re-drives both', async () => {
    // The stack's waits (60 s growing to 2 h over 18 receives: about a day) scaled down 10,000 times: a second each.
    stack = await startStack({ instantRetries: true, visibilityScale: 1 / 10_000 });
    const { runtime } = stack;
    // Jira answers 503 to everything: ticket-sync's hand-off fails on every receive until the queue gives up on it.
    stack.jira.faults.inject({ status: 503, count: 10_000 });
    await runtime.send([cradle(1), '{"alert_id": "X-1", "host": "FIN-WS-034", "rule": "cut short", ']);
    await runtime.drain(60_000);
    const target = {
      sqs: runtime.sqs,
      doc: runtime.doc,
      table: runtime.tableName,
      intakeUrl: runtime.queues.intake.url,
      intakeDlqUrl: runtime.queues.intake.dlqUrl,
      ticketSyncUrl: runtime.queues.ticketSync.url,
      ticketSyncDlqUrl: runtime.queues.ticketSync.dlqUrl,
    };
    const listed = await listDeadLetters(target);
    expect(listed.map((d) => d.kind).sort()).toEqual(['rejection', 'ticket-sync-dlq']);
    const [incidentId] = [...runtime.totals.incidents];
    expect(listed.find((d) => d.kind === 'ticket-sync-dlq')!.excerpt).toContain(incidentId);
    // The error ticket-sync recorded at its last receive, not a fixed text.
    expect(listed.find((d) => d.kind === 'ticket-sync-dlq')!.reason).toMatch(/Jira unavailable for \w+ \(HTTP 503\)/);
    expect(listed.find((d) => d.kind === 'rejection')).toMatchObject({
      reason: expect.stringContaining('truncated JSON'),
      redrivable: true,
    });
    expect(stack.jira.issues()).toHaveLength(0);
    expect(runtime.totals.errors.filter((e) => e.startsWith('ticket-sync'))).toHaveLength(
      TOPOLOGY.ticketSync.maxReceiveCount,
    );

    const moved = await redrive(target, { rejections: true });
    // fauxqs has no message-move task: the re-drive falls back to receive, send, delete.
    expect(moved).toEqual({ intake: 0, ticketSync: 1, rejections: 1, skipped: 0, via: 'receive-send' });
    expect(await runtime.depth(runtime.queues.ticketSync.dlqUrl)).toBe(0);
    expect(await runtime.depth(runtime.queues.ticketSync.url)).toBe(1);
    expect(await runtime.depth(runtime.queues.intake.url)).toBe(1);
    expect((await listDeadLetters(target)).filter((d) => d.kind === 'rejection')).toHaveLength(0);
    // Jira is back: the re-driven hand-off opens the ticket, the re-driven body is rejected (and stored) again.
    stack.jira.faults.clear();
    expect(await runtime.drain(60_000)).toBe(true);
    expect(stack.jira.issues()).toHaveLength(1);
  });
});
