import { createHash } from 'node:crypto';
import { boundedId, clipText } from '../bounded';
import { hasMeasuredTime } from '../formats/sysmon/local-time';
import { emptyJudgeState, foldAlerts, judgeIncident } from '../judge';
import type { JudgeState } from '../judge';
import type { EnrichedAlert, Ioc, IocType } from '../model/enrichment';
import type { IncidentStatus, PriorityBasis } from '../model/incident';
import { userKey } from '../model/host';

/**
 * The incident's `META` item: counts, capped lists and the versions that drive ticket-sync. Lists are capped with
 * an overflow count so the item stays far below DynamoDB's 400 KB whatever a storm throws at it.
 */
export interface IncidentMeta {
  incidentId: string;
  /** The storm key of the first alert: what a false-positive verdict suppresses. */
  groupKey: string;
  status: IncidentStatus;
  createdAt: string;
  firstSeen: string;
  lastSeen: string;
  hosts: string[];
  /** Host names as the sources wrote them (display), capped. */
  hostNames: string[];
  users: string[];
  techniques: string[];
  sources: string[];
  rules: string[];
  iocs: Ioc[];
  /** Items not kept because a list was full, by list name. */
  overflow: Record<string, number>;
  alertCount: number;
  duplicates: number;
  /** Alerts that arrived while the group was suppressed by a false-positive verdict. */
  suppressed: number;
  severity: number;
  severityReasons: string[];
  version: number;
  /** Version last handed to ticket-sync, and its severity: material-change detection compares against them. */
  notifiedVersion: number;
  notifiedAlertCount: number;
  syncedVersion: number;
  ticketKey?: string;
  ticketStatus?: string;
  suppressedUntil?: string;
  /**
   * Tokens (see `messageToken`) of the SQS messages whose alerts and duplicates this item has counted, the most
   * recent ones: a redelivered or retried message finds its token here and counts nothing again.
   */
  appliedMessages: string[];
  /**
   * Alerts a drafted sample must include whatever else it leaves out (see `KeyAlert`): strongest first, capped.
   * Absent on items written before it existed.
   */
  keyAlerts?: KeyAlert[];
  /** Alerts that reused an earlier event's id with different content (possible forgery): counted, never dropped. */
  conflicts?: number;
  /** Set when one message named many new hosts at once and they were folded into this one incident. */
  outbreak?: boolean;
  /**
   * Why alerts broke through a false-positive verdict (a new technique, a far higher severity): the incident is no
   * longer suppressed. Cleared when an analyst gives a new verdict.
   */
  breakthrough?: string;
  /**
   * What the judge keeps to score the incident over its whole chain (core/judge): compact, capped, folded batch by
   * batch. Absent on items written before it existed: they are judged from their stored severity onwards.
   */
  judge?: JudgeState;
  /** The rubric row that decided the priority (docs/priority.md). */
  priorityBasis?: PriorityBasis;
  /**
   * Alerts whose only time is a local clock reading with an offset nothing measured (`time-zone-unverified`): they
   * are counted but kept out of `firstSeen`/`lastSeen`, which are UTC, unless the incident has no other time at all.
   * Absent on items written before it existed.
   */
  unmeasuredTimes?: number;
}

/**
 * An alert the ticket must show: the one that set the severity, or one that brought a technique, a network or
 * hash indicator, or a process the incident had not seen. `ref` is `<eventTime>#<alertId>` (the alert item's sort
 * key after `ALERT#`); `score` its severity, which decides what stays when the list is full.
 */
export interface KeyAlert {
  ref: string;
  score: number;
  /** Why it is kept: `severity`, `technique`, `network`, `hash` or `process`. */
  why: KeyAlertReason;
}

export type KeyAlertReason = 'severity' | 'technique' | 'network' | 'hash' | 'process';

/**
 * Flag ingest puts on an alert that reused an earlier event's id with different content: it is kept under an id of
 * its own (never dropped as a duplicate), and the incident counts it in `conflicts`.
 */
