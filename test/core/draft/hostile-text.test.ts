import { runInMemory } from '../../../cli/memory-pipeline';
import { draftReport } from '../../../lambdas/core/draft';
import { jiraSummary } from '../../../lambdas/core/draft/text';
import { emptyContext } from '../../../lambdas/core/model/enrichment';
import type { IncidentView } from '../../../lambdas/core/model/incident';
import type { IncidentReport } from '../../../lambdas/core/model/report';
import { renderAdf, renderMarkdown } from '../../../lambdas/core/render';
import type { AdfDoc } from '../../../lambdas/core/render';
import { renderUpdateComment } from '../../../lambdas/core/render/comments';
import { genericAlert, sysmonEvent } from '../../helpers/hostile';

/**
 * Analyst deception: every field below is written by whoever runs code on the endpoint, and says what an intruder
 * would like the analyst to read as the report's own words. In the ticket it may only appear as code or as a
 * labelled quote (“…”), defanged, with its invisible and format characters shown.
 */

const PROSE = 'Root cause: authorised change by IT, close as False Positive';
const INVISIBLE = '\u200b\u00ad\ufeff\u2060\u{E0041}\u{E0042}\u202e';
/** The hostile text of one field: the prose, a live URL, invisible characters, and the field's name. */
const mk = (field: string): string => `${field} ${PROSE} http://evil-${field.toLowerCase()}.example/x ${INVISIBLE}`;
/** A path-like value carrying the hostile text. */
const path = (field: string): string => `C:\\Users\\Public\\${mk(field)}.exe`;

const HOST = 'FIN-WS-034.corp.example.com';
const T = (s: number): string => new Date(Date.parse('2024-02-15T21:25:00.000Z') + s * 1000).toISOString();
const GUID = '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}';

function records(): string[] {
  const proc = { ProcessGuid: GUID, ProcessId: 7842, Image: path('Image'), User: `CORP\\${mk('User')}` };
  return [
    sysmonEvent({
      recordId: 1,
      eventId: 1,
      host: HOST,
      time: T(0),
      data: {
        ...proc,
        RuleName: `technique_id=T1059.001,technique_name=${mk('RuleName')}`,
        CommandLine: `powershell -w hidden ${mk('CommandLine')}`,
        IntegrityLevel: mk('IntegrityLevel'),
        CurrentDirectory: mk('CurrentDirectory'),
        ParentProcessGuid: '{5770385f-0000-0000-0000-000000000001}',
        ParentProcessId: 4120,
        ParentImage: path('ParentImage'),
        ParentCommandLine: mk('ParentCommandLine'),
      },
    }),
    sysmonEvent({
      recordId: 2,
      eventId: 3,
      host: HOST,
      time: T(1),
      data: {
        ...proc,
        RuleName: mk('NetRule'),
        Protocol: mk('Protocol'),
        Initiated: 'true',
        DestinationIp: '194.165.16.89',
        DestinationPort: 443,
        DestinationHostname: mk('DestinationHostname'),
      },
    }),
    sysmonEvent({
      recordId: 3,
      eventId: 13,
      host: HOST,
      time: T(2),
      data: {
        ...proc,
        EventType: 'SetValue',
        TargetObject: `HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\${mk('ValueName')}`,
        Details: `C:\\Windows\\System32\\rundll32.exe ${path('Details')},${mk('Export')}`,
      },
    }),
    sysmonEvent({
      recordId: 4,
      eventId: 22,
      host: HOST,
      time: T(3),
      data: { ...proc, QueryName: mk('QueryName'), QueryResults: `${mk('QueryResults')};194.165.16.89;` },
    }),
    sysmonEvent({
      recordId: 5,
      eventId: 11,
      host: HOST,
      time: T(4),
      data: { ...proc, TargetFilename: `C:\\Users\\Public\\${mk('TargetFilename')}.dll` },
    }),
    sysmonEvent({
      recordId: 6,
      eventId: 10,
      host: HOST,
      time: T(5),
      data: {
        SourceProcessGuid: GUID,
        SourceProcessId: 7842,
        SourceImage: path('SourceImage'),
        TargetImage: 'C:\\Windows\\System32\\lsass.exe',
        GrantedAccess: mk('GrantedAccess'),
      },
    }),
    sysmonEvent({
      recordId: 7,
      eventId: 1,
      host: HOST,
      time: T(6),
      data: {
        ProcessGuid: '{5770385f-c22a-43e0-bf4c-000000000007}',
        ProcessId: 7900,
        Image: 'C:\\Windows\\System32\\schtasks.exe',
        CommandLine: `schtasks /Create /SC ONLOGON /TN "${mk('TaskName')}" /TR "${path('TaskAction')}" /F`,
        ParentProcessGuid: GUID,
        ParentProcessId: 7842,
        ParentImage: path('Image'),
      },
    }),
    genericAlert({
      alert_id: 'EDR-1',
      timestamp: T(7),
      host: HOST,
      user: `CORP\\${mk('EdrUser')}`,
      rule: mk('EdrRule'),
      title: mk('Title'),
      description: mk('Description'),
      event_name: mk('EventName'),
      severity: 'critical',
      technique: mk('TechniqueName'),
      process: { pid: 7842, image: path('EdrImage'), command_line: mk('EdrCommandLine') },
      network: { dst_ip: '194.165.16.89', dst_port: 443, protocol: mk('EdrProtocol'), dst_hostname: mk('EdrHost') },
      artifacts: [
        { type: 'domain', value: 'update-check.evil-cdn.example.com', role: mk('ArtifactRole') },
        { type: 'file', value: 'C:\\ProgramData\\x.dll', role: mk('FileRole') },
      ],
    }),
    genericAlert({
      alert_id: 'EDR-2',
      timestamp: T(8),
      host: HOST,
      rule: mk('Edr2Rule'),
      severity: mk('Severity'),
      tactic: mk('Tactic'),
      process: { pid: 7842, image: path('Edr2Image') },
    }),
  ];
}

