import type { IocType } from '../model/enrichment';
import type { Priority } from './priority';

/**
 * The incident report: what an analyst would write, as data. Renderers (ADF, Markdown) only lay it out.
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

export interface ContextRow {
  label: string;
  value: Rich;
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
  /** Source event id: `Sysmon 13 #483204`, `CrowdStrike #ldt:…`. */
  ref: string;
  /** Identical events folded into this line (storms): count and the last one's time. */
  count: number;
  lastTime?: string;
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

export type Confidence = 'high' | 'medium' | 'low';

export interface RootCause {
  /** One line: the likely initial access vector, or that it is unknown. */
  vector: string;
  confidence: Confidence;
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

export interface IncidentReport {
  incidentId: string;
  /** Jira summary, ≤ 255 characters: `<technique> – <what happened> on <HOST>`. */
  summary: string;
  /** Technique the summary names, when there is one. */
  primaryTechnique?: string;
  severity: number;
  priority: Priority;
  labels: string[];
  coverage: Coverage;
  executiveSummary: Statement[];
  initialContext: ContextRow[];
  technicalAnalysis: TechnicalAnalysis;
  timeline: TimelineEntry[];
  timelineOmitted: number;
  iocs: IocRow[];
  iocsOmitted: number;
  attack: AttackRow[];
  rootCause: RootCause;
  businessImpact: Statement[];
  remediation: RemediationStep[];
  rawEvidence: RawEvidence[];
  /** Alerts whose raw record is not in `rawEvidence` (sample cap). */
  rawEvidenceOmitted: number;
}
