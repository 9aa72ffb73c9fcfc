import { createHash } from 'node:crypto';
import type { Alert } from '../model/alert';

/**
 * What an event is, as opposed to how it was delivered: two deliveries of one event (a retry, a second forwarder,
 * another wire format) share it; a different event that claims the same id does not. Dedupe by id alone trusts
 * host + channel + EventRecordID, which whoever runs code on the host can write for the victim's next record ids.
 */

const low = (s: string | undefined): string | undefined => s?.toLowerCase();
const trim = (s: string | undefined): string | undefined => s?.trim();

/**
 * Ids an intruder can predict: the event log's own (host + channel + EventRecordID, a counter), which Sysmon and
 * Windows event alerts carry. A vendor's alert id (CrowdStrike, Defender, SentinelOne…) is issued by its cloud;
 * records that repeat one are rows of the same alert (Defender and SentinelOne export one row per evidence), so
 * they stay duplicates whatever their content.
 */
function predictableId(alertId: string): boolean {
  return alertId.startsWith('sysmon:') || alertId.startsWith('winevt:');
}

/** The fingerprint every vendor-id alert shares: the id alone decides for them (see `predictableId`). */
const VENDOR_ID = 'vendor-id';

/**
 * SHA-256 (hex, 32 digits) of the fields that say what happened: time, kind, the acting process and its parent,
 * and the object (file, module, key and value, connection, query, target, task, service, WMI). Titles, severities,
 * flags, raw text and the wire format are left out: they differ between deliveries of one event. Alerts whose id a
 * vendor issued all share one fingerprint (see `predictableId`).
 */
export function contentFingerprint(a: Alert): string {
  if (!predictableId(a.alertId)) return VENDOR_ID;
  const p = a.process;
  const identity = [
    a.eventTime,
    a.eventType,
    a.eventCode ?? null,
    low(p?.image) ?? null,
    trim(p?.commandLine) ?? null,
    p?.pid ?? null,
    low(p?.parent?.image) ?? null,
    trim(p?.parent?.commandLine) ?? null,
    low(a.file?.path) ?? null,
    low(a.module?.path) ?? null,
    low(a.registry?.key) ?? null,
    a.registry?.valueName ?? null,
    a.registry?.valueData ?? null,
    low(a.network?.dstIp) ?? null,
    a.network?.dstPort ?? null,
    low(a.network?.dstHostname) ?? null,
    low(a.dns?.query) ?? null,
    low(a.target?.image) ?? null,
    a.task?.name ?? null,
    a.task?.action ?? null,
    a.service?.name ?? null,
    a.service?.path ?? null,
    a.wmi?.consumer ?? null,
    a.wmi?.destination ?? null,
    a.wmi?.query ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

/**
 * The id a conflicting event is kept under: its claimed id and its own fingerprint, so a redelivery of the same
 * conflicting event finds the same id (and is a duplicate of itself), while the original keeps the id it had.
 */
export function conflictId(alertId: string, fingerprint: string): string {
  return `${alertId}~${fingerprint.slice(0, 16)}`;
}
