import { enrichAlert, extractIocs, indicatorKey } from '../enrich';
import { DEFAULT_CORRELATION } from '../correlate/correlate';
import type { Correlation, CorrelationSettings } from '../correlate/correlate';
import {
  DEFAULT_HANDOFF,
  ID_CONFLICT,
  duplicatesToken,
  emptyMeta,
  materialChange,
  mergeIntoMeta,
  messageToken,
} from '../correlate/incident-meta';
import type { HandOffSettings, IncidentMeta } from '../correlate/incident-meta';
import { hostKey, userKey } from '../model/host';
import type { Alert } from '../model/alert';
import type { EnrichedAlert } from '../model/enrichment';
import { makeRejection } from '../model/rejection';
import type { Rejection } from '../model/rejection';
import { PermanentError, RetryableError, errorMessage } from '../errors';
import { conflictId, contentFingerprint } from './fingerprint';
import { HEAD_CLAIM_ATTEMPTS, correlateAndClaim } from './host-heads';
import type { HandOff, IngestStore, Suppression, TicketQueue } from './ports';

/** One input unit: an SQS record (or a CLI file), already decoded and normalized. */
export interface IngestUnit {
  messageId: string;
  /** The message body, kept with its rejections for a later re-drive. */
  body?: string;
  alerts: Alert[];
  rejections: Rejection[];
  /** Where it came from, as rejections name it (`sqs:<id>`, a file path); default the message id. */
  source?: string;
}

export interface IngestSettings {
  correlation: CorrelationSettings;
  handOff: HandOffSettings;
  /** Conditional-write retries on one incident before the batch is given back to SQS. */
  maxVersionRetries: number;
}

/**
 * A severity rise of at least this much over a suppressed incident's, or a technique it did not have, breaks
 * through a false-positive verdict: the verdict was about what the analyst saw, not about what comes next.
 */
export const BREAKTHROUGH_SEVERITY_RISE = 20;

export const DEFAULT_INGEST: IngestSettings = {
  correlation: DEFAULT_CORRELATION,
  handOff: DEFAULT_HANDOFF,
  maxVersionRetries: 8,
};

export interface IngestResult {
  accepted: number;
  duplicates: number;
  suppressed: number;
  rejected: number;
  /** incidentId → unique alerts this batch added. */
  incidents: Map<string, number>;
  /** Messages to give back to the queue: they touched an incident whose write failed (the rest are done). */
  failedMessages: Set<string>;
  /** Why, one line per failed incident. */
  errors: string[];
  handOffs: HandOff[];
}

/**
 * The ingest stage over a batch: dedupe, enrich, correlate, store, hand off. Storage and the queue are ports, so
 * the same code runs in the Lambda (DynamoDB, SQS) and in the CLI (memory or the embedded local servers).
 *
 * Exactly-once counting without transactions: each new alert id is claimed with a conditional put that records the
 * message carrying it; each incident write is conditional on its version and records the messages it counted.
 * A retry after a crash finds its own claims and counts them only if the incident has not recorded the message.
 *
 * One record never fails the batch: an alert the store refuses becomes a rejection with the store's reason, and
 * should a request fail for what one message holds (a `PermanentError` from the store), the batch is run again
 * message by message (a retry is exact, see above): the messages that store are done, the one that does not
 * becomes a rejection (its body kept for a re-drive), and a transient fault fails only its own message.
 */
export async function ingestBatch(
  units: IngestUnit[],
  store: IngestStore,
  queue: TicketQueue,
  settings: IngestSettings = DEFAULT_INGEST,
  now: () => string = () => new Date().toISOString(),
): Promise<IngestResult> {
  try {
    return await ingestUnits(units, store, queue, settings, now);
  } catch (err) {
    if (!(err instanceof PermanentError)) throw err;
    if (units.length === 1) return rejectUnit(units[0], err, store, now);
    const total = emptyResult();
    for (const u of units) {
      try {
        addResult(total, await ingestUnits([u], store, queue, settings, now));
      } catch (e) {
        if (e instanceof PermanentError) addResult(total, await rejectUnit(u, e, store, now));
        else {
          total.failedMessages.add(u.messageId);
          total.errors.push(`message ${u.messageId}: ${errorMessage(e)}`);
        }
      }
    }
    return total;
  }
}

function emptyResult(): IngestResult {
  return {
    accepted: 0,
    duplicates: 0,
    suppressed: 0,
    rejected: 0,
    incidents: new Map(),
    failedMessages: new Set(),
    errors: [],
    handOffs: [],
  };
}

