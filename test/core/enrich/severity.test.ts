import { assessSeverity, evaluateHeuristics, verdictLevel } from '../../../lambdas/core/enrich';
import type { AssetContext, HeuristicHit } from '../../../lambdas/core/model/enrichment';
import { benignDnsAlert, makeAlert, runKeyAlert } from './factories';

const FINANCE: AssetContext = { host: 'FIN-WS-034', department: 'Finance', criticality: 'high' };

const hit = (id: string, weight: number): HeuristicHit => ({
  id,
  title: `rule ${id}`,
  explanation: 'Test rule.',
  weight,
  evidence: 'x',
});

/** P2 in the default mapping: P1 ≥ 90, P2 ≥ 70, P3 ≥ 40. */
const isP2 = (score: number): boolean => score >= 70 && score < 90;

describe('assessSeverity: calibration', () => {
  it('puts the reference Run-key alert on a high-criticality Finance host in P2, with its reasons', () => {
    const alert = runKeyAlert();
    const result = assessSeverity(alert, evaluateHeuristics(alert), FINANCE, []);
    expect(isP2(result.score)).toBe(true);
    expect(result).toEqual({
      score: 81,
      reasons: [
        'no vendor severity (default 20)',
        'heuristic: Autostart entry written by a non-system process (+20)',
        'heuristic: LOLBin proxy execution (+13)',
        'heuristic: Name mimics a Windows component (+9)',
        'heuristic: Hidden, encoded or policy-bypassing PowerShell (+6)',
        'heuristic: Executable or DLL in an unusual path (+3)',
        'asset criticality high (+10)',
      ],
    });
  });

  it('keeps the reference alert in P2 when the normalizer gives Sysmon a higher default', () => {
    for (const score of [20, 35, 50, 65, 75]) {
      const alert = runKeyAlert({ severity: { score } });
      expect(isP2(assessSeverity(alert, evaluateHeuristics(alert), FINANCE, []).score)).toBe(true);
    }
  });

  it('keeps a benign DNS query below P3, even on a critical asset', () => {
    const alert = benignDnsAlert();
    expect(assessSeverity(alert, evaluateHeuristics(alert), undefined, []).score).toBe(20);
    expect(assessSeverity(alert, [], { host: 'DC01', criticality: 'critical' }, []).score).toBeLessThan(40);
  });
});

describe('assessSeverity: steps', () => {
  it('starts from the vendor severity and names it', () => {
    const result = assessSeverity(makeAlert({ severity: { vendor: 'high', score: 75 } }), [], undefined, []);
    expect(result).toEqual({ score: 75, reasons: ['vendor severity high (75)'] });
  });

  it('gives each further heuristic less than the one before', () => {
    const one = assessSeverity(makeAlert(), [hit('a', 20)], undefined, []).score;
    const two = assessSeverity(makeAlert(), [hit('a', 20), hit('b', 20)], undefined, []).score;
    const three = assessSeverity(makeAlert(), [hit('a', 20), hit('b', 20), hit('c', 20)], undefined, []).score;
    expect(one - 20).toBeGreaterThan(two - one);
    expect(two - one).toBeGreaterThan(three - two);
  });

  it('never takes the score past the ceiling on heuristics alone', () => {
    const many = Array.from({ length: 30 }, (_, i) => hit(`h${i}`, 35));
    expect(assessSeverity(makeAlert(), many, undefined, []).score).toBe(80);
  });

  it('still counts a heuristic when the vendor already rates the alert above the ceiling: it closes part of the gap to 100', () => {
    const result = assessSeverity(
      makeAlert({ severity: { vendor: 'critical', score: 95 } }),
      [hit('a', 20)],
      undefined,
      [],
    );
    // 95 + (100 − 95) × (1 − e^(−20/50)) = 96.6
    expect(result).toEqual({ score: 97, reasons: ['vendor severity critical (95)', 'heuristic: rule a (+2)'] });
  });

  it('reports heuristic contributions that add up to the change they made', () => {
    const hits = [hit('a', 20), hit('b', 15), hit('c', 35), hit('d', 10)];
    const result = assessSeverity(makeAlert(), hits, undefined, []);
    const added = result.reasons
      .filter((r) => r.startsWith('heuristic:'))
      .map((r) => Number(/\(\+(\d+)\)$/.exec(r)?.[1]))
      .reduce((a, b) => a + b, 0);
    expect(result.score - 20).toBe(added);
    expect(result.reasons[1]).toBe('heuristic: rule c (+30)');
  });

  it('raises by the strongest threat-intel verdict once', () => {
    const intel = [
      { type: 'domain', value: 'evil.example.com', verdict: 'suspicious' },
      { type: 'ipv4', value: '194.165.16.89', source: 'abuse.ch', verdict: 'Malicious' },
    ];
    expect(assessSeverity(makeAlert(), [], undefined, intel)).toEqual({
      score: 45,
      reasons: [
        'no vendor severity (default 20)',
        'threat intel: 194.165.16[.]89 malicious per abuse.ch, 2 intel matches (+25)',
      ],
    });
  });

  it('counts a listed indicator without a verdict as suspicious, and a benign one not at all', () => {
    expect(assessSeverity(makeAlert(), [], undefined, [{ type: 'sha256', value: 'ab' }]).score).toBe(30);
    expect(
      assessSeverity(makeAlert(), [], undefined, [{ type: 'ipv4', value: '1.1.1.1', verdict: 'benign' }]).score,
    ).toBe(20);
  });

  it.each([
    ['critical', 35],
    ['high', 30],
    ['medium', 20],
    ['low', 15],
  ] as const)('adjusts for a %s asset', (criticality, score) => {
    expect(assessSeverity(makeAlert(), [], { host: 'h', criticality }, []).score).toBe(score);
  });

  it('clamps to 0–100 and says so', () => {
    const high = assessSeverity(
      makeAlert({ severity: { vendor: '100', score: 100 } }),
      [],
      { host: 'h', criticality: 'critical' },
      [{ type: 'ipv4', value: '194.165.16.89', verdict: 'malicious' }],
    );
    expect(high.score).toBe(100);
    expect(high.reasons.at(-1)).toBe('capped at 100 (was 140)');
    const low = assessSeverity(makeAlert({ severity: { score: 2 } }), [], { host: 'h', criticality: 'low' }, []);
    expect(low).toEqual({
      score: 0,
      reasons: ['no vendor severity (default 2)', 'asset criticality low (-5)', 'raised to 0 (was -3)'],
    });
  });
});

describe('verdictLevel', () => {
  it('reads the verdicts feeds write', () => {
    expect(verdictLevel('Malicious')).toBe('malicious');
    expect(verdictLevel('malware')).toBe('malicious');
    expect(verdictLevel('clean')).toBe('benign');
    expect(verdictLevel('false positive')).toBe('benign');
    expect(verdictLevel('suspicious')).toBe('suspicious');
    expect(verdictLevel(undefined)).toBe('suspicious');
  });
});
