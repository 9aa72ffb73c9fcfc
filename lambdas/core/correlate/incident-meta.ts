import { createHash } from 'node:crypto';
import type { EnrichedAlert, Ioc } from '../model/enrichment';
import type { IncidentStatus } from '../model/incident';
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
}

export const CAPS = {
  hosts: 20,
  users: 50,
  techniques: 50,
  sources: 20,
  rules: 50,
  iocs: 100,
  reasons: 12,
  applied: 200,
};

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

/** The META item keeps up to 100 IOCs: each value is clipped so they fit whatever a command line holds. */
const MAX_IOC_CHARS = 512;
function clipIoc(i: Ioc): Ioc {
  if (i.value.length <= MAX_IOC_CHARS && i.defanged.length <= MAX_IOC_CHARS) return i;
  return { ...i, value: `${i.value.slice(0, MAX_IOC_CHARS)}…`, defanged: `${i.defanged.slice(0, MAX_IOC_CHARS)}…` };
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
}

/** Fold a batch's alerts into the incident: pure; the caller writes the result under a version condition. */
export function mergeIntoMeta(prev: IncidentMeta, input: MergeInput): IncidentMeta {
  const next: IncidentMeta = { ...prev, overflow: { ...prev.overflow } };
  const alerts = [...input.alerts].sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  for (const a of alerts) {
    if (a.eventTime < next.firstSeen) next.firstSeen = a.eventTime;
    if (a.eventTime > next.lastSeen) next.lastSeen = a.eventTime;
  }
  const o = next.overflow;
  next.hosts = addCapped(
    prev.hosts,
    alerts.map((a) => a.enrichment.hostKey),
    CAPS.hosts,
    same,
    o,
    'hosts',
  );
  next.hostNames = addCapped(
    prev.hostNames,
    alerts.map((a) => a.host.name),
    CAPS.hosts,
    (x) => x.toLowerCase(),
    o,
    'hostNames',
  );
  next.users = addCapped(
    prev.users,
    alerts.flatMap((a) => (a.user ? [userKey(a.user.name)] : [])),
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
    alerts.flatMap((a) => (a.rule ? [a.rule.name] : [])),
    CAPS.rules,
    same,
    o,
    'rules',
  );
  next.iocs = addCapped(
    prev.iocs,
    alerts.flatMap((a) => a.enrichment.iocs.map(clipIoc)),
    CAPS.iocs,
    (i) => `${i.type}#${i.value.toLowerCase()}`,
    o,
    'iocs',
  );
  for (const a of alerts) {
    if (a.enrichment.severity.score > next.severity) {
      next.severity = a.enrichment.severity.score;
      next.severityReasons = a.enrichment.severity.reasons.slice(0, CAPS.reasons);
    }
  }
  next.alertCount = prev.alertCount + alerts.length;
  next.duplicates = prev.duplicates + input.duplicates;
  next.suppressed = prev.suppressed + input.suppressed;
  const tokens = [...input.messageIds.map(messageToken), ...(input.duplicateMessageIds ?? []).map(duplicatesToken)];
  next.appliedMessages = [...prev.appliedMessages, ...tokens.filter((m) => !prev.appliedMessages.includes(m))].slice(
    -CAPS.applied,
  );
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
  if (countStep(next.alertCount, s.countSteps) > countStep(prev.notifiedAlertCount, s.countSteps)) {
    return `alert count reached ${next.alertCount}`;
  }
  return undefined;
}
