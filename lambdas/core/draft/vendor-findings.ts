import { defangText } from '../enrich';
import { defangValue } from './display';
import type { IncidentFacts } from './facts';
import { distinct, oneLine } from './text';
import type { VendorFindingLine } from '../model/report';

/**
 * Each EDR product's own finding, as the analyst pivots from it: product, rule, console link and disposition
 * (blocked, benign or only detected), one line per distinct finding, oldest first. A product that repeats one
 * finding (the same rule, disposition and link) gives one line.
 *
 * The rule name and the link are the record's text, which whoever can write an alert controls: both are defanged as
 * every other value of the ticket (`hxxps://falcon[.]crowdstrike[.]com/…`), so a forged record cannot plant a live
 * link to its own host in a trusted ticket. The analyst reads the host, then pastes the link back into shape.
 */
export function vendorFindingLines(f: IncidentFacts): VendorFindingLine[] {
  const lines = (f.vendorFindings ?? []).map((v): VendorFindingLine => ({
    product: oneLine(v.productName),
    ...(v.title !== undefined && v.title.trim() !== '' ? { title: defangText(oneLine(v.title)) } : {}),
    ...(v.consoleLink !== undefined ? { consoleLink: defangValue(v.consoleLink, f.iocs) } : {}),
    disposition: v.disposition,
  }));
  return distinct(lines, (v) => `${v.product}|${v.title ?? ''}|${v.disposition}|${v.consoleLink ?? ''}`);
}
