import type { Alert } from '../model/alert';
import type {
  ContextSnapshot,
  EnrichedAlert,
  HeuristicHit,
  IndicatorContext,
  Ioc,
  TechniqueInfo,
} from '../model/enrichment';
import { hostKey, userKey } from '../model/host';
import { lookupTechnique } from './attack';
import { evaluateHeuristics } from './heuristics';
import { extractIocs } from './iocs';
import { assessSeverity } from './severity';

/**
 * The enrich stage: ATT&CK, IOCs, context, heuristics and severity for one alert. Pure over the alert and a context
 * snapshot the caller loaded; deterministic, so a retried batch produces the same enrichment.
 */

export {
  TECHNIQUE_LABEL_ALIASES,
  kebab,
  lookupTechnique,
  tacticId,
  tacticName,
  tacticSlug,
  techniqueAlias,
  techniqueIdByName,
  techniqueSlug,
} from './attack';
export { buildSnapshot, indicatorKey, normalizeIndicator, parseContextFile } from './context';
export type { ParsedContext } from './context';
export { defang, defangText, quoteSource, refang } from './defang';
export { HEURISTICS, evaluateHeuristics } from './heuristics';
export type { HeuristicRule } from './heuristics';
export { extractIocs, isMicrosoftModule } from './iocs';
export { ipVersion, isPrivateIp, isPublicDomain } from './network';
export { isPopularAddress, isPopularDomain, isPopularService } from './popular-services';
export { assessSeverity, verdictLevel } from './severity';

/**
 * Known techniques, once each: the source's own (vendor, Sigma tags) first, in its order, then what the heuristics
 * saw. A heuristic's parent technique gives way to a sub-technique of it already listed. Ids ATT&CK does not know
 * stay only on the alert itself.
 */
function techniquesOf(alert: Alert, heuristics: readonly HeuristicHit[]): TechniqueInfo[] {
  const fromHeuristics = heuristics.flatMap((h) => h.techniques ?? []);
  const listed = [...alert.techniques, ...fromHeuristics];
  const subParents = new Set(listed.filter((id) => id.includes('.')).map((id) => id.slice(0, 5)));
  const ids = [...alert.techniques, ...fromHeuristics.filter((id) => id.includes('.') || !subParents.has(id))];
  const out: TechniqueInfo[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    const info = lookupTechnique(id);
    if (info === undefined || seen.has(info.id)) continue;
    seen.add(info.id);
    out.push(info);
  }
  return out;
}

/** Threat-intel entries matching an IOC (same type, same value ignoring case), once each, in IOC order. */
function intelFor(iocs: readonly Ioc[], ctx: ContextSnapshot): IndicatorContext[] {
  const out: IndicatorContext[] = [];
  const seen = new Set<string>();
  for (const ioc of iocs) {
    const key = `${ioc.type}#${ioc.value.toLowerCase()}`;
    const hit = ctx.indicators.get(key);
    if (hit === undefined || seen.has(key)) continue;
    seen.add(key);
    out.push(hit);
  }
  return out;
}

/**
 * The alert with its enrichment. Never throws for a valid Alert: every lookup that finds nothing is simply absent.
 *
 * @example
 * const enriched = enrichAlert(alert, buildSnapshot(assets, users, indicators));
 * enriched.enrichment.severity // { score: 81, reasons: ['no vendor severity (default 20)', …] }
 */
export function enrichAlert(alert: Alert, ctx: ContextSnapshot): EnrichedAlert {
  const key = hostKey(alert.host.name);
  const iocs = extractIocs(alert);
  const heuristics = evaluateHeuristics(alert);
  const intel = intelFor(iocs, ctx);
  const asset = ctx.assets.get(key);
  const userContext = alert.user !== undefined ? ctx.users.get(userKey(alert.user.name)) : undefined;
  return {
    ...alert,
    enrichment: {
      hostKey: key,
      techniques: techniquesOf(alert, heuristics),
      iocs,
      heuristics,
      intel,
      severity: assessSeverity(alert, heuristics, asset, intel),
      ...(asset !== undefined ? { asset } : {}),
      ...(userContext !== undefined ? { userContext } : {}),
    },
  };
}
