/**
 * Builds the compact ATT&CK Enterprise table that enrichment ships inside the Lambdas:
 * `lambdas/core/enrich/data/attack.json` and its `SOURCE.md` (provenance and MITRE's terms, which require the
 * copyright notice in every copy).
 *
 * Usage: `npx tsx scripts/build-attack-data.ts [SOURCE_DIR]` (default `../shared/data/attack`, beside the project).
 *
 * Only what enrichment reads is kept: id → name and tactic slugs; retired id → replacement (or, when ATT&CK has
 * none, its last published name and tactics); tactic slug → id and display name. Parent ids and URLs follow from
 * the id, so they are derived at run time; this script proves the derivation matches the source before writing.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface SourceTechnique {
  id: string;
  name: string;
  tactics: string[];
  parent?: string;
  url: string;
}

interface SourceTactic {
  id: string;
  shortname: string;
  name: string;
}

interface SourceRetired {
  id: string;
  name: string;
  status: string;
  revoked_by?: string;
  v19_equivalent?: string;
}

/** Output shape, read by `lambdas/core/enrich/attack.ts`. Arrays keep the file small; order is fixed. */
interface CompactAttack {
  source: string;
  /** slug → [TA id, display name]. Slugs of earlier versions (`defense-evasion`) are kept for old alerts. */
  tactics: Record<string, [string, string]>;
  /** id → [name, tactic slugs]. */
  techniques: Record<string, [string, string[]]>;
  /** retired id → [name, current id or null, tactic slugs as last published]. */
  retired: Record<string, [string, string | null, string[]]>;
}

const ID_RE = /^T\d{4}(\.\d{3})?$/;

function readJson<T>(dir: string, file: string): T {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
}

function fail(message: string): never {
  throw new Error(`build-attack-data: ${message}`);
}