export const ID_CONFLICT = 'id-conflict';

export const CAPS = {
  hosts: 20,
  users: 50,
  techniques: 50,
  sources: 20,
  rules: 50,
  iocs: 100,
  reasons: 12,
  applied: 200,
  keyAlerts: 40,
};

/**
 * Longest text of one list entry, so the item is bounded by construction: caps × entry sizes (see
 * test/core/correlate/meta-bounds.test.ts, which computes the worst case). Identities (host and user keys) keep a
 * hash of the whole when cut, so two long values stay two entries.
 */
export const ENTRY_CHARS = { host: 128, hostName: 128, user: 128, rule: 200, reason: 200, ioc: 256, role: 100 };

function addCapped<T>(
  list: T[],
  items: T[],
  cap: number,
  id: (x: T) => string,
  overflow: Record<string, number>,
  name: string,
): T[] {
  const out = [...list];
  const seen = new Set(out.map(id));
  for (const x of items) {
    const k = id(x);
    if (seen.has(k)) continue;
    seen.add(k);
    if (out.length >= cap) overflow[name] = (overflow[name] ?? 0) + 1;
    else out.push(x);
  }
  return out;
}

const same = (x: string): string => x;

/**
 * A message id as the incident records it: 12 characters of its SHA-256 instead of a 36-character UUID, so the
 * 200 most recent fit in 2.6 KB of the META item (which every update rewrites and DynamoDB bills by size).
 */
export function messageToken(messageId: string): string {
  return createHash('sha256').update(messageId).digest('base64url').slice(0, 12);
}

/**
 * The token of a message's duplicates, distinct from its alerts' token: a message may count its alerts in an
 * incident in one attempt and its duplicates there in a later one, and each must be recorded on its own.
 */
export function duplicatesToken(messageId: string): string {
  return messageToken(`${messageId}\u0000duplicates`);
}

/** The META item keeps up to 100 IOCs: value, display form and role are clipped, whatever a command line holds. */
function clipIoc(i: Ioc): Ioc {
  const role = i.role === undefined ? undefined : clipText(i.role, ENTRY_CHARS.role);
  return {
    ...i,
    value: clipText(i.value, ENTRY_CHARS.ioc),
    defanged: clipText(i.defanged, ENTRY_CHARS.ioc),
    ...(role !== undefined ? { role } : {}),
  };
}

