import { gatherFacts } from '../../../lambdas/core/draft/facts';
import { autostartValues } from '../../../lambdas/core/draft/autostart-values';
import { huntableHashes, logonIdOf, nextQueries, queryValue } from '../../../lambdas/core/draft/next-queries';
import type { Alert } from '../../../lambdas/core/model/alert';
import type { EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import { incidentOf, runKeyAlerts, runKeyIncident, sysmonAlert } from './factories';

/** Next queries: concrete lines built from the incident's own fields, values quoted as data, never JQL. */

const withLogon = (a: EnrichedAlert, id: string): EnrichedAlert => ({
  ...a,
  raw: `<Event><EventData><Data Name='LogonId'>${id}</Data></EventData></Event>`,
});

describe('next queries for the reference Run-key incident', () => {
  const alerts = runKeyAlerts().map((a) => withLogon(a, '0x3ea517'));
  const f = gatherFacts(incidentOf('inc-rk', alerts));
  const queries = nextQueries(f);
  const lines = queries.map((q) => q.query);

  it('asks for the logon session of the LogonId, before the first event', () => {
    expect(queries[0]).toEqual({
      question: 'How did logon session 0x3EA517 start, and with admin rights?',
      source: 'Windows Security log',
      query:
        'host = "FIN-WS-034" AND event_id IN (4624, 4672) AND logon_id = "0x3EA517" | time <= 2024-02-15T21:16:05Z',
    });
  });

  it('asks where the downloaded program came from, from its Zone.Identifier', () => {
    expect(lines).toContain(
      'host = "FIN-WS-034" AND event_id = 15 AND file.path = "C:\\\\Users\\\\jwilliams\\\\Downloads\\\\scanner.exe:Zone.Identifier"',
    );
  });

  it('asks whether the Run value fired after it was written', () => {
    expect(lines).toContain(
      'host = "FIN-WS-034" AND event_id = 1 AND process.command_line CONTAINS "C:\\\\ProgramData\\\\Microsoft\\\\Drivers\\\\security.dll" | time >= 2024-02-15T21:25:03Z',
    );
  });

  it("hunts scanner.exe's hash across the fleet, never PowerShell's", () => {
    expect(huntableHashes(f)).toEqual(['5f2b7c9e4d1a8f03b6e2c7d9a4f1e8b3c6d0a9f2e5b8c1d4a7f0e3b6c9d2a5f8']);
    expect(lines.join('\n')).not.toContain('9f914d42706fe215501044acd85a32d58aaef1419d404fddfa5d3b48f66ccd9f');
  });

  it('asks what explorer.exe did before it started scanner.exe, by its process GUID', () => {
    expect(lines).toContain(
      'host = "FIN-WS-034" AND process.guid = "{8d3f6c21-0b53-65ce-5a00-000000002f00}" | time from 2024-02-14T21:16:05Z to 2024-02-15T21:16:05Z',
    );
  });

  it('is never JQL and stays within the cap', () => {
    expect(queries.length).toBeLessThanOrEqual(7);
    for (const q of lines) expect(q).not.toMatch(/\bproject\s*=|\bissuetype\b|\bORDER BY\b|~/i);
  });
});

describe('next queries, negative cases', () => {
  it('asks for no session when the only logon is SYSTEM (0x3e7), and none without a raw LogonId', () => {
    const system = withLogon(runKeyAlerts()[0], '0x3E7');
    expect(logonIdOf(system)).toBeUndefined();
    expect(logonIdOf(runKeyAlerts()[0])).toBeUndefined();
    expect(nextQueries(gatherFacts(runKeyIncident())).some((q) => q.query.includes('4624'))).toBe(false);
  });

  it('reads a LogonId from a JSON record too', () => {
    const a = { ...runKeyAlerts()[0], raw: { winlog: { event_data: { LogonId: '0x57287' } } } };
    expect(logonIdOf(a)).toBe('0x57287');
  });

  it('escapes quotes and backslashes in values, so a hostile name stays data', () => {
    expect(queryValue('a" OR host = "*')).toBe('"a\\" OR host = \\"*"');
    expect(queryValue('C:\\x\n y')).toBe('"C:\\\\x y"');
  });
});

describe('mail search and fired-since for other shapes', () => {
  let n = 0;
  const alert = (over: Partial<Alert>): EnrichedAlert =>
    sysmonAlert(
      {
        alertId: `nq:${++n}`,
        eventTime: `2024-07-01T08:00:0${n}.000Z`,
        eventType: 'process_create',
        eventCode: 1,
        host: { name: 'HR-WS-112' },
        user: { name: 'mlopez', domain: 'CORP' },
        ...over,
      },
      { hostKey: 'hr-ws-112', severity: { score: 70, reasons: [] } },
    );

  it('searches mail for the document an Office application opened', () => {
    const f = gatherFacts(
      incidentOf('inc-doc', [
        alert({
          process: {
            pid: 50,
            image: 'C:\\Windows\\System32\\cmd.exe',
            parent: {
              pid: 49,
              image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
              commandLine:
                '"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\mlopez\\Downloads\\invoice 42.docm" /o ""',
            },
          },
        }),
      ]),
    );
    const mail = nextQueries(f).find((q) => q.source === 'mail gateway');
    expect(mail).toEqual({
      question: 'Who else received this attachment, and from whom?',
      source: 'mail gateway',
      query:
        'mail.attachment.name = "invoice 42.docm" AND mail.recipient CONTAINS "mlopez" | time from 2024-06-24T08:00:01Z to 2024-07-01T08:00:01Z',
    });
  });

  it('asks whether a logon script ran, and searches no mail when no Office application opened a file', () => {
    const alerts = [
      alert({
        eventType: 'registry_value_set',
        eventCode: 13,
        registry: {
          operation: 'SetValue',
          key: 'HKU\\S-1-5-21-1\\Environment',
          valueName: 'UserInitMprLogonScript',
          valueData: 'C:\\Users\\mlopez\\AppData\\Local\\Temp\\a.bat',
        },
      }),
    ];
    const f = gatherFacts(incidentOf('inc-ls', alerts));
    const queries = nextQueries(f, autostartValues(f.alerts, f.persistence));
    expect(queries.map((q) => q.question)).toContain('Has the logon script fired since it was written?');
    expect(queries.some((q) => q.source === 'mail gateway')).toBe(false);
  });
});

describe('fleet hunts', () => {
  it('never hunts the SHA256 of an empty file', () => {
    const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const alerts = runKeyAlerts();
    alerts[1] = {
      ...alerts[1],
      enrichment: {
        ...alerts[1].enrichment,
        iocs: [...alerts[1].enrichment.iocs, { type: 'sha256', value: empty, defanged: empty, role: 'file hash' }],
      },
    };
    const f = gatherFacts(incidentOf('inc-empty', alerts));
    expect(huntableHashes(f)).not.toContain(empty);
    expect(huntableHashes(f)).toHaveLength(1);
  });
});

describe('reading a LogonId from a hostile JSON record', () => {
  it('gives up after a bounded number of nodes instead of walking every branch', () => {
    // 40,000 nodes without a LogonId in front of it: the search stops at its budget instead of walking them all.
    const wide = (depth: number): unknown =>
      depth === 0 ? 'x' : Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, wide(depth - 1)]));
    const a = { ...runKeyAlerts()[0], raw: { a: wide(2), b: { c: { LogonId: '0x1234' } } } };
    expect(logonIdOf(a)).toBeUndefined();
    expect(logonIdOf({ ...a, raw: { b: { c: { LogonId: '0x1234' } }, a: wide(2) } })).toBe('0x1234');
  });
});
