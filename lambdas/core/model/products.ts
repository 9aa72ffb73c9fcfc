/**
 * Every source product alert-to-ticket reads, declared once. The alert schema's product enum, the report's product
 * names, the ticket labels, which sources record network connections, and the format ids the adapters may use are
 * all derived from this table, so adding a product (or a wire format of one) is one row here plus its adapter
 * (see docs/extending.md).
 */

/** What a source's own "process id" field holds. */
export type ProcessIdKind =
  /** The operating system's PID (Windows or Linux): kept as `pid`. */
  | 'os-pid'
  /**
   * The sensor's own id for the process (Falcon's host-unique 64-bit `ProcessId`): kept as the process `guid`, never
   * as `pid`; the OS PID, when the source also gives it (`local_process_id`), goes to `pid`.
   */
  | 'sensor-id'
  /** The source names processes by path only. */
  | 'none';

/** One wire format of a product: the id of the adapter that reads it. */
export interface FormatRow {
  /** Adapter id, stamped on every alert as `source.format`. Lower-case words joined by `-`. */
  readonly id: string;
  /**
   * Where this format carries a link to the alert in the vendor's console (a dotted path in the raw record): the
   * analyst's one-click pivot, which the ticket keeps (see `vendorFinding`).
   */
  readonly consoleLinkField?: string;
  /**
   * The format carries raw host telemetry (every process start, image load, registry write the sensor saw), not
   * detections a product raised. Telemetry that accuses nothing may follow an attack on its host (core/correlate);
   * a vendor's detection, however low, is its own finding and never just follows.
   */
  readonly telemetry?: boolean;
}

/** One source product. */
export interface ProductRow {
  /** Stable id, stored on every alert as `source.product` and in incident META: never rename one. */
  readonly id: string;
  /** Full name, as the report says where an alert came from: `CrowdStrike Falcon`. */
  readonly name: string;
  /** Short name for event references in the report: `CrowdStrike #ldt:8c2…`. */
  readonly shortName: string;
  /** Who makes it; undefined for a format that is not one vendor's (the generic alert JSON). */
  readonly vendor?: string;
  /** Jira label put on every ticket with an alert from this product (lower case, no spaces). */
  readonly label: string;
  /** Its sensors record network connections, so "no connection in the events" means something. */
  readonly recordsNetwork: boolean;
  readonly processIds: ProcessIdKind;
  /** Its wire formats, one adapter each. Formats docs: docs/formats.md (Sysmon, Windows), docs/formats-edr.md. */
  readonly formats: readonly FormatRow[];
}

