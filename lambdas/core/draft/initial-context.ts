import type { IncidentFacts } from './facts';
import { userContextText } from './facts';
import { detectionSource } from './display';
import type { Priority } from '../model/report';
import { severityWord } from './priority';
import type { RankedTechnique } from './summary-line';
import { displayName } from './techniques';
import { code, clip, count, distinct, oneLine, rich, utc } from './text';
import type { ContextRow, Coverage, Rich } from '../model/report';

/** Initial context: detection sources and rules, severity with its reasons, host, user, first and last seen. */

const IMPORT_HINT = rich(' — import it with ', code('a2t context import'));

function listWithCounts(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => (n > 1 ? `${v} ×${n}` : v)).join('; ');
}

function hostValue(f: IncidentFacts): Rich {
  const a = f.asset;
  const fqdn =
    f.hostFqdn !== undefined && f.hostFqdn.toLowerCase() !== f.hostDisplay.toLowerCase()
      ? rich(' (', code(oneLine(f.hostFqdn)), ')')
      : [];
  const others = f.otherHosts.length > 0 ? rich('; also ', f.otherHosts.slice(0, 10).join(', ')) : [];
  if (a === undefined) return rich(f.hostDisplay, fqdn, ': asset context unknown', IMPORT_HINT, others);
  const bits = [
    a.department !== undefined ? `${oneLine(a.department)} department` : undefined,
    a.criticality !== undefined ? `criticality ${a.criticality}` : undefined,
    a.owner !== undefined ? `owner ${oneLine(a.owner)}` : undefined,
    a.os !== undefined ? oneLine(a.os) : undefined,
  ].filter((x): x is string => x !== undefined);
  return rich(f.hostDisplay, fqdn, bits.length > 0 ? `: ${bits.join(', ')}` : ': no asset details recorded', others);
}

function userValue(f: IncidentFacts): Rich {
  if (f.users.length === 0) return rich('no user recorded in the events');
  const out: Rich = [];
  f.users.slice(0, 10).forEach((u, i) => {
    if (i > 0) out.push({ text: '; ' });
    out.push(...rich(code(u.display)));
    const ctx = userContextText(u);
    if (ctx !== undefined) out.push({ text: ` (${ctx})` });
    else if (u.system) out.push({ text: ' (system account)' });
    else out.push(...rich(' (user context unknown', IMPORT_HINT, ')'));
  });
  if (f.users.length > 10) out.push({ text: ` and ${count(f.users.length - 10, 'more account')}` });
  return out;
}

export function initialContext(
  f: IncidentFacts,
  ranked: RankedTechnique[],
  priority: Priority,
  coverage: Coverage,
): ContextRow[] {
  const sources = listWithCounts(f.alerts.map(detectionSource));
  const rules = distinct(f.alerts.flatMap((a) => (a.rule !== undefined ? [clip(oneLine(a.rule.name), 200)] : [])));
  const reasons = f.incident.severityReasons.map((r) => clip(oneLine(r), 200));
  // Ids and the lead technique's name only: the ATT&CK mapping section has the rest.
  const techniques = ranked.map((t, i) => (i === 0 ? `${t.info.id} ${displayName(t.info)}` : t.info.id));
  const sample =
    coverage.analysed < coverage.total
      ? `; this analysis covers a sample of ${coverage.analysed.toLocaleString('en-US')} of ${count(coverage.total, 'alert')}`
      : '';
  const dupes = coverage.duplicates > 0 ? ` (${count(coverage.duplicates, 'exact duplicate')} not counted again)` : '';
  return [
    { label: 'Detection source', value: rich(sources === '' ? 'no alerts in the analysed sample' : sources) },
    { label: 'Rule', value: rules.length > 0 ? rich(rules.join('; ')) : rich('no rule name in the events') },
    {
      label: 'Techniques',
      value: rich(techniques.length > 0 ? techniques.join(', ') : 'no ATT&CK technique named or recognised'),
    },
    {
      label: 'Severity',
      value: rich(
        `${f.incident.severity}/100 (${severityWord(f.incident.severity)})`,
        reasons.length > 0 ? `: ${reasons.join('; ')}` : '',
      ),
    },
    { label: 'Priority', value: rich(`${priority.level} – ${priority.name} (${priority.reason})`) },
    { label: 'Host', value: hostValue(f) },
    { label: 'User', value: userValue(f) },
    { label: 'First seen (UTC)', value: rich(utc(f.firstSeen)) },
    { label: 'Last seen (UTC)', value: rich(utc(f.lastSeen)) },
    { label: 'Alerts', value: rich(`${count(coverage.total, 'unique alert')}${dupes}${sample}`) },
    {
      label: 'Incident',
      value: rich(
        code(f.incident.incidentId),
        f.incident.ticketKey !== undefined ? rich(', ticket ', code(f.incident.ticketKey)) : '',
      ),
    },
  ];
}
