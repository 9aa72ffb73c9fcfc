import type {
  Basis,
  IncidentReport,
  Field,
  HeaderField,
  PersistenceFinding,
  ProcessNode,
  RemediationPhase,
  Rich,
  TimelineEntry,
  VendorFindingLine,
} from '../model/report';

/** What both renderers share: section titles, labels for statement bases and phases, the process tree shape. */

/** The ticket's sections, in the order an analyst reads them (issue 16; docs/ticket.md). */
export const SECTION_TITLES = {
  executiveSummary: 'Executive summary',
  attackChain: 'Attack chain',
  timeline: 'Timeline (UTC)',
  iocs: 'Indicators of compromise',
  attack: 'MITRE ATT&CK',
  rootCause: 'Root cause',
  businessImpact: 'Impact',
  remediation: 'Remediation',
  nextQueries: 'Next queries',
  detections: 'Detections',
} as const;

/** Labels of the five header lines. */
export const HEADER_LABELS: Readonly<Record<HeaderField, string>> = {
  what: 'What',
  where: 'Where',
  who: 'Who',
  howBad: 'How bad',
  doNow: 'Do now',
};

/**
 * Persistence fields said elsewhere: the value data shows the launcher, DLL and export (`rundll32.exe <dll>,<export>`),
 * the timeline who set it, the root cause where the payload came from.
 */
const SAID_ELSEWHERE: ReadonlySet<string> = new Set(['Launcher', 'DLL', 'Export', 'Set by', 'Payload file']);

/** Next queries a ticket shows: the few an analyst runs first (they come most useful first). */
export const MAX_QUERIES = 3;

/**
 * A heuristic's line: its title says why; evidence short enough to read at a glance (`-WindowStyle Hidden`) follows
 * it, longer evidence is a value the chain and timeline already show.
 */
export function heuristicLine(h: { title: string; evidence: string[] }): { title: string; evidence?: string } {
  const e = h.evidence[0];
  return e !== undefined && e.length <= 50 ? { title: h.title, evidence: e } : { title: h.title };
}

/** Heuristics whose whole point a look-alike line makes better (which name, and what it really runs). */
const SAID_BY_LOOK_ALIKES: ReadonlySet<string> = new Set(['masquerading-name']);

/**
 * The "Why it is suspicious" lines, each reason once: one per heuristic (a path the attack chain already shows is
 * not repeated as its evidence), minus the name-imitation heuristic when a look-alike line names the imitation.
 * The look-alike lines follow in the same list.
 */
export function suspicionLines(report: IncidentReport): { title: string; evidence?: string }[] {
  const ta = report.technicalAnalysis;
  const images = new Set(ta.processTree.map((n) => n.image.toLowerCase()));
  const lookAlikes = (report.lookAlikes ?? []).length > 0;
  const mapped = new Set(report.attack.map((a) => a.id));
  const out: { title: string; evidence?: string }[] = [];
  for (const h of ta.heuristics) {
    if (lookAlikes && SAID_BY_LOOK_ALIKES.has(h.id)) continue;
    const line = heuristicLine(h);
    // A heuristic with nothing short to show, whose techniques are all rows of the ATT&CK table, is said there.
    const techniques = h.techniques ?? [];
    if (line.evidence === undefined && techniques.length > 0 && techniques.every((t) => mapped.has(t))) continue;
    // A path the chain shows whole is named by its file only.
    out.push(
      line.evidence !== undefined && images.has(line.evidence.toLowerCase())
        ? { title: line.title, evidence: line.evidence.split('\\').pop() ?? line.evidence }
        : line,
    );
  }
  return out;
}

/**
 * The fields of a persistence finding a ticket shows: those no other part says, and no value its timeline line
 * already shows whole (a Run key's key, value name and data are all on the line of its registry event).
 */
export function persistenceFields(p: PersistenceFinding, timeline: readonly TimelineEntry[]): Field[] {
  const line = timeline.find((e) => e.ref === p.ref);
  const said = line !== undefined ? plainText(line.text) : '';
  return p.fields.filter((fl) => !SAID_ELSEWHERE.has(fl.label) && !said.includes(fl.value));
}

/**
 * The persistence blocks the attack chain shows: a block adds nothing when it has no field of its own, its timeline
 * line shows every value its effect names (launcher, payload, export) and the executive summary already says in words
 * what will start and when; then it is left out, the timeline line and the summary saying it once each.
 */
