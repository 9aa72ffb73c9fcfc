/**
 * Ships the SigmaHQ Windows rules with the project and precompiles them for the Lambdas.
 *
 * Usage: `npx tsx scripts/build-sigma-pack.ts [SOURCE_DIR]` (default `../shared/data/sigma`, beside the project),
 * or `npx tsx scripts/build-sigma-pack.ts --pack-only` to rebuild the pack from the copy already in `rules/sigma/`.
 *
 * 1. Copies `rules/windows/` and `rules-threat-hunting/windows/` into `rules/sigma/` (upstream paths kept) with the
 *    upstream `LICENSE` and a `SOURCE.md` naming the commit and the Detection Rule License 1.1 attribution duty.
 * 2. Parses every rule file of that copy with `yaml`, validates each document against the Sigma JSON schema and
 *    compiles it (to count what the engine cannot run), then writes the documents, reduced to the keys used at run
 *    time, as Brotli-compressed JSON: `lambdas/core/detect/pack/sigma-windows.json.br`. A file that does not parse
 *    or validate fails the build: the pack must never lose a rule silently.
 *
 * The output is deterministic (sorted paths, fixed Brotli parameters): rebuilding unchanged rules changes no byte.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { compileRule } from '../lambdas/core/detect/compile';
import { parseRuleDocuments, validateRuleDocument } from '../lambdas/core/detect/parse';
import { BUILTIN_PACK_FILE, PACK_FORMAT, encodePackDocument, pruneRuleDocument } from '../lambdas/core/detect/pack';
import type { PackDocument, PackEntry, RuleSet } from '../lambdas/core/detect/pack';

const ROOT = resolve(__dirname, '..');
const RULES_OUT = join(ROOT, 'rules', 'sigma');
const PACK_OUT = join(ROOT, 'lambdas', 'core', 'detect', 'pack', BUILTIN_PACK_FILE);

/** Upstream folders copied, and the rule set each becomes. */
const SETS: { dir: string; set: RuleSet }[] = [
  { dir: 'rules/windows', set: 'sigma' },
  { dir: 'rules-threat-hunting/windows', set: 'sigma-threat-hunting' },
];

function fail(message: string): never {
  process.stderr.write(`build-sigma-pack: ${message}\n`);
  process.exit(1);
}

/** The upstream commit of the rules, from the `rules/windows/` row of the source's SOURCE.md. */
function upstreamCommit(sourceDir: string): string {
  const text = readFileSync(join(sourceDir, 'SOURCE.md'), 'utf8');
  const row = text.split('\n').find((l) => l.includes('`rules/windows/`'));
  const commit = row === undefined ? undefined : /\b[0-9a-f]{40}\b/.exec(row)?.[0];
  if (commit === undefined) fail(`no commit for rules/windows/ in ${join(sourceDir, 'SOURCE.md')}`);
  const date = /\((\d{4}-\d{2}-\d{2})\)/.exec(row!)?.[1];
  return date === undefined ? commit : `${commit} (${date})`;
}

function ymlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...ymlFiles(p));
    else if (/\.ya?ml$/i.test(name)) out.push(p);
  }
  return out;
}

/** Every string of a detection block, depth first. */
function stringsOf(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) stringsOf(x, out);
  return out;
}

/**
 * The engine's (lower-case) needles, each written as the rule writes it when the rule holds it in some case: the
 * loader lower-cases them again, and Brotli stores a repeat of the rule's own text for a few bits. A needle the rule
 * does not spell out (base64, UTF-16, windash variants) is kept as is.
 */
function asWritten(needles: readonly string[], doc: Record<string, unknown>): string[] {
  const strings = stringsOf(doc.detection);
  return needles.map((needle) => {
    for (const s of strings) {
      const at = s.toLowerCase().indexOf(needle);
      const written = at < 0 ? undefined : s.slice(at, at + needle.length);
      // Lower-casing can change a string's length (`İ`): only a slice that lower-cases back to the needle will do.
      if (written !== undefined && written.toLowerCase() === needle) return written;
    }
    return needle;
  });
}

function sourceMd(commit: string, counts: Map<RuleSet, number>): string {
  return `# SigmaHQ Windows rules (shipped copy)

Copied by \`scripts/build-sigma-pack.ts\` from [SigmaHQ/sigma](https://github.com/SigmaHQ/sigma), unmodified, upstream
paths kept. Do not edit these files: fix a rule upstream or override it with a user rule of the same id
(\`a2t detect --rules DIR\`, CDK context \`a2t:sigmaRulesDir\`), and disable one by id (\`a2t:disabledSigmaRules\`).

| folder | upstream folder | commit | rules |
|---|---|---|---|
| \`rules/windows/\` | \`rules/windows/\` | ${commit} | ${counts.get('sigma') ?? 0} |
| \`rules-threat-hunting/windows/\` | \`rules-threat-hunting/windows/\` | same | ${counts.get('sigma-threat-hunting') ?? 0} |

The precompiled form the Lambdas load is \`lambdas/core/detect/pack/${BUILTIN_PACK_FILE}\`, built from this copy by
the same script.

## License: Detection Rule License (DRL) 1.1

The rules are released by their authors under the
[Detection Rule License (DRL) 1.1](https://github.com/SigmaHQ/Detection-Rule-License/blob/main/LICENSE.Detection.Rules.md)
(see \`LICENSE\`): an MIT-style grant with an attribution duty.

- **Sharing the rules** (this copy, the pack, any modified form) keeps each rule's \`author\` field, and the license.
- **Using the rules on data**: any output that shows a match with a rule names the rule's author (a field or column
  is enough). In this project every match carries \`author\` (\`Detection.author\` on the alert), and every view of
  a match (the ticket's Detections list, \`a2t detect\`) shows it. Keep it that way when adding a new view.
`;
}

