import type { IncidentFacts } from './facts';
import { describeAction } from './describe';
import { actorLabel, actorText, defangValue, eventRef } from './display';
import type { DraftLimits } from './limits';
import { networkStatement } from './network-statement';
import type { PersistenceFact } from './persistence';
import { isSystemImage, walkTree } from './process-graph';
import { defangText } from '../enrich/defang';
import type { EnrichedAlert } from '../model/enrichment';
import { baseName, displayPath, isInstalledBinary, samePath } from '../windows';
import { byText, clip, code, distinct, oneLine, plain, quoted, rich, utc } from './text';
import type {
  Rich,
  Field,
  FileEvent,
  HeuristicFinding,
  NetworkEvent,
  PersistenceFinding,
  ProcessNode,
  TechnicalAnalysis,
} from '../model/report';

/** Technical analysis: the process tree, persistence, file and network activity, and the heuristics that fired. */

/** Per process, at most this many distinct actions; the timeline has them all. */
const MAX_ACTIONS = 20;

/** A process's actions, identical ones folded (`×120, last …`), capped. */
function processActions(acts: EnrichedAlert[]): Rich[] {
  const folded = new Map<string, { first: string; last: string; count: number; action: Rich }>();
  for (const a of acts) {
    const action = describeAction(a).action;
    const key = plain(action);
    const cur = folded.get(key);
    if (cur === undefined) folded.set(key, { first: a.eventTime, last: a.eventTime, count: 1, action });
    else {
      cur.count += 1;
      cur.last = a.eventTime;
    }
  }
  const all = [...folded.values()].map((x) =>
    rich(`${utc(x.first)} `, x.action, x.count > 1 ? ` (×${x.count}, last ${utc(x.last)})` : ''),
  );
  if (all.length <= MAX_ACTIONS) return all;
  return [...all.slice(0, MAX_ACTIONS), rich(`${all.length - MAX_ACTIONS} more actions, listed in the timeline`)];
}

function processTree(f: IncidentFacts, limits: DraftLimits): { nodes: ProcessNode[]; omitted: number } {
  const walked = walkTree(f.graph);
  const nodes = walked.slice(0, limits.processes).map(({ proc: p, depth }): ProcessNode => {
    const node: ProcessNode = {
      depth,
      image: p.image !== undefined ? clip(oneLine(p.image), limits.valueChars) : 'an unnamed process',
      named: p.image !== undefined,
      observedStart: p.created !== undefined,
      system: isSystemImage(p.image),
      actions: processActions(p.acts),
    };
    if (p.pid !== undefined) node.pid = p.pid;
    if (p.commandLine !== undefined) node.commandLine = clip(p.commandLine, limits.commandLineChars);
    if (p.user !== undefined) node.user = defangText(oneLine(p.user));
    // Windows' own levels are words of the report; anything else is the source's text, quoted.
    if (p.integrity !== undefined)
      node.integrity = INTEGRITY_LEVELS.test(p.integrity.trim())
        ? oneLine(p.integrity)
        : quoted('source value', p.integrity, 24);
    // A stock Windows binary's hash is on every machine: no pivot, and a hunt for it finds the whole fleet.
    if (p.hashes?.sha256 !== undefined && (p.image === undefined || !isInstalledBinary(p.image)))
      node.sha256 = oneLine(p.hashes.sha256);
    if (p.created !== undefined) node.started = utc(p.created.eventTime);
    return node;
  });
  return { nodes, omitted: Math.max(0, walked.length - nodes.length) };
}