function addResult(total: IngestResult, r: IngestResult): void {
  total.accepted += r.accepted;
  total.duplicates += r.duplicates;
  total.suppressed += r.suppressed;
  total.rejected += r.rejected;
  for (const [id, n] of r.incidents) total.incidents.set(id, (total.incidents.get(id) ?? 0) + n);
  for (const m of r.failedMessages) total.failedMessages.add(m);
  total.errors.push(...r.errors);
  total.handOffs.push(...r.handOffs);
}

/**
 * A message the store refuses whatever we do: one rejection for it, with the store's reason and its body (for a
 * re-drive once the cause is fixed), and the alert ids it claimed given back, so that re-drive is not a duplicate.
 */
async function rejectUnit(u: IngestUnit, err: PermanentError, store: IngestStore, now: () => string) {
  const ids = u.alerts.flatMap((a) => [a.alertId, conflictId(a.alertId, contentFingerprint(a))]);
  for (const id of new Set(ids)) await store.releaseClaim(id, u.messageId);
  const text = u.body ?? JSON.stringify(u.alerts.map((a) => a.alertId));
  const time = u.alerts[0]?.receivedTime ?? u.rejections[0]?.time ?? now();
  const rejection = makeRejection(u.source ?? u.messageId, 'message', `cannot be stored: ${err.message}`, text, time);
  await store.putRejections([rejection], () => u.body);
  const r = emptyResult();
  r.rejected = 1;
  r.errors.push(`message ${u.messageId}: ${err.message}`);
  return r;
}

/** An alert kept under an id of its own because another event with different content already holds its id. */
function asConflict(alert: Alert, fingerprint: string): Alert {
  return {
    ...alert,
    alertId: conflictId(alert.alertId, fingerprint),
    flags: alert.flags.includes(ID_CONFLICT) ? alert.flags : [...alert.flags, ID_CONFLICT],
  };
}

