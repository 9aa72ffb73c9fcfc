import { useLocalDynamo } from '../helpers/local-dynamo';
import { DynamoIngestStore } from '../../lambdas/adapters/dynamodb/ingest-store';
import { DynamoTicketStore } from '../../lambdas/adapters/dynamodb/ticket-store';
import { settingsOf } from '../../lambdas/adapters/config';
import { ID_CONFLICT } from '../../lambdas/core/correlate/incident-meta';
import { followerIds } from '../../lambdas/core/correlate/background';
import { draftReport } from '../../lambdas/core/draft';
import { plain } from '../../lambdas/core/draft/text';
import { MemoryTicketQueue } from '../../lambdas/core/ingest/memory-store';
import type { IncidentView } from '../../lambdas/core/model/incident';
import type { IncidentReport } from '../../lambdas/core/model/report';
import { ingestRecords } from '../../lambdas/ingest/ingest-records';
import { ATTACK_HOST, C2_IP, genericAlert, realAttack, sqsRecords, sysmonEvent } from '../helpers/hostile';

/**
 * Records written to hide an attack from the analyst: forged duplicates, decoys that bury the evidence, a fan-out
 * of invented hosts. Through the ingest Lambda's code and the ticket store, against a local DynamoDB.
 */

const local = useLocalDynamo();

async function pipeline() {
  const table = await local.newTable('hostile-ingest');
  const store = new DynamoIngestStore(local.doc, table);
  const tickets = new DynamoTicketStore(local.doc, table);
  const queue = new MemoryTicketQueue();
  const settings = settingsOf({});
  let batch = 0;
  return {
    queue,
    /** One batch of messages, one body each; returns the ingest result. */
    async send(bodies: string[]) {
      const r = await ingestRecords(sqsRecords(bodies, `b${++batch}`), { store, queue, settings });
      expect(r.error).toBeUndefined();
      expect(r.response.batchItemFailures).toEqual([]);
      return r.result!;
    },
    /** What ticket-sync drafts from: the view the ticket store loads (200 alerts at most). */
    async view(incidentId: string): Promise<IncidentView> {
      return (await tickets.loadView(incidentId, 200))!;
    },
    /** Incidents handed to ticket-sync so far, with the views it would draft. */
    async handedOff(): Promise<IncidentView[]> {
      const ids = [...new Set(queue.sent.map((h) => h.incidentId))];
      return Promise.all(ids.map((id) => tickets.loadView(id, 200).then((v) => v!)));
    },
  };
}

const text = (r: IncidentReport): string => JSON.stringify(r, (k, v: unknown) => (k === 'rawEvidence' ? undefined : v));
const attackView = (views: IncidentView[]) => views.find((v) => v.iocs.some((i) => i.value === C2_IP));

describe('forged duplicates: dedupe compares content', () => {
  /** Benign events claiming the victim's next record ids on the victim's host. */
  const forgeries = (first: number) =>
    [0, 1, 2].map((k) =>
      sysmonEvent({
        recordId: first + k,
        eventId: 1,
        time: '2024-02-15T21:24:00.000Z',
        data: { Image: 'C:\\Windows\\System32\\notepad.exe', CommandLine: 'notepad.exe', ProcessId: 300 + k },
      }),
    );

  it('keeps the real attack when benign events claimed its record ids first, and records the conflict', async () => {
    const p = await pipeline();
    await p.send(forgeries(483200));
    const r = await p.send([realAttack(483200).join('\n')]);
    expect(r.duplicates).toBe(0);
    expect(r.accepted).toBe(3);
    const attack = attackView(await p.handedOff());
    expect(attack).toBeDefined();
    expect(attack!.conflicts).toBe(3);
    expect(attack!.alerts.filter((a) => a.flags.includes(ID_CONFLICT))).toHaveLength(3);
    const report = draftReport(attack!);
    expect(report.iocs.map((i) => i.value)).toContain('194.165.16[.]89');
    expect(text(report)).toMatch(/3 alerts reused the record id of a different earlier event/);
  });

  it('counts a redelivery of the same attack as duplicates, not as new conflicts', async () => {
    const p = await pipeline();
    await p.send(forgeries(483200));
    await p.send([realAttack(483200).join('\n')]);
    const again = await p.send([realAttack(483200).join('\n')]);
    expect(again.accepted).toBe(0);
    expect(again.duplicates).toBe(3);
  });

  it('keeps forgeries sent after the attack apart, and leaves the attack whole', async () => {
    const p = await pipeline();
    await p.send([realAttack(483200).join('\n')]);
    const r = await p.send(forgeries(483200));
    expect(r.duplicates).toBe(0);
    expect(r.accepted).toBe(3);
    const attack = attackView(await p.handedOff());
    // The forgeries are the host's benign activity minutes after the attack: they may follow it as background
    // (counted, not analysed), but never enter its story or replace one of its alerts.
    const story = attack!.alerts.filter((a) => !followerIds(attack!.alerts).has(a.alertId));
    expect(story).toHaveLength(3);
    expect(story.every((a) => !a.flags.includes(ID_CONFLICT))).toBe(true);
    expect(story.map((a) => a.process?.image ?? '').join(' ')).not.toMatch(/notepad/i);
  });

  it('treats two deliveries of one event as duplicates, whatever wire format carried them', async () => {
    const p = await pipeline();
    const [first] = realAttack(483200);
    await p.send([first]);
    const r = await p.send([first.replace('"UtcTime"', '"Unused": "x", "UtcTime"')]);
    expect(r.duplicates).toBe(1);
    expect(r.accepted).toBe(0);
  });
});

