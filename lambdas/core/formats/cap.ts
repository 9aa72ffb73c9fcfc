import { boundedId, clipText, wellFormed } from '../bounded';
import type { Alert } from '../model/alert';
import { isObject } from './common';

/**
 * Bounds on what one record can make the pipeline carry, applied to every adapter's alert: field text is written by
 * whoever runs code on the endpoint, so a 420,000-character command line or a 21,000-character host name must not
 * reach storage, keys or scans whole.
 */

/** Longest text kept in one field: Windows' own command-line limit. `raw` keeps the record, capped separately. */
export const MAX_FIELD_CHARS = 32_768;
/**
 * Longest alert id kept whole. Longer ids (a forged vendor id) keep a readable prefix and a hash of the whole, so
 * they stay distinct: cutting them would make two different events one.
 */
export const MAX_ALERT_ID_CHARS = 256;

/** Longest key of a free-form map (a hash algorithm's name). */
const MAX_KEY_CHARS = 64;

/** Flag on an alert any of whose fields was cut to `MAX_FIELD_CHARS`. */
export const FIELD_TRUNCATED = 'field-truncated';
/** Flag on an alert whose id was too long to keep whole. */
export const ID_HASHED = 'id-hashed';

/**
 * Every string of the alert but `raw` well-formed (no lone surrogate) and at most `MAX_FIELD_CHARS` long, ending with
 * `…` when cut; the id bounded by `boundedId`. Returns a new alert, flagged when anything was cut.
 */
export function capAlert(alert: Alert): Alert {
  const { raw, ...rest } = alert;
  // Nearly every alert is within bounds already: then nothing is copied but the top level (as the full pass would).
  if (fits(rest)) {
    const flags = [...rest.flags];
    const alertId = boundedId(rest.alertId, MAX_ALERT_ID_CHARS);
    if (alertId !== rest.alertId && !flags.includes(ID_HASHED)) flags.push(ID_HASHED);
    return { ...rest, alertId, flags, raw };
  }
  return capAll(rest, raw);
}

/** Any surrogate at all sends the text through `wellFormed` (the exact test); without one it is well-formed. */
const SURROGATE = /[\ud800-\udfff]/;

/** Whether `capAll` would leave a value as it is: every string short and surrogate-free, every key short. */
function fits(v: unknown): boolean {
  if (typeof v === 'string') return v.length <= MAX_FIELD_CHARS && !SURROGATE.test(v);
  if (Array.isArray(v)) {
    for (const x of v) if (!fits(x)) return false;
    return true;
  }
  if (isObject(v)) {
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      if (k.length > MAX_KEY_CHARS || !fits(v[k])) return false;
    }
    return Object.getPrototypeOf(v) === Object.prototype;
  }
  return true;
}

function capAll(rest: Omit<Alert, 'raw'>, raw: Alert['raw']): Alert {
  let cut = false;
  // Keys of the model's free-form maps (hashes by algorithm): a name, never a value.
  const capKey = (k: string): string => {
    if (k.length <= MAX_KEY_CHARS) return k;
    cut = true;
    return clipText(wellFormed(k), MAX_KEY_CHARS);
  };
  const capped = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const w = wellFormed(v);
      if (w.length <= MAX_FIELD_CHARS) return w;
      cut = true;
      return clipText(w, MAX_FIELD_CHARS);
    }
    if (Array.isArray(v)) return v.map(capped);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [capKey(k), capped(x)]));
    return v;
  };
  const out = capped(rest) as Omit<Alert, 'raw'>;
  const flags = [...out.flags];
  if (cut && !flags.includes(FIELD_TRUNCATED)) flags.push(FIELD_TRUNCATED);
  const alertId = boundedId(out.alertId, MAX_ALERT_ID_CHARS);
  if (alertId !== out.alertId && !flags.includes(ID_HASHED)) flags.push(ID_HASHED);
  return { ...out, alertId, flags, raw };
}
