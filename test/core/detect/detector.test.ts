import { Detector } from '../../../lambdas/core/detect/detector';
import type { DetectorOptions } from '../../../lambdas/core/detect/detector';
import type { CompiledRule, EventFields, SigmaRuleMeta } from '../../../lambdas/core/detect/engine-types';
import { ViewFields } from '../../../lambdas/core/detect/event-view';
import type { EventView } from '../../../lambdas/core/detect/event-view';
import { routingKeys } from '../../../lambdas/core/detect/logsource';
import type { RulePack, RuleSet } from '../../../lambdas/core/detect/pack';
import type { Detection } from '../../../lambdas/core/model/alert';

/**
 * The detector with hand-made rules (a field must contain a text), so routing, the prefilter and the options are
 * tested apart from the Sigma engine.
 */

interface FakeRule {
  id: string;
  field?: string;
  contains?: string;
  /** Needles the rule declares (default: its `contains` text). `null`: none (always evaluated). */
  needles?: string[] | null;
  meta?: Partial<SigmaRuleMeta>;
}

function rule(r: FakeRule): CompiledRule {
  const contains = (r.contains ?? '').toLowerCase();
  const meta: SigmaRuleMeta = {
    id: r.id,
    title: `Rule ${r.id}`,
    status: 'test',
    level: 'medium',
    author: 'A. Author',
    tags: ['attack.t1059'],
    falsepositives: ['Unknown'],
    references: [],
    logsource: { product: 'windows', category: 'process_creation' },
    ...r.meta,
  };
  const compiled: CompiledRule = {
    meta,
    match: (ev: EventFields) => {
      const v = ev.get(r.field ?? 'CommandLine');
      return typeof v === 'string' && v.toLowerCase().includes(contains);
    },
  };
  if (r.needles !== null) compiled.needles = r.needles ?? [contains];
  return compiled;
}

function pack(rules: CompiledRule[], set: RuleSet = 'sigma'): RulePack {
  return {
    name: set,
    rules: rules.map((x) => ({ meta: x.meta, rule: x, set })),
    unsupported: [],
    invalid: [],
    skipped: {},
  };
}

function proc(commandLine: string, categories = ['process_creation'], services = ['sysmon']): EventView {
  const fields = new ViewFields().set('CommandLine', commandLine).set('Image', 'C:\\Windows\\System32\\cmd.exe');
  const logsource = { categories, services };
  return { kind: 'sysmon', fields, logsource, keys: routingKeys(logsource) };
}

function counted(packs: RulePack[], options: DetectorOptions = {}): { d: Detector; evaluated: string[] } {
  const evaluated: string[] = [];
  const d = new Detector(packs, { ...options, onEvaluate: (id) => evaluated.push(id) });
  return { d, evaluated };
}

describe('prefilter', () => {
  const rules = [
    rule({ id: 'mimikatz', contains: 'sekurlsa::' }),
    rule({ id: 'certutil', contains: 'urlcache', needles: ['urlcache', 'verifyctl'] }),
    rule({ id: 'no-needles', contains: 'whoami', needles: null }),
  ];

  it('does not evaluate a rule none of whose needles occurs in the event', () => {
    const { d, evaluated } = counted([pack(rules)]);
    expect(d.detect([proc('cmd.exe /c whoami')]).map((m) => m.id)).toEqual(['no-needles']);
    expect(evaluated).toEqual(['no-needles']);
  });

  it('evaluates a rule as soon as one of its needles occurs, in any value, whatever the case', () => {
    const { d, evaluated } = counted([pack(rules)]);
    expect(d.detect([proc('CERTUTIL -VerifyCtl -f http://x')]).map((m) => m.id)).toEqual([]);
    expect(evaluated.sort()).toEqual(['certutil', 'no-needles']);
    evaluated.length = 0;
    expect(d.detect([proc('certutil -URLCACHE -f http://x')]).map((m) => m.id)).toEqual(['certutil']);
  });

  it('changes no result: the same matches with the prefilter off, and more evaluations', () => {
    const events = ['sekurlsa::logonpasswords', 'certutil -urlcache', 'whoami /all', 'notepad.exe', ''];
    const on = counted([pack(rules)]);
    const off = counted([pack(rules)], { prefilter: false });
    for (const e of events) expect(on.d.detect([proc(e)])).toEqual(off.d.detect([proc(e)]));
    expect(on.evaluated.length).toBeLessThan(off.evaluated.length);
    expect(off.evaluated).toHaveLength(events.length * rules.length);
  });

  it('forgets the needles of the previous event', () => {
    const { d } = counted([pack(rules)]);
    expect(d.detect([proc('sekurlsa::x')]).map((m) => m.id)).toEqual(['mimikatz']);
    expect(d.detect([proc('nothing here')])).toEqual([]);
    expect(d.detect([proc('sekurlsa::x')]).map((m) => m.id)).toEqual(['mimikatz']);
  });
});

