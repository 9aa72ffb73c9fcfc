import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRuleText, parseRuleDocuments } from './parse';
import { PACK_FORMAT, addLoaded, pruneRuleDocument } from './pack';
import type { PackDocument, PackEntry, RulePack } from './pack';

/**
 * A SOC's own Sigma rules, read from YAML: for the CLI (`a2t detect --rules DIR`, `a2t rules check DIR`) and for
 * `cdk synth`, which checks the folder named by `a2t:sigmaRulesDir` and ships it precompiled (`userPackDocument`).
 * This module parses YAML: the Lambdas never import it (pack.ts reads precompiled packs), which keeps `yaml` out of
 * their bundles.
 */

/** Rule files: `.yml` and `.yaml`, any depth, in a stable order. */
function ruleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** A user rule folder, loaded: the pack, and one line per problem. */
export interface RulesDirResult {
  pack: RulePack;
  /**
   * One line per problem, naming the file and the field: invalid YAML, a schema failure, an unknown modifier, an
   * unsupported feature, a duplicate id. Non-empty means the CLI exits 2 and `cdk synth` fails.
   */
  errors: string[];
}

function unreadable(where: string, err: unknown): string {
  return `${where}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`;
}

/**
 * Loads every rule of a user's folder (YAML, any depth), compiled. Never throws: an unreadable folder is one error
 * line too. User rules run whatever their status (a SOC writes `experimental` rules for itself) except
 * deprecated/unsupported; a user rule with the id of a SigmaHQ rule replaces it.
 */
export function loadRulesDir(dir: string): RulesDirResult {
  const pack: RulePack = { name: dir, rules: [], unsupported: [], invalid: [], skipped: {} };
  let files: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) return { pack, errors: [`${dir}: not a directory`] };
    files = ruleFiles(dir);
  } catch (err) {
    return { pack, errors: [unreadable(dir, err)] };
  }
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      pack.invalid.push(unreadable(file, err));
      continue;
    }
    for (const loaded of loadRuleText(text, file)) addLoaded(pack, loaded, 'user');
  }
  const seen = new Map<string, string>();
  for (const { meta } of pack.rules) {
    if (meta.id === meta.file) {
      pack.invalid.push(`${meta.file}: id: missing (rules are disabled and overridden by id)`);
      continue;
    }
    const first = seen.get(meta.id);
    if (first !== undefined) pack.invalid.push(`${meta.file ?? dir}: id: ${meta.id} is also the id of ${first}`);
    else seen.set(meta.id, meta.file ?? dir);
  }
  const errors = [
    ...pack.invalid,
    ...pack.unsupported.map((u) => `${u.meta.file ?? dir}: ${u.reason} (rule ${u.meta.id})`),
  ];
  return { pack, errors };
}

/**
 * A user folder as a pack document (for `cdk synth` to ship beside the bundle and `loadPackFile` to read): every
 * rule document that compiles, reduced to the pack keys. Errors as `loadRulesDir` gives them; ship only when none.
 */
export function userPackDocument(dir: string): { doc: PackDocument; errors: string[] } {
  const { pack, errors } = loadRulesDir(dir);
  const rules: PackEntry[] = [];
  if (errors.length === 0) {
    const ok = new Set(pack.rules.map((r) => r.meta.id));
    for (const file of ruleFiles(dir)) {
      for (const { doc } of parseRuleDocuments(fs.readFileSync(file, 'utf8'), file)) {
        if (typeof doc !== 'object' || doc === null) continue;
        const pruned = pruneRuleDocument(doc as Record<string, unknown>);
        if (typeof pruned.id === 'string' && ok.has(pruned.id)) rules.push({ doc: pruned });
      }
    }
  }
  return {
    doc: { format: PACK_FORMAT, source: { repository: dir, commit: '', license: '' }, sets: [{ set: 'user', rules }] },
    errors,
  };
}
