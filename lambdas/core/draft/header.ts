import type { IncidentFacts } from './facts';
import { blockableDestinations, humanUsers, userContextText } from './facts';
import { playbookCase } from './playbook';
import { actor, PRODUCT_NAMES } from './display';
import type { PersistenceFact } from './persistence';
import { severityWord } from './priority';
import type { RankedTechnique } from './summary-line';
import { whatHappened } from './summary-line';
import { baseName } from '../windows';
import { code, codeList, count, distinct, joinAnd, oneLine, rich, utc } from './text';
import type { Coverage, HeaderLine, Priority, Rich } from '../model/report';

/**
 * The five lines at the top of the ticket, the ones an analyst triages from: what happened, where and when, who,
 * how bad and why, and what to do now. Each fact is said here once; the sections below give the evidence.
 */

/** Reasons shown after the priority's own: the strongest one, a phrase (the score's full reasons stay on the incident). */
const MAX_REASONS = 1;
/** Longest reason the how-bad line shows. */
const MAX_REASON_CHARS = 70;

/** The mechanism in a few words: `Run value WindowsSecurityUpdate → security.dll`. */
function mechanism(p: PersistenceFact): Rich {
  const target = p.payload !== undefined ? rich(' → ', code(baseName(p.payload))) : [];
  switch (p.kind) {
    case 'run-key':
      return rich('Run value ', code(p.valueName), target);
    case 'startup-folder':
      return rich('Startup-folder file ', code(baseName(p.path)));
    case 'scheduled-task':
      return rich('scheduled task ', code(p.name), target);
    case 'service':
      return rich('service ', code(p.name), target);
    case 'wmi-subscription':
      return rich('WMI subscription', p.consumer !== undefined ? rich(' ', code(p.consumer)) : '');
  }
}

/** What the incident did, in one line: the phrase of the summary and the one fact that makes it. */
function what(f: IncidentFacts, top: RankedTechnique | undefined): Rich {
  const phrase = rich(whatHappened(f, top), top !== undefined ? ` (${top.info.id})` : '');
  const p = f.persistence[0];
  if (p !== undefined) {
    const more = f.persistence.length > 1 ? ` and ${count(f.persistence.length - 1, 'more mechanism')}` : '';
    return rich(phrase, ': ', actor(p.alert.process), ' set up the ', mechanism(p), more);
  }
  const l = f.lsass[0];
  if (l !== undefined) return rich(phrase, ': ', actor(l.proc ?? l.alert.process), ' read the memory of lsass.exe');
  return phrase;
}

/** Host, period and sources: `FIN-WS-034 (Finance, criticality high) · 2024-02-15 21:16:05Z–21:25:03Z · 4 alerts`. */
function where(f: IncidentFacts, coverage: Coverage): Rich {
  const a = f.asset;
  const bits = [
    a?.department !== undefined ? oneLine(a.department) : undefined,
    f.criticality !== undefined ? `criticality ${f.criticality}` : undefined,
    a?.os !== undefined ? oneLine(a.os) : undefined,
  ].filter((x): x is string => x !== undefined);
  const others = f.hostCount > 1 ? ` and ${count(f.hostCount - 1, 'other host')}` : '';
  // One message named them all at once: a fleet-wide event, or an intruder inventing hosts to flood the queue.
  const outbreak = f.incident.outbreak === true ? ` (outbreak: all ${f.hostCount} named in one message)` : '';
  const first = utc(f.firstSeen);
  const last = utc(f.lastSeen);
  const period =
    first === last ? first : `${first}–${last.slice(0, 10) === first.slice(0, 10) ? last.slice(11) : last}`;
  const sources = joinAnd(distinct(f.alerts.map((x) => PRODUCT_NAMES[x.source.product] ?? x.source.product)));
  return rich(
    f.hostDisplay,
    bits.length > 0 ? ` (${bits.join(', ')})` : ' (asset context not imported)',
    others,
    outbreak,
    ` · ${period} UTC · ${count(coverage.total, 'alert')}`,
    // A sampled incident says so in the executive summary, once.
    sources !== '' ? ` from ${sources}` : '',
  );
}

/** Accounts with their context; elevation when a process of theirs ran with High integrity. */
function who(f: IncidentFacts): Rich {
  if (f.users.length === 0) return rich('no user recorded in the events');
  const users = [...humanUsers(f), ...f.users.filter((u) => u.system)].slice(0, 3);
  const out: Rich = [];
  users.forEach((u, i) => {
    const ctx = userContextText(u);
    out.push(
      ...rich(
        i > 0 ? '; ' : '',
        code(u.display),
        ctx !== undefined ? ` (${ctx})` : u.system ? ' (system account)' : ' (user context not imported)',
      ),
    );
  });
  if (f.users.length > users.length) out.push({ text: ` and ${count(f.users.length - users.length, 'more account')}` });
  const levels = new Set([...f.graph.procs.values()].map((p) => p.integrity?.trim().toLowerCase() ?? ''));
  if (levels.has('system')) out.push({ text: ' · ran elevated (System integrity)' });
  else if (levels.has('high')) out.push({ text: ' · ran elevated (High integrity)' });
  return out;
}

