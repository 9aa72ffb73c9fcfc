import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PermanentError, RetryableError } from '../../../lambdas/core/errors';
import type { AdfDoc } from '../../../lambdas/core/render/adf-nodes';
import { TransitionUnavailableError } from '../../../lambdas/core/sync/ports';
import type { CreateIssueInput } from '../../../lambdas/core/sync/ports';
import { JiraAuthError } from '../../../lambdas/adapters/jira/errors';
import { JiraGateway } from '../../../lambdas/adapters/jira/gateway';
import type { JiraGatewayOptions } from '../../../lambdas/adapters/jira/gateway';
import { startJiraEmulator } from '../../../local/jira-emulator';
import type { JiraEmulator } from '../../../local/jira-emulator';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');

function adf(text: string): AdfDoc {
  return { version: 1, type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

function incident(overrides: Partial<CreateIssueInput> = {}): CreateIssueInput {
  return {
    projectKey: 'SOC',
    issueTypeName: 'Incident',
    summary: 'T1547.001 – Registry Run Key Persistence via rundll32 DLL on FIN-WS-034',
    description: adf('A Run key value launches rundll32 with a DLL from the user profile.'),
    labels: ['a2t-inc-20261122-abc123', 'T1547.001', 'persistence', 'sysmon'],
    priorityName: 'High',
    ...overrides,
  };
}

/** Catches what a call throws, so assertions can look at the error's class, message and context. */
async function failure(
  call: Promise<unknown>,
): Promise<Error & { context?: Record<string, unknown>; retryAfterMs?: number; mayHaveBeenApplied?: boolean }> {
  try {
    await call;
  } catch (err) {
    return err as Error;
  }
  throw new Error('the call succeeded');
}

describe('JiraGateway (jira.js, schema mismatches thrown) against the Jira emulator', () => {
  let jira: JiraEmulator;
  let clock = T0;
  let sleeps: number[];

  beforeAll(async () => {
    jira = await startJiraEmulator({ validateResponses: true, searchDelayMs: 1000, now: () => clock });
  });

  afterAll(async () => {
    await jira.close();
  });

  beforeEach(() => {
    sleeps = [];
    jira.faults.clear();
  });

  function gateway(options: Partial<JiraGatewayOptions> = {}): JiraGateway {
    return new JiraGateway({
      baseUrl: jira.url,
      email: jira.site.email,
      apiToken: jira.site.apiToken,
      onSchemaMismatch: 'throw',
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...options,
    });
  }

  function requestsTo(method: string, path: string): number {
    return jira.requestLog().filter((e) => e.method === method && e.path === path).length;
  }

  it('creates an issue and returns its key and id, exactly as Jira answered', async () => {
    const before = jira.issues().length;

    const created = await gateway().createIssue(
      incident({ components: ['Endpoint'], customFields: { customfield_10050: 91 } }),
    );

    expect(created.key).toMatch(/^SOC-\d+$/);
    expect(jira.issues()).toHaveLength(before + 1);
    expect(jira.issue(created.key)).toMatchObject({
      id: created.id,
      summary: 'T1547.001 – Registry Run Key Persistence via rundll32 DLL on FIN-WS-034',
      priority: 'High',
      components: ['Endpoint'],
      customFields: { customfield_10050: 91 },
    });
  });

  it('reads an issue’s status, category, labels, priority and update time', async () => {
    const g = gateway();
    const { key } = await g.createIssue(incident());

    const state = await g.getIssue(key);

    expect(state).toEqual({
      key,
      status: 'To Do',
      statusCategory: 'new',
      resolution: undefined,
      labels: ['a2t-inc-20261122-abc123', 'T1547.001', 'persistence', 'sysmon'],
      priorityName: 'High',
      updated: '2026-11-22T10:00:00.000+0000',
    });
  });

  it('adds labels with update operations and never removes the analyst’s labels', async () => {
    const g = gateway();
    const { key } = await g.createIssue(incident({ labels: ['a2t-inc-20261122-lbl001'] }));
    await g.updateIssue(key, { addLabels: ['analyst-triaged'] });

    await g.updateIssue(key, { addLabels: ['T1059.001', 'a2t-inc-20261122-lbl001'] });

    expect(jira.issue(key)?.labels).toEqual(['a2t-inc-20261122-lbl001', 'analyst-triaged', 'T1059.001']);
  });

  it('changes the priority, and sends nothing when there is nothing to change', async () => {
    const g = gateway();
    const { key } = await g.createIssue(incident({ priorityName: 'Medium' }));
    const edits = requestsTo('PUT', `/rest/api/3/issue/${key}`);

    await g.updateIssue(key, { priorityName: 'Highest' });
    await g.updateIssue(key, {});

    expect(jira.issue(key)?.priority).toBe('Highest');
    expect(requestsTo('PUT', `/rest/api/3/issue/${key}`) - edits).toBe(1);
  });

  it('adds one ADF comment and finds it again by its marker', async () => {
    const g = gateway();
    const { key } = await g.createIssue(incident());

    await g.addComment(key, adf('3 new alerts on FIN-WS-034. a2t:sync:v2'));

    expect(jira.issue(key)?.comments).toHaveLength(1);
    expect(jira.issue(key)?.comments[0].body).toEqual(adf('3 new alerts on FIN-WS-034. a2t:sync:v2'));
    expect(await g.hasComment(key, 'a2t:sync:v2')).toBe(true);
    expect(await g.hasComment(key, 'a2t:sync:v3')).toBe(false);
  });

  it('transitions by name to Done and back with Reopen, and names the offered ones for an unknown name', async () => {
    const g = gateway();
    const { key } = await g.createIssue(incident());

    await g.transition(key, 'Done');
    const done = await g.getIssue(key);
    await g.transition(key, 'Reopen');
    const reopened = await g.getIssue(key);
    const unknown = await failure(g.transition(key, 'Close'));

    expect(done).toMatchObject({ status: 'Done', statusCategory: 'done', resolution: 'Done' });
    expect(reopened).toMatchObject({ status: 'To Do', statusCategory: 'new', resolution: undefined });
    // Typed, so ticket-sync can open a linked follow-up instead (a site without the reopen transition).
    expect(unknown).toBeInstanceOf(TransitionUnavailableError);
    expect(unknown).toBeInstanceOf(PermanentError);
    expect(unknown.message).toBe(`Jira offers no transition 'Close' on ${key} now (available: 'In Progress', 'Done')`);
  });

  it('finds an issue by label only once search has indexed it, or at once when its id is reconciled', async () => {
    const g = gateway();
    const label = 'a2t-inc-20261122-srch01';
    clock = T0 + 60_000;
    const { key, id } = await g.createIssue(incident({ labels: [label] }));

    const before = await g.findByLabel('SOC', label);
    const reconciled = await g.findByLabel('SOC', label, { reconcileIds: [id] });
    clock = T0 + 61_000;
    const after = await g.findByLabel('SOC', label);

    expect(before).toEqual([]);
    expect(reconciled.map((i) => i.key)).toEqual([key]);
    expect(after).toEqual([{ key, id, status: 'To Do', created: '2026-11-22T10:01:00.000+0000' }]);
  });

  it('reads every page of a label search', async () => {
    const g = gateway();
    const label = 'a2t-inc-20261122-page02';
    for (let i = 0; i < 130; i += 1) await g.createIssue(incident({ labels: [label] }));
    clock += 5_000;
    const searches = requestsTo('GET', '/rest/api/3/search/jql');

    const found = await g.findByLabel('SOC', label);

    expect(found).toHaveLength(130);
    expect(new Set(found.map((f) => f.key)).size).toBe(130);
    expect(requestsTo('GET', '/rest/api/3/search/jql') - searches).toBe(2);
  });

  it('links two issues', async () => {
    const g = gateway();
    const old = await g.createIssue(incident());
    const follow = await g.createIssue(incident());

    await g.linkIssues(follow.key, old.key, 'Relates');

    expect(jira.issue(old.key)?.links).toEqual([{ type: 'Relates', inwardKey: follow.key, outwardKey: old.key }]);
  });

  it.each([
    {
      what: 'an unknown priority',
      input: { priorityName: 'Critical' },
      message: "priority: Specify a valid value for priority: 'Critical'",
    },
    {
      what: 'an unknown custom field',
      input: { customFields: { customfield_99999: 1 } },
      message:
        "customfield_99999: Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown.",
    },
    {
      what: 'invalid ADF',
      input: {
        description: { version: 1, type: 'doc', content: [{ type: 'heading', content: [] }] } as unknown as AdfDoc,
      },
      message:
        'description: Operation value must be an Atlassian Document (see the Atlassian Document Format): ADF invalid',
    },
    {
      what: 'a 256-character summary',
      input: { summary: 's'.repeat(256) },
      message: 'summary: Summary must be less than 255 characters.',
    },
    {
      what: 'a label with a space',
      input: { labels: ['has space'] },
      message: "labels: The label 'has space' contains spaces which is invalid.",
    },
  ])('turns Jira’s 400 for $what into a PermanentError with Jira’s message, sent once', async ({ input, message }) => {
    const g = gateway();
    const before = jira.issues().length;

    const err = await failure(g.createIssue(incident(input)));

    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toContain(`Jira rejected createIssue (400): ${message}`);
    expect(err.context).toMatchObject({ operation: 'createIssue', status: 400 });
    expect(g.stats()).toEqual({ requests: 1, retries: 0, rateLimited: 0, timeouts: 0 });
    expect(jira.issues()).toHaveLength(before);
  });

  it('refuses a string description before sending it (jira.js would route it to the v2 API)', async () => {
    const g = gateway();

    const err = await failure(g.createIssue(incident({ description: 'plain text' as unknown as AdfDoc })));

    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe('description must be an ADF document ({version: 1, type: "doc", content}), not a string');
    expect(g.stats().requests).toBe(0);
  });

  it('waits the Retry-After Jira asks for when it is short, then retries', async () => {
    const g = gateway();
    const before = jira.issues().length;
    jira.faults.inject({ status: 429, count: 1, retryAfterSeconds: 1 });

    await g.createIssue(incident());

    expect(sleeps).toEqual([1000]);
    expect(g.stats()).toEqual({ requests: 2, retries: 1, rateLimited: 1, timeouts: 0 });
    expect(jira.issues()).toHaveLength(before + 1);
  });

  it('hands a long Retry-After back as a RetryableError carrying it, without waiting', async () => {
    const g = gateway();
    const before = jira.issues().length;
    jira.faults.inject({ status: 429, count: 1, retryAfterSeconds: 30 });

    const err = await failure(g.createIssue(incident()));

    expect(err).toBeInstanceOf(RetryableError);
    expect(err.retryAfterMs).toBe(30_000);
    expect(sleeps).toEqual([]);
    expect(g.stats()).toEqual({ requests: 1, retries: 0, rateLimited: 1, timeouts: 0 });
    expect(jira.issues()).toHaveLength(before);
  });

  it('retries two 503s with jittered backoff and creates exactly one issue', async () => {
    const g = gateway();
    const before = jira.issues().length;
    jira.faults.inject({ status: 503, count: 2 });

    await g.createIssue(incident());

    expect(jira.issues()).toHaveLength(before + 1);
    expect(sleeps).toEqual([125, 250]);
    expect(g.stats()).toEqual({ requests: 3, retries: 2, rateLimited: 0, timeouts: 0 });
  });

  it('gives up on a site answering 503 forever after maxRetries + 1 requests, with a RetryableError', async () => {
    const g = gateway({ maxRetries: 3 });
    const before = requestsTo('POST', '/rest/api/3/issue');
    jira.faults.inject({ status: 503, count: 100 });

    const err = await failure(g.createIssue(incident()));

    expect(err).toBeInstanceOf(RetryableError);
    expect(err.context).toMatchObject({ operation: 'createIssue', status: 503 });
    expect(err.mayHaveBeenApplied).toBe(false);
    expect(requestsTo('POST', '/rest/api/3/issue') - before).toBe(4);
    expect(sleeps).toEqual([125, 250, 500]);
  });

  it('does not resend a create after a 500, which may have created the issue, but retries a read', async () => {
    const g = gateway();
    jira.faults.inject({ status: 500, count: 1, match: { method: 'POST' } });
    const createErr = await failure(g.createIssue(incident()));
    const { key } = await g.createIssue(incident());
    jira.faults.inject({ status: 500, count: 1, match: { method: 'GET' } });

    const state = await g.getIssue(key);

    expect(createErr).toBeInstanceOf(RetryableError);
    expect(createErr.message).toBe(
      'Jira unavailable for createIssue (HTTP 500); the request may or may not have been applied',
    );
    expect(createErr.mayHaveBeenApplied).toBe(true);
    expect(state.key).toBe(key);
    expect(g.stats()).toEqual({ requests: 4, retries: 1, rateLimited: 0, timeouts: 0 });
  });

  it('times out a call that gets no answer and retries it', async () => {
    const g = gateway({ timeoutMs: 200 });
    const { key } = await g.createIssue(incident());
    jira.faults.hang(1);

    const state = await g.getIssue(key);

    expect(state.key).toBe(key);
    expect(g.stats()).toEqual({ requests: 3, retries: 1, rateLimited: 0, timeouts: 1 });
  });

  it('does not resend a create that timed out, and reports it as ambiguous', async () => {
    const g = gateway({ timeoutMs: 200 });
    const before = jira.issues().length;
    jira.faults.hang(1);

    const err = await failure(g.createIssue(incident()));

    expect(err).toBeInstanceOf(RetryableError);
    expect(err.mayHaveBeenApplied).toBe(true);
    expect(g.stats()).toEqual({ requests: 1, retries: 0, rateLimited: 0, timeouts: 1 });
    expect(jira.issues()).toHaveLength(before);
  });

  it('retries a connection refused and then gives up with a RetryableError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const g = gateway({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 2 });

    const err = await failure(g.createIssue(incident()));

    expect(err).toBeInstanceOf(RetryableError);
    expect(g.stats()).toEqual({ requests: 3, retries: 2, rateLimited: 0, timeouts: 0 });
  });

  it('says the token was refused on 401, without the token, and does not retry in the call (the hand-off will)', async () => {
    const token = 'wrong-token-value-7f3a';
    const g = gateway({ apiToken: token });

    const err = await failure(g.getIssue('SOC-1'));

    expect(err).toBeInstanceOf(JiraAuthError);
    // Retryable: the hand-off waits on the queue until the token is fixed, instead of being consumed.
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.mayHaveBeenApplied).toBe(false);
    expect(err.message).toBe(
      'Jira refused the credentials (401) for getIssue: the API token or email in the Jira secret was not accepted',
    );
    expect(JSON.stringify({ message: err.message, context: err.context })).not.toContain(token);
    expect(g.stats().requests).toBe(1);
  });

  it('turns a 404 into a PermanentError with Jira’s message', async () => {
    const err = await failure(gateway().getIssue('SOC-99999'));

    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe(
      'Jira rejected getIssue (404): Issue does not exist or you do not have permission to see it.',
    );
  });

  it('refuses something that is not an issue key before it reaches a URL', async () => {
    const g = gateway();

    const err = await failure(g.getIssue('../../myself'));

    expect(err).toBeInstanceOf(PermanentError);
    expect(g.stats().requests).toBe(0);
  });

  it('got only responses that match the OpenAPI document', () => {
    expect(jira.responseViolations()).toEqual([]);
    expect(jira.counters().issuesCreated).toBeGreaterThan(130);
  });
});

