import type { IncidentFacts } from './facts';
import { distinct, oneLine } from './text';
import type { VendorFindingLine } from '../model/report';

/**
 * Each EDR product's own finding, as the analyst pivots from it: product, rule, console link and disposition
 * (blocked, benign or only detected), one line per distinct finding, oldest first. A product that repeats one
 * finding (the same rule, disposition and link) gives one line.
 */
export function vendorFindingLines(f: IncidentFacts): VendorFindingLine[] {
  const lines = (f.vendorFindings ?? []).map(
    (v): VendorFindingLine => ({
      product: oneLine(v.productName),
      ...(v.title !== undefined && v.title.trim() !== '' ? { title: oneLine(v.title) } : {}),
      ...(v.consoleLink !== undefined ? { consoleLink: oneLine(v.consoleLink) } : {}),
      disposition: v.disposition,
    }),
  );
  return distinct(lines, (v) => `${v.product}|${v.title ?? ''}|${v.disposition}|${v.consoleLink ?? ''}`);
}