/** `heuristic: Autostart entry written by a non-system process (+13)` → the phrase and its weight. */
function reason(r: string): { text: string; weight: number } {
  const m = /\(([+-]\d+)[^)]*\)\s*$/.exec(r);
  const text = oneLine(r.replace(/\s*\([+-]\d+[^)]*\)\s*$/, '').replace(/^heuristic:\s*/i, ''));
  return { text, weight: m !== null ? Number(m[1]) : 0 };
}

/** Priority, severity, the rubric's reason and the strongest contributions to the score. */
function howBad(f: IncidentFacts, priority: Priority): Rich {
  // Said once: the asset's criticality is on the where line, elevation on the who line, the heuristics in the attack
  // chain.
  const reasons = f.incident.severityReasons
    .filter((r) => !/^heuristic:/i.test(r.trim()))
    .map(reason)
    // A phrase, not a record: a reason too long to read at a glance stays on the incident, uncut.
    .filter(
      (x) =>
        x.weight > 0 && x.text.length <= MAX_REASON_CHARS && !/^(asset criticality|account privilege)/i.test(x.text),
    )
    .sort((a, b) => b.weight - a.weight)
    .slice(0, MAX_REASONS)
    .map((x) => x.text);
  return rich(
    `${priority.level} – ${priority.name}, severity ${f.incident.severity}/100 (${severityWord(f.incident.severity)}): `,
    // The severity is said just before: the rubric's words stay, its arithmetic goes.
    oneLine(priority.reason).replace(/ \(rubric; severity \d+ [≥<] \d+\)/, ''),
    reasons.length > 0 ? `; ${reasons.join('; ')}` : '',
  );
}

/** The other mechanisms by name: `the scheduled task Updater`, not "1 other persistence mechanism". */
function otherMechanisms(ps: PersistenceFact[]): Rich[] {
  return ps.map((p) => {
    switch (p.kind) {
      case 'startup-folder':
        return rich('remove ', code(baseName(p.path)), ' from the Startup folder');
      case 'scheduled-task':
        return rich('delete the scheduled task ', code(p.name));
      case 'service':
        return rich('delete the service ', code(p.name));
      case 'wmi-subscription':
        return rich('remove the WMI subscription', p.consumer !== undefined ? rich(' ', code(p.consumer)) : '');
      case 'run-key':
        return rich('delete the Run value ', code(p.valueName));
    }
  });
}

/** What to do now, from the same facts the remediation section details: containment first. */
export function doNow(f: IncidentFacts, isolate: boolean): Rich {
  const parts: Rich[] = [];
  if (isolate) parts.push(rich('isolate ', f.hostDisplay));
  const ext = blockableDestinations(f);
  if (ext.length === 1) parts.push(rich('block ', code(ext[0].display)));
  else if (ext.length > 1) parts.push(rich(`block ${ext.length} external destinations`));
  const runValues = distinct(f.persistence.flatMap((p) => (p.kind === 'run-key' ? [p.valueName] : [])));
  if (runValues.length > 0)
    parts.push(
      rich(
        runValues.length === 1 ? 'delete the Run value ' : 'delete the Run values ',
        codeList(runValues.slice(0, 3)),
      ),
    );
  const others = f.persistence.filter((p) => p.kind !== 'run-key');
  if (others.length > 0 && others.length <= 2) parts.push(...otherMechanisms(others));
  else if (others.length > 2) parts.push(rich(`remove the ${others.length} other persistence mechanisms`));
  // The playbook's files: credential material is secured and destroyed, never just deleted (or kept for analysis).
  const c = playbookCase(f);
  const dumps = c.credentials.map((x) => baseName(x.path));
  if (dumps.length > 0) parts.push(rich('secure and then destroy ', codeList(dumps.slice(0, 3))));
  const files = c.files.map(baseName);
  if (files.length > 0 && files.length <= 3) parts.push(rich('delete ', codeList(files)));
  else if (files.length > 3) parts.push(rich(`delete ${files.length} files`));
  if (f.lsass.length > 0) parts.push(rich('reset the credentials of the accounts logged on to ', f.hostDisplay));
  const users = humanUsers(f);
  if (users.length > 0 && (isolate || f.persistence.length > 0) && f.lsass.length === 0)
    parts.push(rich('reset the password of ', codeList(users.slice(0, 3).map((u) => u.key))));
  if (parts.length === 0)
    parts.push(rich('confirm with the user and the owner of ', f.hostDisplay, ' whether this activity was expected'));
  const out: Rich = [];
  parts.forEach((p, i) => out.push(...rich(i === 0 ? '' : i === parts.length - 1 ? ' and ' : ', ', p)));
  out.push({ text: '.' });
  const first = out[0];
  if (first !== undefined && first.code !== true)
    out[0] = { ...first, text: first.text[0].toUpperCase() + first.text.slice(1) };
  return out;
}

/** The five header lines, in the order the ticket shows them. */
export function headerLines(
  f: IncidentFacts,
  top: RankedTechnique | undefined,
  priority: Priority,
  coverage: Coverage,
  isolate: boolean,
): HeaderLine[] {
  return [
    { field: 'what', value: what(f, top) },
    { field: 'where', value: where(f, coverage) },
    { field: 'who', value: who(f) },
    { field: 'howBad', value: howBad(f, priority) },
    { field: 'doNow', value: doNow(f, isolate) },
  ];
}
