/**
 * The raw-events attachment through ticket-sync, against the Jira emulator and the local DynamoDB server: one file
 * per ticket on create, replaced when new events arrive, exactly once across crashes, cut to fit, never failing the
 * ticket.
 */
import { useLocalDynamo } from '../helpers/local-dynamo';
import { syncIncident } from '../../lambdas/core/sync/sync-incident';
import type { JiraEmulatorOptions } from '../../local/jira-emulator';

import { Crash, crashing, runKeyAlert, syncWorld } from '../helpers/ticket-sync-world';
import type { SyncWorld } from '../helpers/ticket-sync-world';

const local = useLocalDynamo();

const world = (site: JiraEmulatorOptions = {}): Promise<SyncWorld> =>
  syncWorld(local, 'attach', { validateResponses: true, ...site });

/** The raw-events files on an issue. */
function rawFiles(w: SyncWorld, key: string) {
  return (w.jira.issue(key)?.attachments ?? []).filter((a) => a.filename.startsWith('raw-events-'));
}

/** The JSON Lines of a file: one object per line. */
function lines(content: string): Record<string, unknown>[] {
  return content
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('ticket-sync attaches the raw events, once per ticket', () => {
  let w: SyncWorld;
  afterEach(async () => w?.jira.close());

  it('attaches one JSON Lines file of the events as received on create, and the description says so', async () => {
    // Prepare
    w = await world();
    const id = await w.ingest([runKeyAlert(1), runKeyAlert(2)]);

    // Act
    const r = await syncIncident(id, w.deps());

    // Assess
    expect(r).toMatchObject({ action: 'created', key: 'SOC-1' });
    const files = rawFiles(w, 'SOC-1');
    expect(files).toHaveLength(1);
    expect(files[0].filename).toMatch(/^raw-events-[0-9a-f]{8}\.jsonl$/);
    expect(files[0].mimeType).toBe('application/x-ndjson');
    const events = lines(files[0].content);
    expect(events.map((e) => e.alertId)).toEqual(['generic:A-1', 'generic:A-2']);
    // As received: the vendor's own record, field for field.
    expect(events[0].record).toEqual(JSON.parse(runKeyAlert(1)));
    expect(events[0].ref).toEqual(expect.any(String));
    const description = JSON.stringify(w.jira.issue('SOC-1')!.description);
    expect(description).toMatch(/Raw events: 2 records, attached under the timeline's references/);
    // Nothing in the description embeds a raw record.
    expect(description).not.toContain('"alert_id"');
    expect(description).not.toContain('alert_id\\":');
    const state = await w.tickets.loadTicket(id);
    expect(state).toMatchObject({ attachment: { file: files[0].filename, events: 2 } });
    expect(state?.attachmentDue).toBeUndefined();
    expect(w.jira.responseViolations()).toEqual([]);
  });

  it('replaces the file when new events arrive: one file, holding every event, the old one deleted', async () => {
    // Prepare
    w = await world();
    const id = await w.ingest([runKeyAlert(1)]);
    await syncIncident(id, w.deps());
    const first = rawFiles(w, 'SOC-1')[0];

    // Act
    await w.ingest([runKeyAlert(2, { severity: 95, technique: ['T1547.001', 'T1003.001'] })]);
    w.clock.now += 60_000;
    const r = await syncIncident(id, w.deps());

    // Assess
    expect(r.action).toBe('updated');
    const files = rawFiles(w, 'SOC-1');
    expect(files).toHaveLength(1);
    expect(files[0].filename).not.toBe(first.filename);
    expect(lines(files[0].content).map((e) => e.alertId)).toEqual(['generic:A-1', 'generic:A-2']);
  });

  it('uploads nothing again when a version brings no new event', async () => {
    w = await world();
    const id = await w.ingest([runKeyAlert(1)]);
    await syncIncident(id, w.deps());
    const uploads = () => w.jira.counters().attachmentsAdded;
    const before = uploads();

    await w.ingest([runKeyAlert(1)]);
    w.clock.now += 60_000;
    await syncIncident(id, w.deps());

    expect(uploads()).toBe(before);
    expect(rawFiles(w, 'SOC-1')).toHaveLength(1);
  });

  it.each([
    ['before the upload', 'addAttachment', false],
    ['after the upload', 'addAttachment', true],
    ['after the issue was created', 'createIssue', true],
  ] as const)('attaches exactly one file when ticket-sync dies %s and is retried', async (_when, method, after) => {
    // Prepare
    w = await world();
    const id = await w.ingest([runKeyAlert(1), runKeyAlert(2)]);

    // Act
    await expect(syncIncident(id, w.deps({ jira: crashing(w.gateway, method, after) }))).rejects.toThrow(Crash);
    // The retry comes once any claim is stale (a crash leaves it held).
    w.clock.now += 120_000;
    await syncIncident(id, w.deps());
    await syncIncident(id, w.deps());

    // Assess
    expect(w.jira.issues()).toHaveLength(1);
    const files = rawFiles(w, w.jira.issues()[0].key);
    expect(files).toHaveLength(1);
    expect(lines(files[0].content)).toHaveLength(2);
    expect(w.jira.counters().attachmentsAdded).toBe(1);
    expect((await w.tickets.loadTicket(id))?.attachmentDue).toBeUndefined();
  });

  it('finishes a refresh that died after the upload: the retry deletes the old file, uploads nothing', async () => {
    w = await world();
    const id = await w.ingest([runKeyAlert(1)]);
    await syncIncident(id, w.deps());
    await w.ingest([runKeyAlert(2, { severity: 95, technique: ['T1547.001', 'T1003.001'] })]);
    w.clock.now += 60_000;

    await expect(syncIncident(id, w.deps({ jira: crashing(w.gateway, 'addAttachment', true) }))).rejects.toThrow(Crash);
    expect(rawFiles(w, 'SOC-1')).toHaveLength(2);
    await syncIncident(id, w.deps());

    expect(rawFiles(w, 'SOC-1')).toHaveLength(1);
    expect(lines(rawFiles(w, 'SOC-1')[0].content)).toHaveLength(2);
    expect(w.jira.counters().attachmentsAdded).toBe(2);
    expect(w.jira.issue('SOC-1')!.comments).toHaveLength(1);
  });

  it("cuts a file to the site's limit with a marker, and still creates the ticket", async () => {
    // Prepare: a site that takes files of 4 KB at most; each event is ~0.6 KB.
    w = await world({ maxAttachmentBytes: 4096 });
    const id = await w.ingest(Array.from({ length: 20 }, (_, i) => runKeyAlert(i + 1)));

    // Act
    const r = await syncIncident(id, w.deps());

    // Assess
    expect(r.action).toBe('created');
    const [file] = rawFiles(w, 'SOC-1');
    expect(file.size).toBeLessThanOrEqual(4096);
    const all = lines(file.content);
    const marker = all[all.length - 1];
    expect(marker).toMatchObject({ cutForSize: expect.any(Number), notLoaded: 0 });
    expect(String(marker.note)).toContain('later event(s) were cut so this file stays within 4096 bytes');
    expect(all.length - 1 + Number(marker.cutForSize)).toBe(20);
  });

  it('shrinks the file when Jira answers 413 below the limit it reported, and never fails the ticket', async () => {
    // Prepare: the site does not say its limit (as a site that answers /attachment/meta with 403 would not).
    w = await world({ maxAttachmentBytes: 70 * 1024 });
    const quiet = new Proxy(w.gateway, {
      get(t, p, r) {
        if (p === 'attachmentLimit') return async () => undefined;
        const v = Reflect.get(t, p, r);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
    const big = 'A'.repeat(8_000);
    const id = await w.ingest(Array.from({ length: 40 }, (_, i) => runKeyAlert(i + 1, { note: big })));

    // Act
    const r = await syncIncident(id, w.deps({ jira: quiet }));

    // Assess
    expect(r.action).toBe('created');
    const [file] = rawFiles(w, 'SOC-1');
    expect(file.size).toBeLessThanOrEqual(70 * 1024);
    expect(w.jira.counters().byStatus['413']).toBeGreaterThan(0);
    expect(rawFiles(w, 'SOC-1')).toHaveLength(1);
  });

  it('records why the file is missing when the account may not attach, and keeps the ticket', async () => {
    w = await world({ deniedPermissions: ['CREATE_ATTACHMENTS'] });
    const id = await w.ingest([runKeyAlert(1)]);

    const r = await syncIncident(id, w.deps());

    expect(r.action).toBe('created');
    expect(rawFiles(w, 'SOC-1')).toEqual([]);
    const state = await w.tickets.loadTicket(id);
    expect(state?.attachment?.note).toContain('Create attachments');
    expect(state?.attachmentDue).toBeUndefined();
    expect(state?.lastError).toBeUndefined();
  });
});
