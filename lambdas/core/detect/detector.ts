import { SIGMA_LEVELS } from '../model/alert';
import type { CompiledRule, EventFields, SigmaLevel, SigmaRuleMeta } from './engine-types';
import type { EventView } from './event-view';
import { NeedleScanner } from './needle-scan';
import { isReachable, routeOf } from './logsource';
import type { PackRule, RulePack, RuleSet } from './pack';

/**
 * The detector: rules indexed by routing key (logsource.ts), a literal-needle prefilter, then each remaining rule's
 * matcher. An event meets only the rules of its own logsource, and of those only the ones whose required literals
 * occur somewhere in its values: on a typical process creation, a few dozen of the ~1,200 process_creation rules.
 */

/** Sigma levels, lowest first. */
export const LEVELS: readonly SigmaLevel[] = SIGMA_LEVELS;

/** Statuses that never load (SigmaHQ keeps such rules for reference only). */
const NEVER_LOADED = new Set(['deprecated', 'unsupported']);

/** A rule that matched, as a ticket shows it. DRL 1.1: every view of a match names the rule's author. */
export interface DetectionMatch {
  id: string;
  title: string;
  level: SigmaLevel;
  status?: string;
  tags: string[];
  author?: string;
  falsepositives: string[];
  /** `sigmahq` (the shipped pack) or `user` (the SOC's own rules). */
  pack: 'sigmahq' | 'user';
}

/** Which rules run. */
export interface RuleSelection {
  /** Rule ids never evaluated (the SOC's tuning). */
  disabledRuleIds?: Iterable<string>;
  /** Lowest level kept (default `informational`: all). */
  minLevel?: SigmaLevel;
  /** Run SigmaHQ rules of status `experimental` (default false). User rules run whatever their status. */
  includeExperimental?: boolean;
  /** Run SigmaHQ's threat-hunting rules (broad, noisy by design; default false). */
  includeThreatHunting?: boolean;
}

export interface DetectorOptions extends RuleSelection {
  /** Literal-needle prefilter (default true). Off only to measure it or to prove it changes no result. */
  prefilter?: boolean;
  /** Called before each rule evaluation (tests count evaluations with it; no timing). */
  onEvaluate?: (ruleId: string) => void;
}

/** A missing level sorts and filters as informational (the spec gives no default). */
export function levelOf(meta: Pick<SigmaRuleMeta, 'level'>): SigmaLevel {
  return meta.level !== undefined && LEVELS.includes(meta.level) ? meta.level : 'informational';
}

/** Why a rule does not run under this selection, or undefined when it runs. */
export function exclusionOf(
  meta: Pick<SigmaRuleMeta, 'id' | 'status' | 'level'>,
  set: RuleSet,
  sel: RuleSelection & { disabled?: ReadonlySet<string> },
): string | undefined {
  const status = meta.status?.toLowerCase();
  if (status !== undefined && NEVER_LOADED.has(status)) return `status ${status}`;
  if (sel.disabled?.has(meta.id)) return 'disabled';
  if (set !== 'user') {
    if (status === 'experimental' && sel.includeExperimental !== true) return 'experimental (opt-in)';
    if (set === 'sigma-threat-hunting' && sel.includeThreatHunting !== true) return 'threat-hunting (opt-in)';
  }
  if (sel.minLevel !== undefined && LEVELS.indexOf(levelOf(meta)) < LEVELS.indexOf(sel.minLevel))
    return `below ${sel.minLevel}`;
  return undefined;
}

