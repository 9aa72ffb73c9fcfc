import { kebab, TECHNIQUE_LABEL_ALIASES } from '../enrich';
import type { TechniqueInfo } from '../model/enrichment';
import type { IncidentView } from '../model/incident';
import { isSourceProduct, PRODUCTS } from '../model/products';
import { byText } from './text';

/**
 * Jira labels: technique ids (with their parents), tactic slugs, technique slugs and curated aliases, source
 * products, and the incident label that ticket-sync searches by. Jira labels may not contain spaces and are at
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

/** All labels for an incident: deduplicated, sorted by code unit order so the same incident gives the same list. */
export function labelsFor(incident: IncidentView, techniques: TechniqueInfo[]): string[] {
  const raw: string[] = [incidentLabel(incident.incidentId)];
  const ids = new Set<string>();
  for (const id of incident.techniques) if (TECHNIQUE_ID_RE.test(id)) ids.add(id);
  for (const info of techniques) {
    ids.add(info.id);
    if (info.parentId !== undefined) ids.add(info.parentId);
    raw.push(...info.tactics, ...techniqueSlugs(info));
  }
  for (const id of ids) {
    raw.push(id);
    if (id.includes('.')) raw.push(id.split('.')[0]);
  }
  // Product labels from the product table; META's sources are plain strings, so an unknown one is kept as written.
  for (const a of incident.alerts) raw.push(PRODUCTS[a.source.product].label);
  for (const s of incident.sources) raw.push(isSourceProduct(s) ? PRODUCTS[s].label : s);
  const out = new Set<string>();
  for (const l of raw) {
    const s = safeLabel(l);
    if (s !== '') out.add(s);
  }
  return [...out].sort(byText);
}
