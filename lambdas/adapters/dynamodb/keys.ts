/** The single table's key layout (DESIGN.md "Data"): one place, so adapters and the CLI agree. */
export const KEYS = {
  incidentMeta: (id: string) => ({ pk: `INC#${id}`, sk: 'META' }),
  incidentTicket: (id: string) => ({ pk: `INC#${id}`, sk: 'TICKET' }),
  alertItem: (incidentId: string, eventTime: string, alertId: string) => ({
    pk: `INC#${incidentId}`,
    sk: `ALERT#${eventTime}#${alertId}`,
  }),
  alertPrefix: 'ALERT#',
  seen: (alertId: string) => ({ pk: `ALERT#${alertId}`, sk: 'SEEN' }),
  head: (key: string) => ({ pk: `GROUP#${key}`, sk: 'OPEN' }),
  suppression: (groupKey: string) => ({ pk: `GROUP#${groupKey}`, sk: 'SUPPRESS' }),
  asset: (hostKey: string) => ({ pk: `ASSET#${hostKey}`, sk: 'CTX' }),
  user: (userKey: string) => ({ pk: `USER#${userKey}`, sk: 'CTX' }),
  indicator: (typeAndValue: string) => ({ pk: `IOC#${typeAndValue}`, sk: 'CTX' }),
  /** The partition of one UTC day's rejections (`day`: yyyy-mm-dd), read by `a2t dlq` and `a2t replay`. */
  rejectionDay: (day: string) => ({ pk: `REJECT#${day}` }),
  rejection: (day: string, time: string, id: string) => ({ ...KEYS.rejectionDay(day), sk: `${time}#${id}` }),
  webhook: (deliveryId: string) => ({ pk: `WEBHOOK#${deliveryId}`, sk: 'SEEN' }),
} as const;

/** Retention (days) of each kind of item; DynamoDB deletes them after `expiresAt`. */
export const RETENTION_DAYS = { alert: 90, seen: 30, head: 30, rejection: 30, webhook: 7 } as const;

export function expiresAt(fromIso: string, days: number): number {
  return Math.floor(Date.parse(fromIso) / 1000) + days * 86400;
}
