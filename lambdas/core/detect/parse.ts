import { isScalar, parseAllDocuments } from 'yaml';
import type { ParseOptions, DocumentOptions, SchemaOptions } from 'yaml';
import { compileRule, isRecord, otherDocumentKind } from './compile';
import type { LoadedRule } from './engine-types';
import { validateRuleDocument } from './rule-schema';

/**
 * Rule files as people write them: YAML, checked against the Sigma JSON schema, then compiled. Kept apart from
 * compile.ts so the ingest Lambda, which only compiles the prebuilt JSON pack, bundles neither the YAML parser nor the
 * schema validator (~250 KB).
 */

export { validateRuleDocument } from './rule-schema';

/*
 * YAML 1.2 core schema, except that hexadecimal, octal, exponent and .inf/.nan scalars stay text: a rule that
 * writes `TicketOptions: 0x40810000` means the text Windows logs, not the number 1082195968.
 */
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  schema: 'core',
  customTags: (tags) =>
    tags.filter((t) => {
      if (typeof t !== 'object' || !('format' in t) || !('test' in t)) return true;
      const { format, test } = t as { format?: string; test?: RegExp };
      return !(format === 'HEX' || format === 'OCT' || format === 'EXP' || test?.test('.inf') === true);
    }),
};

/**
 * Parses every YAML document of a rule file (some files hold several). Each becomes a plain-JSON `doc` or a
 * one-line `error`; empty documents (a trailing `---`) are skipped.
 */
export function parseRuleDocuments(yamlText: string, _file?: string): { doc?: unknown; error?: string }[] {
  const out: { doc?: unknown; error?: string }[] = [];
  for (const d of parseAllDocuments(yamlText, YAML_OPTIONS)) {
    if (d.errors.length > 0) {
      out.push({ error: `YAML: ${d.errors[0].message.split('\n')[0]}` });
      continue;
    }
    if (d.contents === null || (isScalar(d.contents) && d.contents.value === null && d.contents.source === ''))
      continue;
    try {
      out.push({ doc: d.toJS({ maxAliasCount: 100 }) });
    } catch (err) {
      out.push({ error: `YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` });
    }
  }
  return out;
}

/** Parses, validates (JSON schema) and compiles every document of a rule file. Never throws. */
export function loadRuleText(yamlText: string, file: string): LoadedRule[] {
  let docs: { doc?: unknown; error?: string }[];
  try {
    docs = parseRuleDocuments(yamlText, file);
  } catch (err) {
    return [{ kind: 'invalid', file, reason: `YAML: ${err instanceof Error ? err.message : String(err)}` }];
  }
  if (docs.length === 0) return [{ kind: 'invalid', file, reason: 'no YAML document in the file' }];
  return docs.map(({ doc, error }): LoadedRule => {
    if (error !== undefined) return { kind: 'invalid', file, reason: error };
    if (isRecord(doc) && otherDocumentKind(doc) === undefined) {
      const schemaError = validateRuleDocument(doc, file);
      if (schemaError !== undefined) return { kind: 'invalid', file, reason: schemaError };
    }
    return compileRule(doc, file);
  });
}