export function shownPersistence(report: IncidentReport): PersistenceFinding[] {
  const summary = report.executiveSummary.map((s) => plainText(s.text)).join(' ');
  return report.technicalAnalysis.persistence.filter((p) => {
    if (persistenceFields(p, report.timeline).length > 0 || p.effect === undefined) return true;
    const line = report.timeline.find((e) => e.ref === p.ref);
    if (line === undefined) return true;
    const said = plainText(line.text);
    const values = p.effect.text.filter((s) => s.code === true).map((s) => s.text);
    return !(values.length > 0 && values.every((v) => said.includes(v)) && values.some((v) => summary.includes(v)));
  });
}

function plainText(r: Rich): string {
  return r.map((s) => s.text).join('');
}

export const BASIS_LABELS: Readonly<Record<Basis, string>> = {
  observed: 'Observed',
  inferred: 'Inferred',
  recommended: 'Recommended',
  unknown: 'Unknown',
};

export const PHASES: readonly RemediationPhase[] = ['containment', 'eradication', 'recovery'];

export const PHASE_LABELS: Readonly<Record<RemediationPhase, string>> = {
  containment: 'Containment',
  eradication: 'Eradication',
  recovery: 'Recovery',
};

export interface TreeNode {
  node: ProcessNode;
  kids: TreeNode[];
}

/**
 * The flat depth-first process list back into a tree, with nesting capped at `maxDepth`: deeper processes hang
 * under the last node at the cap, so a hostile thousand-level chain cannot nest a document a thousand deep.
 */
export function buildTree(nodes: ProcessNode[], maxDepth: number): TreeNode[] {
  const roots: TreeNode[] = [];
  const stack: { depth: number; t: TreeNode }[] = [];
  for (const node of nodes) {
    const depth = Math.min(node.depth, maxDepth);
    const t: TreeNode = { node, kids: [] };
    while (stack.length > 0 && stack[stack.length - 1].depth >= depth) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.t.kids.push(t);
    else roots.push(t);
    stack.push({ depth, t });
  }
  return roots;
}

/**
 * Times for the timeline: the clock time alone when every line falls on the first line's day (the heading names
 * the day once), else the full UTC time. A counted line shows its span: `10:01:02–10:01:09`.
 */
export function timelineClock(entries: readonly TimelineEntry[]): {
  day?: string;
  /** A time as the timeline shows it. */
  show: (t: string) => string;
  time: (e: TimelineEntry) => string;
} {
  const day = entries[0]?.time.slice(0, 10);
  const sameDay =
    day !== undefined &&
    /^\d{4}-\d{2}-\d{2}$/.test(day) &&
    entries.every((e) => e.time.startsWith(day) && (e.lastTime === undefined || e.lastTime.startsWith(day)));
  const show = (t: string): string => (sameDay && t.startsWith(day) ? t.slice(11) : t);
  return {
    ...(sameDay ? { day } : {}),
    show,
    time: (e) => (e.lastTime !== undefined ? `${show(e.time)}–${show(e.lastTime)}` : show(e.time)),
  };
}

/**
 * The timeline lines a budget of `n` shows, in time order: all of them when they fit, else the events that stand out
 * first and the counted lines of routine repeats with what room is left, so a storm of loads before it cannot push
 * the injection itself off the ticket.
 */
export function shownTimeline(entries: readonly TimelineEntry[], n: number): TimelineEntry[] {
  if (entries.length <= n) return [...entries];
  const keep = new Set<TimelineEntry>();
  for (const e of entries) if (e.routine !== true && keep.size < n) keep.add(e);
  for (const e of entries) if (e.routine === true && keep.size < n) keep.add(e);
  return entries.filter((e) => keep.has(e));
}

/** `[Sysmon 7 #316]`, or `[Sysmon 7 #316 +41]` for a line that stands for 42 events. */
export function timelineRef(e: TimelineEntry): string {
  return e.count > 1 ? `[${e.ref} +${(e.count - 1).toLocaleString('en-US')}]` : `[${e.ref}]`;
}

/**
 * What a process line shows beside the image, each fact once: the account only where it differs from the parent's
 * (the header names the incident's accounts), the start as the timeline shows times, elevation only when elevated.
 * The account is the source's text: a literal value (code), never words of the ticket.
 */
