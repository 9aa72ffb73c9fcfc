import { vendorVerdict } from '../judge/signals';
import { behaviourOfTechnique } from '../judge/technique-behaviours';
import type { EnrichedAlert, TechniqueInfo } from '../model/enrichment';
import { baseName, isSystemAncestor } from '../windows';
import type { IncidentFacts } from './facts';
import type { PersistenceFact } from './persistence';
import { tacticWeight, vehicleOfCommand, whatOf, WHAT_BY_EVENT_TYPE } from './techniques';
import { byText, count, oneLine, quote } from './text';

/** Choosing the technique an incident is named after, and the Jira summary line built from it. */

export interface RankedTechnique {
  info: TechniqueInfo;
  alerts: EnrichedAlert[];
  score: number;
}

/** Rank bonus of the technique the judge named for the incident's most severe behaviour: it always leads. */
const HEADLINE_BONUS = 1000;

/**
 * Techniques by significance. The judge's headline (the technique of the most severe behaviour behind the rubric
 * row that set the priority, `priorityBasis.technique`) leads; the others follow by the severity of the strongest
 * alert naming them, plus how telling their tactic is (impact and credential theft over a foothold, a foothold over
 * discovery), plus a point for a sub-technique, which says more than its parent. Ties break on the id.
 */
export function rankTechniques(f: IncidentFacts): RankedTechnique[] {
  const headline = f.incident.priorityBasis?.technique;
  return [...f.techniques.values()]
    .map(({ info, alerts }) => ({
      info,
      alerts,
      score:
        (headline !== undefined && (info.id === headline || info.retiredFrom === headline) ? HEADLINE_BONUS : 0) +
        Math.max(...alerts.map((a) => a.enrichment.severity.score)) +
        tacticWeight(info.tactics) +
        (info.parentId !== undefined ? 1 : 0),
    }))
    .sort((a, b) => b.score - a.score || byText(a.info.id, b.info.id));
}

/** A file name fit for a summary: one line, printable, short. Alert text is data: nothing else of it gets in. */
function safeName(path: string): string | undefined {
  const name = oneLine(baseName(path))
    .replace(/[^\w.\- ()$]/g, '')
    .trim()
    .slice(0, 60);
  return name === '' ? undefined : name;
}

/**
 * The program that did it: of the technique's alerts whose process is not a Windows shell or host, the program with
 * the most (the implant that beacons, not the script that fetched it once), the earliest on a tie.
 */
function actorOf(alerts: readonly EnrichedAlert[]): string | undefined {
  const counts = new Map<string, number>();
  for (const a of alerts) {
    const image = a.process?.image;
    if (image === undefined || isSystemAncestor(image)) continue;
    const name = safeName(image);
    if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [name, n] of counts) if (best === undefined || n > counts.get(best)!) best = name;
  return best;
}

/**
 * What a telemetry event (Sysmon, a Windows event) was about, in a few words, when no technique names it: the
 * process and what started it, the file, the key. Never the event's own title (`Process Create: C:\…`).
 */
function subjectOf(a: EnrichedAlert): string | undefined {
  const image = a.process?.image === undefined ? undefined : safeName(a.process.image);
  const parent = a.process?.parent?.image === undefined ? undefined : safeName(a.process.parent.image);
  if (a.eventType === 'process_create' && image !== undefined) {
    return parent !== undefined ? `${image} started by ${parent}` : image;
  }
  const target = a.target?.image === undefined ? undefined : safeName(a.target.image);
  if (target !== undefined && image !== undefined) return `${image} → ${target}`;
  const file = a.file?.path ?? a.module?.path;
  if (file !== undefined && safeName(file) !== undefined) {
    return image !== undefined ? `${safeName(file)} by ${image}` : safeName(file);
  }
  return image;
}

/** A vendor verdict as the summary says it, replacing the generic `Endpoint Detection`. */
const VERDICT_PHRASES = {
  ransomware: 'Ransomware Detected',
  malware: 'Malware Detected',
  pup: 'Unwanted Software Detected',
} as const;

function commandOf(p: PersistenceFact): string | undefined {
  switch (p.kind) {
    case 'run-key':
      return p.data;
    case 'scheduled-task':
      return p.action;
    case 'service':
      return p.path;
    case 'wmi-subscription':
      return p.destination;
    case 'startup-folder':
      return p.path;
  }
}

