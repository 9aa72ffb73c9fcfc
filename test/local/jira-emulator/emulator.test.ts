import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jiraContract, startJiraEmulator } from '../../../local/jira-emulator';
import type { JiraEmulator } from '../../../local/jira-emulator';
import { adf, createFields, rawGet, rest, untilTrue } from './helpers';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');

describe('Jira emulator over HTTP', () => {
  let jira: JiraEmulator;
  let clock = T0;

  beforeAll(async () => {
    jira = await startJiraEmulator({ validateResponses: true, searchDelayMs: 1000, now: () => clock });
  });

  afterAll(async () => {
    await jira.close();
  });

  async function create(overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await rest(jira, 'POST', '/rest/api/3/issue', { fields: createFields(overrides) });
    expect(res.status).toBe(201);
    return (res.body as { key: string }).key;
  }

  it('refuses missing or wrong Basic credentials with 401 in Jira shape and creates nothing', async () => {
    const before = jira.issues().length;
    const wrong = `Basic ${Buffer.from(`${jira.site.email}:not-the-token`).toString('base64')}`;
    const refused = await rest(jira, 'POST', '/rest/api/3/issue', { fields: createFields() }, { Authorization: wrong });
    const missing = await fetch(`${jira.url}/rest/api/3/myself`);

    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({
      errorMessages: ['Client must be authenticated to access this resource.'],
      errors: {},
    });
    expect(missing.status).toBe(401);
    expect(jira.issues()).toHaveLength(before);
  });

  it('creates an issue: 201 with exactly id, key and self, stored with its fields', async () => {
    const res = await rest(jira, 'POST', '/rest/api/3/issue', {
      fields: createFields({ components: [{ name: 'Endpoint' }], customfield_10050: 87 }),
    });

    expect(res.status).toBe(201);
    const body = res.body as { id: string; key: string; self: string };
    expect(Object.keys(body).sort()).toEqual(['id', 'key', 'self']);
    expect(body.self).toBe(`${jira.url}/rest/api/3/issue/${body.id}`);
    const stored = jira.issue(body.key);
    expect(stored).toMatchObject({
      summary: 'T1547.001 – Registry Run Key Persistence on FIN-WS-034',
      labels: ['a2t-inc-20261122-abc123', 'T1547.001', 'sysmon'],
      priority: 'High',
      status: 'To Do',
      statusCategory: 'new',
      resolution: null,
      components: ['Endpoint'],
      customFields: { customfield_10050: 87 },
    });
  });

  it('returns the issue with status, category, priority, labels and Jira timestamps', async () => {
    const key = await create();

    const res = await rest(jira, 'GET', `/rest/api/3/issue/${key}?fields=status,labels,priority,created,resolution`);

    expect(res.status).toBe(200);
    const fields = (res.body as { fields: Record<string, unknown> }).fields;
    expect(Object.keys(fields).sort()).toEqual(['created', 'labels', 'priority', 'resolution', 'status']);
    expect(fields.status).toMatchObject({ name: 'To Do', statusCategory: { key: 'new' } });
    expect(fields.priority).toMatchObject({ name: 'High', id: '2' });
    expect(fields.resolution).toBeNull();
    expect(fields.created).toBe('2026-11-22T10:00:00.000+0000');
  });

  it('refuses with 400 what the OpenAPI document refuses, before any handler runs', async () => {
    const key = await create();
    const before = jira.counters();

    const notObject = await rest(jira, 'POST', '/rest/api/3/issue', { fields: 'summary' });
    const notArray = await rest(jira, 'PUT', `/rest/api/3/issue/${key}`, { update: { labels: { add: 'x' } } });
    const notInteger = await rest(jira, 'GET', `/rest/api/3/search/jql?jql=project%20%3D%20SOC&maxResults=abc`);

    expect([notObject.status, notArray.status, notInteger.status]).toEqual([400, 400, 400]);
    expect((notObject.body as { errorMessages: string[] }).errorMessages).toEqual([
      'Invalid request (createIssue): /requestBody/fields must be object',
    ]);
    expect((notArray.body as { errorMessages: string[] }).errorMessages).toEqual([
      'Invalid request (editIssue): /requestBody/update/labels must be array',
    ]);
    expect((notInteger.body as { errorMessages: string[] }).errorMessages).toEqual([
      'Invalid request (searchAndReconsileIssuesUsingJql): /query/maxResults must be integer',
    ]);
    const after = jira.counters();
    expect(after.issuesCreated - before.issuesCreated).toBe(0);
    expect(after.issuesEdited - before.issuesEdited).toBe(0);
    expect(after.searches - before.searches).toBe(0);
  });

  const tooLongDescription = adf('x'.repeat(32_767));
  it.each([
    {
      what: 'a 256-character summary',
      overrides: { summary: 's'.repeat(256) },
      field: 'summary',
      message: 'Summary must be less than 255 characters.',
    },
    {
      what: 'a summary with a newline',
      overrides: { summary: 'a\nb' },
      field: 'summary',
      message: 'The summary is invalid because it contains newline characters.',
    },
    {
      what: 'no summary',
      overrides: { summary: undefined },
      field: 'summary',
      message: 'You must specify a summary of the issue.',
    },
    {
      what: 'a string description',
      overrides: { description: 'plain text' },
      field: 'description',
      message: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
    },
    {
      what: 'invalid ADF (a heading without attrs)',
      overrides: {
        description: {
          version: 1,
          type: 'doc',
          content: [{ type: 'heading', content: [{ type: 'text', text: 'x' }] }],
        },
      },
      field: 'description',
      message: 'Operation value must be an Atlassian Document (see the Atlassian Document Format): ADF invalid',
    },
    {
      what: 'a description over 32,767 characters of JSON',
      overrides: { description: tooLongDescription },
      field: 'description',
      message: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.',
    },
    {
      what: 'a label with a space',
      overrides: { labels: ['ok', 'has space'] },
      field: 'labels',
      message: "The label 'has space' contains spaces which is invalid.",
    },
    {
      what: 'a 256-character label',
      overrides: { labels: ['l'.repeat(256)] },
      field: 'labels',
      message: 'exceeds the maximum length for a single label of 255 characters',
    },
    {
      what: 'an unknown custom field',
      overrides: { customfield_99999: 'x' },
      field: 'customfield_99999',
      message: "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown.",
    },
    {
      what: 'an unknown priority',
      overrides: { priority: { name: 'Critical' } },
      field: 'priority',
      message: "'Critical' is not a priority on this site",
    },
    {
      what: 'an unknown component',
      overrides: { components: [{ name: 'Mainframe' }] },
      field: 'components',
      message: "Component name 'Mainframe' is not valid",
    },
    {
      what: 'a custom number field given text',
      overrides: { customfield_10050: 'high' },
      field: 'customfield_10050',
      message: 'Operation value must be a number',
    },
    {
      what: 'an unknown issue type',
      overrides: { issuetype: { name: 'Epic' } },
      field: 'issuetype',
      message: 'The issue type selected is invalid.',
    },
    {
      what: 'another project',
      overrides: { project: { key: 'OPS' } },
      field: 'project',
      message: 'Specify a valid project ID or key',
    },
  ])('refuses $what with 400 and errors.$field in Jira shape', async ({ overrides, field, message }) => {
    const before = jira.issues().length;

    const res = await rest(jira, 'POST', '/rest/api/3/issue', { fields: createFields(overrides) });

    expect(res.status).toBe(400);
    const body = res.body as { errorMessages: string[]; errors: Record<string, string> };
    expect(body.errorMessages).toEqual([]);
    expect(Object.keys(body.errors)).toEqual([field]);
    expect(body.errors[field]).toContain(message);
    expect(jira.issues()).toHaveLength(before);
  });

  it('accepts a description of 32,000 characters of JSON, under the limit', async () => {
    const description = adf('y'.repeat(31_900));
    expect(JSON.stringify(description).length).toBeLessThan(32_767);

    const res = await rest(jira, 'POST', '/rest/api/3/issue', { fields: createFields({ description }) });

    expect(res.status).toBe(201);
  });

  it('answers 404 in Jira shape for an unknown issue on every issue operation', async () => {
    const notFound = { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} };

    const answers = await Promise.all([
      rest(jira, 'GET', '/rest/api/3/issue/SOC-9999'),
      rest(jira, 'PUT', '/rest/api/3/issue/SOC-9999', { fields: { priority: { name: 'Low' } } }),
      rest(jira, 'POST', '/rest/api/3/issue/SOC-9999/comment', { body: adf('x') }),
      rest(jira, 'GET', '/rest/api/3/issue/SOC-9999/transitions'),
    ]);

    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404]);
    for (const a of answers) expect(a.body).toEqual(notFound);
  });

  it('adds and removes labels through update operations and leaves the others', async () => {
    const key = await create({ labels: ['a2t-inc-x', 'analyst-label'] });

    const res = await rest(jira, 'PUT', `/rest/api/3/issue/${key}`, {
      fields: { priority: { name: 'Highest' } },
      update: { labels: [{ add: 'T1059' }, { add: 'a2t-inc-x' }, { remove: 'nope' }] },
    });

    expect(res.status).toBe(204);
    expect(jira.issue(key)?.labels).toEqual(['a2t-inc-x', 'analyst-label', 'T1059']);
    expect(jira.issue(key)?.priority).toBe('Highest');
  });

  it('refuses an edit of a field that is not on the edit screen', async () => {
    const key = await create();

    const res = await rest(jira, 'PUT', `/rest/api/3/issue/${key}`, { fields: { project: { key: 'SOC' } } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errorMessages: [],
      errors: { project: "Field 'project' cannot be set. It is not on the appropriate screen, or unknown." },
    });
  });

  it('adds an ADF comment (201 with id, author, body, created) and refuses a string body', async () => {
    const key = await create();

    const ok = await rest(jira, 'POST', `/rest/api/3/issue/${key}/comment`, { body: adf('3 new alerts') });
    const bad = await rest(jira, 'POST', `/rest/api/3/issue/${key}/comment`, { body: 'plain' });
    const list = await rest(jira, 'GET', `/rest/api/3/issue/${key}/comment?orderBy=-created`);

    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ author: { accountId: jira.site.accountId }, body: adf('3 new alerts') });
    expect(typeof (ok.body as { id: unknown }).id).toBe('string');
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: Record<string, string> }).errors.comment).toContain('Atlassian Document');
    expect((list.body as { total: number }).total).toBe(1);
  });

  it('offers the workflow transitions per status and resolves, reopens and refuses invalid ones', async () => {
    const key = await create();
    const names = async () =>
      (
        (await rest(jira, 'GET', `/rest/api/3/issue/${key}/transitions`)).body as { transitions: { name: string }[] }
      ).transitions.map((t) => t.name);

    expect(await names()).toEqual(['In Progress', 'Done']);
    const invalid = await rest(jira, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '41' } });
    const done = await rest(jira, 'POST', `/rest/api/3/issue/${key}/transitions`, {
      transition: { id: '31' },
      fields: { resolution: { name: 'False Positive' } },
    });
    const afterDone = jira.issue(key);
    const offeredWhenDone = await names();
    const reopen = await rest(jira, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id: '41' } });

    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ errorMessages: ["Transition id '41' is not valid for this issue."], errors: {} });
    expect(done.status).toBe(204);
    expect(afterDone).toMatchObject({ status: 'Done', statusCategory: 'done', resolution: 'False Positive' });
    expect(offeredWhenDone).toEqual(['Reopen']);
    expect(reopen.status).toBe(204);
    expect(jira.issue(key)).toMatchObject({ status: 'To Do', statusCategory: 'new', resolution: null });
  });

  it('hides a new issue from search for searchDelayMs unless its id is reconciled', async () => {
    const label = 'a2t-inc-20261122-delay01';
    clock = T0 + 10_000;
    const key = await create({ labels: [label] });
    const id = jira.issue(key)?.id ?? '';
    const jql = encodeURIComponent(`project = "SOC" AND labels = "${label}" ORDER BY created ASC`);

    const hidden = await rest(jira, 'GET', `/rest/api/3/search/jql?jql=${jql}&fields=status`);
    const reconciled = await rest(jira, 'GET', `/rest/api/3/search/jql?jql=${jql}&fields=status&reconcileIssues=${id}`);
    clock = T0 + 11_000;
    const visible = await rest(jira, 'GET', `/rest/api/3/search/jql?jql=${jql}&fields=status`);

    expect(hidden.body).toEqual({ issues: [], isLast: true });
    expect((reconciled.body as { issues: { key: string }[] }).issues.map((i) => i.key)).toEqual([key]);
    expect((visible.body as { issues: { key: string }[] }).issues.map((i) => i.key)).toEqual([key]);
  });

  it('pages results with nextPageToken until isLast and refuses a token from another query', async () => {
    const label = 'a2t-inc-20261122-page01';
    const keys = [];
    for (let i = 0; i < 5; i += 1) keys.push(await create({ labels: [label] }));
    clock += 5_000;
    const jql = `project = SOC AND labels in ("${label}", "other") ORDER BY created ASC`;

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await rest(jira, 'POST', '/rest/api/3/search/jql', {
        jql,
        maxResults: 2,
        fields: ['key'],
        nextPageToken: token,
      });
      const body = res.body as { issues: { key: string }[]; isLast: boolean; nextPageToken?: string };
      pages += 1;
      seen.push(...body.issues.map((i) => i.key));
      if (body.isLast) break;
      token = body.nextPageToken;
    }
    const foreign = await rest(jira, 'POST', '/rest/api/3/search/jql', {
      jql: 'project = SOC',
      nextPageToken: token ?? 'x',
    });

    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
    expect(foreign.status).toBe(400);
  });

  it.each([
    ['an unquoted reserved word', 'project = SOC AND labels = order', "'order' is a reserved JQL word"],
    ['OR', 'project = SOC OR labels = x', "'OR' is not supported"],
    ['an unknown field', 'project = SOC AND colour = red', "Field 'colour' does not exist"],
    ['a project that does not exist', 'project = "OPS"', "The value 'OPS' does not exist for the field 'project'."],
    ['an illegal escape', 'labels = "a\\qb"', "'\\q' is an illegal JQL escape sequence"],
    ['an unbounded query', 'ORDER BY created DESC', 'Unbounded JQL queries are not allowed here'],
  ])('refuses JQL with %s with 400 and Jira’s message', async (_what, jql, message) => {
    const res = await rest(jira, 'GET', `/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}`);

    expect(res.status).toBe(400);
    const body = res.body as { errorMessages: string[]; errors: Record<string, string> };
    expect(body.errorMessages).toHaveLength(1);
    expect(body.errorMessages[0]).toContain(message);
    expect(body.errors).toEqual({});
  });

  it('links two issues once per type and pair (201, no body) and shows the link on both', async () => {
    const a = await create();
    const b = await create();
    const link = { type: { name: 'Relates' }, inwardIssue: { key: a }, outwardIssue: { key: b } };

    const first = await rest(jira, 'POST', '/rest/api/3/issueLink', link);
    const again = await rest(jira, 'POST', '/rest/api/3/issueLink', link);
    const unknownType = await rest(jira, 'POST', '/rest/api/3/issueLink', { ...link, type: { name: 'Causes' } });
    const fields = (
      (await rest(jira, 'GET', `/rest/api/3/issue/${a}?fields=issuelinks`)).body as {
        fields: { issuelinks: unknown[] };
      }
    ).fields;

    expect([first.status, again.status, first.body]).toEqual([201, 201, '']);
    expect(unknownType.status).toBe(404);
    expect(jira.issue(a)?.links).toEqual([{ type: 'Relates', inwardKey: a, outwardKey: b }]);
    expect(jira.issue(b)?.links).toEqual([{ type: 'Relates', inwardKey: a, outwardKey: b }]);
    expect(fields.issuelinks).toHaveLength(1);
    expect(fields.issuelinks[0]).toMatchObject({ type: { name: 'Relates' }, outwardIssue: { key: b } });
  });

  it('answers injected 429s with Retry-After and RateLimit-Reason, for matching requests only, changing nothing', async () => {
    const before = jira.issues().length;
    jira.faults.inject({
      status: 429,
      count: 2,
      retryAfterSeconds: 7,
      match: { method: 'POST', pathPrefix: '/rest/api/3/issue' },
    });

    const read = await rest(jira, 'GET', '/rest/api/3/myself');
    const first = await rest(jira, 'POST', '/rest/api/3/issue', { fields: createFields() });
    const second = await rest(jira, 'POST', '/rest/api/3/issue', { fields: createFields() });
    const third = await rest(jira, 'POST', '/rest/api/3/issue', { fields: createFields() });

    expect([read.status, first.status, second.status, third.status]).toEqual([200, 429, 429, 201]);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(first.headers.get('ratelimit-reason')).toBe('jira-burst-based');
    expect(jira.issues()).toHaveLength(before + 1);
  });

  it('answers injected 5xx with Jira-like bodies: JSON from Jira, HTML from its gateways', async () => {
    jira.faults.inject({ status: 503, count: 1 });
    jira.faults.inject({ status: 502, count: 1 });

    const unavailable = await rest(jira, 'GET', '/rest/api/3/serverInfo');
    const badGateway = await rest(jira, 'GET', '/rest/api/3/serverInfo');

    expect(unavailable.status).toBe(503);
    expect((unavailable.body as { errorMessages: string[] }).errorMessages).toHaveLength(1);
    expect(badGateway.status).toBe(502);
    expect(badGateway.headers.get('content-type')).toContain('text/html');
  });

  it('holds every request for the injected latency, on its timers, before answering it', async () => {
    // Only setTimeout is faked: the latency is then a timer the test steps through, not a wait it measures.
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'queueMicrotask',
        'Date',
        'hrtime',
        'performance',
      ],
    });
    try {
      jira.faults.latency(150);
      const logged = jira.requestLog().length;
      const answer = rawGet(jira, '/rest/api/3/myself');
      await untilTrue(() => jira.requestLog().length > logged);

      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(149);
      expect(jest.getTimerCount()).toBe(1);
      expect(jira.requestLog().at(-1)).toMatchObject({ path: '/rest/api/3/myself', status: 0 });
      jest.advanceTimersByTime(1);
      expect(jest.getTimerCount()).toBe(0);
      expect((await answer).status).toBe(200);
      expect(jira.requestLog().at(-1)).toMatchObject({ path: '/rest/api/3/myself', status: 200 });
    } finally {
      jira.faults.latency(0);
      jest.useRealTimers();
    }
  });

  it('logs method, path, operation and status, and never headers or query strings', async () => {
    await rest(
      jira,
      'GET',
      `/rest/api/3/search/jql?jql=${encodeURIComponent('project = SOC AND labels = "secret-ish"')}`,
    );

    const last = jira.requestLog().at(-1);

    expect(last).toEqual({
      method: 'GET',
      path: '/rest/api/3/search/jql',
      operationId: 'searchAndReconsileIssuesUsingJql',
      status: 200,
    });
    expect(JSON.stringify(jira.requestLog())).not.toContain(jira.site.apiToken);
  });

  it('answers an unknown REST path with 404 and a known but unemulated operation with 501', async () => {
    const unknown = await rest(jira, 'GET', '/rest/api/3/nothing-here');
    const unemulated = await rest(jira, 'GET', '/rest/api/3/dashboard');

    expect(unknown.status).toBe(404);
    expect(unemulated.status).toBe(501);
    expect(unemulated.body).toEqual({
      errorMessages: ['The Jira emulator does not implement getAllDashboards.'],
      errors: {},
    });
  });

  it('serves /browse/KEY with every alert-controlled text escaped and scripts forbidden', async () => {
    const hostile = '<script>alert(1)</script>';
    const key = await create({
      summary: `Run key ${hostile}`,
      labels: [hostile],
      description: {
        version: 1,
        type: 'doc',
        content: [
          { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: hostile }] },
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'click', marks: [{ type: 'link', attrs: { href: 'javascript:alert(2)' } }] },
            ],
          },
          { type: 'codeBlock', content: [{ type: 'text', text: `cmd.exe /c "${hostile}"` }] },
        ],
      },
    });
    await rest(jira, 'POST', `/rest/api/3/issue/${key}/comment`, { body: adf(`comment ${hostile}`) });

    const res = await fetch(`${jira.url}/browse/${key}`);
    const html = await res.text();
    const list = await (await fetch(`${jira.url}/`)).text();

    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).not.toContain('<script');
    expect(html).not.toContain('javascript:');
    expect(html.split('&#60;script&#62;alert(1)&#60;/script&#62;')).toHaveLength(7);
    expect(list).toContain(`/browse/${key}`);
    expect(list).not.toContain('<script');
  });

  it('checks its own responses against the document: a wrong body is flagged and none of its own were', async () => {
    const contract = jiraContract();

    const wrong = await contract.checkResponse('createIssue', 201, { id: 1, key: 'SOC-1', self: 'x' });
    const right = await contract.checkResponse('createIssue', 201, {
      id: '1',
      key: 'SOC-1',
      self: 'http://x/rest/api/3/issue/1',
    });

    expect(wrong).toEqual({ checked: true, errors: ['/id must be string'] });
    expect(right).toEqual({ checked: true, errors: [] });
    expect(jira.responseViolations()).toEqual([]);
    expect(jira.counters().byStatus['200']).toBeGreaterThan(5);
  });
});