export function processFacts(
  n: ProcessNode,
  parent: ProcessNode | undefined,
  clock: (t: string) => string = (t) => t,
  showIntegrity = true,
): Rich {
  const facts: Rich[] = [
    n.pid !== undefined ? [{ text: `PID ${n.pid}` }] : [],
    // A collected start is a timeline line with its time: said there. One known only as a parent has no line.
    n.started !== undefined && !n.observedStart ? [{ text: `started ${clock(n.started)}` }] : [],
    n.user !== undefined && parent !== undefined && n.user !== parent.user
      ? [{ text: 'user ' }, { text: n.user, code: true }]
      : [],
    showIntegrity && n.integrity !== undefined && /^(high|system)$/i.test(n.integrity)
      ? [{ text: `integrity ${n.integrity}` }]
      : [],
  ].filter((x) => x.length > 0);
  if (facts.length === 0) return [];
  return [{ text: ' (' }, ...facts.flatMap((x, i) => (i > 0 ? [{ text: ' · ' }, ...x] : x)), { text: ')' }];
}

/**
 * Whether the process tree names each process's integrity: only when the processes ran at different levels. When
 * every one that says ran at the same level, the header's who line (`ran elevated (High integrity)`) said it once.
 */
export function integrityVaries(nodes: readonly ProcessNode[]): boolean {
  return new Set(nodes.flatMap((n) => (n.integrity !== undefined ? [n.integrity.trim().toLowerCase()] : []))).size > 1;
}

/** A value cut to `max` whose quotes still close: a role cut inside “…” gets its ” back. */
export function closeQuotes(value: string): string {
  const opens = (value.match(/\u201c/g) ?? []).length;
  const closes = (value.match(/\u201d/g) ?? []).length;
  return opens > closes ? `${value}\u201d` : value;
}

/**
 * A technique's name as the ATT&CK table shows it: a sub-technique by its own name (`T1547.001` already says it is
 * Boot or Logon Autostart Execution's), a technique by its name.
 */
export function attackName(a: { id: string; name: string }): string {
  const i = a.name.indexOf(': ');
  return a.id.includes('.') && i > 0 ? a.name.slice(i + 2) : a.name;
}

/** Whether a command line says more than the image it starts (`"C:\x\scanner.exe" ` does not). */
export function commandSaysMore(n: ProcessNode): boolean {
  const c = n.commandLine
    ?.trim()
    .replace(/^"([^"]*)"$/, '$1')
    .toLowerCase();
  if (c === undefined || c === '') return false;
  const image = n.image.toLowerCase();
  return c !== image && c !== image.split('\\').pop();
}

/** `Sysmon 1 #4711` or `Sysmon 1 #4711 and 3 more alerts`: where a rule matched. */
export function detectionMatched(row: { alerts: number; firstRef: string }): string {
  return row.alerts <= 1
    ? row.firstRef
    : `${row.firstRef} and ${row.alerts - 1} more alert${row.alerts === 2 ? '' : 's'}`;
}

/** Vendor findings a ticket lists: the first few, the rest counted. */
export const MAX_VENDOR_FINDINGS = 5;

/** Heading of the events whose local clock has no known offset, kept off the UTC timeline. */
export const LOCAL_TIME_TITLE = 'Local time, offset unknown (not on the UTC timeline)';

/**
 * One vendor finding on one line: `CrowdStrike Falcon, blocked: <rule> · console <link>`. The rule and the link are
 * alert text, drafted defanged: literal (code) values, never a link mark or an autolink, as a forged record could
 * point anywhere that starts with `https://`.
 */
export function vendorFindingLine(v: VendorFindingLine): Rich {
  return [
    { text: `${v.product}, ${v.disposition}` },
    // The rule name is the vendor's text, so alert text: a literal value, as every other.
    ...(v.title !== undefined ? [{ text: ': ' }, { text: v.title, code: true }] : []),
    ...(v.consoleLink !== undefined ? [{ text: ' · console ' }, { text: v.consoleLink, code: true }] : []),
  ];
}

/** `3 background events of the host, not part of the attack`: what joined by time only, counted once. */
export function backgroundLine(n: number): string | undefined {
  if (n <= 0) return undefined;
  return `${n.toLocaleString('en-US')} background event${n === 1 ? '' : 's'} of the host, not part of the attack.`;
}

/**
 * Where the raw events are: the ticket's attachment, or (Markdown written by `replay --out`) the file beside it.
 * Said once, at the end.
 */
export function rawEventsLine(n: number, file?: string): Rich {
  const records = `${n.toLocaleString('en-US')} record${n === 1 ? '' : 's'}`;
  return file !== undefined
    ? [
        { text: `Raw events: ${records} in ` },
        { text: file, code: true },
        { text: ", beside this file, under the timeline's references." },
      ]
    : [{ text: `Raw events: ${records}, attached under the timeline's references.` }];
}
