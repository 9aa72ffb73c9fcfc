import { enrichAlert, extractIocs, indicatorKey } from '../enrich';
import { correlate, DEFAULT_CORRELATION, keysToRead } from '../correlate/correlate';
import type { CorrelationSettings } from '../correlate/correlate';
import {
  DEFAULT_HANDOFF,
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
import type { Rejection } from '../model/rejection';
import { RetryableError } from '../errors';
import type { HandOff, IngestStore, TicketQueue } from './ports';

/** One input unit: an SQS record (or a CLI file), already decoded and normalized. */
export interface IngestUnit {
  messageId: string;
  /** The message body, kept with its rejections for a later re-drive. */
  body?: string;
  alerts: Alert[];
  rejections: Rejection[];
}

export interface IngestSettings {
  correlation: CorrelationSettings;
  handOff: HandOffSettings;
  /** Conditional-write retries on one incident before the batch is given back to SQS. */
  maxVersionRetries: number;
}

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
 */
export async function ingestBatch(
  units: IngestUnit[],
  store: IngestStore,
  queue: TicketQueue,
  settings: IngestSettings = DEFAULT_INGEST,
  now: () => string = () => new Date().toISOString(),
): Promise<IngestResult> {
  const rejections = units.flatMap((u) => u.rejections);
  if (rejections.length > 0) {
    const bodies = new Map(
      units.flatMap((u) => (u.body === undefined ? [] : u.rejections.map((r) => [r.source, u.body!] as const))),
    );
    await store.putRejections(rejections, (source) => bodies.get(source));
  }

  // 1. Exact duplicates inside the batch, then against the store.
  const firstOf = new Map<string, { alert: Alert; messageId: string }>();
  const copies = new Map<string, string[]>(); // alertId → messages carrying extra copies in this batch
  for (const u of units) {
    for (const a of u.alerts) {
      if (firstOf.has(a.alertId)) {
        copies.set(a.alertId, [...(copies.get(a.alertId) ?? []), u.messageId]);
      } else firstOf.set(a.alertId, { alert: a, messageId: u.messageId });
    }
  }
  const seen = await store.getSeen([...firstOf.keys()]);
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

  // 3. Correlate against the open groups.
  const alerts = [...enriched.values()];
  const heads = await store.getHeads(keysToRead(alerts));
  const corr = correlate(alerts, heads, settings.correlation, now(), pins);

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
    const r = await store.claimSeen({ alertId: a.alertId, incidentId, messageId });
    if (r === 'claimed') counted.push(a);
    else if (r.messageId === messageId) {
      corr.assignment.set(a.alertId, r.incidentId);
      counted.push(a);
    } else addDup(r.incidentId, [messageId, ...(copies.get(a.alertId) ?? [])]);
  }
  for (const a of counted) {
    const extra = copies.get(a.alertId);
    if (extra) addDup(corr.assignment.get(a.alertId)!, extra);
  }

  // 5. Alerts as items, grouped by incident.
  const byIncident = new Map<string, EnrichedAlert[]>();
  for (const a of counted) {
    const id = corr.assignment.get(a.alertId)!;
    const list = byIncident.get(id) ?? [];
    list.push(a);
    byIncident.set(id, list);
  }
  await store.putAlerts(byIncident);

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

  // 7. Point the group keys at their incidents (after the incident exists, so a reader never finds a dangling head).
  await store.putHeads(corr.heads.filter((h) => !failed.has(h.incidentId)));

  const duplicates = duplicatesCounted;
  return {
    failedMessages,
    errors,
    accepted,
    duplicates,
    suppressed: suppressedTotal,
    rejected: rejections.length,
    incidents: new Map([...byIncident].filter(([id]) => !failed.has(id)).map(([id, l]) => [id, l.length])),
    handOffs,
  };
}

interface WriteJob {
  suppressions: Map<string, string>;
  corr: ReturnType<typeof correlate>;
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
    const until = suppressions.get(base.groupKey) ?? base.suppressedUntil;
    const isSuppressed = until !== undefined && until > now();
    const next = mergeIntoMeta(base, {
      alerts: fresh,
      duplicates,
      suppressed: isSuppressed ? fresh.length : 0,
      messageIds: [...new Set(list.map((a) => messageOf.get(a.alertId)!))],
      duplicateMessageIds: dupsNew.map(([m]) => m),
    });
    if (isSuppressed) next.status = 'suppressed';
    const reason = materialChange(base, next, settings.handOff);
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
