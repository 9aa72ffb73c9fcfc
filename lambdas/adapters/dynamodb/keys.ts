import { boundedKey } from '../../core/bounded';

/**
 * DynamoDB's key limits, in UTF-8 bytes. A key over them fails the whole request it is in (a batch write of 25
 * items, a batch read of 100 keys), so every key built from alert text is bounded here, whatever the caller passed.
 */
export const MAX_PARTITION_KEY_BYTES = 2048;
export const MAX_SORT_KEY_BYTES = 1024;

/** A partition key from any text: whole when short, else its readable prefix and a hash (see `boundedKey`). */
const pk = (text: string): string => boundedKey(text, MAX_PARTITION_KEY_BYTES);
/** A sort key from any text, bounded the same way. */
const sk = (text: string): string => boundedKey(text, MAX_SORT_KEY_BYTES);

/**
 * The single table's key layout (DESIGN.md "Data"): one place, so adapters and the CLI agree. Keys built from alert
 * text (alert ids, group keys, host, user and indicator values) are bounded: a long value keeps its readable prefix
 * and gains a hash of the whole, so a 2.4 KB command line is still one key, and no key can fail a batch.
 */
export const KEYS = {
  incidentMeta: (id: string) => ({ pk: pk(`INC#${id}`), sk: 'META' }),
  incidentTicket: (id: string) => ({ pk: pk(`INC#${id}`), sk: 'TICKET' }),
  alertItem: (incidentId: string, eventTime: string, alertId: string) => ({
    pk: pk(`INC#${incidentId}`),
    sk: sk(`ALERT#${eventTime}#${alertId}`),
  }),
  alertPrefix: 'ALERT#',
  seen: (alertId: string) => ({ pk: pk(`ALERT#${alertId}`), sk: 'SEEN' }),
  /** Where the host's link keys point (core/ingest/host-heads.ts): one item, so one conditional write moves them all. */
  hostHeads: (hostKey: string) => ({ pk: pk(`HOST#${hostKey}`), sk: 'HEADS' }),
  suppression: (groupKey: string) => ({ pk: pk(`GROUP#${groupKey}`), sk: 'SUPPRESS' }),
  asset: (hostKey: string) => ({ pk: pk(`ASSET#${hostKey}`), sk: 'CTX' }),
  user: (userKey: string) => ({ pk: pk(`USER#${userKey}`), sk: 'CTX' }),
  indicator: (typeAndValue: string) => ({ pk: pk(`IOC#${typeAndValue}`), sk: 'CTX' }),
  /** The partition of one UTC day's rejections (`day`: yyyy-mm-dd), read by `a2t dlq` and `a2t replay`. */
  rejectionDay: (day: string) => ({ pk: pk(`REJECT#${day}`) }),
  rejection: (day: string, time: string, id: string) => ({ ...KEYS.rejectionDay(day), sk: sk(`${time}#${id}`) }),
  webhook: (deliveryId: string) => ({ pk: pk(`WEBHOOK#${deliveryId}`), sk: 'SEEN' }),
} as const;

/**
 * Requested values by the partition key each one becomes: items read back are matched to what was asked for by
 * their key, never by slicing the (possibly hashed) key apart.
 */
export function byPartitionKey<T>(values: T[], keyOf: (v: T) => { pk: string }): Map<string, T> {
  return new Map(values.map((v) => [keyOf(v).pk, v] as const));
}

/** Retention (days) of each kind of item; DynamoDB deletes them after `expiresAt`. */
export const RETENTION_DAYS = { alert: 90, seen: 30, head: 30, rejection: 30, webhook: 7 } as const;

export function expiresAt(fromIso: string, days: number): number {
  return Math.floor(Date.parse(fromIso) / 1000) + days * 86400;
}