let views: IncidentView[];
let reports: IncidentReport[];
let adfs: AdfDoc[];

beforeAll(async () => {
  const run = await runInMemory([{ source: 'hostile', content: Buffer.from(records().join('\n')) }], emptyContext());
  if (run.rejections.length > 0) throw new Error(`hostile records rejected: ${run.rejections[0].reason}`);
  views = run.views;
  reports = views.map((v) => draftReport(v));
  adfs = reports.map((r) => renderAdf(r));
});

interface Node {
  type: string;
  text?: string;
  marks?: { type: string }[];
  content?: Node[];
}

/** Every text node with whether it is code (a code mark, or inside a code block). */
function textNodes(doc: AdfDoc): { text: string; code: boolean; block: boolean }[] {
  const out: { text: string; code: boolean; block: boolean }[] = [];
  const walk = (n: Node, block: boolean): void => {
    if (n.type === 'text') {
      out.push({ text: n.text ?? '', code: block || (n.marks ?? []).some((m) => m.type === 'code'), block });
    }
    for (const c of n.content ?? []) walk(c, block || n.type === 'codeBlock');
  };
  walk(doc as unknown as Node, false);
  return out;
}

/** Raw invisible and format characters (shown ones are `\uXXXX` text). */
const RAW_INVISIBLE = /[\u200b\u00ad\ufeff\u2060\u202e]|\u{E0041}|\u{E0042}/u;

/** The text outside “…” quotes: where the intruder's prose must not appear. */
const outsideQuotes = (s: string): string => s.replace(/\u201c[^\u201c\u201d]*\u201d/g, '“”');

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('the Jira summary', () => {
  it('quotes a vendor detection name, defanged, with invisible characters shown', async () => {
    const rule = `${PROSE} http://evil.example/x ${INVISIBLE}`;
    const run = await runInMemory(
      [{ source: 's', content: Buffer.from(genericAlert({ alert_id: 'S-1', host: HOST, severity: 'high', rule })) }],
      emptyContext(),
    );
    const { summary } = draftReport(run.views[0]);
    expect(summary).toContain('\u201cRoot cause: authorised change');
    expect(outsideQuotes(summary)).not.toContain('authorised change');
    expect(summary).toContain('hxxp://evil[.]example/x');
    expect(summary).not.toMatch(RAW_INVISIBLE);
    expect(summary).toContain('\\u200B');
  });

  it('is cut on a code point, never inside a surrogate pair', async () => {
    for (const pad of [97, 98, 99, 100]) {
      const rule = `${'r'.repeat(pad)}${'\u{1F600}'.repeat(80)}`;
      const run = await runInMemory(
        [{ source: 's', content: Buffer.from(genericAlert({ alert_id: 'S-2', host: HOST, severity: 'high', rule })) }],
        emptyContext(),
      );
      const { summary } = draftReport(run.views[0]);
      expect(summary.length).toBeLessThanOrEqual(255);
      expect(summary).not.toMatch(LONE_SURROGATE);
    }
    const long = jiraSummary(`T1059 – ${'\u{1F600}'.repeat(300)}`);
    expect(long.length).toBeLessThanOrEqual(255);
    expect(long).not.toMatch(LONE_SURROGATE);
  });
});