const TABLE = [
  {
    id: 'sysmon',
    name: 'Sysmon',
    shortName: 'Sysmon',
    vendor: 'Microsoft Sysinternals',
    label: 'sysmon',
    recordsNetwork: true,
    processIds: 'os-pid',
    formats: [
      { id: 'sysmon-xml', telemetry: true },
      { id: 'sysmon-evtx-json', telemetry: true },
      { id: 'sysmon-ecs', telemetry: true },
      { id: 'sysmon-flat', telemetry: true },
      // Azure Monitor Agent rows as Microsoft Sentinel stores them (the WindowsEvent table).
      { id: 'sysmon-sentinel', telemetry: true },
    ],
  },
  {
    id: 'crowdstrike',
    name: 'CrowdStrike Falcon',
    shortName: 'CrowdStrike',
    vendor: 'CrowdStrike',
    label: 'crowdstrike',
    recordsNetwork: true,
    processIds: 'sensor-id',
    formats: [
      { id: 'crowdstrike-detection-summary', consoleLinkField: 'event.FalconHostLink' },
      { id: 'crowdstrike-epp-detection-summary', consoleLinkField: 'event.FalconHostLink' },
      { id: 'crowdstrike-alerts-v2', consoleLinkField: 'falcon_host_link' },
    ],
  },
  {
    id: 'defender',
    name: 'Microsoft Defender for Endpoint',
    shortName: 'Defender',
    vendor: 'Microsoft',
    label: 'defender',
    recordsNetwork: true,
    processIds: 'os-pid',
    formats: [{ id: 'defender-mde-alert' }, { id: 'defender-graph-alert', consoleLinkField: 'alertWebUrl' }],
  },
  {
    id: 'sentinelone',
    name: 'SentinelOne',
    shortName: 'SentinelOne',
    vendor: 'SentinelOne',
    label: 'sentinelone',
    recordsNetwork: true,
    processIds: 'none',
    formats: [{ id: 'sentinelone-threat' }],
  },
  {
    id: 'elastic',
    name: 'Elastic Defend',
    shortName: 'Elastic',
    vendor: 'Elastic',
    label: 'elastic',
    recordsNetwork: true,
    processIds: 'os-pid',
    formats: [{ id: 'elastic-defend-alert' }],
  },
  {
    id: 'ocsf',
    name: 'OCSF',
    shortName: 'OCSF',
    label: 'ocsf',
    recordsNetwork: false,
    processIds: 'os-pid',
    formats: [{ id: 'ocsf-finding', consoleLinkField: 'finding_info.src_url' }],
  },
  {
    id: 'securityhub',
    name: 'AWS Security Hub',
    shortName: 'SecurityHub',
    vendor: 'Amazon Web Services',
    label: 'securityhub',
    recordsNetwork: false,
    processIds: 'os-pid',
    formats: [{ id: 'securityhub-asff', consoleLinkField: 'SourceUrl' }],
  },
  {
    id: 'wazuh',
    name: 'Wazuh',
    shortName: 'Wazuh',
    vendor: 'Wazuh',
    label: 'wazuh',
    recordsNetwork: false,
    processIds: 'os-pid',
    formats: [{ id: 'wazuh-alert' }],
  },
  {
    id: 'generic',
    name: 'Generic alert',
    shortName: 'Alert',
    label: 'generic',
    recordsNetwork: false,
    processIds: 'os-pid',
    // `windows-event`: Windows channels other than Sysmon (Security, PowerShell, Defender's own log…).
    formats: [{ id: 'generic-alert' }, { id: 'windows-event', telemetry: true }],
  },
] as const satisfies readonly ProductRow[];

/** A product id: `sysmon`, `crowdstrike`… */
export type SourceProduct = (typeof TABLE)[number]['id'];

/** A format (adapter) id: `sysmon-xml`, `crowdstrike-alerts-v2`… */
export type FormatId = (typeof TABLE)[number]['formats'][number]['id'];

/** Every product id, in table order; a non-empty tuple, as `z.enum` wants. */
export const SOURCE_PRODUCTS = TABLE.map((p) => p.id) as unknown as readonly [SourceProduct, ...SourceProduct[]];

/** The table, by product id. */
export const PRODUCTS: Readonly<Record<SourceProduct, ProductRow>> = byProduct((p) => p);

/** Every format id, grouped by product in table order. */
export const FORMAT_IDS: readonly FormatId[] = TABLE.flatMap((p) => p.formats.map((f) => f.id));

const PRODUCT_OF_FORMAT: ReadonlyMap<string, SourceProduct> = new Map(
  TABLE.flatMap((p) => p.formats.map((f) => [f.id, p.id] as const)),
);

/** The product a format belongs to; undefined for an id the table does not declare. */
export function productOfFormat(format: string): SourceProduct | undefined {
  return PRODUCT_OF_FORMAT.get(format);
}

/** One column of the table, by product id: `productColumn('name').crowdstrike === 'CrowdStrike Falcon'`. */
export function productColumn(column: 'name' | 'shortName' | 'label'): Readonly<Record<SourceProduct, string>> {
  return byProduct((p) => p[column]);
}

function byProduct<V>(value: (row: ProductRow) => V): Readonly<Record<SourceProduct, V>> {
  const out = {} as Record<SourceProduct, V>;
  for (const row of TABLE) out[row.id] = value(row);
  return out;
}

