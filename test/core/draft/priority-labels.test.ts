import { DEFAULT_PRIORITY, higherPriority, incidentLabel, priorityFor, safeLabel } from '../../../lambdas/core/draft';
import { labelsFor } from '../../../lambdas/core/draft/labels';
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

  it('adds parent ids, tactics, ATT&CK slugs and curated aliases', () => {
    const labels = labelsFor(runKeyIncident(), [T1547_001, T1082]);
    expect(labels).toEqual(
      expect.arrayContaining([
        'T1547',
        'T1547.001',
        'T1082',
        'persistence',
        'privilege-escalation',
        'discovery',
        'registry-run-keys-startup-folder',
        'boot-or-logon-autostart-execution',
        'registry-run-keys',
        'autostart-execution',
        'system-information-discovery',
      ]),
    );
    expect(labels.every((l) => !l.includes(' '))).toBe(true);
  });
});