function copyRules(sourceDir: string): void {
  for (const { dir } of SETS) if (!existsSync(join(sourceDir, dir))) fail(`${join(sourceDir, dir)} is missing`);
  rmSync(RULES_OUT, { recursive: true, force: true });
  mkdirSync(RULES_OUT, { recursive: true });
  for (const { dir } of SETS) cpSync(join(sourceDir, dir), join(RULES_OUT, dir), { recursive: true });
  cpSync(join(sourceDir, 'LICENSE'), join(RULES_OUT, 'LICENSE'));
}

function buildPack(commit: string): { doc: PackDocument; counts: Map<RuleSet, number>; unsupported: string[] } {
  const doc: PackDocument = {
    format: PACK_FORMAT,
    source: { repository: 'https://github.com/SigmaHQ/sigma', commit, license: 'DRL-1.1' },
    sets: [],
  };
  const counts = new Map<RuleSet, number>();
  const errors: string[] = [];
  const unsupported: string[] = [];
  for (const { dir, set } of SETS) {
    const rules: PackEntry[] = [];
    for (const path of ymlFiles(join(RULES_OUT, dir))) {
      const file = relative(RULES_OUT, path).split(sep).join('/');
      for (const parsed of parseRuleDocuments(readFileSync(path, 'utf8'), file)) {
        if (parsed.error !== undefined || parsed.doc === undefined) {
          errors.push(parsed.error ?? `${file}: empty document`);
          continue;
        }
        const invalid = validateRuleDocument(parsed.doc, file);
        if (invalid !== undefined) {
          errors.push(invalid);
          continue;
        }
        const pruned = pruneRuleDocument(parsed.doc as Record<string, unknown>);
        if (typeof pruned.id !== 'string') {
          errors.push(`${file}: id: missing (the pack finds, disables and overrides rules by id)`);
          continue;
        }
        const loaded = compileRule(pruned, file);
        if (loaded.kind === 'invalid') errors.push(`${loaded.file}: ${loaded.reason}`);
        else if (loaded.kind === 'unsupported') {
          unsupported.push(`${file}: ${loaded.reason}`);
          rules.push({ doc: pruned });
        } else {
          // `needles: []` says "compiles, has no needles" (always evaluated); no `needles` says "compile at load".
          rules.push({ doc: pruned, needles: asWritten(loaded.rule.needles ?? [], pruned) });
        }
      }
    }
    counts.set(set, rules.length);
    doc.sets.push({ set, rules });
  }
  if (errors.length > 0) fail(`${errors.length} rule document(s) refused:\n  ${errors.join('\n  ')}`);
  return { doc, counts, unsupported };
}

function main(): void {
  const args = process.argv.slice(2);
  const packOnly = args.includes('--pack-only');
  const sourceDir = resolve(ROOT, args.find((a) => !a.startsWith('--')) ?? '../shared/data/sigma');
  let commit: string;
  if (packOnly) {
    const existing = readFileSync(join(RULES_OUT, 'SOURCE.md'), 'utf8');
    commit = /\b[0-9a-f]{40}(?: \(\d{4}-\d{2}-\d{2}\))?/.exec(existing)?.[0] ?? fail('no commit in SOURCE.md');
  } else {
    commit = upstreamCommit(sourceDir);
    copyRules(sourceDir);
  }
  const { doc, counts, unsupported } = buildPack(commit);
  writeFileSync(join(RULES_OUT, 'SOURCE.md'), sourceMd(commit, counts));
  const json = Buffer.from(JSON.stringify(doc));
  const packed = encodePackDocument(doc);
  mkdirSync(resolve(PACK_OUT, '..'), { recursive: true });
  writeFileSync(PACK_OUT, packed);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(
    `${total} rules (${[...counts].map(([s, n]) => `${s} ${n}`).join(', ')}), ${unsupported.length} unsupported; ` +
      `pack ${relative(ROOT, PACK_OUT)}: ${json.length} bytes JSON, ${packed.length} bytes Brotli\n`,
  );
  for (const u of unsupported) process.stdout.write(`  unsupported: ${u}\n`);
}

main();
