import * as fs from 'node:fs';
import * as path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { compileRule } from './compile';
import { exclusionOf } from './detector';
import type { RuleSelection } from './detector';
import type { CompiledRule, LoadedRule, SigmaLevel, SigmaLogsource, SigmaRuleMeta } from './engine-types';

/**
 * Rule packs. The SigmaHQ Windows rules are precompiled at build time (scripts/build-sigma-pack.ts) into one
 * Brotli-compressed JSON asset that the Lambda reads at cold start; YAML is never parsed in the Lambda (`yaml` takes
 * ~2.3 s over the 2,535 files).
 *
 * Why an asset and not a bundled JSON import: the pack is ~2.9 MB of JSON and ~450 KB as Brotli (quality 11, 16 MB
 * window: rules repeat each other across files, which gzip's 32 KB window cannot see; gzip gives ~600 KB). Imported,
 * the JSON would add ~2.9 MB to the ingest bundle (budget 1.5 MB in all); as an asset beside it, it costs ~10 ms to
 * decompress and ~25 ms to parse.
 *
 * Why rules compile lazily: compiling all 2,247 default rules takes ~1 s of CPU, far over the 300 ms cold-start
 * budget. The pack stores each rule's prefilter needles, computed by the engine at build time, so the detector can
 * index and prefilter every rule without compiling it, and compiles a rule the first time an event carries one of its
 * needles (a few dozen per event kind; most rules never compile in a given Lambda instance).
 */

/** Where a rule comes from: which opt-ins apply to it. */
export type RuleSet = 'sigma' | 'sigma-threat-hunting' | 'user';

/** A rule of a pack: compiled already, or compiled on first use. */
export interface PackRule {
  meta: SigmaRuleMeta;
  set: RuleSet;
  /** The compiled rule, when it was compiled at load. */
  rule?: CompiledRule;
  /** Compiles the rule (lazy packs). Never throws. */
  compile?: () => LoadedRule;
  /** Prefilter needles known without compiling (lazy packs); with neither `rule` nor this, the rule always runs. */
  needles?: readonly string[];
}

/** Rules recognised but not runnable by this engine, with the reason: listed, never silently dropped. */
export interface UnsupportedRule {
  meta: SigmaRuleMeta;
  reason: string;
  set: RuleSet;
}

export interface RulePack {
  name: string;
  rules: PackRule[];
  unsupported: UnsupportedRule[];
  /** One line per file or document that is not a valid rule: `file: field: reason`. */
  invalid: string[];
  /** Rules left out because the selection excludes them (counted by reason). */
  skipped: Record<string, number>;
}

/** File name of the builtin pack asset. */
export const BUILTIN_PACK_FILE = 'sigma-windows.json.br';
/** Pack format version; the loader refuses any other. */
export const PACK_FORMAT = 1;

/**
 * One rule of a pack file: the rule document reduced to PACK_KEYS, and its prefilter needles as the engine computed
 * them, each written in the case the rule wrote it (lower-cased at load) so Brotli finds it in the rule text: +37 KB
 * instead of +57 KB. Source paths are left out (+22 KB); a rule is found in rules/sigma/ by its id.
 */
export interface PackEntry {
  doc: Record<string, unknown>;
  /**
   * Present: the rule compiled at build time, these are its needles (`[]`: it has none and always runs), and it may
   * compile lazily. Absent: compile it at load (an unsupported rule is then listed as such).
   */
  needles?: string[];
}

/** A pack file: its provenance and its rules by set. */
export interface PackDocument {
  format: number;
  source: { repository: string; commit: string; license: string };
  sets: { set: RuleSet; rules: PackEntry[] }[];
}

/** Rule document keys a pack keeps: what runs and what a ticket shows. Descriptions and references stay in YAML. */
export const PACK_KEYS = [
  'id',
  'title',
  'status',
  'level',
  'author',
  'tags',
  'falsepositives',
  'logsource',
  'detection',
] as const;

/** A rule document reduced to PACK_KEYS. */
export function pruneRuleDocument(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of PACK_KEYS) if (doc[k] !== undefined) out[k] = doc[k];
  return out;
}

/** Thrown when a pack file cannot be read: the deployment is broken, not the event. */
export class PackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackError';
  }
}

/** The pack asset: beside the esbuild bundle (`/var/task`), or in pack/ when run from the sources (CLI, tests). */
export function builtinPackFile(): string {
  const candidates = [path.join(__dirname, BUILTIN_PACK_FILE), path.join(__dirname, 'pack', BUILTIN_PACK_FILE)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (found === undefined) throw new PackError(`Sigma pack ${BUILTIN_PACK_FILE} not found beside ${__dirname}`);
  return found;
}

/**
 * A pack document as stored: JSON, Brotli at maximum quality and window. Deterministic: the same document always
 * gives the same bytes, so rebuilding unchanged rules changes nothing in git.
 */
export function encodePackDocument(doc: PackDocument): Buffer {
  const json = Buffer.from(JSON.stringify(doc));
  return brotliCompressSync(json, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_SIZE_HINT]: json.length,
    },
  });
}

