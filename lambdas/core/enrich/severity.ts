import type { Alert, Detection, SigmaLevel } from '../model/alert';
import { SIGMA_LEVELS } from '../model/alert';
import { IOC_TYPES } from '../model/enrichment';
import { baseName } from '../windows';
import type {
  AssetContext,
  Criticality,
  HeuristicHit,
  IndicatorContext,
  IocType,
  SeverityAssessment,
} from '../model/enrichment';
import { lookupTechnique } from './attack';
import { defang } from './defang';
import { isExpectedAutostartWriter } from './heuristics';

/**
 * One alert's severity 0–100 with the reasons that made it, in the order they were applied. The incident's severity
 * and priority are judged over its whole chain from these (core/judge, docs/priority.md); this is the strongest
 * alert's part of it.
 *
 * 1. the source's own severity (or the normalizer's default when it gave none); the strongest Sigma rule's level
 *    sets a floor (a rule on an autostart location that fired on installed software writing it is discounted);
 * 2. heuristics move the score toward a ceiling with diminishing returns: each hit closes part of the remaining gap,
 *    so five weak signals do not outweigh one strong vendor verdict, and heuristics alone stop at the top of P2.
 *    Above that ceiling (a vendor or Sigma rule already rated the alert higher) they close part of the gap to 100
 *    instead, so a hit always adds something: evidence that fired is never worth nothing;
 * 3. a threat-intel match adds a fixed amount, once, for the strongest verdict;
 * 4. asset criticality adds or removes a fixed amount; the result is clamped to 0–100.
 *
 * Calibrated on the reference Run-key alert: a vendor-less Sysmon event 13 (base 20) with its five heuristics on a
 * high-criticality host scores 81 (P2 under P1 ≥ 90, P2 ≥ 70, P3 ≥ 40); with any base from 20 to 75 it stays in P2
 * (81–89). A benign event with no heuristics keeps its base: a Sysmon DNS query stays at 20, 35 on a critical asset.
 */
export interface SeveritySettings {
  /** Where heuristics alone can take the score. */
  heuristicCeiling: number;
  /** Summed weight that closes 63% (1 − 1/e) of the gap to the ceiling. */
  heuristicScale: number;
  intel: { malicious: number; suspicious: number };
  criticality: Record<Criticality, number>;
  /**
   * The score a Sigma match lifts the alert to, by the rule's level. A rule is a detection engineer's judgement on
   * behaviour, like a vendor verdict, so it sets a floor rather than adding up: informational rules describe, they
   * do not alarm; a `medium` rule alone reaches the ticket threshold (40), `high` and `critical` reach P2.
   */
  sigma: Record<SigmaLevel, number>;
}

export const DEFAULT_SEVERITY: SeveritySettings = {
  heuristicCeiling: 80,
  heuristicScale: 50,
  intel: { malicious: 25, suspicious: 10 },
  criticality: { critical: 15, high: 10, medium: 0, low: -5 },
  sigma: { informational: 0, low: 30, medium: 50, high: 70, critical: 85 },
};

const MALICIOUS = /^(malicious|malware|bad|block(ed)?|blocklist(ed)?|blacklist(ed)?|phishing|c2|compromised)$/;
const BENIGN = /^(benign|clean|good|allow(ed)?|allowlist(ed)?|whitelist(ed)?|false[ -]?positive|safe|known[ -]?good)$/;

/**
 * How strongly an intel verdict counts. A listed indicator with no verdict, or one we cannot read, counts as
 * suspicious: someone put it on the list for a reason. Benign verdicts count for nothing.
 */
export function verdictLevel(verdict: string | undefined): 'malicious' | 'suspicious' | 'benign' {
  const v = (verdict ?? '').trim().toLowerCase();
  if (MALICIOUS.test(v)) return 'malicious';
  if (BENIGN.test(v)) return 'benign';
  return 'suspicious';
}

function display(ind: IndicatorContext): string {
  const type = IOC_TYPES.find((t): t is IocType => t === ind.type);
  return type === undefined ? ind.value : defang(type, ind.value);
}

const signed = (n: number): string => (n >= 0 ? `+${n}` : `${n}`);

/** The match with the highest level; on a tie the first (the detector sorts strongest first, then by title). */
function strongestDetection(detections: readonly Detection[] | undefined): Detection | undefined {
  let best: Detection | undefined;
  for (const d of detections ?? []) {
    if (best === undefined || SIGMA_LEVELS.indexOf(d.level) > SIGMA_LEVELS.indexOf(best.level)) best = d;
  }
  return best;
}

/** `attack.t1053.005` → `T1053.005`; other tags → undefined. */
const techniqueOfTag = (tag: string): string | undefined =>
  /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag.trim())?.[1]?.toUpperCase();