/** Indicators a responder blocks or hunts: they outrank paths, keys and command lines when the list is full. */
const PRIORITY_IOC_TYPES: ReadonlySet<IocType> = new Set(['ipv4', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256']);

/**
 * IOCs capped with priority: a network or hash indicator that finds the list full takes the place of the latest
 * path, registry key, task or command line, so decoys written first cannot push the C2 address out.
 */
function addIocs(list: Ioc[], items: Ioc[], overflow: Record<string, number>): Ioc[] {
  const out = [...list];
  const id = (i: Ioc): string => `${i.type}#${i.value.toLowerCase()}`;
  const seen = new Set(out.map(id));
  for (const x of items) {
    const k = id(x);
    if (seen.has(k)) continue;
    seen.add(k);
    if (out.length < CAPS.iocs) {
      out.push(x);
      continue;
    }
    overflow.iocs = (overflow.iocs ?? 0) + 1;
    if (!PRIORITY_IOC_TYPES.has(x.type)) continue;
    const victim = out.findLastIndex((i) => !PRIORITY_IOC_TYPES.has(i.type));
    if (victim >= 0) out[victim] = x;
  }
  return out;
}

/** What an alert brings that makes it one the ticket must show (see `KeyAlert`), given what the incident had. */
function keyReason(
  a: EnrichedAlert,
  known: { techniques: Set<string>; iocs: Set<string> },
  setsSeverity: boolean,
): KeyAlertReason | undefined {
  if (setsSeverity) return 'severity';
  if ([...a.enrichment.techniques.map((t) => t.id), ...a.techniques].some((t) => !known.techniques.has(t)))
    return 'technique';
  const fresh = a.enrichment.iocs.filter((i) => !known.iocs.has(`${i.type}#${i.value.toLowerCase()}`));
  if (fresh.some((i) => i.type === 'ipv4' || i.type === 'ipv6' || i.type === 'domain' || i.type === 'url'))
    return 'network';
  if (fresh.some((i) => i.type === 'md5' || i.type === 'sha1' || i.type === 'sha256')) return 'hash';
  if (fresh.some((i) => i.type === 'commandline' || (i.type === 'file' && /process image/.test(i.role ?? ''))))
    return 'process';
  return undefined;
}

const WHY_RANK: Readonly<Record<KeyAlertReason, number>> = {
  severity: 0,
  technique: 1,
  network: 2,
  hash: 3,
  process: 4,
};

/** The key-alert list after a merge: strongest first (severity, then reason, then earlier), capped. */
function rankKeyAlerts(list: KeyAlert[]): KeyAlert[] {
  const byRef = new Map<string, KeyAlert>();
  for (const k of list) {
    const cur = byRef.get(k.ref);
    if (cur === undefined || k.score > cur.score || (k.score === cur.score && WHY_RANK[k.why] < WHY_RANK[cur.why]))
      byRef.set(k.ref, k);
  }
  return [...byRef.values()]
    .sort(
      (x, y) => y.score - x.score || WHY_RANK[x.why] - WHY_RANK[y.why] || (x.ref < y.ref ? -1 : x.ref > y.ref ? 1 : 0),
    )
    .slice(0, CAPS.keyAlerts);
}

/** The alert item's sort key after `ALERT#`: what `KeyAlert.ref` holds. */
export function alertRef(a: { eventTime: string; alertId: string }): string {
  return `${a.eventTime}#${a.alertId}`;
}

export function emptyMeta(
  incidentId: string,
  groupKey: string,
  createdAt: string,
  firstAlert: EnrichedAlert,
): IncidentMeta {
  return {
    incidentId,
    groupKey,
    status: 'open',
    createdAt,
    firstSeen: firstAlert.eventTime,
    lastSeen: firstAlert.eventTime,
    hosts: [],
    hostNames: [],
    users: [],
    techniques: [],
    sources: [],
    rules: [],
    iocs: [],
    overflow: {},
    alertCount: 0,
    duplicates: 0,
    suppressed: 0,
    severity: 0,
    severityReasons: [],
    version: 0,
    notifiedVersion: 0,
    notifiedAlertCount: 0,
    syncedVersion: 0,
    appliedMessages: [],
    keyAlerts: [],
    conflicts: 0,
  };
}

export interface MergeInput {
  alerts: EnrichedAlert[];
  duplicates: number;
  suppressed: number;
  /** Messages whose alerts this merge counts. */
  messageIds: string[];
  /** Messages whose duplicates this merge counts. */
  duplicateMessageIds?: string[];
  /** Correlation folded a fan-out (one message, many new hosts) into this incident. */
  outbreak?: boolean;
}

/** An item stored before the judge existed: its severity and reasons stand as its strongest alert's. */
function legacyJudgeState(prev: IncidentMeta): JudgeState {
  if (prev.alertCount === 0) return emptyJudgeState();
  return {
    ...emptyJudgeState(),
    best: { alertId: '', score: prev.severity, reasons: prev.severityReasons, behaviours: [] },
  };
}

/**
 * First and last seen, in UTC: a local time whose offset was not measured may be hours off, so it widens the span
 * only while the incident has no measured time at all (then the span is the source's local clock, and the alerts
 * say so by their flag); the first measured time replaces such a span.
 */
function foldSpan(next: IncidentMeta, prev: IncidentMeta, alerts: readonly EnrichedAlert[]): void {
  const measured = alerts.filter(hasMeasuredTime);
  const unmeasured = alerts.length - measured.length;
  const prevUnmeasured = prev.unmeasuredTimes ?? 0;
  const prevHasMeasured = prev.alertCount > prevUnmeasured;
  if (unmeasured > 0 || prevUnmeasured > 0) next.unmeasuredTimes = prevUnmeasured + unmeasured;
  let span = measured;
  if (measured.length > 0 && !prevHasMeasured) {
    // Replace a span the unmeasured times (or the empty item's placeholder) set.
    next.firstSeen = measured[0].eventTime;
    next.lastSeen = measured[0].eventTime;
  } else if (measured.length === 0 && prevHasMeasured) {
    span = [];
  } else if (measured.length === 0) {
    span = [...alerts];
  }
  for (const a of span) {
    if (a.eventTime < next.firstSeen) next.firstSeen = a.eventTime;
    if (a.eventTime > next.lastSeen) next.lastSeen = a.eventTime;
  }
}

/** Fold a batch's alerts into the incident: pure; the caller writes the result under a version condition. */
export function mergeIntoMeta(prev: IncidentMeta, input: MergeInput): IncidentMeta {
  const next: IncidentMeta = { ...prev, overflow: { ...prev.overflow } };
  const alerts = [...input.alerts].sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  foldSpan(next, prev, alerts);
  const o = next.overflow;
  next.hosts = addCapped(
    prev.hosts,
    alerts.map((a) => boundedId(a.enrichment.hostKey, ENTRY_CHARS.host)),
    CAPS.hosts,
    same,
    o,
    'hosts',
  );
  next.hostNames = addCapped(
    prev.hostNames,
    alerts.map((a) => clipText(a.host.name, ENTRY_CHARS.hostName)),
    CAPS.hosts,
    (x) => x.toLowerCase(),
    o,
    'hostNames',
  );
  next.users = addCapped(
    prev.users,
    alerts.flatMap((a) => (a.user ? [boundedId(userKey(a.user.name), ENTRY_CHARS.user)] : [])),
    CAPS.users,
    same,
    o,
    'users',
  );
  next.techniques = addCapped(
    prev.techniques,
    alerts.flatMap((a) => [...a.enrichment.techniques.map((t) => t.id), ...a.techniques]),
    CAPS.techniques,
    same,
    o,
    'techniques',
  );
  next.sources = addCapped(
    prev.sources,
    alerts.map((a) => a.source.product),
    CAPS.sources,
    same,
    o,
    'sources',
  );
  next.rules = addCapped(
    prev.rules,
    alerts.flatMap((a) => (a.rule ? [clipText(a.rule.name, ENTRY_CHARS.rule)] : [])),
    CAPS.rules,
    same,
    o,
    'rules',
  );
  next.iocs = addIocs(
    prev.iocs,
    alerts.flatMap((a) => a.enrichment.iocs.map(clipIoc)),
    o,
  );
  // Key alerts are judged against everything the incident knew, uncapped by this merge's own additions.
  const known = {
    techniques: new Set(prev.techniques),
    iocs: new Set(prev.iocs.map((i) => `${i.type}#${i.value.toLowerCase()}`)),
  };
  const keys: KeyAlert[] = [...(prev.keyAlerts ?? [])];
  // The strongest single alert is a key alert; the incident's own severity is judged over the whole chain below.
  let strongest = prev.judge?.best?.score ?? prev.severity;
  for (const a of alerts) {
    const score = a.enrichment.severity.score;
    const setsSeverity = score > strongest;
    if (setsSeverity) strongest = score;
    const why = keyReason(a, known, setsSeverity);
    if (why !== undefined) keys.push({ ref: alertRef(a), score, why });
    for (const t of [...a.enrichment.techniques.map((x) => x.id), ...a.techniques]) known.techniques.add(t);
    for (const i of a.enrichment.iocs) known.iocs.add(`${i.type}#${i.value.toLowerCase()}`);
  }
  next.keyAlerts = rankKeyAlerts(keys);
  next.judge = foldAlerts(prev.judge ?? legacyJudgeState(prev), alerts);
  const judged = judgeIncident(next.judge, CAPS.reasons);
  next.severity = judged.score;
  next.severityReasons = judged.reasons.map((r) => clipText(r, ENTRY_CHARS.reason));
  next.priorityBasis = judged.basis;
  next.conflicts = (prev.conflicts ?? 0) + alerts.filter((a) => a.flags.includes(ID_CONFLICT)).length;
  next.alertCount = prev.alertCount + alerts.length;
  next.duplicates = prev.duplicates + input.duplicates;
  next.suppressed = prev.suppressed + input.suppressed;
  const tokens = [...input.messageIds.map(messageToken), ...(input.duplicateMessageIds ?? []).map(duplicatesToken)];
  next.appliedMessages = [...prev.appliedMessages, ...tokens.filter((m) => !prev.appliedMessages.includes(m))].slice(
    -CAPS.applied,
  );
  if (input.outbreak === true) next.outbreak = true;
  next.version = prev.version + 1;
  return next;
}

/** The largest series value (step × 10^k, from 10 up) not above n; 0 below 10. */
export function countStep(n: number, steps: number[]): number {
  let best = 0;
  for (let p = 10; p <= n; p *= 10) for (const st of steps) if (st * p <= n) best = Math.max(best, st * p);
  return best;
}

const MATERIAL_IOC_TYPES = new Set(['ipv4', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256']);

export interface HandOffSettings {
  /** Incidents below this severity are kept and counted but not ticketed. */
  ticketThreshold: number;
  /**
   * Hand off again when the alert count reaches the next step of this series (times powers of ten): with the
   * default 1-2-5, at 10, 20, 50, 100, 200, 500, 1,000…, so a storm of 5,000 copies makes a handful of updates, not
   * fifty, and the ticket's count is never off by more than a factor of 2.5.
   */
  countSteps: number[];
}

/** Ticket from P3 up (severity 40): below it an incident is telemetry worth keeping, not an analyst's time. */
export const DEFAULT_HANDOFF: HandOffSettings = { ticketThreshold: 40, countSteps: [1, 2, 5] };

/**
 * A material change is worth a ticket-sync message: a new ticketable incident, a new technique, host, user or IOC,
 * a severity increase, or the alert count reaching the next order of magnitude. Anything else (duplicates, a storm's next copy) stays in DynamoDB.
 */
export function materialChange(
  prev: IncidentMeta,
  next: IncidentMeta,
  s: HandOffSettings = DEFAULT_HANDOFF,
): string | undefined {
  if (next.status === 'suppressed') return undefined;
  if (next.severity < s.ticketThreshold) return undefined;
  if (prev.notifiedVersion === 0) return 'new incident';
  if (next.severity > prev.severity) return `severity ${prev.severity} → ${next.severity}`;
  const grew = (k: 'techniques' | 'hosts' | 'users') => next[k].length > prev[k].length;
  if (grew('techniques')) return 'new technique';
  if (grew('hosts')) return 'new host';
  if (grew('users')) return 'new user';
  // A storm varies its command lines and paths alert by alert; a new address, domain, URL or hash is news.
  const networkOrHash = (m: IncidentMeta) => m.iocs.filter((i) => MATERIAL_IOC_TYPES.has(i.type)).length;
  if (networkOrHash(next) > networkOrHash(prev)) return 'new IOC';
  // An event that reused another's id with different content may be a forgery meant to hide the original.
  if ((next.conflicts ?? 0) > (prev.conflicts ?? 0)) return 'record id conflict';
  if (countStep(next.alertCount, s.countSteps) > countStep(prev.notifiedAlertCount, s.countSteps)) {
    return `alert count reached ${next.alertCount}`;
  }
  return undefined;
}