/** The vehicle of a technique from the persistence its alerts set up (the first one that names a vehicle). */
function payloadVehicle(f: IncidentFacts, t: RankedTechnique): string | undefined {
  const own = new Set(t.alerts.map((a) => a.alertId));
  const facts = [...f.persistence.filter((p) => own.has(p.alert.alertId)), ...f.persistence];
  for (const p of facts) {
    const v = vehicleOfCommand(commandOf(p));
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The incident's most severe alert: highest score, then earliest. */
function worstAlert(f: IncidentFacts): EnrichedAlert | undefined {
  return [...f.alerts].sort((a, b) => b.enrichment.severity.score - a.enrichment.severity.score)[0];
}

/**
 * `Registry Run Key Persistence via rundll32 DLL`, `Credential Dumping of LSASS memory by Outflank-Dumpert.exe`: the
 * phrase for what happened, without id and host. A persistence phrase names what it will run (the vehicle); any
 * other names the program that did it, so a process-creation summary always says which process.
 */
export function whatHappened(f: IncidentFacts, top: RankedTechnique | undefined): string {
  if (top === undefined) {
    const worst = worstAlert(f);
    const verdict = worst === undefined ? undefined : vendorVerdict(worst);
    if (verdict !== undefined) return VERDICT_PHRASES[verdict];
    return (worst !== undefined ? WHAT_BY_EVENT_TYPE[worst.eventType] : undefined) ?? 'Suspicious Activity';
  }
  // A vendor's malware verdict says more than the generic execution technique its rule is tagged with (Defender's
  // threat detections are tagged T1059): `Malware Detected: Trojan:Win32/Ymacco.AA4E`.
  const worst = worstAlert(f);
  const verdict = worst === undefined ? undefined : vendorVerdict(worst);
  const generic = [undefined, 'execution'].includes(behaviourOfTechnique(top.info.id));
  if (
    worst !== undefined &&
    (verdict === 'malware' || verdict === 'ransomware') &&
    generic &&
    top.alerts.includes(worst)
  ) {
    const name = worst.rule?.name ?? worst.title;
    return name === undefined ? VERDICT_PHRASES[verdict] : `${VERDICT_PHRASES[verdict]}: ${quote(name, 100)}`;
  }
  // A connection is command-and-control when the judge found the channel (its C2 row); otherwise the technique only
  // says which protocol an outbound connection used.
  const channel = behaviourOfTechnique(top.info.id) === 'c2' && f.incident.priorityBasis?.rule !== 'c2';
  const entry = channel ? { what: 'Outbound Connection to a Public Address' } : whatOf(top.info);
  const what = oneLine(entry.what);
  const vehicle = entry.vehicle === 'payload' ? payloadVehicle(f, top) : entry.vehicle;
  const phrase = vehicle !== undefined && !what.includes(vehicle) ? `${what} ${vehicle}` : what;
  if (entry.vehicle === 'payload') return phrase;
  // A document or page that started a shell: the application that opened it and what it started say it all.
  const spawn = top.alerts
    .flatMap((a) => a.enrichment.heuristics)
    .find((h) => h.id === 'office-spawns-shell' || h.id === 'browser-spawns-shell');
  const [app, child] = spawn === undefined ? [] : spawn.evidence.split(' → ').map(safeName);
  if (app !== undefined && child !== undefined) return `${phrase}: ${app} started ${child}`;
  const actor = actorOf(top.alerts);
  const stem = actor?.toLowerCase().replace(/\.exe$/, '');
  return actor !== undefined && stem !== undefined && !phrase.toLowerCase().includes(stem)
    ? `${phrase} by ${actor}`
    : phrase;
}

/** Jira's summary limit. */
export const SUMMARY_MAX = 255;

/** `T1547.001 – Registry Run Key Persistence via rundll32 DLL on FIN-WS-034`, at most 255 characters. */
export function summaryLine(f: IncidentFacts, top: RankedTechnique | undefined): string {
  const others = f.hostCount > 1 ? ` and ${count(f.hostCount - 1, 'other host')}` : '';
  const host = `${f.hostDisplay.slice(0, 64)}${others}`;
  // Without a technique the vendor's detection name is the most specific thing to lead with (`Trojan:Win32/…`). A
  // Sysmon event's title is its event name and its rule name whatever the configuration's author typed, so it says
  // what the event was about instead; a Windows event keeps a threat name (Defender), else says the same.
  const worst = worstAlert(f);
  const named =
    top !== undefined || worst === undefined
      ? undefined
      : worst.source.product === 'sysmon'
        ? (subjectOf(worst) ?? worst.eventName)
        : worst.source.format === 'windows-event'
          ? (worst.rule?.name ?? subjectOf(worst) ?? worst.eventName)
          : (worst.rule?.name ?? worst.title);
  // A rule name or title is the source's words: quoted after the phrase that labels it, defanged, invisible
  // characters shown (see `quote`). What `subjectOf` composes is file names cut to safe characters.
  const own = worst !== undefined && named !== undefined && named !== worst.rule?.name && named !== worst.title;
  const detection =
    named === undefined || oneLine(named) === '' ? '' : `: ${own ? oneLine(named).slice(0, 100) : quote(named, 100)}`;
  const what = `${whatHappened(f, top)}${detection}`;
  const head = top !== undefined ? `${top.info.id} – ` : '';
  const line = `${head}${what} on ${host}`;
  if (line.length <= SUMMARY_MAX) return line;
  const room = SUMMARY_MAX - head.length - ` on ${host}`.length - 1;
  return `${head}${what.slice(0, Math.max(0, room))}… on ${host}`.slice(0, SUMMARY_MAX);
}