describe('evidence burying: the sample keeps what set the severity and every new indicator', () => {
  /** Decoys joining the attack's incident (same host, same PowerShell process): paths and command lines only. */
  const decoys = (from: number, count: number, minute: number) =>
    Array.from({ length: count }, (_, k) =>
      sysmonEvent({
        recordId: 900000 + from + k,
        eventId: 11,
        time: new Date(Date.parse('2024-02-15T21:00:00.000Z') + minute * 60_000 + k * 100).toISOString(),
        data: {
          RuleName: 'technique_id=T1059.001,technique_name=PowerShell',
          ProcessGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
          ProcessId: 7842,
          Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
          TargetFilename: `C:\\Users\\jwilliams\\AppData\\Local\\Temp\\cache-${from + k}.tmp`,
        },
      }),
    );

  it('names the C2 address and URL of an attack hidden between 150 decoys before and 150 after', async () => {
    const p = await pipeline();
    for (let i = 0; i < 150; i += 50) await p.send(decoys(i, 50, 0).map((d) => d));
    await p.send([realAttack(483200, '2024-02-15T21:25:03.000Z').join('\n')]);
    for (let i = 150; i < 300; i += 50) await p.send(decoys(i, 50, 26));
    const views = await p.handedOff();
    expect(views).toHaveLength(1);
    const view = views[0];
    expect(view.alertCount).toBe(303);
    const report = draftReport(view);
    expect(['P1', 'P2']).toContain(report.priority.level);
    const iocs = report.iocs.map((i) => i.value);
    expect(iocs).toContain('194.165.16[.]89');
    expect(iocs).toContain('hxxp://update-check[.]evil-cdn[.]example[.]com/stage2.ps1');
    // The alerts that set the severity and brought the connection are in the analysed sample.
    expect(view.alerts.some((a) => a.network?.dstIp === C2_IP)).toBe(true);
    expect(view.alerts.some((a) => a.registry !== undefined)).toBe(true);
  });
});

describe('fan-out: one message naming many new hosts is one outbreak incident', () => {
  it('makes 300 invented hosts in one 37 KB message one incident, with the host count, not 300 tickets', async () => {
    const p = await pipeline();
    const body = Array.from({ length: 300 }, (_, i) =>
      genericAlert({
        alert_id: `FAN-${i}`,
        host: `WS-${String(i).padStart(4, '0')}`,
        severity: 'high',
        rule: 'Ransomware behaviour',
        technique: 'T1486',
      }),
    ).join('\n');
    expect(body.length).toBeGreaterThan(37_000);
    const r = await p.send([body, realAttack().join('\n')]);
    expect(r.accepted).toBe(303);
    const views = await p.handedOff();
    expect(views).toHaveLength(2);
    const outbreak = views.find((v) => v.outbreak === true)!;
    expect(outbreak.hosts.length + (outbreak.hostsOmitted ?? 0)).toBe(300);
    const report = draftReport(outbreak);
    expect(report.summary).toMatch(/and 299 other hosts/);
    expect(plain(report.header.find((h) => h.field === 'where')!.value)).toMatch(/outbreak: all 300 named/);
    // The real attack, in its own message, keeps its own incident and ticket.
    expect(attackView(views)?.hosts).toEqual([ATTACK_HOST.toLowerCase()]);
  });

  it('leaves a collector message with a few hosts alone', async () => {
    const p = await pipeline();
    const body = Array.from({ length: 5 }, (_, i) =>
      genericAlert({ alert_id: `FEW-${i}`, host: `WS-${i}`, severity: 'high', technique: 'T1486' }),
    ).join('\n');
    await p.send([body]);
    expect(new Set(p.queue.sent.map((h) => h.incidentId)).size).toBe(5);
  });
});
