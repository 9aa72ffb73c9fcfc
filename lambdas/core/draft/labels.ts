import { kebab, TECHNIQUE_LABEL_ALIASES } from '../enrich';
import type { TechniqueInfo } from '../model/enrichment';
import type { IncidentView } from '../model/incident';
import { isSourceProduct, PRODUCTS } from '../model/products';
import { byText } from './text';

/**
 * Jira labels: the most specific technique ids, the primary tactic, source products, and the incident label that
 * ticket-sync searches by. Jira labels may not contain spaces and are at
 * most 255 characters; ours are restricted further to `[A-Za-z0-9._-]` so no label can carry markup or JQL.
 */

// The incident label lives with the incident id it encodes (model/labels.ts): ticket-sync searches by it.
export { incidentLabel } from '../model/labels';
import { incidentLabel } from '../model/labels';

/**
 * Slugs for one technique and its parent: the ATT&CK names from its TechniqueInfo slugged, plus the analysts'
 * curated aliases (`registry-run-keys`, `autostart-execution`) from the enrich stage's table.
 */
export function techniqueSlugs(info: TechniqueInfo): string[] {
  const out = [kebab(info.name)];
  const alias = TECHNIQUE_LABEL_ALIASES[info.id];
  if (alias !== undefined) out.push(alias);
  if (info.parentId !== undefined) {
    if (info.parentName !== undefined) out.push(kebab(info.parentName));
    const parentAlias = TECHNIQUE_LABEL_ALIASES[info.parentId];
    if (parentAlias !== undefined) out.push(parentAlias);
  }
  return out;
}

/** A label as Jira accepts it: no spaces, safe characters, ≤ 255. Empty when nothing is left. */
export function safeLabel(label: string): string {
  return label
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 255);
}

const TECHNIQUE_ID_RE = /^T\d{4}(\.\d{3})?$/;

/** Jira labels per ticket: enough for JQL pivots, few enough that each one means something. */
export const MAX_LABELS = 8;

/** Tactics that need network activity in the evidence: a T1105 tag on a local file write is not C2. */
const NETWORK_TACTICS: ReadonlySet<string> = new Set(['command-and-control', 'exfiltration']);

/** A connection, a DNS query, or a URL a command was given (`certutil -urlcache -f http://…` downloads). */
function hasNetworkActivity(incident: IncidentView): boolean {
  return incident.alerts.some(
    (a) => a.network !== undefined || a.dns !== undefined || a.enrichment.iocs.some((i) => i.type === 'url'),
  );
}

/**
 * At most {@link MAX_LABELS} labels for an incident, sorted by code unit order so the same incident gives the same
 * list: the incident label (always: ticket-sync finds the ticket by it), the primary tactic, the most specific
 * technique ids (a parent is dropped when one of its sub-techniques is there), and the source products. When they
 * do not all fit, the incident label, the tactic, the top technique and the sources come first, then techniques in
 * rank order. Nothing the evidence does not support: without network activity, no network tactic, and no technique
 * whose only tactics are network ones.
 *
 * @param techniques The incident's techniques, most important first.
 */
export function labelsFor(incident: IncidentView, techniques: TechniqueInfo[]): string[] {
  const network = hasNetworkActivity(incident);
  const supported = (tactic: string): boolean => network || !NETWORK_TACTICS.has(tactic);
  const kept = techniques.filter((t) => t.tactics.length === 0 || t.tactics.some(supported));
  const dropped = new Set(techniques.filter((t) => !kept.includes(t)).map((t) => t.id));

  const ranked: string[] = [];
  for (const info of kept) ranked.push(info.id);
  for (const id of incident.techniques) if (TECHNIQUE_ID_RE.test(id) && !dropped.has(id)) ranked.push(id);
  const ids = [...new Set(ranked)];
  const specific = ids.filter((id) => id.includes('.') || !ids.some((o) => o.startsWith(`${id}.`)));

  const tactic = kept.flatMap((t) => t.tactics).find(supported);
  // Product labels from the product table; META's sources are plain strings, so an unknown one is kept as written.
  const sources = [
    ...incident.alerts.map((a) => PRODUCTS[a.source.product].label),
    ...incident.sources.map((s) => (isSourceProduct(s) ? PRODUCTS[s].label : s)),
  ];
  const byPriority = [
    incidentLabel(incident.incidentId),
    ...(tactic !== undefined ? [tactic] : []),
    ...specific.slice(0, 1),
    ...sources,
    ...specific.slice(1),
  ];
  const out = new Set<string>();
  for (const l of byPriority) {
    const s = safeLabel(l);
    if (s !== '' && out.size < MAX_LABELS) out.add(s);
  }
  return [...out].sort(byText);
}
