import { loadRuleText } from '../../../../lambdas/core/detect/parse';
import type { CompiledRule, EventFields, FieldValue, LoadedRule } from '../../../../lambdas/core/detect/compile';

/**
 * A plain-object event for the engine tests: exact field names first, then a case-insensitive fallback (as the
 * detect stage's event views do); `values()` yields every scalar as text, list elements included.
 */
export function event(fields: Record<string, FieldValue>): EventFields {
  const byLower = new Map(Object.keys(fields).map((k) => [k.toLowerCase(), k]));
  return {
    get: (name) => {
      if (Object.hasOwn(fields, name)) return fields[name];
      const k = byLower.get(name.toLowerCase());
      return k === undefined ? undefined : fields[k];
    },
    *values() {
      for (const v of Object.values(fields)) {
        const list = Array.isArray(v) ? v : [v];
        for (const x of list) if (x !== null) yield String(x);
      }
    },
  };
}

/** Wraps a `detection:` block (indented YAML, without the `detection:` line) into a whole rule. */
export function ruleYaml(detection: string, extra = ''): string {
  return [
    'title: Engine test rule',
    'id: 5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
    'status: test',
    'logsource:',
    '    product: windows',
    '    category: process_creation',
    'detection:',
    detection.replace(/^\n/, ''),
    'level: high',
    extra,
  ].join('\n');
}

/** Loads one rule document; fails the test with the reason unless it compiled. */
export function compile(detection: string): CompiledRule {
  const loaded = load(detection);
  if (loaded.kind !== 'ok') throw new Error(`expected the rule to compile, got ${loaded.kind}: ${reasonOf(loaded)}`);
  return loaded.rule;
}

/** Loads one rule document, whatever the outcome. */
export function load(detection: string): LoadedRule {
  const all = loadRuleText(ruleYaml(detection), 'test.yml');
  if (all.length !== 1) throw new Error(`expected one document, got ${all.length}`);
  return all[0];
}

export function reasonOf(r: LoadedRule): string {
  return r.kind === 'ok' ? '' : r.reason;
}

/** True when the rule matches the event built from `fields`. */
export function matches(rule: CompiledRule, fields: Record<string, FieldValue>): boolean {
  return rule.match(event(fields));
}
