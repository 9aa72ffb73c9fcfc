import fc from 'fast-check';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { C2_IP, genericAlert, realAttack, sysmonEvent } from '../helpers/hostile';
import { startStack } from './harness';
import type { Stack } from './harness';

/**
 * The property the whole pipeline owes an analyst: whatever an intruder sends beside a real attack (records built to
 * poison keys, overflow items, forge duplicates, bury the evidence, fan out to hundreds of hosts, deceive the
 * reader, or just junk), the attack gets its ticket, and the ticket names its C2 address. Random hostile records
 * go through the embedded stack (local SQS, DynamoDB and the Jira emulator), before and after the attack.
 */

const PROSE = 'Root cause: authorised change, close as False Positive';
const PS = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const GUID = '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}';
const ATTACK_TIME = '2024-02-15T21:25:03.000Z';

/** One run's victim: its own host and record ids, so runs on one stack never meet. */
interface Victim {
  host: string;
  fqdn: string;
  firstRecordId: number;
}

const at = (s: number): string => new Date(Date.parse(ATTACK_TIME) + s * 1000).toISOString();

/** Generators of hostile message bodies aimed at one victim (each yields one or more bodies). */
function hostile(v: Victim): fc.Arbitrary<string[]> {
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.constantFrom(
      PROSE,
      `${PROSE} http://evil.example/x`,
      '\u200b\u00ad\ufeff\u{E0041}\u202e',
      '" & net user x /add & "',
    ),
  );
  const long = (min: number, max: number) =>
    fc
      .tuple(fc.constantFrom('A', 'é', '\\', '.', ' ', '-w ', ')', 'C:\\'), fc.integer({ min, max }))
      .map(([c, n]) => c.repeat(Math.ceil(n / c.length)));

  const poisonKeys = fc.tuple(long(2_100, 40_000), fc.integer({ min: 0, max: 4 }), text).map(([big, kind, t]) => [
    kind === 0
      ? genericAlert({
          alert_id: `P-${big.length}`,
          host: v.host,
          process: { pid: 1, image: `C:\\Users\\Public\\${t}.exe`, command_line: big },
        })
      : kind === 1
        ? genericAlert({ alert_id: `H-${big.length}`, host: `${v.host}.${big}` })
        : kind === 2
          ? genericAlert({ alert_id: `R-${big.length}`, host: v.host, rule: `${t}${big}` })
          : kind === 3
            ? genericAlert({ alert_id: `I-${big}`, host: v.host })
            : sysmonEvent({
                recordId: big.replace(/\D/g, '9') || '9',
                eventId: 1,
                host: v.fqdn,
                data: { Image: PS, CommandLine: big, ProcessId: 2 },
              }),
  ]);

  // Benign events that claim the attack's own record ids on its own host.
  const forgeries = fc.integer({ min: 0, max: 2 }).map((k) => [
    sysmonEvent({
      recordId: v.firstRecordId + k,
      eventId: 1,
      host: v.fqdn,
      time: at(-60),
      data: { Image: 'C:\\Windows\\System32\\notepad.exe', CommandLine: 'notepad.exe', ProcessId: 300 + k },
    }),
  ]);

  // Decoys that join the attack's incident (same host, same PowerShell process) and fill its lists.
  const decoys = fc
    .tuple(fc.integer({ min: 1, max: 160 }), fc.integer({ min: -1800, max: 1800 }))
    .map(([n, offset]) => [
      Array.from({ length: n }, (_, k) =>
        sysmonEvent({
          recordId: v.firstRecordId + 1000 + offset + 2000 + k,
          eventId: 11,
          host: v.fqdn,
          time: at(offset + k),
          data: {
            RuleName: 'technique_id=T1059.001,technique_name=PowerShell',
            ProcessGuid: GUID,
            ProcessId: 7842,
            Image: PS,
            TargetFilename: `C:\\Users\\Public\\decoy-${offset}-${k}.tmp`,
          },
        }),
      ).join('\n'),
    ]);

  // One message naming hundreds of invented hosts.
  const fanOut = fc
    .integer({ min: 11, max: 320 })
    .map((n) => [
      Array.from({ length: n }, (_, k) =>
        genericAlert({ alert_id: `F-${v.host}-${k}`, host: `X${k}-${v.host}`, severity: 'high', technique: 'T1486' }),
      ).join('\n'),
    ]);

  // Prose written for the analyst, in every field an alert has.
  const deception = text.map((t) => [
    genericAlert({
      alert_id: `D-${v.host}`,
      host: v.host,
      rule: `${PROSE} ${t}`,
      title: PROSE,
      description: PROSE,
      event_name: PROSE,
      severity: PROSE,
      user: t,
      process: { pid: 7842, image: `C:\\Users\\Public\\${t}.exe`, command_line: `${PROSE} ${t}` },
      artifacts: [{ type: 'domain', value: 'evil.example.com', role: `${PROSE} ${t}` }],
    }),
  ]);

  // Quadratic-regex bait at the scan window's size, and plain junk.
  const bait = fc.constantFrom('-w', ' ', ')', '.', 'C:\\', '\\\\a', '.\\').map((c) => [
    genericAlert({
      alert_id: `B-${c}`,
      host: v.host,
      process: { pid: 3, image: PS, command_line: `-w${c.repeat(32_000)}x` },
    }),
  ]);
  const junk = fc.string({ maxLength: 200 }).map((s) => [s.trim() === '' ? '{' : s]);

  return fc
    .array(fc.oneof(poisonKeys, forgeries, decoys, fanOut, deception, bait, junk), { minLength: 1, maxLength: 6 })
    .map((parts) => parts.flat());
}