function urlOf(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}`;
}

function sortedRecord<V>(entries: [string, V][]): Record<string, V> {
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function build(dir: string): CompactAttack {
  const techniques = readJson<SourceTechnique[]>(dir, 'enterprise-techniques.json');
  const tactics = readJson<SourceTactic[]>(dir, 'enterprise-tactics.json');
  const retired = readJson<SourceRetired[]>(dir, 'enterprise-retired.json');
  // The previous release gives tactics for ids v19 dropped without a replacement, and the old tactic names.
  const previous = readJson<SourceTechnique[]>(dir, 'enterprise-techniques-v18.1.json');
  const previousTactics = readJson<SourceTactic[]>(dir, 'enterprise-tactics-v18.1.json');

  const tacticMap = new Map<string, [string, string]>();
  for (const t of tactics) tacticMap.set(t.shortname, [t.id, t.name]);
  for (const t of previousTactics) if (!tacticMap.has(t.shortname)) tacticMap.set(t.shortname, [t.id, t.name]);

  const live = new Map<string, SourceTechnique>();
  for (const t of techniques) {
    if (!ID_RE.test(t.id)) fail(`unexpected technique id ${t.id}`);
    if (live.has(t.id)) fail(`duplicate technique ${t.id}`);
    const parent = t.id.includes('.') ? t.id.slice(0, 5) : undefined;
    if (t.parent !== parent) fail(`${t.id}: parent ${String(t.parent)} is not the id prefix`);
    if (t.url !== urlOf(t.id)) fail(`${t.id}: url ${t.url} does not follow the id`);
    if (t.tactics.length === 0) fail(`${t.id}: no tactic`);
    for (const s of t.tactics) if (!tacticMap.has(s)) fail(`${t.id}: unknown tactic ${s}`);
    live.set(t.id, t);
  }
  for (const t of live.values()) if (t.parent !== undefined && !live.has(t.parent)) fail(`${t.id}: parent missing`);

  const previousById = new Map(previous.map((t) => [t.id, t] as const));
  const retiredIds = new Set(retired.map((r) => r.id));
  const retiredOut: [string, [string, string | null, string[]]][] = [];
  for (const r of retired) {
    if (!ID_RE.test(r.id)) fail(`unexpected retired id ${r.id}`);
    if (live.has(r.id)) fail(`${r.id} is both live and retired`);
    // v19_equivalent is already resolved to a live id; revoked_by may point at another retired id (a chain).
    let to: string | null = r.v19_equivalent ?? null;
    if (to === null && r.revoked_by !== undefined && retiredIds.has(r.revoked_by)) to = r.revoked_by;
    if (to !== null && !live.has(to) && !retiredIds.has(to)) fail(`${r.id}: replacement ${to} unknown`);
    const last = previousById.get(r.id)?.tactics ?? [];
    for (const s of last) if (!tacticMap.has(s)) fail(`${r.id}: unknown tactic ${s}`);
    retiredOut.push([r.id, [r.name, to, to === null ? last : []]]);
  }

  return {
    source: 'MITRE ATT&CK Enterprise v19.0; retired ids from v18.1 and v19. See SOURCE.md.',
    tactics: Object.fromEntries(tacticMap),
    techniques: sortedRecord([...live.values()].map((t) => [t.id, [t.name, t.tactics]])),
    retired: sortedRecord(retiredOut),
  };
}

/** SOURCE.md for the copy: what it is, where it came from, and MITRE's license reproduced verbatim. */
function sourceNote(dir: string, data: CompactAttack, bytes: number): string {
  const shared = readFileSync(join(dir, 'SOURCE.md'), 'utf8');
  const licenseAt = shared.indexOf('## License');
  if (licenseAt < 0) fail('the shared SOURCE.md has no "## License" section to reproduce');
  const sourcesAt = shared.indexOf('## Source A');
  const generationAt = shared.indexOf('## Generation');
  // Demoted one level: they sit under this file's own "Provenance" heading.
  const provenance =
    sourcesAt >= 0 && generationAt > sourcesAt
      ? shared.slice(sourcesAt, generationAt).trim().replace(/^## /gm, '### ')
      : '';
  return [
    '# MITRE ATT&CK® Enterprise: compact copy for enrichment',
    '',
    'Generated by `npx tsx scripts/build-attack-data.ts` from `../shared/data/attack/` (`enterprise-techniques.json`,',
    '`enterprise-tactics.json`, `enterprise-retired.json`, and the v18.1 files for tactics of ids v19 dropped). Do not',
    'edit `attack.json` by hand: change the script or its sources and regenerate.',
    '',
    `Contents (${bytes} bytes): ${Object.keys(data.techniques).length} techniques and sub-techniques, ` +
      `${Object.keys(data.retired).length} retired ids, ${Object.keys(data.tactics).length} tactic slugs ` +
      '(the v19 tactics plus `defense-evasion` from v18.1, which alerts still name).',
    '',
    '- `tactics`: slug → `[TA id, display name]`.',
    '- `techniques`: id → `[name, tactic slugs]`. A sub-technique’s parent is its id’s first five characters; the URL is',
    '  `https://attack.mitre.org/techniques/Txxxx[/yyy]` (the script checks both against the source).',
    '- `retired`: id → `[name, current id or null, tactic slugs]`. The current id is the v19 equivalent (or, for a',
    '  revocation chain, another retired id); `null` means ATT&CK names no replacement, and the tactics are the ones',
    '  last published (v18.1), empty for ids deprecated before it.',
    '',
    '## Provenance (from the shared SOURCE.md)',
    '',
    provenance,
    '',
    shared.slice(licenseAt).trim(),
    '',
  ].join('\n');
}

function main(): void {
  const root = resolve(__dirname, '..');
  const dir = resolve(process.argv[2] ?? join(root, '..', 'shared', 'data', 'attack'));
  const data = build(dir);
  const outDir = join(root, 'lambdas', 'core', 'enrich', 'data');
  mkdirSync(outDir, { recursive: true });
  const json = `${JSON.stringify(data)}\n`;
  writeFileSync(join(outDir, 'attack.json'), json);
  const bytes = Buffer.byteLength(json);
  writeFileSync(join(outDir, 'SOURCE.md'), sourceNote(dir, data, bytes));
  process.stdout.write(
    `attack.json: ${bytes} bytes, ${Object.keys(data.techniques).length} techniques, ` +
      `${Object.keys(data.retired).length} retired, ${Object.keys(data.tactics).length} tactics\n`,
  );
}

main();
