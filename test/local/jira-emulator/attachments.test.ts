import { startJiraEmulator } from '../../../local/jira-emulator';
import type { JiraEmulator } from '../../../local/jira-emulator';
import { basicAuth, createFields, rest } from './helpers';

/** A multipart upload as Jira expects it: parts named `file`, and (unless `token` is false) the XSRF header. */
async function upload(
  jira: JiraEmulator,
  key: string,
  files: { name: string; text: string; type?: string; field?: string }[],
  token = true,
): Promise<{ status: number; type: string; body: unknown }> {
  const form = new FormData();
  for (const f of files) form.append(f.field ?? 'file', new Blob([f.text], { type: f.type ?? 'text/plain' }), f.name);
  const res = await fetch(`${jira.url}/rest/api/3/issue/${key}/attachments`, {
    method: 'POST',
    headers: { Authorization: basicAuth(jira), ...(token ? { 'X-Atlassian-Token': 'no-check' } : {}) },
    body: form,
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, body: type.includes('json') ? JSON.parse(text) : text };
}

describe('Jira emulator: attachments', () => {
  let jira: JiraEmulator;
  let key: string;

  beforeAll(async () => {
    jira = await startJiraEmulator({ validateResponses: true, maxAttachmentBytes: 4096, maxAttachments: 3 });
  });

  afterAll(async () => {
    await jira.close();
  });

  beforeEach(async () => {
    const created = await rest(jira, 'POST', '/rest/api/3/issue', { fields: createFields() });
    key = (created.body as { key: string }).key;
  });

  it('accepts a multipart upload with X-Atlassian-Token: no-check and answers the array of attachments', async () => {
    // Act
    const res = await upload(jira, key, [{ name: 'raw-events-1.xml', text: '<Events/>\n', type: 'application/xml' }]);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^\d+$/),
        filename: 'raw-events-1.xml',
        mimeType: 'application/xml',
        size: 10,
        content: expect.stringContaining('/rest/api/3/attachment/content/'),
        created: expect.stringMatching(/\+0000$/),
      }),
    ]);
    expect(jira.issue(key)?.attachments).toEqual([
      expect.objectContaining({ filename: 'raw-events-1.xml', content: '<Events/>\n', size: 10 }),
    ]);
    expect(jira.responseViolations()).toEqual([]);
  });

  it('refuses an upload without the XSRF header with a plain-text 403 and stores nothing', async () => {
    const res = await upload(jira, key, [{ name: 'a.txt', text: 'x' }], false);

    expect(res).toMatchObject({ status: 403, body: 'XSRF check failed' });
    expect(res.type).toMatch(/^text\/plain/);
    expect(jira.issue(key)?.attachments).toEqual([]);
  });

  it('answers 413 for a file over the site limit, and for more files than the issue may hold, storing nothing', async () => {
    const over = await upload(jira, key, [{ name: 'big.txt', text: 'x'.repeat(4097) }]);
    const atLimit = await upload(jira, key, [{ name: 'fits.txt', text: 'x'.repeat(4096) }]);

    expect(over.status).toBe(413);
    expect(JSON.stringify(over.body)).toContain('4096');
    expect(atLimit.status).toBe(200);
    const three = await upload(jira, key, [
      { name: 'b.txt', text: 'b' },
      { name: 'c.txt', text: 'c' },
      { name: 'd.txt', text: 'd' },
    ]);
    expect(three.status).toBe(413);
    expect(jira.issue(key)?.attachments.map((a) => a.filename)).toEqual(['fits.txt']);
  });

  it('lists files in fields.attachment, serves metadata and content (303 by default), and deletes them', async () => {
    // Prepare
    const up = await upload(jira, key, [
      { name: 'raw-events-2.jsonl', text: '{"a":1}\n', type: 'application/x-ndjson' },
    ]);
    const id = (up.body as { id: string }[])[0].id;

    // Act
    const issue = await rest(jira, 'GET', `/rest/api/3/issue/${key}?fields=attachment`);
    const meta = await rest(jira, 'GET', `/rest/api/3/attachment/${id}`);
    const redirect = await fetch(`${jira.url}/rest/api/3/attachment/content/${id}`, {
      headers: { Authorization: basicAuth(jira) },
      redirect: 'manual',
    });
    const content = await fetch(`${jira.url}/rest/api/3/attachment/content/${id}`, {
      headers: { Authorization: basicAuth(jira) },
    });
    const settings = await rest(jira, 'GET', '/rest/api/3/attachment/meta');
    const removed = await rest(jira, 'DELETE', `/rest/api/3/attachment/${id}`);
    const again = await rest(jira, 'DELETE', `/rest/api/3/attachment/${id}`);

    // Assess
    expect((issue.body as { fields: { attachment: unknown[] } }).fields.attachment).toEqual([
      expect.objectContaining({ id, filename: 'raw-events-2.jsonl', size: 8 }),
    ]);
    expect(meta).toMatchObject({ status: 200, body: { id: Number(id), filename: 'raw-events-2.jsonl' } });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toContain(`/attachment/content/${id}?redirect=false`);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('application/x-ndjson');
    expect(await content.text()).toBe('{"a":1}\n');
    expect(settings.body).toEqual({ enabled: true, uploadLimit: 4096 });
    expect(removed.status).toBe(204);
    expect(again.status).toBe(404);
    expect(jira.issue(key)?.attachments).toEqual([]);
    expect(jira.responseViolations()).toEqual([]);
  });

  it('refuses an upload with no part named file, and to an unknown issue', async () => {
    const wrongField = await upload(jira, key, [{ name: 'a.txt', text: 'x', field: 'upload' }]);
    const noIssue = await upload(jira, 'SOC-99999', [{ name: 'a.txt', text: 'x' }]);

    expect(wrongField.status).toBe(400);
    expect(noIssue.status).toBe(404);
  });

  it('refuses uploads with 403 where the account may not attach files', async () => {
    const denied = await startJiraEmulator({ deniedPermissions: ['CREATE_ATTACHMENTS'] });
    try {
      const created = await rest(denied, 'POST', '/rest/api/3/issue', { fields: createFields() });
      const res = await upload(denied, (created.body as { key: string }).key, [{ name: 'a.txt', text: 'x' }]);
      expect(res.status).toBe(403);
    } finally {
      await denied.close();
    }
  });
});
