import { enrichAlert, extractIocs, indicatorKey } from '../enrich';
import { correlate, DEFAULT_CORRELATION, keysToRead } from '../correlate/correlate';
import type { CorrelationSettings } from '../correlate/correlate';
import { DEFAULT_HANDOFF, emptyMeta, materialChange, mergeIntoMeta } from '../correlate/incident-meta';
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
  let inBatchDuplicates = 0;
  const copies = new Map<string, string[]>(); // alertId → messages carrying extra copies in this batch
  for (const u of units) {
    for (const a of u.alerts) {
      if (firstOf.has(a.alertId)) {
        inBatchDuplicates++;
        copies.set(a.alertId, [...(copies.get(a.alertId) ?? []), u.messageId]);
      } else firstOf.set(a.alertId, { alert: a, messageId: u.messageId });
    }
  }
  const seen = await store.getSeen([...firstOf.keys()]);
  const dupByIncident = new Map<string, number>();
  const dupMessages = new Map<string, Set<string>>(); // incidentId → messages whose duplicates it counts
  const addDup = (incidentId: string, messageIds: string[]): void => {
    dupByIncident.set(incidentId, (dupByIncident.get(incidentId) ?? 0) + messageIds.length);
    const set = dupMessages.get(incidentId) ?? new Set<string>();
    for (const m of messageIds) set.add(m);
    dupMessages.set(incidentId, set);
  };
  const fresh: { alert: Alert; messageId: string }[] = [];
  const retried = new Set<string>(); // alert ids claimed by an earlier attempt of the same message
  for (const [alertId, item] of firstOf) {
    const claim = seen.get(alertId);
    if (claim === undefined) fresh.push(item);
    else if (claim.messageId === item.messageId) {
      fresh.push(item);
      retried.add(alertId);
    } else addDup(claim.incidentId, [item.messageId, ...(copies.get(alertId) ?? [])]);
  }

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
  const corr = correlate(alerts, heads, settings.correlation, now());

  // 4. Claim each new alert id. A claim lost to a concurrent invocation makes the alert a duplicate there.
  const counted: EnrichedAlert[] = [];
  const claimedFrom = new Map<string, string>(); // alertId → messageId, for alerts an earlier attempt claimed
  for (const a of alerts) {
    const incidentId = corr.assignment.get(a.alertId)!;
    const messageId = messageOf.get(a.alertId)!;
    if (retried.has(a.alertId)) {
      claimedFrom.set(a.alertId, messageId);
      counted.push(a);
      continue;
    }
    const r = await store.claimSeen({ alertId: a.alertId, incidentId, messageId });
    if (r === 'claimed') counted.push(a);
    else if (r.messageId === messageId) {
      claimedFrom.set(a.alertId, messageId);
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
  const job = { claimedFrom, suppressions, corr, messageOf, store, queue, settings, now };
  // A failed incident fails only the messages that touched it: the others are done (their incidents recorded them).
  const failedMessages = new Set<string>();
  const failed = new Set<string>();
  const errors: string[] = [];
  let accepted = 0;
  for (const [incidentId, list] of byIncident) {
    try {
      const r = await writeIncident(incidentId, list, dupByIncident.get(incidentId) ?? 0, metas.get(incidentId), job);
      suppressedTotal += r.suppressed;
      accepted += list.length - r.suppressed;
      if (r.handOff) handOffs.push(r.handOff);
    } catch (err) {
      errors.push(`incident ${incidentId}: ${err instanceof Error ? err.message : String(err)}`);
      failed.add(incidentId);
      for (const a of list) failedMessages.add(messageOf.get(a.alertId)!);
      for (const m of dupMessages.get(incidentId) ?? []) failedMessages.add(m);
    }
    dupByIncident.delete(incidentId);
  }
  for (const [incidentId, n] of dupByIncident) await store.addDuplicates(incidentId, n);

  // 7. Point the group keys at their incidents (after the incident exists, so a reader never finds a dangling head).
  await store.putHeads(corr.heads.filter((h) => !failed.has(h.incidentId)));

  const failedDuplicates = [...failed].reduce((n, id) => n + (dupMessages.get(id)?.size ?? 0), 0);
  const duplicates = [...firstOf.keys()].length - counted.length + inBatchDuplicates - failedDuplicates;
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
  claimedFrom: Map<string, string>;
  suppressions: Map<string, string>;
  corr: ReturnType<typeof correlate>;
  messageOf: Map<string, string>;
  store: IngestStore;
  queue: TicketQueue;
  settings: IngestSettings;
  now: () => string;
}

/** Optimistic versioning: merge into what was read, write on condition, re-read and re-merge on a lost race. */
async function writeIncident(
  incidentId: string,
  list: EnrichedAlert[],
  duplicates: number,
  prefetched: IncidentMeta | undefined,
  job: WriteJob,
): Promise<{ suppressed: number; handOff?: HandOff }> {
  const { claimedFrom, suppressions, corr, messageOf, store, queue, settings, now } = job;
  let prev = prefetched;
  for (let attempt = 0; attempt < settings.maxVersionRetries; attempt++) {
    if (attempt > 0) prev = (await store.getMetas([incidentId])).get(incidentId);
    const first = [...list].sort((a, b) => a.eventTime.localeCompare(b.eventTime))[0];
    const base: IncidentMeta =
      prev ?? emptyMeta(incidentId, corr.keys.get(first.alertId)!.storm, corr.created.get(incidentId) ?? now(), first);
    // A retried message whose alerts this incident already counted adds nothing again.
    const fresh = list.filter((a) => {
      const m = claimedFrom.get(a.alertId);
      return m === undefined || !base.appliedMessages.includes(m);
    });
    const until = suppressions.get(base.groupKey) ?? base.suppressedUntil;
    const isSuppressed = until !== undefined && until > now();
    const next = mergeIntoMeta(base, {
      alerts: fresh,
      duplicates,
      suppressed: isSuppressed ? fresh.length : 0,
      messageIds: [...new Set(list.map((a) => messageOf.get(a.alertId)!))],
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
    if (await store.writeMeta(next, prev?.version ?? 0))
      return { suppressed: isSuppressed ? fresh.length : 0, handOff };
  }
  throw new RetryableError(`incident ${incidentId}: too many concurrent updates`, { incidentId });
}
