import { MAX_ALERT_ITEM_BYTES, serializeAlert } from '../../../lambdas/adapters/dynamodb/ingest-store';
import { MAX_ITEM_BYTES, itemBytes } from '../../../lambdas/adapters/dynamodb/item-size';
import { KEYS } from '../../../lambdas/adapters/dynamodb/keys';
import { CAPS, emptyMeta, mergeIntoMeta } from '../../../lambdas/core/correlate/incident-meta';
import type { IncidentMeta } from '../../../lambdas/core/correlate/incident-meta';
import { MAX_LINK_KEY_CHARS } from '../../../lambdas/core/correlate/keys';
import { capAlert, MAX_ALERT_ID_CHARS, MAX_FIELD_CHARS } from '../../../lambdas/core/formats/cap';
import { IOC_TYPES } from '../../../lambdas/core/model/enrichment';
import type { EnrichedAlert, Ioc } from '../../../lambdas/core/model/enrichment';
import { makeEnriched } from '../../helpers/alerts';

/**
 * The worst case, computed: DynamoDB refuses an item over 400 KB, and the META item and the alert items are rewritten
 * from whatever alerts an intruder writes. Every string here is the longest the pipeline lets through, made of
 * three-byte UTF-8 characters (the most bytes a UTF-16 code unit can cost).
 */

/** `n` code units costing 3 bytes each in UTF-8, distinct per `tag`. */
const wide = (tag: string | number, n: number): string => `${tag}:`.padEnd(n, '€');

/**
 * Full-size lists only where the item can keep them: two alerts' 240 indicators already overflow the IOC cap (every
 * entry is clipped to the same length whichever alert it came from), and the reasons kept are the strongest alert's
 * (score 100: i = 100, 201). Building 120 indicators of 32 KiB for each of 300 alerts proved nothing more and cost
 * over a minute.
 */
const fullLists = (i: number): boolean => i < 2 || i % 101 === 100;

function hostileAlert(i: number): EnrichedAlert {
  const base = makeEnriched({
    alertId: wide(`sysmon:${i}`, MAX_ALERT_ID_CHARS),
    host: { name: wide(`host-${i}`, MAX_FIELD_CHARS) },
    user: { name: wide(`user-${i}`, MAX_FIELD_CHARS) },
    rule: { name: wide(`rule-${i}`, MAX_FIELD_CHARS) },
    techniques: [`T${String(1000 + (i % 9000)).padStart(4, '0')}`],
  });
  const iocs: Ioc[] = Array.from({ length: fullLists(i) ? 120 : 2 }, (_, k) => ({
    type: IOC_TYPES[k % IOC_TYPES.length],
    value: wide(`ioc-${i}-${k}`, MAX_FIELD_CHARS),
    defanged: wide(`ioc-${i}-${k}`, MAX_FIELD_CHARS),
    role: wide(`role-${i}-${k}`, MAX_FIELD_CHARS),
  }));
  return {
    ...base,
    enrichment: {
      ...base.enrichment,
      hostKey: wide(`hostkey-${i}`, MAX_FIELD_CHARS),
      iocs,
      severity: {
        score: i % 101,
        reasons: Array.from({ length: fullLists(i) ? 40 : 2 }, (_, k) => wide(`reason-${i}-${k}`, MAX_FIELD_CHARS)),
      },
    },
  };
}

describe('the incident META item, worst case', () => {
  let worst: IncidentMeta;

  beforeAll(() => {
    // Enough hostile alerts to fill every capped list, merged as ingest merges them, batch after batch.
    let meta = emptyMeta(
      'INC-20240215-0123456789',
      wide('storm', MAX_LINK_KEY_CHARS),
      '2024-02-15T21:25:03.000Z',
      hostileAlert(0),
    );
    for (let batch = 0; batch < 30; batch++) {
      const alerts = Array.from({ length: 10 }, (_, k) => hostileAlert(batch * 10 + k));
      meta = mergeIntoMeta(meta, {
        alerts,
        duplicates: 1,
        suppressed: 0,
        messageIds: Array.from({ length: 10 }, (_, k) => `message-${batch}-${k}`),
        duplicateMessageIds: [`dup-${batch}`],
        outbreak: true,
      });
    }
    // Fields ticket-sync and the webhook set on the item.
    worst = {
      ...meta,
      ticketKey: 'SOC-123456',
      ticketStatus: 'Won\u2019t Do',
      suppressedUntil: '2024-03-15T21:25:03.000Z',
      breakthrough: 'severity 40 → 100',
    };
  });

  it('has every list full (the reasons at most full) and every entry at its longest', () => {
    expect(worst.hosts).toHaveLength(CAPS.hosts);
    expect(worst.hostNames).toHaveLength(CAPS.hosts);
    expect(worst.users).toHaveLength(CAPS.users);
    expect(worst.rules).toHaveLength(CAPS.rules);
    expect(worst.iocs).toHaveLength(CAPS.iocs);
    expect(worst.severityReasons.length).toBeLessThanOrEqual(CAPS.reasons);
    expect(worst.appliedMessages).toHaveLength(CAPS.applied);
    expect(worst.keyAlerts).toHaveLength(CAPS.keyAlerts);
  });

  it('stays within DynamoDB\u2019s 400 KB item limit, with room to spare', () => {
    const bytes = itemBytes({ ...KEYS.incidentMeta(worst.incidentId), ...worst });
    // Measured: 289,370 bytes (see docs/security.md). The margin covers fields added later, not luck.
    expect(bytes).toBeLessThan(MAX_ITEM_BYTES * 0.8);
  });
});

describe('the alert item, worst case', () => {
  it('fits one item whatever the alert carries: every field at its cap, thousands of indicators, a 10 MB raw record', () => {
    const alert = hostileAlert(1);
    const capped = capAlert({
      ...alert,
      description: wide('d', 500_000),
      process: {
        image: wide('img', 500_000),
        commandLine: wide('cmd', 500_000),
        parent: { image: wide('pimg', 500_000), commandLine: wide('pcmd', 500_000) },
      },
      registry: { key: wide('k', 500_000), valueData: wide('v', 500_000) },
      artifacts: Array.from({ length: 100 }, (_, k) => ({ type: 'file' as const, value: wide(`a${k}`, 500_000) })),
      raw: wide('raw', 10 * 1024 * 1024),
    });
    const stored = {
      ...alert,
      ...capped,
      enrichment: { ...alert.enrichment, iocs: alert.enrichment.iocs.concat(alert.enrichment.iocs) },
    };
    const data = serializeAlert(stored);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_ALERT_ITEM_BYTES);
    const item = {
      ...KEYS.alertItem('INC-20240215-0123456789', stored.eventTime, stored.alertId),
      alertId: stored.alertId,
      data,
      expiresAt: 1,
    };
    expect(itemBytes(item)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
    const back = JSON.parse(data) as EnrichedAlert;
    expect(back.flags).toEqual(expect.arrayContaining(['field-truncated', 'stored-truncated']));
    expect(back.alertId).toBe(stored.alertId);
    expect(back.enrichment.hostKey.length).toBeGreaterThan(0);
  });

  it('keeps an alert that fits exactly as it was', () => {
    const a = makeEnriched();
    expect(serializeAlert(a)).toBe(JSON.stringify(a));
  });
});