/** Reads and decompresses a pack file. @throws PackError */
export function readPackDocument(file: string = builtinPackFile()): PackDocument {
  let doc: PackDocument;
  try {
    doc = JSON.parse(brotliDecompressSync(fs.readFileSync(file)).toString('utf8')) as PackDocument;
  } catch (err) {
    throw new PackError(`cannot read Sigma pack ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (doc?.format !== PACK_FORMAT || !Array.isArray(doc.sets))
    throw new PackError(`Sigma pack ${file} has format ${String(doc?.format)}, not ${PACK_FORMAT}`);
  return doc;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const texts = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const LEVEL_NAMES: readonly string[] = ['informational', 'low', 'medium', 'high', 'critical'];

/**
 * What the detector needs of a rule before compiling it (routing, selection, what a match shows), read from a pack
 * document. Pack documents passed the schema at build time, so reading is plain.
 */
export function packRuleMeta(doc: Record<string, unknown>, file: string): SigmaRuleMeta {
  const ls =
    typeof doc.logsource === 'object' && doc.logsource !== null ? (doc.logsource as Record<string, unknown>) : {};
  const logsource: SigmaLogsource = {};
  for (const k of ['product', 'category', 'service', 'definition'] as const) {
    const v = text(ls[k]);
    if (v !== undefined) logsource[k] = v;
  }
  const meta: SigmaRuleMeta = {
    id: text(doc.id) ?? file,
    title: text(doc.title) ?? '',
    tags: texts(doc.tags),
    falsepositives: texts(doc.falsepositives),
    references: [],
    logsource,
    file,
  };
  const status = text(doc.status);
  if (status !== undefined) meta.status = status;
  const level = text(doc.level);
  if (level !== undefined && LEVEL_NAMES.includes(level)) meta.level = level as SigmaLevel;
  const author = text(doc.author);
  if (author !== undefined) meta.author = author;
  return meta;
}

/** Options of a pack load: the rule selection (rules it excludes are not even read), or everything. */
export interface PackOptions extends RuleSelection {
  /** Keep every rule whatever the selection (`a2t rules check`). */
  all?: boolean;
  /** Compile every rule now rather than on first use (reports unsupported rules; ~1 s for the builtin pack). */
  eager?: boolean;
  /** Pack file to read (default: the builtin pack, beside the bundle or in lambdas/core/detect/pack/). */
  file?: string;
}

/** Compiles (or prepares for lazy compilation) a pack document's rules, leaving out those the selection excludes. */
export function compilePack(doc: PackDocument, options: PackOptions = {}, name = 'sigma-windows'): RulePack {
  const disabled = new Set(options.disabledRuleIds ?? []);
  const pack: RulePack = { name, rules: [], unsupported: [], invalid: [], skipped: {} };
  for (const { set, rules } of doc.sets) {
    for (const entry of rules) {
      const file = `${name}#${text(entry.doc.id) ?? '?'}`;
      const meta = packRuleMeta(entry.doc, file);
      if (options.all !== true) {
        const why = exclusionOf(meta, set, { ...options, disabled });
        if (why !== undefined) {
          pack.skipped[why] = (pack.skipped[why] ?? 0) + 1;
          continue;
        }
      }
      if (options.eager === true || entry.needles === undefined) {
        addLoaded(pack, compileRule(entry.doc, file), set);
        continue;
      }
      const needles = entry.needles.map((n) => n.toLowerCase());
      pack.rules.push({ meta, set, needles, compile: () => compileRule(entry.doc, file) });
    }
  }
  return pack;
}

/** Adds what the engine made of one document to a pack. */
export function addLoaded(pack: RulePack, loaded: LoadedRule, set: RuleSet): void {
  if (loaded.kind === 'ok') pack.rules.push({ meta: loaded.rule.meta, set, rule: loaded.rule });
  else if (loaded.kind === 'unsupported') pack.unsupported.push({ meta: loaded.meta, reason: loaded.reason, set });
  else pack.invalid.push(`${loaded.file}: ${loaded.reason}`);
}

/**
 * The SigmaHQ Windows pack. Rules the selection excludes (deprecated, experimental or threat-hunting unless opted
 * in, disabled ids, below the level) are left out; the others compile on first use unless `eager`.
 * @throws PackError when the asset is missing or unreadable.
 */
export function loadBuiltinPack(options: PackOptions = {}): RulePack {
  return compilePack(readPackDocument(options.file), options);
}

/**
 * A user rule pack precompiled at synth (user-rules.ts `userPackDocument`), for the Lambda: compiled now (a user
 * folder is small) and never filtered by the SigmaHQ opt-ins.
 * @throws PackError when the file is missing or unreadable.
 */
export function loadPackFile(file: string, options: PackOptions = {}): RulePack {
  return compilePack(readPackDocument(file), { ...options, eager: true }, path.basename(file));
}
