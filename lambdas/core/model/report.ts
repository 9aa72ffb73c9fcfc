import type { SigmaLevel } from './alert';
import type { IocType } from './enrichment';

/**
 * The incident report: what an analyst would write, as data. The drafting stage (`core/draft`) produces it;
 * renderers (`core/render`: ADF, Markdown) only lay it out, and import nothing else from drafting.
 *
 * Facts, inferences and recommendations are kept apart: every sentence carries its `basis`, remediation steps
 * are recommendations by construction, and tables hold observed values only. Alert text is data: it sits in
 * `Span.text` (never in markup) and renderers escape it.
 */

/** Where a statement comes from. `unknown` says what the collected events cannot show. */
export type Basis = 'observed' | 'inferred' | 'recommended' | 'unknown';

/** A run of text. `code` marks a literal value from the events (path, key, command, defanged indicator). */
export interface Span {
  text: string;
  code?: boolean;
}

/** Inline text: spans in order. */
export type Rich = Span[];

export interface Statement {
  basis: Basis;
  text: Rich;
}

/** How much of the incident the report covers: a stored incident may hand over a sample of its alerts. */
export interface Coverage {
  /** Alerts analysed (the sample). */
  analysed: number;
  /** Unique alerts in the incident. */
  total: number;
  /** Exact duplicates that were not counted again. */
  duplicates: number;
}

/** One process of the attack chain, flattened depth-first (children follow their parent with depth + 1). */
export interface ProcessNode {
  depth: number;
  /** Full image path as the events wrote it, or a description when the events did not name it. */
  image: string;
  /** False when `image` is a description (Sysmon's `<unknown process>`), not a path. */
  named: boolean;
  pid?: number;
  commandLine?: string;
  user?: string;
  integrity?: string;
  sha256?: string;
  /** UTC display time of its process-create event, when one was collected. */
  started?: string;
  /** True when a process-create event for it was collected; false when it is only known as a parent or actor. */
  observedStart: boolean;
  /** A Windows shell or service host (explorer.exe, services.exe, svchost.exe…). */
  system: boolean;
  /** What it did in the collected events, one line each, time ordered. */
  actions: Rich[];
}

/** A labelled value; `block` values (command lines, registry value data) render as code blocks. */
export interface Field {
  label: string;
  value: string;
  block?: boolean;
}

export type PersistenceKind = 'run-key' | 'startup-folder' | 'scheduled-task' | 'service' | 'wmi-subscription';

export interface PersistenceFinding {
  kind: PersistenceKind;
  title: string;
  time: string;
  ref: string;
  fields: Field[];
  /** What the mechanism will do (inferred from its configuration). */
  effect?: Statement;
}

export interface FileEvent {
  time: string;
  ref: string;
  /** `created`, `deleted`, `loaded`… */
  action: string;
  path: string;
  process?: string;
  sha256?: string;
  /** Identical events folded into this row: count and the last one's time. */
  count: number;
  lastTime?: string;
}

export interface NetworkEvent {
  time: string;
  ref: string;
  kind: 'connection' | 'dns';
  process?: string;
  /** Defanged `ip:port` for a connection, defanged name for a DNS query. */
  destination: string;
  /** Defanged details: resolved addresses, destination hostname, protocol and direction. */
  detail?: string;
  /** Identical events folded into this row (a beacon's repeats): count and the last one's time. */
  count: number;
  lastTime?: string;
}

export interface HeuristicFinding {
  id: string;
  title: string;
  explanation: string;
  evidence: string[];
  weight: number;
  /** ATT&CK techniques the heuristic shows, when it names any: the ATT&CK table's rows then say it too. */
  techniques?: string[];
}

export interface TechnicalAnalysis {
  processTree: ProcessNode[];
  /** Processes left out of `processTree` by the size cap. */
  processesOmitted: number;
  persistence: PersistenceFinding[];
  files: FileEvent[];
  filesOmitted: number;
  network: NetworkEvent[];
  networkOmitted: number;
  heuristics: HeuristicFinding[];
  /** For each sub-section with nothing to list, the sentence that says so (e.g. no network telemetry). */
  notes: Partial<Record<TechnicalSubsection, Statement>>;
}

export type TechnicalSubsection = 'processTree' | 'persistence' | 'files' | 'network' | 'heuristics';

