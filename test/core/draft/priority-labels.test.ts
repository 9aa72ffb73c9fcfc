import { DEFAULT_PRIORITY, higherPriority, incidentLabel, priorityFor, safeLabel } from '../../../lambdas/core/draft';
import { MAX_LABELS, labelsFor } from '../../../lambdas/core/draft/labels';
import type { TechniqueInfo } from '../../../lambdas/core/model/enrichment';
import { T1082, T1547_001, runKeyIncident } from './factories';

describe('priorityFor', () => {
  it.each([
    [95, 'P1', 'Highest'],
    [90, 'P1', 'Highest'],
    [89, 'P2', 'High'],
    [70, 'P2', 'High'],
    [69, 'P3', 'Medium'],
    [40, 'P3', 'Medium'],
    [39, 'P4', 'Low'],
    [0, 'P4', 'Low'],
  ])('maps severity %i to %s (%s)', (severity, level, name) => {
    expect(priorityFor(severity)).toMatchObject({ level, name });
  });

  it('uses the site priority names it is given', () => {
    const mapping = { ...DEFAULT_PRIORITY, names: { P1: 'Blocker', P2: 'Critical', P3: 'Major', P4: 'Minor' } };
    expect(priorityFor(80, 'high', mapping)).toEqual({ level: 'P2', name: 'Critical', reason: 'severity 80 ≥ 70' });
  });

  it('raises a low score on a critical asset to the floor and says why', () => {
    expect(priorityFor(20, 'critical')).toEqual({
      level: 'P3',
      name: 'Medium',
      reason: 'severity 20 < 40, raised to P3 for a critical-criticality asset',
    });
    expect(priorityFor(20, 'high').level).toBe('P4');
  });

  it('treats a non-finite severity as zero', () => {
    expect(priorityFor(Number.NaN).level).toBe('P4');
  });

  it('keeps the higher of two priorities', () => {
    expect(higherPriority('P3', 'P2')).toBe('P2');
    expect(higherPriority('P1', 'P4')).toBe('P1');
  });
});

describe('labels', () => {
  it('makes the incident label lower-case [a-z0-9-] only', () => {
    expect(incidentLabel('INC_2024/02 15:Fin WS')).toBe('a2t-inc-2024-02-15-fin-ws');
  });

  it('turns unsafe characters into hyphens and drops empty labels', () => {
    expect(safeLabel('Boot or Logon <script>')).toBe('Boot-or-Logon-script');
    expect(safeLabel('***')).toBe('');
  });

  it('keeps the most specific technique ids, the primary tactic, the source and the incident label', () => {
    const labels = labelsFor(runKeyIncident(), [T1547_001, T1082]);
    expect(labels).toEqual(
      expect.arrayContaining(['T1547.001', 'T1082', 'persistence', 'sysmon', 'a2t-inc-2024-02-15-fin-ws-034-7842']),
    );
    // No parent beside its sub-technique, no second tactic, no ATT&CK name slugs.
    for (const l of ['T1547', 'privilege-escalation', 'discovery', 'registry-run-keys', 'autostart-execution']) {
      expect(labels).not.toContain(l);
    }
    expect(labels.every((l) => !l.includes(' '))).toBe(true);
  });

  it('keeps a parent id when none of its sub-techniques is there', () => {
    const labels = labelsFor(runKeyIncident({ techniques: ['T1218'] }), [T1547_001]);
    expect(labels).toContain('T1218');
  });

  it('never gives more than 8 labels, and always keeps the incident label ticket-sync searches by', () => {
    const many: TechniqueInfo[] = Array.from({ length: 20 }, (_, i) => ({
      id: `T1${String(100 + i)}`,
      name: `Technique ${i}`,
      tactics: ['execution'],
      url: 'https://attack.mitre.org/',
    }));
    const incident = runKeyIncident({
      incidentId: 'inc-zzz-last',
      sources: ['crowdstrike', 'defender', 'sentinelone'],
    });
    const labels = labelsFor(incident, many);
    expect(labels).toHaveLength(MAX_LABELS);
    expect(labels).toContain('a2t-inc-zzz-last');
    expect(labels).toContain('execution');
    // The top-ranked technique makes it in before the sources; later ones give way.
    expect(labels).toContain('T1100');
    expect(labels).not.toContain('T1119');
  });

  it('gives no command-and-control label without network activity in the evidence', () => {
    const T1105: TechniqueInfo = {
      id: 'T1105',
      name: 'Ingress Tool Transfer',
      tactics: ['command-and-control'],
      url: 'https://attack.mitre.org/techniques/T1105',
    };
    const local = runKeyIncident();
    expect(local.alerts.some((a) => a.network !== undefined || a.dns !== undefined)).toBe(false);
    const labels = labelsFor(local, [T1105, T1547_001]);
    expect(labels).not.toContain('command-and-control');
    expect(labels).not.toContain('T1105');
    expect(labels).toContain('persistence');

    const withNetwork = runKeyIncident({
      alerts: [
        ...local.alerts,
        {
          ...local.alerts[0],
          alertId: 'net-1',
          network: { direction: 'outbound', dstIp: '203.0.113.7', dstPort: 443 },
        },
      ],
    });
    const netLabels = labelsFor(withNetwork, [T1105, T1547_001]);
    expect(netLabels).toEqual(expect.arrayContaining(['command-and-control', 'T1105']));

    // A URL a command was given (certutil -urlcache -f http://…) is network activity too.
    const first = local.alerts[0];
    const download = {
      type: 'url' as const,
      value: 'http://203.0.113.7/a.exe',
      defanged: 'hxxp://203.0.113[.]7/a.exe',
    };
    const withUrl = runKeyIncident({
      alerts: [{ ...first, enrichment: { ...first.enrichment, iocs: [download] } }, ...local.alerts.slice(1)],
    });
    expect(labelsFor(withUrl, [T1105])).toEqual(expect.arrayContaining(['command-and-control', 'T1105']));
  });
});
