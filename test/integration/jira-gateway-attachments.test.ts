import { PermanentError, RetryableError } from '../../lambdas/core/errors';
import { AttachmentTooLargeError } from '../../lambdas/core/sync/ports';
import { JiraGateway } from '../../lambdas/adapters/jira/gateway';
import type { JiraGatewayOptions } from '../../lambdas/adapters/jira/gateway';
import { startJiraEmulator } from '../../local/jira-emulator';
import type { JiraEmulator } from '../../local/jira-emulator';

const DESCRIPTION = {
  version: 1 as const,
  type: 'doc' as const,
  content: [{ type: 'paragraph' as const, content: [{ type: 'text' as const, text: 'Run key persistence.' }] }],
};

async function failure(call: Promise<unknown>): Promise<Error & { context?: Record<string, unknown> }> {
  try {
    await call;
  } catch (err) {
    return err as Error;
  }
  throw new Error('the call succeeded');
}

describe('JiraGateway attachments (jira.js addAttachment) against the Jira emulator', () => {
  let jira: JiraEmulator;

  beforeAll(async () => {
    jira = await startJiraEmulator({ validateResponses: true, maxAttachmentBytes: 2048 });
  });

  afterAll(async () => {
    await jira.close();
  });

  beforeEach(() => jira.faults.clear());

  function gateway(options: Partial<JiraGatewayOptions> = {}): JiraGateway {
    return new JiraGateway({
      baseUrl: jira.url,
      email: jira.site.email,
      apiToken: jira.site.apiToken,
      onSchemaMismatch: 'throw',
      sleep: async () => undefined,
      random: () => 0.5,
      ...options,
    });
  }

  async function newIssue(g: JiraGateway): Promise<string> {
    const { key } = await g.createIssue({
      projectKey: 'SOC',
      issueTypeName: 'Incident',
      summary: 'T1547.001 – Registry Run Key Persistence on FIN-WS-034',
      description: DESCRIPTION,
      labels: ['a2t-inc-test'],
      priorityName: 'High',
    });
    return key;
  }

  it('uploads a file with its media type, lists it, and removes it', async () => {
    // Prepare
    const g = gateway();
    const key = await newIssue(g);

    // Act
    const added = await g.addAttachment(key, {
      fileName: 'raw-events-0a1b2c3d.jsonl',
      mediaType: 'application/x-ndjson',
      content: '{"ref":"Sysmon 1 #7","record":{"EventID":1}}\n',
    });
    const listed = await g.listAttachments(key);
    await g.removeAttachment(added.id);

    // Assess
    expect(added).toEqual({ id: expect.stringMatching(/^\d+$/), filename: 'raw-events-0a1b2c3d.jsonl', size: 45 });
    expect(listed).toEqual([added]);
    expect(await g.listAttachments(key)).toEqual([]);
    expect(jira.issue(key)?.attachments).toEqual([]);
    expect(jira.responseViolations()).toEqual([]);
  });

  it('sends the XSRF header: the emulator would answer 403 without it', async () => {
    const g = gateway();
    const key = await newIssue(g);

    await g.addAttachment(key, { fileName: 'a.xml', mediaType: 'application/xml', content: '<Events/>' });

    expect(jira.issue(key)?.attachments.map((a) => [a.filename, a.mimeType, a.content])).toEqual([
      ['a.xml', 'application/xml', '<Events/>'],
    ]);
  });

  it("reads the site's upload limit once per gateway", async () => {
    const g = gateway();
    const before = jira.requestLog().filter((e) => e.path === '/rest/api/3/attachment/meta').length;

    const first = await g.attachmentLimit();
    const second = await g.attachmentLimit();

    expect([first, second]).toEqual([2048, 2048]);
    expect(jira.requestLog().filter((e) => e.path === '/rest/api/3/attachment/meta').length).toBe(before + 1);
  });

  it("turns Jira's 413 into AttachmentTooLargeError, a refusal to attach into a PermanentError", async () => {
    const g = gateway();
    const key = await newIssue(g);

    const tooLarge = await failure(
      g.addAttachment(key, { fileName: 'big.jsonl', mediaType: 'text/plain', content: 'x'.repeat(2049) }),
    );
    jira.faults.inject({
      status: 403,
      count: 1,
      match: { method: 'POST', pathPrefix: `/rest/api/3/issue/${key}/attachments` },
    });
    const refused = await failure(
      g.addAttachment(key, { fileName: 'small.jsonl', mediaType: 'text/plain', content: 'x' }),
    );

    expect(tooLarge).toBeInstanceOf(AttachmentTooLargeError);
    expect(tooLarge.message).toContain('2049 bytes');
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused.message).toContain('Create attachments');
    expect(jira.issue(key)?.attachments).toEqual([]);
  });

  it('does not resend an upload after an ambiguous failure (a 500): the caller lists the files first', async () => {
    const g = gateway();
    const key = await newIssue(g);
    jira.faults.inject({
      status: 500,
      count: 1,
      match: { method: 'POST', pathPrefix: `/rest/api/3/issue/${key}/attachments` },
    });

    const err = await failure(g.addAttachment(key, { fileName: 'a.jsonl', mediaType: 'text/plain', content: 'x' }));

    expect(err).toBeInstanceOf(RetryableError);
    expect((err as RetryableError).mayHaveBeenApplied).toBe(true);
    expect(
      jira.requestLog().filter((e) => e.method === 'POST' && e.path === `/rest/api/3/issue/${key}/attachments`),
    ).toHaveLength(1);
  });

  it('never puts the API token in an error or the request log', async () => {
    const g = gateway();
    const key = await newIssue(g);
    jira.faults.inject({
      status: 503,
      count: 10,
      match: { method: 'POST', pathPrefix: `/rest/api/3/issue/${key}/attachments` },
    });

    const err = await failure(g.addAttachment(key, { fileName: 'a.jsonl', mediaType: 'text/plain', content: 'x' }));

    expect(JSON.stringify({ m: err.message, c: err.context })).not.toContain(jira.site.apiToken);
    expect(JSON.stringify(jira.requestLog())).not.toContain(jira.site.apiToken);
  });
});

describe('the site check and attachments', () => {
  it('warns, without blocking ticketing, when the account may not attach or delete its files', async () => {
    // Prepare
    const jira = await startJiraEmulator({ deniedPermissions: ['CREATE_ATTACHMENTS', 'DELETE_OWN_ATTACHMENTS'] });
    try {
      const g = new JiraGateway({ baseUrl: jira.url, email: jira.site.email, apiToken: jira.site.apiToken });

      // Act
      const problems = await g.checkSiteReport({
        projectKey: 'SOC',
        issueTypeName: 'Incident',
        priorityNames: ['Highest', 'High', 'Medium', 'Low'],
        transitionNames: [],
      });

      // Assess
      const attach = problems.filter((p) => /ATTACHMENTS/.test(p.message));
      expect(attach.map((p) => [p.area, p.blocking])).toEqual([
        ['permission', false],
        ['permission', false],
      ]);
      expect(attach[0].message).toContain('CREATE_ATTACHMENTS');
    } finally {
      await jira.close();
    }
  });
});