export interface TimelineEntry {
  /** UTC, `YYYY-MM-DD HH:MM:SSZ`. */
  time: string;
  text: Rich;
  /** Reference of the (first) event, as the raw-events attachment names it: `Sysmon 13 #483204`, `CrowdStrike #ldt:…`. */
  ref: string;
  /**
   * Events this line stands for: repeats collapsed into a counted line (`42 × image load by …`), whose text already
   * says the count, with the last one's time.
   */
  count: number;
  lastTime?: string;
  /** A counted line of routine repeats (module loads, registry churn): the first to give way in a full timeline. */
  routine?: boolean;
}

export interface IocRow {
  type: IocType;
  /** Display name of the type: `IPv4`, `SHA256`, `Registry`. */
  typeLabel: string;
  /** Defanged display value. */
  value: string;
  role: string;
}

export interface AttackRow {
  id: string;
  name: string;
  /** Tactic display names (`Persistence`, `Privilege Escalation`). */
  tactics: string[];
  evidence: string;
  url?: string;
}

/** A Sigma rule that matched alerts of the incident. `author` is always shown beside the title (DRL 1.1). */
export interface DetectionRow {
  id: string;
  title: string;
  level: SigmaLevel;
  /** The rule's author, or `unknown`. */
  author: string;
  /** Analysed alerts it matched. */
  alerts: number;
  /** The first of them, as an event reference (`Sysmon 1 #4711`). */
  firstRef: string;
  /** The rule's own false-positive notes, when it has any beyond "unknown". */
  falsePositives?: string;
  /** `sigmahq` or `user`. */
  pack?: string;
}

export type Confidence = 'high' | 'medium' | 'low';

export interface RootCause {
  /** One line: the likely initial access vector, or that it is unknown. */
  vector: string;
  confidence: Confidence;
  /** Why that vector, from the events (`scanner.exe ran from the user's Downloads folder`), when a rule matched. */
  because?: Rich;
  /** Observed evidence, inferences and unknowns, in that order. */
  statements: Statement[];
}

export type RemediationPhase = 'containment' | 'eradication' | 'recovery';

export interface RemediationStep {
  phase: RemediationPhase;
  /** Playbook family that produced it (`registry-run-keys`, `c2-connection`, `default`…). */
  family: string;
  text: Rich;
}

export interface RawEvidence {
  alertId: string;
  /** Built from the event reference and time only (no free alert text). */
  title: string;
  text: string;
  /** Length of the full record text before any cut. */
  chars: number;
  truncated: boolean;
  /** The alert's severity: when only some records fit, the most severe are kept. */
  severity: number;
}

/** The five lines an analyst reads first. */
export type HeaderField = 'what' | 'where' | 'who' | 'howBad' | 'doNow';

export interface HeaderLine {
  field: HeaderField;
  value: Rich;
}

/**
 * A query an analyst runs next, built from the events' own fields (a logon id, a file name, a hash), so it can be
 * pasted as it is. Drafted by the remediation stage (`core/draft`), laid out by the renderers after remediation.
 */
export interface NextQuery {
  /** The question it answers, one line: `Which logon session ran powershell.exe (LogonId 0x3e7a1)?`. */
  question: string;
  /** Where to run it: `Windows Security log`, `Sysmon`, `mail gateway`, `EDR`, `SIEM`. */
  source: string;
  /** The query text, literal: rendered as code, never as the report's words. */
  query: string;
}

/** An EDR product's own finding, as the ticket lists it beside the merged story. */
export interface VendorFindingLine {
  /** The product's name: `CrowdStrike Falcon`. */
  product: string;
  /** Rule or detection name, as the vendor wrote it (data). */
  title?: string;
  /**
   * The alert in the vendor's console: an `https:` URL (`consoleLinkOf` admits nothing else), defanged. Alert text
   * like any other: renderers show it as a literal value, never as a link (its host is whatever the record said).
   */
  consoleLink?: string;
  /** What the product says it did: stopped it, judged it harmless, or only detected it. */
  disposition: 'blocked' | 'benign' | 'detected';
}

/** Jira priority levels, most urgent first. */
export const PRIORITY_LEVELS = ['P1', 'P2', 'P3', 'P4'] as const;
export type PriorityLevel = (typeof PRIORITY_LEVELS)[number];

export interface Priority {
  level: PriorityLevel;
  /** The Jira priority name for the level. */
  name: string;
  /** One line: why this level. */
  reason: string;
}

/** Display names of the IOC types, as the IOC table and update comments show them. */
export const IOC_TYPE_LABELS: Readonly<Record<IocType, string>> = {
  ipv4: 'IPv4',
  ipv6: 'IPv6',
  domain: 'Domain',
  url: 'URL',
  md5: 'MD5',
  sha1: 'SHA1',
  sha256: 'SHA256',
  file: 'File',
  registry: 'Registry',
  commandline: 'Command line',
  task: 'Scheduled task',
};