function persistenceFinding(f: IncidentFacts, p: PersistenceFact, limits: DraftLimits): PersistenceFinding {
  // A one-line field is shown inline like any code span, so defanged like one; a block (value data, task action)
  // is the command as written, like a command line.
  const shortValue = (s: string): string => clip(defangText(oneLine(s)), limits.valueChars);
  const block = (s: string): string => clip(s, limits.valueChars);
  const writer: Field = { label: 'Set by', value: actorLabel(p.alert.process) };
  const common = { time: utc(p.alert.eventTime), ref: eventRef(p.alert) };
  const payloadOrigin = (): Field[] => {
    if (p.payload === undefined) return [];
    const file = f.files.find((x) => samePath(x.path, p.payload ?? '') && x.action !== 'loaded');
    return [
      {
        label: 'Payload file',
        value:
          file !== undefined
            ? `written by ${actorLabel(file.proc ?? file.alert.process)} at ${utc(file.alert.eventTime)} (${eventRef(file.alert)})`
            : 'its creation is not in the collected events',
      },
    ];
  };
  switch (p.kind) {
    case 'run-key': {
      const fields: Field[] = [
        { label: 'Key', value: shortValue(p.key) },
        { label: 'Value name', value: shortValue(p.valueName) },
      ];
      if (p.data !== undefined) fields.push({ label: 'Value data', value: block(p.data), block: true });
      if (p.program !== undefined) fields.push({ label: 'Launcher', value: shortValue(p.program) });
      if (p.dll !== undefined) fields.push({ label: 'DLL', value: shortValue(p.dll) });
      if (p.entry !== undefined) fields.push({ label: 'Export', value: shortValue(p.entry) });
      if (p.dll === undefined && p.payload !== undefined && p.payload !== p.program)
        fields.push({ label: 'Payload', value: shortValue(p.payload) });
      // A payload written with `..` or an NT prefix: say where it really is, next to how it was written.
      const resolved = p.payload !== undefined ? displayPath(p.payload) : undefined;
      if (resolved !== undefined && p.payload !== undefined && resolved !== p.payload.trim())
        fields.push({ label: 'Resolves to', value: shortValue(resolved) });
      fields.push(writer, ...payloadOrigin());
      const who =
        p.scope === 'machine' ? 'any user' : p.scope === 'user' ? 'the user whose hive holds the key' : 'the user';
      // The program, DLL and export are the value data's text: literal values, never words of the sentence.
      const does: Rich =
        p.dll !== undefined
          ? rich(
              'Windows starts ',
              code(baseName(p.program ?? 'rundll32.exe')),
              ', which loads ',
              code(baseName(p.dll)),
              p.entry !== undefined ? rich(' and calls its export ', code(p.entry)) : '',
            )
          : p.payload !== undefined
            ? rich('Windows starts ', code(baseName(p.payload)))
            : rich('Windows runs the value data');
      return {
        kind: p.kind,
        title: 'Registry Run key',
        ...common,
        fields,
        effect: { basis: 'inferred', text: rich(`At the next logon of ${who}, `, does, '.') },
      };
    }
    case 'startup-folder':
      return {
        kind: p.kind,
        title: 'Startup folder',
        ...common,
        fields: [{ label: 'File', value: shortValue(p.path) }, writer],
        effect: { basis: 'inferred', text: rich(`Windows opens ${baseName(p.path)} when the user logs on.`) },
      };
    case 'scheduled-task': {
      const fields: Field[] = [{ label: 'Task name', value: shortValue(p.name) }];
      if (p.action !== undefined) fields.push({ label: 'Action', value: block(p.action), block: true });
      fields.push(writer, ...payloadOrigin());
      return {
        kind: p.kind,
        title: 'Scheduled task',
        ...common,
        fields,
        effect: {
          basis: 'inferred',
          text: rich('The Task Scheduler runs the action on the task’s trigger, independently of the user session.'),
        },
      };
    }
    case 'service': {
      const fields: Field[] = [{ label: 'Service name', value: shortValue(p.name) }];
      if (p.path !== undefined) fields.push({ label: 'Binary path', value: block(p.path), block: true });
      fields.push(writer, ...payloadOrigin());
      return {
        kind: p.kind,
        title: 'Windows service',
        ...common,
        fields,
        effect: {
          basis: 'inferred',
          text: rich('The service control manager starts the binary, usually as LocalSystem, when the service starts.'),
        },
      };
    }
    case 'wmi-subscription': {
      const fields: Field[] = [];
      if (p.operation !== undefined) fields.push({ label: 'Operation', value: shortValue(p.operation) });
      if (p.name !== undefined) fields.push({ label: 'Name', value: shortValue(p.name) });
      if (p.filter !== undefined) fields.push({ label: 'Filter', value: shortValue(p.filter) });
      if (p.query !== undefined) fields.push({ label: 'Query', value: block(p.query), block: true });
      if (p.consumer !== undefined) fields.push({ label: 'Consumer', value: shortValue(p.consumer) });
      if (p.destination !== undefined) fields.push({ label: 'Destination', value: block(p.destination), block: true });
      fields.push(writer);
      return {
        kind: p.kind,
        title: 'WMI event subscription',
        ...common,
        fields,
        effect: {
          basis: 'inferred',
          text: rich('WMI runs the consumer each time the filter’s event occurs, as SYSTEM.'),
        },
      };
    }
  }
}

/** Rows that differ only in time fold into the first, which keeps the count and the last time. */
function fold<T extends { time: string; count: number; lastTime?: string }>(rows: T[], key: (r: T) => string): T[] {
  const out: T[] = [];
  const seen = new Map<string, T>();
  for (const r of rows) {
    const k = key(r);
    const first = seen.get(k);
    if (first === undefined) {
      seen.set(k, r);
      out.push(r);
    } else {
      first.count += 1;
      if (r.time !== first.time) first.lastTime = r.time;
    }
  }
  return out;
}

/** Integrity levels Windows (and Sysmon's `IntegrityLevel`) writes. */
const INTEGRITY_LEVELS = /^(untrusted|low|medium|medium plus|high|system|protected|appcontainer)$/i;

