import type { EnrichedAlert } from '../model/enrichment';
import { eventRef } from './display';
import type { DraftLimits } from './limits';
import { clip, utc } from './text';
import type { RawEvidence } from '../model/report';

/**
 * Raw evidence: each analysed alert's original record, as text, cut to a size. JSON records are pretty-printed
 * with null-valued fields left out (a null carries no evidence and reads like a rendering fault); Sysmon XML is
 * kept as it came.
 */

function recordText(raw: unknown): string {
  if (raw === undefined || raw === null) return 'The source kept no raw record for this alert.';
  if (typeof raw === 'string') return raw;
  const json = JSON.stringify(
    raw,
    (_k, v: unknown) => (v === null ? undefined : Array.isArray(v) ? v.filter((x) => x !== null) : v),
    2,
  );
  return json ?? 'The raw record could not be shown as text.';
}

/** `Sysmon 13 #483204 · registry value set · 2024-02-15 21:25:03Z`: reference, canonical type and time only. */
function title(a: EnrichedAlert): string {
  const kind = a.eventType.replace(/[^a-z0-9_]/gi, '').replace(/_/g, ' ') || 'event';
  return `${eventRef(a)} · ${kind} · ${utc(a.eventTime)}`;
}

export function rawEvidence(alerts: EnrichedAlert[], limits: DraftLimits): { records: RawEvidence[]; omitted: number } {
  const records = alerts.slice(0, limits.rawRecords).map((a): RawEvidence => {
    // Cut before pretty-printing work grows with a hostile 10 MB record: a string is sliced, an object printed once.
    const full = recordText(a.raw);
    const text = clip(full, limits.rawChars);
    return {
      alertId: a.alertId,
      title: title(a),
      text,
      chars: full.length,
      truncated: a.rawTruncated || text !== full,
      severity: a.enrichment.severity.score,
    };
  });
  return { records, omitted: Math.max(0, alerts.length - records.length) };
}