async function ingestUnits(
  units: IngestUnit[],
  store: IngestStore,
  queue: TicketQueue,
  settings: IngestSettings,
  now: () => string,
): Promise<IngestResult> {
  const rejections = units.flatMap((u) => u.rejections);
  const bodies = new Map(
    units.flatMap((u) => (u.body === undefined ? [] : u.rejections.map((r) => [r.source, u.body!] as const))),
  );
  if (rejections.length > 0) await store.putRejections(rejections, (source) => bodies.get(source));

  // 1. Exact duplicates inside the batch, then against the store. The same id with different content is not a
  // duplicate but a conflict (a forged event claiming a real one's id, or the real one after such a forgery): the
  // newcomer is kept under an id of its own, flagged, and counted on its incident, never silently dropped.
  const fingerprints = new Map<string, string>(); // alertId → fingerprint of the alert kept under it
  const firstOf = new Map<string, { alert: Alert; messageId: string }>();
  const copies = new Map<string, string[]>(); // alertId → messages carrying extra copies in this batch
  const take = (alert: Alert, messageId: string, fp: string): void => {
    const held = fingerprints.get(alert.alertId);
    if (held === undefined) {
      fingerprints.set(alert.alertId, fp);
      firstOf.set(alert.alertId, { alert, messageId });
    } else if (held === fp) copies.set(alert.alertId, [...(copies.get(alert.alertId) ?? []), messageId]);
    else take(asConflict(alert, fp), messageId, fp);
  };
  for (const u of units) for (const a of u.alerts) take(a, u.messageId, contentFingerprint(a));
  const seen = await store.getSeen([...firstOf.keys()]);
  // Claims on the same id by another message, for another content: conflicts, kept under their own ids.
  const conflicted: string[] = [];
  for (const [alertId, item] of firstOf) {
    const claim = seen.get(alertId);
    const fp = fingerprints.get(alertId)!;
    if (claim === undefined || claim.messageId === item.messageId || claim.fingerprint === undefined) continue;
    if (claim.fingerprint === fp) continue;
    const moved = asConflict(item.alert, fp);
    firstOf.delete(alertId);
    const extra = copies.get(alertId);
    copies.delete(alertId);
    if (firstOf.has(moved.alertId)) {
      copies.set(moved.alertId, [...(copies.get(moved.alertId) ?? []), item.messageId, ...(extra ?? [])]);
      continue;
    }
    firstOf.set(moved.alertId, { alert: moved, messageId: item.messageId });
    fingerprints.set(moved.alertId, fp);
    if (extra !== undefined) copies.set(moved.alertId, extra);
    conflicted.push(moved.alertId);
  }
  if (conflicted.length > 0) for (const [id, c] of await store.getSeen(conflicted)) seen.set(id, c);
  // incidentId → message → duplicates it carries: counted once per message, so a redelivery adds none.
  const dupByIncident = new Map<string, Map<string, number>>();
  const addDup = (incidentId: string, messageIds: string[]): void => {
    const perMessage = dupByIncident.get(incidentId) ?? new Map<string, number>();
    for (const m of messageIds) perMessage.set(m, (perMessage.get(m) ?? 0) + 1);
    dupByIncident.set(incidentId, perMessage);
  };
  const fresh: { alert: Alert; messageId: string }[] = [];
  const claimedBefore = new Map<string, string>(); // alertId → incident an earlier attempt of its message claimed
  for (const [alertId, item] of firstOf) {
    const claim = seen.get(alertId);
    if (claim === undefined) fresh.push(item);
    else if (claim.messageId === item.messageId) {
      fresh.push(item);
      claimedBefore.set(alertId, claim.incidentId);
    } else addDup(claim.incidentId, [item.messageId, ...(copies.get(alertId) ?? [])]);
  }
  // An earlier attempt's claim pins its alert only where that incident exists (it may have counted it there). A
  // claim naming an incident the failed attempt never wrote is moved to wherever correlation now puts the alert,
  // so a redelivery does not split an attack that another batch has meanwhile opened an incident for.
  const existing = await store.getMetas([...new Set(claimedBefore.values())]);
  const pins = new Map([...claimedBefore].filter(([, incidentId]) => existing.has(incidentId)));

  // 2. Enrich with the context these alerts need.
  const iocsOf = new Map(fresh.map(({ alert }) => [alert.alertId, extractIocs(alert)] as const));
  const ctx = await store.loadContext({
    hosts: [...new Set(fresh.map(({ alert }) => hostKey(alert.host.name)))],
    users: [...new Set(fresh.flatMap(({ alert }) => (alert.user ? [userKey(alert.user.name)] : [])))],
    indicators: [...new Set([...iocsOf.values()].flat().flatMap((i) => indicatorKey(i.type, i.value) ?? []))],
  });
  const enriched = new Map<string, EnrichedAlert>();
  const messageOf = new Map<string, string>();
  for (const { alert, messageId } of fresh) {
    enriched.set(alert.alertId, enrichAlert(alert, ctx));
    messageOf.set(alert.alertId, messageId);
  }

  // 3. Correlate against the open groups (one message naming many new hosts becomes one outbreak incident), and
  // claim the heads before anything names an incident: a concurrent batch of the same attack either sees them or
  // loses the conditional write and correlates again (host-heads.ts).
  const alerts = [...enriched.values()];
  const corr = await correlateAndClaim(alerts, store, {
    settings: settings.correlation,
    now,
    pins,
    messageOf,
    maxAttempts: HEAD_CLAIM_ATTEMPTS,
  });

  // 4. Claim each new alert id. A claim lost to a concurrent invocation makes the alert a duplicate there; a claim
  // held by the same message (a redelivery running at the same time) keeps the alert where that claim put it.
  const counted: EnrichedAlert[] = [];
  for (const a of alerts) {
    const incidentId = corr.assignment.get(a.alertId)!;
    const messageId = messageOf.get(a.alertId)!;
    if (pins.has(a.alertId)) {
      counted.push(a);
      continue;
    }
    const before = claimedBefore.get(a.alertId);
    if (before !== undefined) {
      if (before !== incidentId)
        await store.moveClaim({ alertId: a.alertId, messageId, from: before, to: incidentId, eventTime: a.eventTime });
      counted.push(a);
      continue;
    }
    const fingerprint = fingerprints.get(a.alertId)!;
    const r = await store.claimSeen({ alertId: a.alertId, incidentId, messageId, fingerprint });
    if (r === 'claimed') counted.push(a);
    else if (r.messageId === messageId) {
      corr.assignment.set(a.alertId, r.incidentId);
      counted.push(a);
    } else if (r.fingerprint !== undefined && r.fingerprint !== fingerprint && !a.flags.includes(ID_CONFLICT)) {
      // Lost the claim to a concurrent delivery of a different event with this id: keep this one as a conflict.
      const moved: EnrichedAlert = { ...a, ...asConflict(a, fingerprint) };
      const again = await store.claimSeen({ alertId: moved.alertId, incidentId, messageId, fingerprint });
      if (again === 'claimed' || again.messageId === messageId) {
        if (again !== 'claimed') corr.assignment.set(moved.alertId, again.incidentId);
        else corr.assignment.set(moved.alertId, incidentId);
        messageOf.set(moved.alertId, messageId);
        corr.keys.set(moved.alertId, corr.keys.get(a.alertId)!);
        const extra = copies.get(a.alertId);
        if (extra !== undefined) copies.set(moved.alertId, extra);
        counted.push(moved);
      } else addDup(again.incidentId, [messageId, ...(copies.get(a.alertId) ?? [])]);
    } else addDup(r.incidentId, [messageId, ...(copies.get(a.alertId) ?? [])]);
  }
  for (const a of counted) {
    const extra = copies.get(a.alertId);
    if (extra) addDup(corr.assignment.get(a.alertId)!, extra);
  }

  // 5. Alerts as items, grouped by incident. An alert the store refuses becomes a rejection: its claim is given
  // back and it is left out of its incident, and every other alert goes on.
  const group = (list: EnrichedAlert[]): Map<string, EnrichedAlert[]> => {
    const out = new Map<string, EnrichedAlert[]>();
    for (const a of list) {
      const id = corr.assignment.get(a.alertId)!;
      out.set(id, [...(out.get(id) ?? []), a]);
    }
    return out;
  };
  const unstored = await store.putAlerts(group(counted));
  const refused = new Map(unstored.map((u) => [u.alertId, u.reason] as const));
  const storeRejections: Rejection[] = [];
  for (const a of counted.filter((x) => refused.has(x.alertId))) {
    const messageId = messageOf.get(a.alertId)!;
    await store.releaseClaim(a.alertId, messageId);
    copies.delete(a.alertId);
    const unit = units.find((u) => u.messageId === messageId);
    storeRejections.push(
      makeRejection(
        unit?.source ?? messageId,
        `alert ${a.alertId.slice(0, 200)}`,
        `cannot be stored: ${refused.get(a.alertId)!}`,
        JSON.stringify({ ...a, enrichment: undefined, raw: undefined }),
        // The message's receive time, as for every rejection: a redelivery rewrites the same item.
        a.receivedTime,
      ),
    );
    if (unit?.body !== undefined) bodies.set(unit.source ?? messageId, unit.body);
  }
  const byIncident = group(counted.filter((a) => !refused.has(a.alertId)));

  // 6. One conditional write per incident, duplicates and suppression folded in.
  const suppressions = await store.getSuppressions([...new Set(alerts.map((a) => corr.keys.get(a.alertId)!.storm))]);
  const handOffs: HandOff[] = [];
  let suppressedTotal = 0;
  const metas = await store.getMetas([...byIncident.keys()]);
  const job = { suppressions, corr, messageOf, store, queue, settings, now };
  // A failed incident fails only the messages that touched it: the others are done (their incidents recorded them).
  const failedMessages = new Set<string>();
  const failed = new Set<string>();
  const errors: string[] = [];
  let accepted = 0;
  let duplicatesCounted = 0;
  for (const [incidentId, list] of byIncident) {
    const dups = dupByIncident.get(incidentId) ?? new Map<string, number>();
    try {
      const r = await writeIncident(incidentId, list, dups, metas.get(incidentId), job);
      suppressedTotal += r.suppressed;
      accepted += r.counted - r.suppressed;
      duplicatesCounted += r.duplicates;
      if (r.handOff) handOffs.push(r.handOff);
    } catch (err) {
      errors.push(`incident ${incidentId}: ${err instanceof Error ? err.message : String(err)}`);
      failed.add(incidentId);
      for (const a of list) failedMessages.add(messageOf.get(a.alertId)!);
      for (const m of dups.keys()) failedMessages.add(m);
    }
    dupByIncident.delete(incidentId);
  }
  // Duplicates of alerts whose incident this batch does not touch: one conditional update per incident and message.
  for (const [incidentId, perMessage] of dupByIncident) {
    for (const [messageId, n] of perMessage) {
      const r = await store.addDuplicates(incidentId, n, messageId);
      // The claim names an incident a crashed attempt never wrote: its retry will; count this message then.
      if (r === 'missing') failedMessages.add(messageId);
      else if (r === 'applied') duplicatesCounted += n;
    }
  }

  if (storeRejections.length > 0) await store.putRejections(storeRejections, (source) => bodies.get(source));

  const duplicates = duplicatesCounted;
  return {
    failedMessages,
    errors,
    accepted,
    duplicates,
    suppressed: suppressedTotal,
    rejected: rejections.length + storeRejections.length,
    incidents: new Map([...byIncident].filter(([id]) => !failed.has(id)).map(([id, l]) => [id, l.length])),
    handOffs,
  };
}