/** Strongest level first, then title, then id: the order every consumer shows. */
export function byLevelThenTitle(a: DetectionMatch, b: DetectionMatch): number {
  return (
    LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) ||
    (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

interface Entry {
  id: string;
  /** Position in the id-sorted rule list: evaluation order, and the index of `seen`. */
  order: number;
  pack: PackRule;
  /** Compiled rule; undefined until first needed (lazy packs), null when compiling failed. */
  rule: CompiledRule | null | undefined;
  /** Indexes into the detector's needle table; undefined: always evaluate. */
  needles: Int32Array | undefined;
  /** A rule naming a category and a service also needs the service. */
  service?: string;
  match: DetectionMatch;
}

/** The rules of one set of routing keys, ready for a view: its needle scanner, its rules by needle, the rest. */
interface Keyset {
  scanner: NeedleScanner;
  byNeedle: Map<number, Entry[]>;
  /** Rules without needles: evaluated on every view of these keys. */
  always: Entry[];
}

/** What the detector loaded and what it left out, by reason. */
export interface DetectorSummary {
  rules: number;
  byKey: Record<string, number>;
  excluded: Record<string, number>;
  /** Loaded rules no Windows event reaches (e.g. ETW-only categories such as file_access). */
  unreachable: number;
  needles: number;
}

/** Lazy compilation so far: how many rules compiled on first use, and which failed (none for a fresh pack). */
export interface CompileStats {
  compiled: number;
  failed: { id: string; reason: string }[];
}

/** The match a rule reports, frozen: every event it matches shares it. */
function matchOf(meta: SigmaRuleMeta, set: RuleSet): DetectionMatch {
  const m: DetectionMatch = {
    id: meta.id,
    title: meta.title,
    level: levelOf(meta),
    tags: Object.freeze([...meta.tags]) as string[],
    falsepositives: Object.freeze([...meta.falsepositives]) as string[],
    pack: set === 'user' ? 'user' : 'sigmahq',
  };
  if (meta.status !== undefined) m.status = meta.status;
  if (meta.author !== undefined) m.author = meta.author;
  return Object.freeze(m);
}

export class Detector {
  private readonly buckets = new Map<string, Entry[]>();
  private readonly needleText: string[] = [];
  /** `present[i] === gen`: needle i occurs in the current view (stamps, so nothing is cleared between views). */
  private present = new Uint32Array(0);
  private gen = 0;
  /** Per set of routing keys (a view's keys), built on first use: the scanner and the rules by needle. */
  private readonly keysets = new Map<string, Keyset>();
  /** `seen[order] === gen`: the rule is already a candidate for the current view. */
  private seen = new Uint32Array(0);
  private readonly found: number[] = [];
  private readonly candidates: Entry[] = [];
  private readonly prefilter: boolean;
  private readonly onEvaluate?: (ruleId: string) => void;
  readonly summary: DetectorSummary;
  readonly compileStats: CompileStats = { compiled: 0, failed: [] };

  /**
   * @param packs Rule packs, in order: a later pack's rule replaces an earlier one with the same id (a user rule can
   * override a SigmaHQ rule it tunes).
   */
  constructor(packs: readonly RulePack[], options: DetectorOptions = {}) {
    this.prefilter = options.prefilter !== false;
    this.onEvaluate = options.onEvaluate;
    const disabled = new Set(options.disabledRuleIds ?? []);
    const excluded: Record<string, number> = {};
    const count = (reason: string): void => {
      excluded[reason] = (excluded[reason] ?? 0) + 1;
    };
    const chosen = new Map<string, PackRule>();
    for (const pack of packs) {
      for (const pr of pack.rules) {
        const why = exclusionOf(pr.meta, pr.set, { ...options, disabled });
        if (why !== undefined) {
          count(why);
          chosen.delete(pr.meta.id);
        } else chosen.set(pr.meta.id, pr);
      }
    }
    const needleIndex = new Map<string, number>();
    const byKey: Record<string, number> = {};
    let unreachable = 0;
    let order = 0;
    // Sorted by id so the evaluation order, and so everything observable, is independent of file order.
    for (const pr of [...chosen.values()].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1))) {
      const meta = pr.meta;
      const route = routeOf(meta.logsource);
      if (route.kind === 'elsewhere') {
        count(`not windows (${route.reason})`);
        continue;
      }
      if (!isReachable(route.key)) unreachable++;
      const entry: Entry = {
        id: meta.id,
        order: order++,
        pack: pr,
        rule: pr.rule,
        needles: this.prefilter ? this.needlesOf(pr.rule?.needles ?? pr.needles, needleIndex) : undefined,
        match: matchOf(meta, pr.set),
      };
      if (route.service !== undefined) entry.service = route.service;
      const bucket = this.buckets.get(route.key) ?? [];
      bucket.push(entry);
      this.buckets.set(route.key, bucket);
      byKey[route.key] = (byKey[route.key] ?? 0) + 1;
    }
    this.present = new Uint32Array(this.needleText.length);
    this.seen = new Uint32Array(order);
    const rules = Object.values(byKey).reduce((a, b) => a + b, 0);
    this.summary = { rules, byKey, excluded, unreachable, needles: this.needleText.length };
  }

  /** The rule's needles as table indexes; undefined when it has none usable (it is then always evaluated). */
  private needlesOf(list: readonly string[] | undefined, index: Map<string, number>): Int32Array | undefined {
    if (list === undefined || list.length === 0) return undefined;
    const out = new Int32Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const n = list[i]!.toLowerCase();
      // An empty needle is always present, and NUL separates values in the scanned text: no filtering possible.
      if (n === '' || n.includes('\u0000')) return undefined;
      let at = index.get(n);
      if (at === undefined) {
        at = this.needleText.length;
        this.needleText.push(n);
        index.set(n, at);
      }
      out[i] = at;
    }
    return out;
  }

  /** The scanner and posting lists for the rules of these buckets. */
  private keysetFor(keys: readonly string[]): Keyset {
    const id = keys.join('|');
    let ks = this.keysets.get(id);
    if (ks === undefined) {
      const byNeedle = new Map<number, Entry[]>();
      const always: Entry[] = [];
      for (const key of keys) {
        for (const e of this.buckets.get(key) ?? []) {
          if (e.needles === undefined) {
            always.push(e);
            continue;
          }
          for (const n of e.needles) {
            const list = byNeedle.get(n);
            if (list === undefined) byNeedle.set(n, [e]);
            else list.push(e);
          }
        }
      }
      ks = { scanner: new NeedleScanner(byNeedle.keys(), this.needleText), byNeedle, always };
      this.keysets.set(id, ks);
    }
    return ks;
  }

  /** The rules worth evaluating on a view: those with a needle in it, and those without needles. */
  private candidatesOf(view: EventView): Entry[] {
    const out = this.candidates;
    out.length = 0;
    if (!this.prefilter) {
      for (const key of view.keys) for (const e of this.buckets.get(key) ?? []) out.push(e);
      return out;
    }
    const ks = this.keysetFor(view.keys);
    const found = this.found;
    found.length = 0;
    ks.scanner.scan(view.fields.lowerText(), this.present, this.gen, found);
    const gen = this.gen;
    for (const e of ks.always) out.push(e);
    for (const n of found) {
      for (const e of ks.byNeedle.get(n)!) {
        if (this.seen[e.order] === gen) continue;
        this.seen[e.order] = gen;
        out.push(e);
      }
    }
    // The order is deterministic without sorting: rules without needles first, then in the order the scan meets
    // their needles in the text.
    return out;
  }

  /** Compiles a lazy rule on first use; a rule that does not compile is reported and never tried again. */
  private compile(e: Entry): CompiledRule | null {
    let loaded;
    try {
      loaded = e.pack.compile?.();
    } catch (err) {
      loaded = { kind: 'invalid' as const, file: e.id, reason: err instanceof Error ? err.message : String(err) };
    }
    if (loaded?.kind === 'ok') {
      this.compileStats.compiled++;
      e.rule = loaded.rule;
      return loaded.rule;
    }
    this.compileStats.failed.push({ id: e.id, reason: loaded === undefined ? 'no compiler' : loaded.reason });
    e.rule = null;
    return null;
  }

  /**
   * The rules one event matches, over all its views, each rule once, strongest first. Deterministic; never throws
   * (a matcher that throws counts as no match).
   */
  detect(views: readonly EventView[]): DetectionMatch[] {
    const out: DetectionMatch[] = [];
    const matched = new Set<string>();
    for (const view of views) {
      // Stamps wrap after 2^32 views; clearing then keeps a stale answer from ever looking fresh.
      this.gen = (this.gen + 1) >>> 0;
      if (this.gen === 0) {
        this.present.fill(0);
        this.seen.fill(0);
        this.gen = 1;
      }
      for (const e of this.candidatesOf(view)) {
        if (matched.has(e.id)) continue;
        if (e.service !== undefined && !view.logsource.services.includes(e.service)) continue;
        const rule = e.rule === undefined ? this.compile(e) : e.rule;
        if (rule === null) continue;
        this.onEvaluate?.(e.id);
        if (safeMatch(rule, view.fields)) {
          matched.add(e.id);
          out.push(e.match);
        }
      }
    }
    return out.sort(byLevelThenTitle);
  }
}

/** A matcher that throws counts as no match: one broken rule must not stop the others. */
function safeMatch(rule: CompiledRule, fields: EventFields): boolean {
  try {
    return rule.match(fields);
  } catch {
    return false;
  }
}

/** A detector over these packs. */
export function createDetector(packs: readonly RulePack[], options: DetectorOptions = {}): Detector {
  return new Detector(packs, options);
}