describe('Jira emulator limits and persistence', () => {
  it('refuses a comment beyond the per-issue limit with 413', async () => {
    const jira = await startJiraEmulator({ maxComments: 2 });
    try {
      const key = ((await rest(jira, 'POST', '/rest/api/3/issue', { fields: createFields() })).body as { key: string })
        .key;
      const statuses = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push((await rest(jira, 'POST', `/rest/api/3/issue/${key}/comment`, { body: adf(`c${i}`) })).status);

      expect(statuses).toEqual([201, 201, 413]);
      expect(jira.issue(key)?.comments).toHaveLength(2);
    } finally {
      await jira.close();
    }
  });

  it('defaults to Jira Cloud’s limit of 5,000 comments per issue', async () => {
    const jira = await startJiraEmulator();
    try {
      expect(jira.site.maxComments).toBe(5000);
    } finally {
      await jira.close();
    }
  });

  it('keeps issues in the state file across restarts and continues the key sequence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jira-emulator-'));
    const stateFile = join(dir, 'jira.json');
    try {
      const first = await startJiraEmulator({ stateFile });
      await rest(first, 'POST', '/rest/api/3/issue', { fields: createFields() });
      await first.close();

      const second = await startJiraEmulator({ stateFile });
      const created = await rest(second, 'POST', '/rest/api/3/issue', { fields: createFields() });
      const keys = second.issues().map((i) => i.key);
      await second.close();

      expect(keys).toEqual(['SOC-1', 'SOC-2']);
      expect((created.body as { key: string }).key).toBe('SOC-2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
