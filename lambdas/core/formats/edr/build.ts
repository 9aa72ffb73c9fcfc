import { DISPOSITION_FLAGS } from '../../model/alert';
import type { Alert, ArtifactType, Process, ProcessRef } from '../../model/alert';
import { techniqueIdByName, techniqueIdsInTitle } from '../../enrich/attack';
import { capRaw, contentHash, hasBidi, isObject, str } from '../common';
import type { FormatAdapter, NormalizeContext, RawRecord } from '../types';

/**
 * Assembling an Alert from what an EDR adapter read: optional blocks only when they hold something, artifacts
 * deduplicated and capped, the id, flags and raw record filled in the same way for every vendor.
 */

type Artifact = NonNullable<Alert['artifacts']>[number];

/** An alert item must stay far below DynamoDB's 400 KB: evidence lists beyond this are summarised by a flag. */
const MAX_ARTIFACTS = 100;
/** Longest text kept in one field (Windows' own command-line limit); raw keeps the original, capped separately. */
const MAX_FIELD_CHARS = 32_768;

/** Typed evidence collected while reading a record: one entry per type and value, in the order first seen. */
export class ArtifactList {
  private readonly items: Artifact[] = [];
  private readonly seen = new Set<string>();
  private dropped = 0;

  /** Adds a value when it is a non-empty string (or number); anything else is ignored. */
  add(type: ArtifactType, value: unknown, role?: string): void {
    const text = str(value)?.trim();
    if (text === undefined || text === '') return;
    const key = `${type}\u0000${type === 'hash' || type === 'domain' ? text.toLowerCase() : text}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.items.length >= MAX_ARTIFACTS) {
      this.dropped += 1;
      return;
    }
    this.items.push(role === undefined ? { type, value: text } : { type, value: text, role });
  }

  get list(): Artifact[] {
    return [...this.items];
  }

  get capped(): boolean {
    return this.dropped > 0;
  }
}

/** The object without its undefined properties and empty arrays, or undefined when nothing is left. */
export function compact<T extends object>(o: T): T | undefined {
  const out: Partial<T> = {};
  let kept = false;
  for (const key of Object.keys(o) as (keyof T)[]) {
    const value: unknown = o[key];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
      out[key] = o[key];
      kept = true;
    }
  }
  return kept ? (out as T) : undefined;
}

/** A process reference only when it identifies something (image, pid, guid or command line). */
export function processRef(p: ProcessRef): ProcessRef | undefined {
  if (p.image === undefined && p.pid === undefined && p.guid === undefined && p.commandLine === undefined) {
    return undefined;
  }
  return compact(p);
}

/** A process only when it identifies something; empty parent/grandparent/hashes are left out. */
export function processOf(p: Process): Process | undefined {
  const parent = p.parent === undefined ? undefined : processRef(p.parent);
  const grandparent = p.grandparent === undefined ? undefined : processRef(p.grandparent);
  const own = processRef({ guid: p.guid, pid: p.pid, image: p.image, commandLine: p.commandLine });
  if (own === undefined && parent === undefined) return undefined;
  return compact({ ...p, parent, grandparent });
}

/** What an adapter read from one record; `buildAlert` completes it into an Alert. */
export interface AlertBody {
  /** The vendor's id for the alert; becomes `<product>:<vendorId>`. Absent: a content hash of the record. */
  vendorId?: string;
  eventTime: string;
  eventType: 'detection' | 'finding';
  eventCode?: number;
  eventName?: string;
  title?: string;
  description?: string;
  host: Alert['host'];
  user?: Alert['user'];
  rule?: Alert['rule'];
  severity: Alert['severity'];
  techniques: string[];
  /**
   * Techniques the vendor named in words (`Technique: "OS Credential Dumping"`), each with the tactics it was filed
   * under; mapped to ATT&CK ids through the ATT&CK data (see `techniqueIdByName`) and added after `techniques`.
   */
  techniqueNames?: VendorTechnique[];
  tactics?: string[];
  /** What the vendor says happened to the threat: stopped (`blocked`) or closed as harmless (`benign`). */
  disposition?: Disposition;
  /** A posture or compliance check (a configuration finding), not a detection of activity. */
  compliance?: boolean;
  process?: Process;
  file?: Alert['file'];
  registry?: Alert['registry'];
  network?: Alert['network'];
  dns?: Alert['dns'];
  artifacts?: ArtifactList;
  flags?: string[];
}

/** A technique as a vendor wrote it, by name, with the tactic names it filed it under. */
export interface VendorTechnique {
  name: string;
  tactics?: string[];
}

/** The vendor's disposition of a threat, set on the alert as a flag (see `DISPOSITION_FLAGS`). */
export type Disposition = 'blocked' | 'benign';

/** Technique names → ATT&CK ids, in order, once each; names ATT&CK does not define (or that fit no tactic) drop out. */
export function techniqueIdsFromNames(names: readonly VendorTechnique[]): string[] {
  const out = new Set<string>();
  for (const t of names) {
    const id = techniqueIdByName(t.name, t.tactics ?? []);
    if (id !== undefined) out.add(id);
  }
  return [...out];
}

/**
 * The alert's techniques: the ids the vendor gave, then the names it wrote mapped to ids; when it gave neither, the
 * ATT&CK technique its detection title names in words (Defender's `Suspicious process injection observed` → T1055).
 */
function techniquesOf(body: AlertBody): string[] {
  const named = [...new Set([...body.techniques, ...techniqueIdsFromNames(body.techniqueNames ?? [])])];
  if (named.length > 0 || body.title === undefined) return named;
  return techniqueIdsInTitle(body.title, body.tactics ?? []);
}

/** Completes an adapter's reading into the canonical Alert: id, times, flags, raw record, no empty blocks. */
export function buildAlert(
  adapter: Pick<FormatAdapter, 'id' | 'product'>,
  record: RawRecord,
  ctx: NormalizeContext,
  body: AlertBody,
): Alert {
  const flags = new Set(body.flags ?? []);
  const shown = representedValues(body);
  // Artifacts carry the evidence the typed blocks do not: a value already shown as the process, file, connection or
  // host is not listed twice.
  const artifacts = (body.artifacts?.list ?? []).filter((a) => !shown.has(`${a.type}\u0000${a.value.toLowerCase()}`));
  if (body.artifacts?.capped) flags.add('artifacts-capped');
  if (body.severity.vendor === undefined) flags.add('severity-missing');
  if (body.disposition !== undefined) flags.add(DISPOSITION_FLAGS[body.disposition]);
  if (body.compliance === true) flags.add(DISPOSITION_FLAGS.compliance);
  const names = [
    body.process?.image,
    body.process?.parent?.image,
    body.process?.grandparent?.image,
    body.file?.path,
    ...artifacts.filter((a) => a.type === 'file' || a.type === 'process').map((a) => a.value),
  ];
  // RTL-override and friends make `invoice\u202Egpj.exe` display as `invoiceexe.jpg`: a masquerading trick.
  if (hasBidi(...names)) flags.add('bidi-override');

  const { raw, rawTruncated } = capRaw(record.value, record.text, ctx.maxRawBytes);
  if (rawTruncated) flags.add('raw-truncated');

  const alert: Alert = {
    alertId: body.vendorId !== undefined ? `${adapter.product}:${body.vendorId}` : contentHash(record.text),
    source: compact({ product: adapter.product, format: adapter.id, vendorId: body.vendorId }) ?? {
      product: adapter.product,
      format: adapter.id,
    },
    eventTime: body.eventTime,
    receivedTime: ctx.receivedTime,
    eventType: body.eventType,
    eventCode: body.eventCode,
    eventName: body.eventName,
    title: body.title,
    description: body.description,
    host: compact(body.host) ?? body.host,
    user: body.user,
    rule: body.rule === undefined ? undefined : compact(body.rule),
    severity: compact(body.severity) ?? body.severity,
    techniques: techniquesOf(body),
    tactics: body.tactics !== undefined && body.tactics.length > 0 ? [...new Set(body.tactics)] : undefined,
    process: body.process === undefined ? undefined : processOf(body.process),
    file: body.file === undefined ? undefined : compact(body.file),
    registry: body.registry === undefined ? undefined : compact(body.registry),
    network: body.network === undefined ? undefined : compact(body.network),
    dns: body.dns,
    artifacts: artifacts.length > 0 ? artifacts : undefined,
    flags: [],
    raw,
    rawTruncated,
  };
  if (capTexts(alert)) flags.add('field-truncated');
  alert.flags = [...flags];
  return dropUndefined(alert);
}

/** `type\0value` (lower case) of everything the typed blocks already show. */
function representedValues(body: AlertBody): Set<string> {
  const out = new Set<string>();
  const add = (type: ArtifactType, value: string | undefined): void => {
    if (value !== undefined) out.add(`${type}\u0000${value.toLowerCase()}`);
  };
  const p = body.process;
  for (const image of [p?.image, p?.parent?.image, p?.grandparent?.image]) {
    add('process', image);
    add('file', image);
  }
  add('file', body.file?.path);
  for (const h of [...Object.values(p?.hashes ?? {}), ...Object.values(body.file?.hashes ?? {})]) add('hash', h);
  add('ip', body.network?.srcIp);
  add('ip', body.network?.dstIp);
  add('domain', body.network?.dstHostname);
  add('domain', body.host.name);
  for (const a of body.host.ips ?? []) add('ip', a);
  add('registry', body.registry?.key);
  add('user', body.user?.name);
  return out;
}

/** Truncates over-long strings everywhere but `raw`, in place; true when anything was cut. */
function capTexts(alert: Alert): boolean {
  let cut = false;
  const capped = (v: unknown): unknown => {
    if (typeof v === 'string' && v.length > MAX_FIELD_CHARS) {
      cut = true;
      return `${v.slice(0, MAX_FIELD_CHARS)}…`;
    }
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) v[i] = capped(v[i]);
    else if (isObject(v)) for (const k of Object.keys(v)) v[k] = capped(v[k]);
    return v;
  };
  // Only objects this module and the adapters built are visited: `raw` is the caller's record and stays untouched.
  const target = alert as unknown as Record<string, unknown>;
  for (const k of Object.keys(target)) if (k !== 'raw') target[k] = capped(target[k]);
  return cut;
}

/** Top-level keys whose value is undefined are removed, so serialised alerts carry no `"x": undefined` noise. */
function dropUndefined(alert: Alert): Alert {
  for (const key of Object.keys(alert) as (keyof Alert)[]) {
    if (alert[key] === undefined) delete alert[key];
  }
  return alert;
}