describe('routing', () => {
  it('tries only the rules of the event logsource, and never rules of another product', () => {
    const { d, evaluated } = counted([
      pack([
        rule({ id: 'proc', contains: 'x', needles: null }),
        rule({
          id: 'reg',
          contains: 'x',
          needles: null,
          meta: { logsource: { product: 'windows', category: 'registry_set' } },
        }),
        rule({
          id: 'sec',
          contains: 'x',
          needles: null,
          meta: { logsource: { product: 'windows', service: 'security' } },
        }),
        rule({
          id: 'sysmon-svc',
          contains: 'x',
          needles: null,
          meta: { logsource: { product: 'windows', service: 'sysmon' } },
        }),
        rule({
          id: 'linux',
          contains: 'x',
          needles: null,
          meta: { logsource: { product: 'linux', category: 'process_creation' } },
        }),
      ]),
    ]);
    expect(d.detect([proc('x')]).map((m) => m.id)).toEqual(['proc', 'sysmon-svc']);
    expect(evaluated.sort()).toEqual(['proc', 'sysmon-svc']);
    expect(d.summary.excluded).toEqual({ 'not windows (product linux)': 1 });
  });

  it('reports a rule matched on two views of one event once', () => {
    const { d } = counted([pack([rule({ id: 'a', contains: 'x' })])]);
    expect(d.detect([proc('x'), proc('x y')]).map((m) => m.id)).toEqual(['a']);
  });

  it('a rule naming a category and a service needs both', () => {
    const r = rule({
      id: 'cs',
      contains: 'x',
      meta: { logsource: { category: 'process_creation', service: 'security' } },
    });
    const { d } = counted([pack([r])]);
    expect(d.detect([proc('x')])).toEqual([]);
    expect(d.detect([proc('x', ['process_creation'], ['security'])]).map((m) => m.id)).toEqual(['cs']);
  });
});

describe('options', () => {
  const rules = [
    rule({ id: 'stable-high', contains: 'x', meta: { status: 'stable', level: 'high' } }),
    rule({ id: 'exp', contains: 'x', meta: { status: 'experimental', level: 'critical' } }),
    rule({ id: 'dep', contains: 'x', meta: { status: 'deprecated' } }),
    rule({ id: 'unsup', contains: 'x', meta: { status: 'unsupported' } }),
    rule({ id: 'low', contains: 'x', meta: { level: 'low' } }),
  ];

  it('never loads deprecated or unsupported rules; experimental and threat-hunting are opt-in', () => {
    const base = new Detector([pack(rules), pack([rule({ id: 'hunt', contains: 'x' })], 'sigma-threat-hunting')]);
    expect(base.detect([proc('x')]).map((m) => m.id)).toEqual(['stable-high', 'low']);
    expect(base.summary.excluded).toEqual({
      'status deprecated': 1,
      'status unsupported': 1,
      'experimental (opt-in)': 1,
      'threat-hunting (opt-in)': 1,
    });
    const all = new Detector([pack(rules), pack([rule({ id: 'hunt', contains: 'x' })], 'sigma-threat-hunting')], {
      includeExperimental: true,
      includeThreatHunting: true,
    });
    expect(all.detect([proc('x')]).map((m) => m.id)).toEqual(['exp', 'stable-high', 'hunt', 'low']);
  });

  it('runs a user rule whatever its status, except deprecated and unsupported', () => {
    const d = new Detector([pack(rules, 'user')]);
    expect(d.detect([proc('x')]).map((m) => m.id)).toEqual(['exp', 'stable-high', 'low']);
  });

  it('skips disabled rule ids and rules below the minimum level', () => {
    const { d, evaluated } = counted([pack(rules)], { disabledRuleIds: ['stable-high'], minLevel: 'medium' });
    expect(d.detect([proc('x')])).toEqual([]);
    expect(evaluated).toEqual([]);
    expect(d.summary.excluded).toMatchObject({ disabled: 1, 'below medium': 1 });
  });

  it('lets a later pack replace a rule of the same id (a user rule tuning a SigmaHQ rule)', () => {
    const d = new Detector([
      pack([rule({ id: 'r', contains: 'x' })]),
      pack([rule({ id: 'r', contains: 'y', meta: { title: 'Tuned' } })], 'user'),
    ]);
    expect(d.detect([proc('x')])).toEqual([]);
    expect(d.detect([proc('y')])).toEqual([expect.objectContaining({ id: 'r', title: 'Tuned', pack: 'user' })]);
  });
});

describe('matches', () => {
  it('come strongest first, then by title, with what a ticket shows (the author included)', () => {
    const d = new Detector([
      pack([
        rule({ id: '3', contains: 'x', meta: { level: 'low', title: 'A' } }),
        rule({ id: '2', contains: 'x', meta: { level: 'critical', title: 'Z' } }),
        rule({ id: '1', contains: 'x', meta: { level: 'critical', title: 'B' } }),
        rule({ id: '0', contains: 'x', meta: { level: undefined, title: 'No level' } }),
      ]),
    ]);
    const out = d.detect([proc('x')]);
    expect(out.map((m) => m.id)).toEqual(['1', '2', '3', '0']);
    expect(out[0]).toEqual({
      id: '1',
      title: 'B',
      level: 'critical',
      status: 'test',
      tags: ['attack.t1059'],
      author: 'A. Author',
      falsepositives: ['Unknown'],
      pack: 'sigmahq',
    });
    expect(out[3]!.level).toBe('informational');
    // A match is what the alert model stores (the compiler checks the assignment).
    const stored: Detection = out[0]!;
    expect(stored.author).toBe('A. Author');
  });

  it('treat a matcher that throws as no match', () => {
    const bad: CompiledRule = {
      ...rule({ id: 'bad', contains: 'x' }),
      match: () => {
        throw new Error('boom');
      },
    };
    const d = new Detector([pack([bad, rule({ id: 'good', contains: 'x' })])]);
    expect(d.detect([proc('x')]).map((m) => m.id)).toEqual(['good']);
  });

  it('are the same whatever the order the packs list the rules in', () => {
    const rs = ['a', 'b', 'c', 'd'].map((id) => rule({ id, contains: 'x', meta: { title: 'Same' } }));
    const one = new Detector([pack(rs)]).detect([proc('x')]);
    const two = new Detector([pack([...rs].reverse())]).detect([proc('x')]);
    expect(two).toEqual(one);
  });
});
