import type { IncidentFacts } from './facts';
import { userContextText } from './facts';
import { detectionSource } from './display';
import type { Priority } from '../model/report';
import { severityWord } from './priority';
import type { RankedTechnique } from './summary-line';
import { displayName } from './techniques';
import { code, clip, count, distinct, hostName, oneLine, rich, utc } from './text';
import type { ContextRow, Coverage, Rich } from '../model/report';

/** Initial context: detection sources and rules, severity with its reasons, host, user, first and last seen. */

/** Said where a context table had nothing for the host or user: what is missing, never how to fix it (no tool talk in tickets). */
const NOT_IMPORTED = ' (not imported)';

/** Distinct rich values with how often each occurs: `a ×2; b`. */
function listWithCounts(values: Rich[]): Rich {
  const counts = new Map<string, { value: Rich; n: number }>();
  for (const v of values) {
    const k = JSON.stringify(v);
    const cur = counts.get(k);
    if (cur === undefined) counts.set(k, { value: v, n: 1 });
    else cur.n += 1;
  }
  return [...counts.values()].flatMap(({ value, n }, i) => rich(i > 0 ? '; ' : '', value, n > 1 ? ` ×${n}` : ''));
}

/** Rich values joined by `; `. */
function joined(values: Rich[]): Rich {
  return values.flatMap((v, i) => rich(i > 0 ? '; ' : '', v));
}

function hostValue(f: IncidentFacts): Rich {
  const a = f.asset;
  const fqdn =
    f.hostFqdn !== undefined && f.hostFqdn.toLowerCase() !== f.hostDisplay.toLowerCase()
      ? rich(' (', hostName(f.hostFqdn), ')')
      : [];
  const shown = f.otherHosts.slice(0, 10);
  const more = f.hostCount - 1 - shown.length;
  const others =
    shown.length > 0 ? rich('; also ', shown.join(', '), more > 0 ? ` and ${count(more, 'more host')}` : '') : [];
  // One message named them all at once: a fleet-wide event, or an intruder inventing hosts to flood the queue.
  const outbreak =
    f.incident.outbreak === true ? rich(`outbreak on ${count(f.hostCount, 'host')}, all named in one message: `) : [];
  if (a === undefined) return rich(outbreak, f.hostDisplay, fqdn, ': asset context unknown', NOT_IMPORTED, others);
  const bits = [
    a.department !== undefined ? `${oneLine(a.department)} department` : undefined,
    a.criticality !== undefined ? `criticality ${a.criticality}` : undefined,
    a.owner !== undefined ? `owner ${oneLine(a.owner)}` : undefined,
    a.os !== undefined ? oneLine(a.os) : undefined,
  ].filter((x): x is string => x !== undefined);
  return rich(
    outbreak,
    f.hostDisplay,
    fqdn,
    bits.length > 0 ? `: ${bits.join(', ')}` : ': no asset details recorded',
    others,
  );
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
    else out.push({ text: ' (user context unknown)' });
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
  // Rule names are the source's text (a Sysmon configuration's, an EDR's, a forged alert's): literal values.
  const rules = distinct(f.alerts.flatMap((a) => (a.rule !== undefined ? [clip(oneLine(a.rule.name), 200)] : [])));
  const reasons = f.incident.severityReasons.map((r) => clip(oneLine(r), 200));
  // Ids and the lead technique's name only: the ATT&CK mapping section has the rest.
  const techniques = ranked.map((t, i) => (i === 0 ? `${t.info.id} ${displayName(t.info)}` : t.info.id));
  const sample =
    coverage.analysed < coverage.total
      ? `; this analysis covers a sample of ${coverage.analysed.toLocaleString('en-US')} of ${count(coverage.total, 'alert')}`
      : '';
  const dupes = coverage.duplicates > 0 ? ` (${count(coverage.duplicates, 'exact duplicate')} not counted again)` : '';
  const conflicts = f.incident.conflicts ?? 0;
  // Same id, different content: an update from the source, or a forged event meant to pass the real one off as a
  // duplicate. Either way both are kept and analysed; the analyst should know.
  const conflictNote =
    conflicts > 0
      ? `; ${count(conflicts, 'alert')} reused the record id of a different earlier event (a source update, or a forged event meant to hide the original as a duplicate): both are kept and analysed`
      : '';
  return [
    { label: 'Detection source', value: sources.length === 0 ? rich('no alerts in the analysed sample') : sources },
    {
      label: 'Rule',
      value: rules.length > 0 ? joined(rules.map((x) => [code(x)])) : rich('no rule name in the events'),
    },
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
    { label: 'Alerts', value: rich(`${count(coverage.total, 'unique alert')}${dupes}${sample}${conflictNote}`) },
    ...(f.incident.breakthrough !== undefined
      ? [
          {
            label: 'Verdict',
            value: rich(
              `new alerts broke through an earlier false-positive verdict (${f.incident.breakthrough}): review again`,
            ),
          },
        ]
      : []),
    {
      label: 'Incident',
      value: rich(
        code(f.incident.incidentId),
        f.incident.ticketKey !== undefined ? rich(', ticket ', code(f.incident.ticketKey)) : '',
      ),
    },
  ];
}