describe('alert text in tickets', () => {
  it('drafts the hostile incident (sanity: the prose is in the source fields)', () => {
    expect(views.length).toBeGreaterThan(0);
    expect(JSON.stringify(views)).toContain(PROSE);
  });

  it('keeps the intruder’s prose out of the summary except as a labelled quote, defanged and visible', () => {
    for (const r of reports) {
      expect(outsideQuotes(r.summary)).not.toContain('authorised change');
      expect(r.summary).not.toMatch(/https?:\/\//);
      expect(r.summary).not.toMatch(RAW_INVISIBLE);
      expect(r.summary.length).toBeLessThanOrEqual(255);
      expect(r.summary).not.toMatch(LONE_SURROGATE);
    }
  });

  it('shows the prose in plain text only inside labelled quotes, never live, never invisible', () => {
    for (const doc of adfs) {
      const leaks = textNodes(doc).filter(
        (t) => !t.code && (outsideQuotes(t.text).includes('authorised change') || /https?:\/\//i.test(t.text)),
      );
      expect(leaks.map((t) => t.text)).toEqual([]);
    }
  });

  it('shows every invisible and format character, in code too', () => {
    for (const doc of adfs) {
      const hidden = textNodes(doc).filter((t) => RAW_INVISIBLE.test(t.text));
      expect(hidden.map((t) => t.text)).toEqual([]);
      expect(JSON.stringify(doc)).toContain('\\\\u200B');
      expect(JSON.stringify(doc)).toContain('\\\\u{E0041}');
    }
  });

  it('defangs code spans: only the verbatim command lines and raw records keep a URL as written', () => {
    for (const doc of adfs) {
      const live = textNodes(doc).filter((t) => t.code && !t.block && /https?:\/\//i.test(t.text));
      expect(live.map((t) => t.text)).toEqual([]);
    }
  });

  it('keeps the Markdown rendering to the same rules outside code', () => {
    for (const r of reports) {
      const md = renderMarkdown(r)
        .replace(/```[\s\S]*?```/g, '')
        .replace(/`[^`\n]*`/g, '');
      const lines = md
        .split('\n')
        .filter((l) => outsideQuotes(l).includes('authorised change') || /https?:\/\//.test(l));
      expect(lines).toEqual([]);
      expect(md).not.toMatch(RAW_INVISIBLE);
    }
  });

  it('keeps update comments to the same rules', () => {
    for (const [i, r] of reports.entries()) {
      const before = {
        alertCount: 0,
        hosts: [],
        users: [],
        techniques: [],
        iocs: [],
        severity: 0,
        priority: 'P4' as const,
      };
      const comment = renderUpdateComment(before, {
        alertCount: views[i].alertCount,
        hosts: views[i].hosts,
        users: views[i].users,
        techniques: views[i].techniques,
        iocs: views[i].iocs,
        severity: views[i].severity,
        priority: r.priority.level,
      });
      const leaks = textNodes(comment).filter(
        (t) => !t.code && (outsideQuotes(t.text).includes('authorised change') || /https?:\/\//i.test(t.text)),
      );
      expect(leaks.map((t) => t.text)).toEqual([]);
      expect(textNodes(comment).filter((t) => RAW_INVISIBLE.test(t.text))).toEqual([]);
    }
  });
});

describe('update comments', () => {
  it('list the network indicators first, so decoys’ paths cannot push the C2 address off the list', () => {
    const before = {
      alertCount: 1,
      hosts: [],
      users: [],
      techniques: [],
      iocs: [],
      severity: 40,
      priority: 'P3' as const,
    };
    const decoys = Array.from({ length: 40 }, (_, k) => ({
      type: 'file' as const,
      value: `C:\\Users\\Public\\decoy-${k}.tmp`,
      defanged: `C:\\Users\\Public\\decoy-${k}.tmp`,
    }));
    const c2 = { type: 'ipv4' as const, value: '194.165.16.89', defanged: '194.165.16[.]89' };
    const comment = renderUpdateComment(before, { ...before, alertCount: 50, iocs: [...decoys, c2], severity: 80 });
    expect(JSON.stringify(comment)).toContain('194.165.16[.]89');
  });
});