export interface IncidentReport {
  incidentId: string;
  /** What, where, who, how bad and why, what to do now: one line each, at the top of the ticket. */
  header: HeaderLine[];
  /** Jira summary, ≤ 255 characters: `<technique> – <what happened> on <HOST>`. */
  summary: string;
  /** Technique the summary names, when there is one. */
  primaryTechnique?: string;
  severity: number;
  priority: Priority;
  labels: string[];
  coverage: Coverage;
  executiveSummary: Statement[];
  technicalAnalysis: TechnicalAnalysis;
  timeline: TimelineEntry[];
  timelineOmitted: number;
  iocs: IocRow[];
  iocsOmitted: number;
  attack: AttackRow[];
  /** Sigma rules that matched, strongest first. */
  detections: DetectionRow[];
  detectionsOmitted: number;
  rootCause: RootCause;
  businessImpact: Statement[];
  remediation: RemediationStep[];
  /**
   * What let the attack happen (no application control, local admin rights), as the reference reports list them.
   * Optional: drafted by the remediation stage when the evidence shows a factor; rendered after the root cause.
   */
  contributingFactors?: Statement[];
  /** Detections to add so the next attempt alerts sooner (`alert on Run-key writes by non-system processes`). */
  detectionFollowUps?: Rich[];
  /** Concrete queries to run next; rendered after remediation. Optional until a stage drafts them. */
  nextQueries?: NextQuery[];
  /**
   * Names made to pass for Windows, Microsoft or a well-known service (`svch0st.exe`, a task named like OneDrive's
   * own, `azureedge-cdn.net`), one observed line each. Optional: drafted with remediation.
   */
  lookAlikes?: Statement[];
  /**
   * Each EDR product's own finding (product, rule, console link, disposition), one per distinct finding, oldest
   * first. Optional: raw telemetry has none.
   */
  vendorFindings?: VendorFindingLine[];
  /**
   * Events whose time is a local clock reading with an unknown offset: kept out of `timeline` (which is UTC) and
   * listed apart, their `time` the reading as the source wrote it (`YYYY-MM-DD HH:MM:SS`, no zone).
   */
  localTimeEvents?: TimelineEntry[];
  /** Background events of the host that joined by time only: counted, not analysed (their raw records aside). */
  backgroundEvents?: number;
  /** Raw records, headed for the ticket's attachment: the description itself no longer carries them. */
  rawEvidence: RawEvidence[];
  /** Alerts whose raw record is not in `rawEvidence` (sample cap). */
  rawEvidenceOmitted: number;
}

// ---- alert text in the report -------------------------------------------------------------------------------

/**
 * Characters that change how text reads without being seen: C0/C1 controls other than tab and newline, every
 * format character (Unicode Cf: bidi overrides and isolates (`invoice\u202Egpj.exe` displays as `invoiceexe.jpg`),
 * zero-width space, joiners and non-joiners, soft hyphen, word joiner, BOM, the invisible tag characters U+E0000–
 * U+E007F that can smuggle a whole sentence), line and paragraph separators, and blank letters (Hangul fillers,
 * U+3164, the combining grapheme joiner) and lone surrogates (half a character, which JSON consumers refuse). Shown as `\uXXXX` (`\u{XXXXX}` beyond the BMP) so an analyst sees the
 * trick instead of being fooled by it.
 */
const INVISIBLE_RE = /(?![\t\n])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u034f\u115f\u1160\u17b4\u17b5\u180e\u3164\uffa0]/gu;

/** Replace control, format and invisible characters with a visible `\uXXXX`; keeps tab and newline. */
export function visible(text: string): string {
  return text.replace(INVISIBLE_RE, (c) => {
    const cp = c.codePointAt(0)!;
    const hex = cp.toString(16).toUpperCase();
    return cp > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
  });
}

/** One line of visible text: controls made visible, newlines and runs of whitespace folded to one space. */
export function oneLine(text: string): string {
  return visible(text.replace(/\s+/g, ' ').trim());
}

/**
 * Cut `text` to at most about `max` characters and say how long it was. Never splits a surrogate pair, so the
 * result is still valid UTF-16 (JSON.stringify of a lone surrogate would be an escape Jira may refuse).
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}… [cut: ${text.length.toLocaleString('en-US')} characters in all]`;
}