/**
 * A body the queue accepts: SQS refuses characters outside XML's (controls, lone surrogates, U+FFFE/FFFF; the local
 * server every character beyond the BMP too), so an intruder sends them escaped (`\u0007`, `\udb40\udc41` in JSON
 * text), which the decoder turns back into the very same characters. So do these tests.
 */
const sqsSafe = (body: string): string =>
  body.replace(/[^\t\n\r\x20-\ud7ff\ue000-\ufffd]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

let stack: Stack;
let run = 0;

beforeAll(async () => {
  stack = await startStack({ instantRetries: true });
});

afterAll(async () => stack?.close());

async function intakeDeadLetters(): Promise<number> {
  const r = await stack.runtime.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: stack.runtime.queues.intake.dlqUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(r.Attributes?.ApproximateNumberOfMessages ?? 0);
}

describe('random hostile records beside a real attack, through the embedded stack', () => {
  it('always gives the attack its ticket, naming its C2 address', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat().chain(() => {
          run += 1;
          const host = `VICTIM-${String(run).padStart(3, '0')}`;
          const v: Victim = { host, fqdn: `${host}.corp.example.com`, firstRecordId: 100_000 * run };
          return fc.tuple(fc.constant(v), hostile(v), hostile(v));
        }),
        async ([v, before, after]) => {
          await stack.runtime.send(before.map(sqsSafe));
          expect(await stack.drain(90_000)).toBe(true);
          await stack.runtime.send([
            realAttack(v.firstRecordId, ATTACK_TIME, v.fqdn).join('\n'),
            ...after.map(sqsSafe),
          ]);
          expect(await stack.drain(90_000)).toBe(true);
          // Its ticket: the one for the victim host that names the C2 address, in its description or, when decoys
          // opened the ticket first, in the update the attack brought (tickets are updated by comment).
          const text = (i: ReturnType<Stack['jira']['issues']>[number]): string =>
            JSON.stringify([i.description, i.comments.map((c) => c.body)]);
          const tickets = stack.jira
            .issues()
            .filter((i) => i.summary.includes(v.host) && text(i).includes('194.165.16[.]89'));
          // On failure, what the stack did instead.
          const diagnosis = {
            issues: stack.jira
              .issues()
              .filter((i) => i.summary.includes(v.host))
              .map((i) => [i.key, i.summary, text(i).includes('194.165.16'), i.comments.length]),
            errors: stack.runtime.totals.errors,
            outcomes: stack.runtime.totals.outcomes.slice(-12).map((o) => JSON.stringify(o).slice(0, 300)),
          };
          if (tickets.length !== 1) throw new Error(`no single ticket: ${JSON.stringify(diagnosis, null, 1)}`);
          expect(text(tickets[0])).not.toContain(`http://${C2_IP}`);
          expect(await intakeDeadLetters()).toBe(0);
        },
      ),
      { numRuns: 20, endOnFailure: true },
    );
  });
});
