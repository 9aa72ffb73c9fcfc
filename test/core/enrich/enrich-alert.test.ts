import fc from 'fast-check';
import { buildSnapshot, enrichAlert } from '../../../lambdas/core/enrich';
import { AlertSchema } from '../../../lambdas/core/model/alert';
import type { Alert } from '../../../lambdas/core/model/alert';
import { emptyContext } from '../../../lambdas/core/model/enrichment';
import {
  benignDnsAlert,
  encodedPowerShellAlert,
  lsassAccessAlert,
  makeAlert,
  procsrvConnectAlert,
  procsrvRunKeyAlert,
  runKeyAlert,
} from './factories';

const CONTEXT = buildSnapshot(
  [{ host: 'FIN-WS-034', department: 'Finance', owner: 'Williams, Jennifer', criticality: 'high' }],
  [{ user: 'jwilliams', name: 'Jennifer Williams', department: 'Finance', title: 'Accountant' }],
  [
    { type: 'ip', value: '162.125.6[.]18', source: 'cisa', verdict: 'malicious' },
    { type: 'ip', value: '10.20.30.40', source: 'cmdb', verdict: 'benign' },
  ],
);

describe('enrichAlert', () => {
  it('enriches the reference Run-key alert with its technique, host, user, IOCs, heuristics and a P2 severity', () => {
    const { enrichment } = enrichAlert(runKeyAlert(), CONTEXT);
    expect(enrichment.hostKey).toBe('fin-ws-034');
    // The source's own technique first, then what the heuristics saw (masquerading, rundll32, hidden PowerShell).
    expect(enrichment.techniques.map((t) => [t.id, t.name, t.tactics])).toEqual([
      ['T1547.001', 'Registry Run Keys / Startup Folder', ['persistence', 'privilege-escalation']],
      ['T1036.005', 'Match Legitimate Resource Name or Location', ['stealth']],
      ['T1218.011', 'Rundll32', ['stealth']],
      ['T1059.001', 'PowerShell', ['execution']],
      ['T1564.003', 'Hidden Window', ['stealth']],
    ]);
    expect(enrichment.asset).toEqual({
      host: 'FIN-WS-034',
      department: 'Finance',
      owner: 'Williams, Jennifer',
      criticality: 'high',
    });
    expect(enrichment.userContext?.name).toBe('Jennifer Williams');
    expect(enrichment.iocs.map((i) => i.type)).toEqual(['file', 'registry', 'commandline', 'commandline']);
    expect(enrichment.heuristics).toHaveLength(5);
    expect(enrichment.intel).toEqual([]);
    expect(enrichment.severity.score).toBe(81);
  });

  it('keeps the alert’s own fields unchanged beside the enrichment', () => {
    const alert = runKeyAlert();
    const before = JSON.stringify(alert);
    const enriched = enrichAlert(alert, CONTEXT);
    expect(JSON.stringify(alert)).toBe(before);
    const { enrichment: _e, ...rest } = enriched;
    expect(rest).toEqual(alert);
  });

  it('matches IOCs against threat intel and lets a malicious match raise the severity', () => {
    const { enrichment } = enrichAlert(procsrvConnectAlert(), CONTEXT);
    expect(enrichment.intel).toEqual([{ type: 'ipv4', value: '162.125.6.18', source: 'cisa', verdict: 'malicious' }]);
    expect(enrichment.severity.reasons).toContain('threat intel: 162.125.6[.]18 malicious per cisa (+25)');
    expect(enrichment.asset).toBeUndefined();
  });

  it('keeps unknown technique ids on the alert only, and a retired id once, as its replacement', () => {
    const enriched = enrichAlert(makeAlert({ techniques: ['T9999', 'T1086', 'T1059.001', 'T1547'] }), CONTEXT);
    expect(enriched.techniques).toEqual(['T9999', 'T1086', 'T1059.001', 'T1547']);
    expect(enriched.enrichment.techniques.map((t) => [t.id, t.retiredFrom])).toEqual([
      ['T1059.001', 'T1086'],
      ['T1547', undefined],
    ]);
  });

  it('finds the user whatever domain form the source used', () => {
    const enriched = enrichAlert(makeAlert({ user: { name: 'JWilliams@corp.example.com' } }), CONTEXT);
    expect(enriched.enrichment.userContext?.user).toBe('jwilliams');
  });

  it('leaves context out when there is none', () => {
    const { enrichment } = enrichAlert(benignDnsAlert({ user: undefined }), emptyContext());
    expect(enrichment).toEqual({
      hostKey: 'fin-ws-034',
      techniques: [],
      iocs: [{ type: 'ipv4', value: '10.20.30.40', defanged: '10.20.30[.]40', role: 'dns answer', private: true }],
      heuristics: [],
      intel: [],
      severity: { score: 20, reasons: ['no vendor severity (default 20)'] },
    });
  });

  it('gives the same result every time', () => {
    for (const alert of [runKeyAlert(), procsrvRunKeyAlert(), lsassAccessAlert(), encodedPowerShellAlert()]) {
      expect(enrichAlert(alert, CONTEXT)).toEqual(enrichAlert(structuredClone(alert), CONTEXT));
    }
  });
});

