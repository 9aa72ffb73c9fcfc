import { compileRule } from '../../../../lambdas/core/detect/compile';
import { loadRuleText, parseRuleDocuments, validateRuleDocument } from '../../../../lambdas/core/detect/parse';
import { event, ruleYaml } from './rule-helpers';

const DETECTION = `
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection`;

describe('loadRuleText', () => {
  it('compiles a rule and keeps its metadata (author included: DRL 1.1 asks matches to name it)', () => {
    const text = ruleYaml(
      DETECTION,
      [
        'author: Florian Roth',
        'description: Detects whoami',
        'tags:',
        '    - attack.discovery',
        '    - attack.t1033',
        'falsepositives:',
        '    - Admin activity',
        'references:',
        '    - https://example.com/a',
      ].join('\n'),
    );
    const [r] = loadRuleText(text, 'rules/whoami.yml');
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.rule.meta).toEqual({
      id: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
      title: 'Engine test rule',
      status: 'test',
      level: 'high',
      description: 'Detects whoami',
      author: 'Florian Roth',
      tags: ['attack.discovery', 'attack.t1033'],
      falsepositives: ['Admin activity'],
      references: ['https://example.com/a'],
      logsource: { product: 'windows', category: 'process_creation' },
      file: 'rules/whoami.yml',
    });
    expect(r.rule.match(event({ Image: 'C:\\Windows\\System32\\whoami.exe' }))).toBe(true);
  });

  it('loads every document of a multi-document file', () => {
    const text = `${ruleYaml(DETECTION)}\n---\n${ruleYaml(DETECTION).replace('Engine test rule', 'Second')}\n---\n`;
    const all = loadRuleText(text, 'two.yml');
    expect(all.map((r) => r.kind)).toEqual(['ok', 'ok']);
  });

  it('reports YAML errors as invalid, one line', () => {
    const [r] = loadRuleText('title: x\ntitle: y\nlogsource: {}\ndetection: {condition: a}\n', 'dup.yml');
    expect(r.kind).toBe('invalid');
    if (r.kind !== 'invalid') return;
    expect(r.reason).toMatch(/^YAML: Map keys must be unique/);
    expect(r.reason).not.toContain('\n');
  });

  it('reports schema errors as invalid, naming the field', () => {
    const bad = (extra: string) => loadRuleText(ruleYaml(DETECTION, extra).replace('level: high', ''), 'bad.yml')[0];
    expect(bad('level: severe')).toEqual({
      kind: 'invalid',
      file: 'bad.yml',
      reason: 'level: "severe" is not one of informational, low, medium, high, critical',
    });
    expect(bad('tags:\n    - Attack T1033')).toMatchObject({
      reason: expect.stringMatching(/^tags\[0\]: must match pattern/),
    });
    const noTitle = loadRuleText(ruleYaml(DETECTION).replace('title: Engine test rule\n', ''), 'x.yml')[0];
    expect(noTitle).toMatchObject({ kind: 'invalid', reason: 'title: required property is missing' });
    const badId = loadRuleText(ruleYaml(DETECTION).replace(/^id: .*$/m, 'id: not-a-uuid'), 'x.yml')[0];
    expect(badId).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/^id: must match format "uuid"/) });
  });

  it('reports correlation rules and filter documents as unsupported, with the reason', () => {
    const correlation = `title: Many failed logons
id: 0e95725d-7320-415d-80f7-004da920fc11
correlation:
    type: event_count
    rules:
        - failed_logon
    group-by:
        - User
    timespan: 5m
    condition:
        gte: 10
`;
    expect(loadRuleText(correlation, 'corr.yml')[0]).toMatchObject({
      kind: 'unsupported',
      reason: expect.stringMatching(/^correlation rule/),
      meta: { title: 'Many failed logons' },
    });
    const filter = `title: Filter admin scripts
logsource:
    product: windows
filter:
    rules:
        - 5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a
    selection:
        User: admin
    condition: not selection
`;
    expect(loadRuleText(filter, 'filter.yml')[0]).toMatchObject({
      kind: 'unsupported',
      reason: expect.stringMatching(/^Sigma filter document/),
    });
  });

  it('never throws, whatever the input', () => {
    for (const text of ['', ':', '- a\n- b', 'title: [', 'detection: 5', '{}']) {
      expect(() => loadRuleText(text, 'odd.yml')).not.toThrow();
    }
    for (const doc of [null, 5, 'x', [], {}, { detection: null }, { detection: { condition: 5 } }]) {
      expect(compileRule(doc, 'odd.json').kind).not.toBe('ok');
    }
  });
});

describe('compileRule on a plain-JSON document (a prebuilt pack)', () => {
  it('compiles without YAML and matches the same', () => {
    const [parsed] = parseRuleDocuments(ruleYaml(DETECTION), 'x.yml');
    const viaJson = JSON.parse(JSON.stringify(parsed.doc)) as unknown;
    const r = compileRule(viaJson, 'pack.json#0');
    if (r.kind !== 'ok') throw new Error(`expected ok, got ${r.kind}`);
    expect(r.rule.match(event({ Image: 'X:\\WHOAMI.exe' }))).toBe(true);
  });

  it('validateRuleDocument accepts a valid document', () => {
    const [parsed] = parseRuleDocuments(ruleYaml(DETECTION), 'x.yml');
    expect(validateRuleDocument(parsed.doc, 'x.yml')).toBeUndefined();
  });
});