/**
 * A Sigma match that is installer noise: a rule about an autostart location (every technique it names is a
 * persistence technique) that fired on installed software writing it (Program Files, a stock non-scripting
 * binary, Windows Installer). That is what installers and updaters do, and what the heuristics already decline to
 * flag (`autostart-by-nonsystem-process`); such a rule judges the place, not the actor. A `critical` rule still counts.
 *
 * @example
 * isInstallerNoise(googleUpdateTaskAlert, taskCacheRule) // true: GoogleUpdate.exe writing its own scheduled task
 */
export function isInstallerNoise(alert: Alert, d: Detection): boolean {
  const image = alert.process?.image;
  if (d.level === 'critical' || image === undefined || !isExpectedAutostartWriter(image)) return false;
  const techniques = d.tags.map(techniqueOfTag).filter((t): t is string => t !== undefined);
  return techniques.length > 0 && techniques.every((t) => lookupTechnique(t)?.tactics.includes('persistence') === true);
}

/**
 * The alert's severity and why.
 *
 * @example
 * assessSeverity(alert, hits, { host: 'FIN-WS-034', criticality: 'high' }, []).reasons
 * // ['no vendor severity (default 20)', 'heuristic: Name mimics a Windows component (+20)', …, 'asset criticality high (+10)']
 */
export function assessSeverity(
  alert: Alert,
  heuristics: readonly HeuristicHit[],
  asset: AssetContext | undefined,
  intel: readonly IndicatorContext[],
  settings: SeveritySettings = DEFAULT_SEVERITY,
): SeverityAssessment {
  const reasons: string[] = [];
  const base = Math.max(0, Math.min(100, Math.round(alert.severity.score)));
  reasons.push(
    alert.severity.vendor !== undefined
      ? `vendor severity ${alert.severity.vendor.trim()} (${base})`
      : `no vendor severity (default ${base})`,
  );

  let score = base;
  const counted = (alert.detections ?? []).filter((d) => !isInstallerNoise(alert, d));
  const discounted = (alert.detections ?? []).filter((d) => isInstallerNoise(alert, d));
  const top = strongestDetection(counted);
  if (top === undefined && discounted.length > 0) {
    const d = strongestDetection(discounted)!;
    const who = alert.process?.image === undefined ? 'installed software' : baseName(alert.process.image);
    reasons.push(
      `Sigma rule "${d.title.slice(0, 120)}": level ${d.level}, discounted: ${who} is installed software writing an autostart location, as installers do (+0)`,
    );
  }
  if (top !== undefined) {
    const floor = settings.sigma[top.level];
    const more = counted.length > 1 ? `, ${counted.length} rules matched` : '';
    const by = top.author !== undefined ? ` by ${top.author.slice(0, 80)}` : '';
    const add = Math.max(0, floor - score);
    reasons.push(`Sigma rule "${top.title.slice(0, 120)}"${by}: level ${top.level}${more} (${signed(add)})`);
    score += add;
  }

  // Strongest first, so each reason line shows what that hit added on top of the stronger ones.
  const from = score;
  const ordered = [...heuristics].sort((a, b) => b.weight - a.weight || a.id.localeCompare(b.id));
  const ceiling = from >= settings.heuristicCeiling ? 100 : settings.heuristicCeiling;
  let weight = 0;
  for (const h of ordered) {
    weight += Math.max(0, h.weight);
    const next = from + (ceiling - from) * (1 - Math.exp(-weight / settings.heuristicScale));
    reasons.push(`heuristic: ${h.title} (${signed(Math.round(next) - Math.round(score))})`);
    score = next;
  }

  const levels = intel.map((i) => ({ i, level: verdictLevel(i.verdict) }));
  const strongest = levels.find((x) => x.level === 'malicious') ?? levels.find((x) => x.level === 'suspicious');
  if (strongest !== undefined) {
    const add = strongest.level === 'malicious' ? settings.intel.malicious : settings.intel.suspicious;
    const from = strongest.i.source !== undefined ? ` per ${strongest.i.source}` : '';
    const more = intel.length > 1 ? `, ${intel.length} intel matches` : '';
    reasons.push(`threat intel: ${display(strongest.i)} ${strongest.level}${from}${more} (${signed(add)})`);
    score += add;
  }

  if (asset?.criticality !== undefined) {
    const add = settings.criticality[asset.criticality];
    reasons.push(`asset criticality ${asset.criticality} (${signed(add)})`);
    score += add;
  }

  const rounded = Math.round(score);
  if (rounded > 100) reasons.push(`capped at 100 (was ${rounded})`);
  if (rounded < 0) reasons.push(`raised to 0 (was ${rounded})`);
  return { score: Math.max(0, Math.min(100, rounded)), reasons };
}