describe('enrichAlert on arbitrary input', () => {
  /** Text with the characters that matter to the parsers: separators, quotes, dots, colons, bidi controls. */
  const text = fc.string({
    unit: fc.constantFrom(
      ...'aZ09 .:/\\-_,;&|"\'()[]{}%$@=+#~\t\n'.split(''),
      'C:\\',
      'http://',
      'rundll32 ',
      'powershell -enc ',
      '\u202E',
      '\u2018',
      '::',
      '.exe',
      '.dll',
      '194.165.16.89',
      'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\',
    ),
    maxLength: 200,
  });

  const alertOf = (t: string[]): Alert =>
    makeAlert({
      host: { name: t[0] === '' ? 'h' : t[0] },
      user: t[1] === '' ? undefined : { name: t[1] },
      techniques: ['T1547.001'],
      process: { image: t[2], commandLine: t[3], parent: { image: t[4], commandLine: t[5] } },
      registry: { key: t[6], valueName: t[7], valueData: t[8] },
      dns: { query: t[9], results: [t[10]] },
      network: { dstIp: t[11], dstHostname: t[12], dstPort: 443 },
      file: { path: t[13] },
      task: { name: t[14], action: t[15] },
      target: { image: t[16], grantedAccess: t[17] },
      artifacts: [{ type: 'url', value: t[18] }],
      flags: [t[19]],
    });

  it('never throws and always scores within 0–100', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 20, maxLength: 20 }), (t) => {
        const alert = alertOf(t);
        expect(AlertSchema.safeParse(alert).success).toBe(true);
        const { enrichment } = enrichAlert(alert, CONTEXT);
        expect(enrichment.severity.score).toBeGreaterThanOrEqual(0);
        expect(enrichment.severity.score).toBeLessThanOrEqual(100);
        for (const ioc of enrichment.iocs) expect(ioc.value.trim()).not.toBe('');
      }),
      { numRuns: 300 },
    );
  });

  it('reads hostile command lines as plain text: no indicator, heuristic or severity comes from the filler', () => {
    // Each of these defeats a naive pattern (backtracking on separators, dots, schemes, drive letters). A super-linear
    // scan of them takes minutes and fails on the suite's timeout; how fast enrich runs is `npm run bench`'s concern.
    const hostile = [
      'C:\\'.repeat(20000),
      `${'a.'.repeat(30000)}com`,
      `http://${'x'.repeat(60000)}`,
      `${'1.'.repeat(30000)}1`,
      `rundll32 ${'C:\\a '.repeat(10000)}`,
      `powershell ${'-w '.repeat(20000)}`,
      `${'f:'.repeat(30000)}`,
      'rundll32 C:\\'.repeat(2500),
      '.\\'.repeat(16000),
    ];
    const enrich = (commandLine: string) =>
      enrichAlert(
        makeAlert({
          process: { image: 'C:\\Users\\Public\\x.exe', commandLine },
          registry: { key: 'k', valueData: commandLine },
        }),
        CONTEXT,
      ).enrichment;
    const plain = enrich('x.exe');
    const kinds = (e: typeof plain) => e.iocs.map((i) => i.type).filter((t) => t !== 'url');
    for (const commandLine of hostile) {
      const e = enrich(commandLine);
      expect(e.heuristics.map((h) => h.id)).toEqual(plain.heuristics.map((h) => h.id));
      expect(e.severity.score).toBe(plain.severity.score);
      expect(kinds(e)).toEqual(kinds(plain));
      // Only the one real URL is an indicator, and it is cut at 2,048 characters after the scheme.
      const urls = e.iocs.filter((i) => i.type === 'url');
      expect(urls).toHaveLength(commandLine.startsWith('http://') ? 1 : 0);
      for (const u of urls) expect(String(u.value).length).toBeLessThanOrEqual('http://'.length + 2048);
    }
  });
});