describe('JiraGateway.checkSite', () => {
  it('reports nothing for a site that has everything', async () => {
    const jira = await startJiraEmulator({ validateResponses: true });
    try {
      const g = siteGateway(jira);

      const problems = await g.checkSite(expectations());

      expect(problems).toEqual([]);
      expect(jira.responseViolations()).toEqual([]);
    } finally {
      await jira.close();
    }
  });

  it('reports a missing priority name and a transition no status offers, one line each', async () => {
    const jira = await startJiraEmulator({ validateResponses: true });
    try {
      const g = siteGateway(jira);
      // One issue in every status, so every status's transitions can be read.
      await g.createIssue(incident());
      const progressing = await g.createIssue(incident());
      await g.transition(progressing.key, 'In Progress');
      const done = await g.createIssue(incident());
      await g.transition(done.key, 'Done');

      const problems = await g.checkSite(
        expectations({ priorityNames: ['Highest', 'High', 'Critical'], transitionNames: ['Reopen', 'Close'] }),
      );

      expect(problems).toEqual([
        "priority 'Critical' does not exist in project SOC (it has: Highest, High, Medium, Low, Lowest); fix the priority-name mapping",
        "transition 'Close' is not offered from any status of 'Incident' in SOC; fix the configured transition name or the workflow (until then a closed ticket that gets new alerts gets a linked follow-up instead)",
      ]);
    } finally {
      await jira.close();
    }
  });

  it('reports a required create field it does not send, a missing permission and a missing issue type', async () => {
    const jira = await startJiraEmulator({
      customFields: [{ id: 'customfield_10077', name: 'Team', type: 'string', required: true }],
      deniedPermissions: ['TRANSITION_ISSUES'],
    });
    try {
      const problems = await siteGateway(jira).checkSite(expectations());
      const otherType = await siteGateway(jira).checkSite(expectations({ issueTypeName: 'Security Incident' }));

      expect(problems).toEqual([
        "field 'Team' (customfield_10077) is required on the create screen of 'Incident' and alert-to-ticket does not send it; make it optional or map it in the custom-field settings",
        "the integration account lacks TRANSITION_ISSUES in project SOC; grant it in the project's permission scheme",
      ]);
      expect(otherType[0]).toBe(
        "issue type 'Security Incident' is not in project SOC (it has: Incident, Task, Bug); fix the configured issue type",
      );
    } finally {
      await jira.close();
    }
  });

  it('reports refused credentials as its only problem', async () => {
    const jira = await startJiraEmulator();
    try {
      const g = new JiraGateway({
        baseUrl: jira.url,
        email: jira.site.email,
        apiToken: 'revoked',
        onSchemaMismatch: 'throw',
      });

      const problems = await g.checkSite(expectations());

      expect(problems).toEqual([
        'credentials: Jira refused the credentials (401) for getCurrentUser: the API token or email in the Jira secret was not accepted',
      ]);
    } finally {
      await jira.close();
    }
  });
});

function siteGateway(jira: JiraEmulator): JiraGateway {
  return new JiraGateway({
    baseUrl: jira.url,
    email: jira.site.email,
    apiToken: jira.site.apiToken,
    onSchemaMismatch: 'throw',
  });
}

function expectations(
  overrides: Partial<Parameters<JiraGateway['checkSite']>[0]> = {},
): Parameters<JiraGateway['checkSite']>[0] {
  return {
    projectKey: 'SOC',
    issueTypeName: 'Incident',
    priorityNames: ['Highest', 'High', 'Medium', 'Low'],
    transitionNames: ['Reopen'],
    ...overrides,
  };
}
