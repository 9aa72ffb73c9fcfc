import type { LookAlike } from '../enrich/look-alike';
import { lookAlikeDomain, lookAlikeFile, lookAlikeTask } from '../enrich/look-alike';
import type { IncidentFacts } from './facts';
import { distinct } from './text';

/**
 * The look-alike names of an incident: files and processes named like stock Windows binaries, tasks, services and
 * Run values named like Microsoft's own that run something else, and domains dressed up as well-known ones. The
 * judging is `enrich/look-alike`; this only gathers the names the incident holds.
 */

/** Most look-alikes in a ticket. */
export const MAX_LOOK_ALIKES = 5;

/**
 * Every look-alike name in the incident, once each, files first, then persistence names, then domains.
 *
 * @example
 * lookAlikeNames(facts)[0] // { value: 'WindowsSecurityUpdate', resembles: 'a Windows component', reason: '…' }
 */
export function lookAlikeNames(f: IncidentFacts): LookAlike[] {
  const out: (LookAlike | undefined)[] = [];
  const paths = [
    ...f.files.filter((x) => x.action !== 'loaded').map((x) => x.path),
    ...[...f.graph.procs.values()].flatMap((p) => (p.image !== undefined ? [p.image] : [])),
    ...f.persistence.flatMap((p) => (p.payload !== undefined ? [p.payload] : [])),
  ];
  for (const path of distinct(paths, (p) => p.toLowerCase())) out.push(lookAlikeFile(path));
  for (const p of f.persistence) {
    if (p.kind === 'run-key') out.push(lookAlikeTask(p.valueName, p.data));
    else if (p.kind === 'scheduled-task') out.push(lookAlikeTask(p.name, p.action));
    else if (p.kind === 'service') out.push(lookAlikeTask(p.name, p.path));
  }
  const domains = [
    ...f.dns.map((d) => d.query),
    ...f.connections.flatMap((c) => (c.hostname !== undefined ? [c.hostname] : [])),
    ...f.iocs.filter((i) => i.type === 'domain').map((i) => i.value),
  ];
  for (const d of distinct(domains, (x) => x.toLowerCase())) out.push(lookAlikeDomain(d));
  return distinct(
    out.filter((x): x is LookAlike => x !== undefined),
    (x) => x.value.toLowerCase(),
  ).slice(0, MAX_LOOK_ALIKES);
}
