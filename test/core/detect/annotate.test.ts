import { annotateAlert, MAX_DETECTIONS_PER_ALERT, techniqueOfTag } from '../../../lambdas/core/detect/annotate';
import { assessSeverity } from '../../../lambdas/core/enrich';
import type { Detection } from '../../../lambdas/core/model/alert';
import { makeAlert } from '../enrich/factories';

const rule = (id: string, level: Detection['level'], tags: string[] = [], title = `Rule ${id}`): Detection => ({
  id,
  title,
  level,
  tags,
  author: 'Jane Analyst',
});

describe('techniqueOfTag', () => {
  it('reads technique and sub-technique tags and nothing else', () => {
    expect(techniqueOfTag('attack.t1003.001')).toBe('T1003.001');
    expect(techniqueOfTag('attack.T1059')).toBe('T1059');
    expect(techniqueOfTag('attack.credential-access')).toBeUndefined();
    expect(techniqueOfTag('attack.g0007')).toBeUndefined();
    expect(techniqueOfTag('cve.2021-44228')).toBeUndefined();
    expect(techniqueOfTag('attack.t1003.001x')).toBeUndefined();
  });
});

describe('annotateAlert', () => {
  it('returns the alert unchanged when nothing matched', () => {
    const alert = makeAlert();
    expect(annotateAlert(alert, [])).toBe(alert);
  });

  it('keeps the matches strongest first and adds their techniques after the source ones', () => {
    const alert = makeAlert({ techniques: ['T1547.001'] });
    const out = annotateAlert(alert, [
      rule('b', 'medium', ['attack.execution', 'attack.t1059.001', 'attack.t1059']),
      rule('a', 'high', ['attack.t1003.001', 'attack.t1003', 'attack.t1547.001']),
    ]);
    expect(out.detections!.map((d) => d.id)).toEqual(['a', 'b']);
    // Parents dropped where the sub-technique is named; the source's own id stays first and is not repeated.
    expect(out.techniques).toEqual(['T1547.001', 'T1003.001', 'T1059.001']);
  });

  it('keeps a parent technique no sub-technique of it covers', () => {
    const out = annotateAlert(makeAlert({ techniques: [] }), [rule('a', 'low', ['attack.t1105'])]);
    expect(out.techniques).toEqual(['T1105']);
  });

  it('caps and de-duplicates the matches kept on one alert', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      rule(`r${String(i).padStart(2, '0')}`, i === 39 ? 'critical' : 'low'),
    );
    const out = annotateAlert(makeAlert(), [...many, many[0]!]);
    expect(out.detections).toHaveLength(MAX_DETECTIONS_PER_ALERT);
    expect(out.detections![0]!.id).toBe('r39');
    expect(new Set(out.detections!.map((d) => d.id)).size).toBe(MAX_DETECTIONS_PER_ALERT);
  });
});

describe('severity from Sigma levels', () => {
  it('lifts a vendor-less event to the floor of its strongest rule, with the rule and its author in the reason', () => {
    const alert = annotateAlert(makeAlert({ severity: { score: 20 } }), [
      rule('x', 'medium', [], 'Suspicious Child Process'),
      rule('y', 'high', [], 'LSASS Memory Dump Via Comsvcs DLL'),
    ]);
    const result = assessSeverity(alert, [], undefined, []);
    expect(result.score).toBe(70);
    expect(result.reasons).toContain(
      'Sigma rule "LSASS Memory Dump Via Comsvcs DLL" by Jane Analyst: level high, 2 rules matched (+50)',
    );
  });

  it('never lowers a stronger vendor score, and informational rules add nothing', () => {
    const high = annotateAlert(makeAlert({ severity: { vendor: 'Critical', score: 95 } }), [rule('x', 'medium')]);
    expect(assessSeverity(high, [], undefined, []).score).toBe(95);
    const info = annotateAlert(makeAlert({ severity: { score: 20 } }), [rule('x', 'informational')]);
    expect(assessSeverity(info, [], undefined, []).score).toBe(20);
  });

  it('brings a medium rule alone to the ticket threshold', () => {
    const alert = annotateAlert(makeAlert({ severity: { score: 20 } }), [rule('x', 'medium')]);
    expect(assessSeverity(alert, [], undefined, []).score).toBeGreaterThanOrEqual(40);
  });
});