function fileEvents(f: IncidentFacts, limits: DraftLimits): FileEvent[] {
  const rows = f.files.map((x) => {
    const e: FileEvent = {
      time: utc(x.alert.eventTime),
      ref: eventRef(x.alert),
      action: x.action,
      path: clip(oneLine(x.path), limits.valueChars),
      process: actorText(x.proc ?? x.alert.process),
      count: 1,
    };
    if (x.sha256 !== undefined) e.sha256 = oneLine(x.sha256);
    return e;
  });
  return fold(rows, (e) => JSON.stringify([e.action, e.path, e.process, e.sha256]));
}

function networkEvents(f: IncidentFacts): NetworkEvent[] {
  const conns = f.connections.map((x): NetworkEvent & { iso: string } => {
    // The detail column is plain text: the source's values in it are quoted.
    const bits = [
      x.hostname !== undefined && x.dstIp !== undefined
        ? quoted('hostname', defangValue(x.hostname, f.iocs), 200)
        : undefined,
      x.protocol !== undefined ? quoted('protocol', x.protocol, 40) : undefined,
      x.external ? 'external' : 'internal address',
    ].filter((b): b is string => b !== undefined);
    return {
      iso: x.alert.eventTime,
      time: utc(x.alert.eventTime),
      ref: eventRef(x.alert),
      kind: 'connection',
      process: actorText(x.proc ?? x.alert.process),
      destination: x.display,
      detail: bits.join(', '),
      count: 1,
    };
  });
  const dns = f.dns.map((q): NetworkEvent & { iso: string } => ({
    iso: q.alert.eventTime,
    time: utc(q.alert.eventTime),
    ref: eventRef(q.alert),
    kind: 'dns',
    process: actorText(q.proc ?? q.alert.process),
    destination: defangValue(q.query, f.iocs),
    detail:
      q.results.length > 0
        ? quoted('resolved to', q.results.map((r) => defangValue(r, f.iocs)).join(', '), 300)
        : 'no answer recorded',
    count: 1,
  }));
  const sorted = [...conns, ...dns]
    .sort((a, b) => byText(a.iso, b.iso) || byText(a.ref, b.ref))
    .map(({ iso: _iso, ...rest }) => rest);
  return fold(sorted, (e) => JSON.stringify([e.kind, e.process, e.destination, e.detail]));
}

function heuristics(f: IncidentFacts): HeuristicFinding[] {
  const byId = new Map<string, HeuristicFinding>();
  for (const a of f.alerts) {
    for (const h of a.enrichment.heuristics) {
      const cur = byId.get(h.id);
      if (cur === undefined) {
        byId.set(h.id, {
          id: h.id,
          title: oneLine(h.title),
          explanation: oneLine(h.explanation),
          evidence: [clip(oneLine(h.evidence), 300)],
          weight: h.weight,
          ...(h.techniques !== undefined && h.techniques.length > 0 ? { techniques: [...h.techniques] } : {}),
        });
      } else {
        cur.weight = Math.max(cur.weight, h.weight);
        cur.evidence = distinct([...cur.evidence, clip(oneLine(h.evidence), 300)]).slice(0, 5);
      }
    }
  }
  return [...byId.values()]
    .map((h) => ({ ...h, evidence: h.evidence.filter((e) => e !== '') }))
    .sort((a, b) => b.weight - a.weight || byText(a.id, b.id));
}

export function technicalAnalysis(f: IncidentFacts, limits: DraftLimits): TechnicalAnalysis {
  const tree = processTree(f, limits);
  const network = networkEvents(f);
  const files = fileEvents(f, limits);
  const heur = heuristics(f);
  const ta: TechnicalAnalysis = {
    processTree: tree.nodes,
    processesOmitted: tree.omitted,
    persistence: f.persistence.map((p) => persistenceFinding(f, p, limits)),
    files: files.slice(0, limits.files),
    filesOmitted: Math.max(0, files.length - limits.files),
    network: network.slice(0, limits.network),
    networkOmitted: Math.max(0, network.length - limits.network),
    heuristics: heur,
    notes: {},
  };
  if (ta.processTree.length === 0) {
    ta.notes.processTree = {
      basis: 'observed',
      text: rich('The alerts carry no process information, so no process tree can be drawn.'),
    };
  }
  if (ta.persistence.length === 0) {
    ta.notes.persistence = {
      basis: 'observed',
      text: rich(
        'No persistence mechanism (Run key, Startup folder, scheduled task, service or WMI subscription) appears in the collected events.',
      ),
    };
  }
  if (ta.files.length === 0)
    ta.notes.files = { basis: 'observed', text: rich('No file activity appears in the collected events.') };
  if (ta.network.length === 0) ta.notes.network = networkStatement(f);
  if (ta.heuristics.length === 0)
    ta.notes.heuristics = {
      basis: 'observed',
      text: rich('No heuristic fired beyond the detection rules themselves.'),
    };
  return ta;
}