const TELEMETRY_FORMATS: ReadonlySet<string> = new Set(
  TABLE.flatMap((p) => p.formats.filter((f: FormatRow) => f.telemetry === true).map((f) => f.id)),
);

/** Whether a format (adapter id) carries raw host telemetry rather than a product's detections (see `FormatRow`). */
export function isTelemetryFormat(format: string): boolean {
  return TELEMETRY_FORMATS.has(format);
}

const CONSOLE_LINK_FIELD: ReadonlyMap<string, string> = new Map(
  TABLE.flatMap((p) =>
    p.formats.flatMap((f: FormatRow) =>
      f.consoleLinkField !== undefined ? [[f.id, f.consoleLinkField] as const] : [],
    ),
  ),
);

/** Longest console link kept: vendor links are short; anything longer is not one. */
const MAX_LINK_CHARS = 2048;

/** The value at a dotted path of a JSON value (`event.FalconHostLink`), when it is a string. */
function atPath(raw: unknown, path: string): string | undefined {
  let cur: unknown = raw;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'string' ? cur : undefined;
}

/**
 * The link to an alert in its vendor's console, read from the raw record where the format's row says it is. Only
 * an `https:` URL of at most 2,048 characters is a link: anything else in that field (a `javascript:` URL, text) is
 * not one a ticket may carry. Undefined when the format has no link, the raw record was capped or it is missing.
 */
export function consoleLinkOf(alert: { source: { format: string }; raw: unknown }): string | undefined {
  const field = CONSOLE_LINK_FIELD.get(alert.source.format);
  if (field === undefined) return undefined;
  const value = atPath(alert.raw, field)?.trim();
  if (value === undefined || value.length > MAX_LINK_CHARS) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What a vendor says it did about a finding: stopped it, judged it harmless, or only detected it. */
export type VendorDisposition = 'blocked' | 'benign' | 'detected';

/** A product's own finding in an incident: what the ticket shows for each EDR alert besides the merged story. */
export interface VendorFinding {
  product: SourceProduct;
  /** The product's full name (`CrowdStrike Falcon`). */
  productName: string;
  /** The alert's id (the vendor's id for EDR alerts). */
  alertId: string;
  /** Rule or detection name, as the vendor wrote it. */
  title?: string;
  /** The link to the alert in the vendor's console (see `consoleLinkOf`). */
  consoleLink?: string;
  disposition: VendorDisposition;
}

/**
 * The vendor finding of an alert, or undefined for raw telemetry (Sysmon, Windows events), which is no product's
 * finding. The disposition comes from the flags the adapter set (`vendor-blocked`, `vendor-benign`, see
 * model/alert.ts `DISPOSITION_FLAGS`); an alert with neither is `detected`.
 */
export function vendorFinding(alert: {
  alertId: string;
  source: { product: SourceProduct; format: string };
  rule?: { name: string };
  title?: string;
  flags: readonly string[];
  raw: unknown;
}): VendorFinding | undefined {
  if (isTelemetryFormat(alert.source.format)) return undefined;
  const link = consoleLinkOf(alert);
  const title = alert.rule?.name ?? alert.title;
  // The values of DISPOSITION_FLAGS (model/alert.ts imports this table, so it cannot be imported here).
  const disposition: VendorDisposition = alert.flags.includes('vendor-blocked')
    ? 'blocked'
    : alert.flags.includes('vendor-benign')
      ? 'benign'
      : 'detected';
  return {
    product: alert.source.product,
    productName: PRODUCTS[alert.source.product].name,
    alertId: alert.alertId,
    ...(title !== undefined ? { title } : {}),
    ...(link !== undefined ? { consoleLink: link } : {}),
    disposition,
  };
}

/** Whether `id` is a product of the table (incident META holds plain strings). */
export function isSourceProduct(id: string): id is SourceProduct {
  return Object.hasOwn(PRODUCTS, id);
}
