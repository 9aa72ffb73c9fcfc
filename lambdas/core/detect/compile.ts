import { buildCondition, parseCondition } from './condition';
import { compileFieldItem, compileKeywordItem } from './detection-item';
import type { CompiledRule, LoadedRule, SigmaLevel, SigmaLogsource, SigmaRuleMeta } from './engine-types';
import { SigmaInvalidRuleError, SigmaRuleError, SigmaUnsupportedRuleError } from './errors';
import type { Predicate } from './predicate';
import { allOf, anyOf } from './predicate';

export type {
  CompiledRule,
  EventFields,
  FieldValue,
  LoadedRule,
  SigmaLevel,
  SigmaLogsource,
  SigmaRuleMeta,
} from './engine-types';

/**
 * Compiles one parsed, plain-JSON rule document (what `parseRuleDocuments` returns, or an entry of a prebuilt JSON
 * pack: no YAML and no schema validation at cold start; `loadRuleText` validates). Never throws.
 */
export function compileRule(doc: unknown, file: string): LoadedRule {
  if (!isRecord(doc)) return { kind: 'invalid', file, reason: 'rule: a rule document must be a map' };
  const meta = ruleMeta(doc, file);
  try {
    const other = otherDocumentKind(doc);
    if (other !== undefined) return { kind: 'unsupported', meta, reason: other };
    const rule = compileDetection(doc.detection, meta);
    return { kind: 'ok', rule };
  } catch (err) {
    if (err instanceof SigmaUnsupportedRuleError) return { kind: 'unsupported', meta, reason: err.message };
    if (err instanceof SigmaRuleError) return { kind: 'invalid', file, reason: err.message };
    // A bug of the engine, not of the rule: keep the rule visible rather than fail the whole pack.
    return { kind: 'unsupported', meta, reason: `engine error: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Documents that are Sigma but not detection rules: why this engine does not run them. */
export function otherDocumentKind(doc: Record<string, unknown>): string | undefined {
  if ('correlation' in doc) return 'correlation rule (meta-rule over several events): not supported by this engine';
  if ('filter' in doc && !('detection' in doc)) return 'Sigma filter document: not supported by this engine';
  if (typeof doc.action === 'string') {
    return `Sigma 1 rule collection document (action: ${doc.action}): not supported, expand it into plain rules`;
  }
  return undefined;
}

function compileDetection(detection: unknown, meta: SigmaRuleMeta): CompiledRule {
  if (!isRecord(detection)) throw new SigmaInvalidRuleError('detection', 'must be a map');
  if ('timeframe' in detection) {
    throw new SigmaUnsupportedRuleError('detection.timeframe', 'aggregations over a time frame are not supported');
  }
  const conditionRaw = detection.condition;
  const conditions = Array.isArray(conditionRaw) ? conditionRaw : [conditionRaw];
  if (conditions.length === 0 || !conditions.every((c) => typeof c === 'string')) {
    throw new SigmaInvalidRuleError('detection.condition', 'must be a string or a list of strings');
  }
  const selections = new Map<string, Predicate>();
  for (const [id, value] of Object.entries(detection)) {
    if (id === 'condition') continue;
    selections.set(id, compileSearchIdentifier(value, `detection.${id}`));
  }
  const predicate = anyOf(conditions.map((c: string) => buildCondition(parseCondition(c), selections)));
  const test = predicate.test;
  const needles = minimalNeedles(predicate.needles);
  return {
    meta,
    match: (ev) => {
      try {
        return test(ev);
      } catch {
        // An event view that throws must not stop the other rules; a throwing rule matches nothing.
        return false;
      }
    },
    ...(needles === undefined ? {} : { needles }),
  };
}

/** A search identifier: a map (AND of its items), a list of maps (OR), or a list of keywords (OR). */
function compileSearchIdentifier(value: unknown, where: string): Predicate {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new SigmaInvalidRuleError(where, 'empty list');
    if (value.every((v) => !isRecord(v))) return compileKeywordItem([], value, where);
    return anyOf(
      value.map((v, i) =>
        isRecord(v) ? compileMap(v, `${where}[${i}]`) : compileKeywordItem([], [v], `${where}[${i}]`),
      ),
    );
  }
  if (isRecord(value)) return compileMap(value, where);
  if (typeof value === 'string' || typeof value === 'number') return compileKeywordItem([], [value], where);
  throw new SigmaInvalidRuleError(where, 'a search identifier must be a map, a list of maps or a list of keywords');
}

function compileMap(map: Record<string, unknown>, where: string): Predicate {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new SigmaInvalidRuleError(where, 'empty map');
  return allOf(
    entries.map(([key, value]) => {
      const [field, ...modifiers] = key.split('|');
      const at = `${where}.${key}`;
      return field === '' ? compileKeywordItem(modifiers, value, at) : compileFieldItem(field, modifiers, value, at);
    }),
  );
}

/** Past this many needles, minimising (quadratic) costs more at cold start than it saves per event. */
const MINIMISE_NEEDLES_UP_TO = 64;

/** Drops needles that contain another needle (the shorter one is present whenever the longer is). */
function minimalNeedles(needles: readonly string[] | undefined): readonly string[] | undefined {
  if (needles === undefined || needles.length === 0) return undefined;
  const sorted = [...new Set(needles)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  if (sorted.length > MINIMISE_NEEDLES_UP_TO) return sorted;
  const kept: string[] = [];
  for (const n of sorted) if (!kept.some((k) => n.includes(k))) kept.push(n);
  return kept;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const LEVELS: readonly string[] = ['informational', 'low', 'medium', 'high', 'critical'];

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function texts(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The descriptive fields, read leniently (never throws): what a ticket shows about the rule. */
function ruleMeta(doc: Record<string, unknown>, file: string): SigmaRuleMeta {
  const ls = isRecord(doc.logsource) ? doc.logsource : {};
  const logsource: SigmaLogsource = {};
  for (const k of ['product', 'category', 'service', 'definition'] as const) {
    const v = text(ls[k]);
    if (v !== undefined) logsource[k] = v;
  }
  const level = text(doc.level);
  const meta: SigmaRuleMeta = {
    id: text(doc.id) ?? text(doc.name) ?? file,
    title: text(doc.title) ?? '',
    tags: texts(doc.tags),
    falsepositives: texts(doc.falsepositives),
    references: texts(doc.references),
    logsource,
    file,
  };
  const status = text(doc.status);
  if (status !== undefined) meta.status = status;
  if (level !== undefined && LEVELS.includes(level)) meta.level = level as SigmaLevel;
  const description = text(doc.description);
  if (description !== undefined) meta.description = description;
  const author = text(doc.author);
  if (author !== undefined) meta.author = author;
  return meta;
}