interface WriteJob {
  suppressions: Map<string, Suppression>;
  corr: Correlation;
  messageOf: Map<string, string>;
  store: IngestStore;
  queue: TicketQueue;
  settings: IngestSettings;
  now: () => string;
}

/**
 * Optimistic versioning: merge into what was read, write on condition, re-read and re-merge on a lost race.
 * Exactly once per message: a message the incident already recorded (a redelivery, or a concurrent delivery of the
 * same message that won the race) adds none of its alerts or duplicates again.
 */
async function writeIncident(
  incidentId: string,
  list: EnrichedAlert[],
  dups: Map<string, number>,
  prefetched: IncidentMeta | undefined,
  job: WriteJob,
): Promise<{ counted: number; duplicates: number; suppressed: number; handOff?: HandOff }> {
  const { suppressions, corr, messageOf, store, queue, settings, now } = job;
  let prev = prefetched;
  for (let attempt = 0; attempt < settings.maxVersionRetries; attempt++) {
    if (attempt > 0) prev = (await store.getMetas([incidentId])).get(incidentId);
    const first = [...list].sort((a, b) => a.eventTime.localeCompare(b.eventTime))[0];
    const base: IncidentMeta =
      prev ?? emptyMeta(incidentId, corr.keys.get(first.alertId)!.storm, corr.created.get(incidentId) ?? now(), first);
    const applied = new Set(base.appliedMessages);
    const fresh = list.filter((a) => !applied.has(messageToken(messageOf.get(a.alertId)!)));
    const dupsNew = [...dups].filter(([m]) => !applied.has(duplicatesToken(m)));
    const duplicates = dupsNew.reduce((n, [, c]) => n + c, 0);
    const verdict = suppressions.get(base.groupKey);
    const until = verdict?.until ?? base.suppressedUntil;
    // A verdict covers what the analyst saw: a new technique or a far higher severity breaks through it, for good.
    // What was seen is what the verdict recorded; else, for the judged incident itself, the incident as it was.
    const underVerdict = until !== undefined && until > now() && base.breakthrough === undefined;
    const judged = verdict?.judged ?? (prev !== undefined ? base : undefined);
    const next = mergeIntoMeta(base, {
      alerts: fresh,
      duplicates,
      suppressed: 0,
      messageIds: [...new Set(list.map((a) => messageOf.get(a.alertId)!))],
      duplicateMessageIds: dupsNew.map(([m]) => m),
      outbreak: corr.outbreaks.has(incidentId),
    });
    const breakthrough = underVerdict && judged !== undefined ? breakthroughReason(judged, next) : undefined;
    const isSuppressed = underVerdict && breakthrough === undefined;
    if (isSuppressed) next.suppressed += fresh.length;
    if (isSuppressed) next.status = 'suppressed';
    if (breakthrough !== undefined) {
      next.status = 'open';
      next.breakthrough = breakthrough;
    }
    const material = materialChange(base, next, settings.handOff);
    const reason =
      breakthrough !== undefined && next.severity >= settings.handOff.ticketThreshold
        ? `breaks through a false-positive verdict: ${breakthrough}`
        : material;
    let handOff: HandOff | undefined;
    if (reason !== undefined) {
      next.notifiedVersion = next.version;
      next.notifiedAlertCount = next.alertCount;
      handOff = { incidentId, version: next.version, reason };
      // Sent before the write: if the write then loses a race, ticket-sync simply syncs whatever version is current.
      await queue.send([handOff]);
    }
    if (await store.writeMeta(next, prev?.version ?? 0)) {
      return { counted: fresh.length, duplicates, suppressed: isSuppressed ? fresh.length : 0, handOff };
    }
  }
  throw new RetryableError(`incident ${incidentId}: too many concurrent updates`, { incidentId });
}

/**
 * Why new alerts of a suppressed incident break through its verdict: a technique the incident did not have, or a
 * severity at least `BREAKTHROUGH_SEVERITY_RISE` above what the analyst judged. `next` is the incident with them.
 */
export function breakthroughReason(
  judged: { severity: number; techniques: string[] },
  next: IncidentMeta,
): string | undefined {
  const known = new Set(judged.techniques);
  const technique = next.techniques.find((t) => !known.has(t));
  if (technique !== undefined) return `new technique ${technique}`;
  return next.severity >= judged.severity + BREAKTHROUGH_SEVERITY_RISE
    ? `severity ${judged.severity} → ${next.severity}`
    : undefined;
}
