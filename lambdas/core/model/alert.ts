import { z } from 'zod';
import { SOURCE_PRODUCTS } from './products';

/**
 * The one canonical alert every format adapter produces. Field text is carried verbatim (data, never markup);
 * optional blocks are present only when the source had them, so a consumer never sees `undefined` rendered.
 */

// The products are declared once, with their names, labels and format ids, in products.ts.
export { SOURCE_PRODUCTS };
export type { SourceProduct } from './products';

/** Kinds of evidence an alert can list beside its structured fields. */
export const ARTIFACT_TYPES = [
  'ip',
  'domain',
  'url',
  'hash',
  'file',
  'registry',
  'process',
  'user',
  'task',
  'service',
  'email',
] as const;

const Hashes = z.record(z.string(), z.string()); // algorithm (lower case: md5, sha1, sha256, imphash…) → hex

export const ProcessRefSchema = z.object({
  guid: z.string().optional(),
  pid: z.number().int().optional(),
  image: z.string().optional(),
  commandLine: z.string().optional(),
  user: z.string().optional(),
});
export type ProcessRef = z.infer<typeof ProcessRefSchema>;

export const ProcessSchema = ProcessRefSchema.extend({
  integrityLevel: z.string().optional(),
  currentDirectory: z.string().optional(),
  hashes: Hashes.optional(),
  signed: z.boolean().optional(),
  signature: z.string().optional(),
  parent: ProcessRefSchema.optional(),
  grandparent: ProcessRefSchema.optional(),
});
export type Process = z.infer<typeof ProcessSchema>;

/** Sigma rule levels, weakest first. */
export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;

/**
 * A Sigma rule that matched the event (the detect stage). The author travels with every match: the Detection Rule
 * License 1.1 asks that any view showing a match name the rule's author.
 */
export const DetectionSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  level: z.enum(SIGMA_LEVELS),
  status: z.string().optional(),
  /** Rule tags as written (`attack.t1003.001`, `attack.credential-access`, `cve.2021-44228`…). */
  tags: z.array(z.string()),
  author: z.string().optional(),
  falsepositives: z.array(z.string()).optional(),
  /** Where the rule came from: `sigmahq` (the shipped pack) or `user` (the SOC's own rules). */
  pack: z.string().optional(),
});
export type Detection = z.infer<typeof DetectionSchema>;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];

/**
 * Alert flags the judge reads (see core/judge): `vendor-blocked` (the EDR stopped the threat: process killed or
 * blocked, file quarantined), `vendor-benign` (the vendor's own investigation, or a passed check, closed it as
 * harmless), `compliance-finding` (a posture or configuration check, not observed activity).
 */
export const DISPOSITION_FLAGS = {
  blocked: 'vendor-blocked',
  benign: 'vendor-benign',
  compliance: 'compliance-finding',
} as const;

export const AlertSchema = z.object({
  /** Stable id: vendor id; Sysmon host + channel + EventRecordID; else a content hash. */
  alertId: z.string().min(1),
  source: z.object({
    product: z.enum(SOURCE_PRODUCTS),
    /** Adapter id, e.g. `sysmon-xml`, `sysmon-ecs`, `crowdstrike-alerts-v2`. */
    format: z.string().min(1),
    /** The vendor's own id for the alert or event, when it has one. */
    vendorId: z.string().optional(),
  }),
  /** UTC ISO-8601 with milliseconds. */
  eventTime: z.iso.datetime(),
  receivedTime: z.iso.datetime(),
  /** Canonical event kind, e.g. `process_create`, `registry_value_set`, `network_connect`, `detection`. */
  eventType: z.string().min(1),
  /** Sysmon event id (1–29, 255) or the vendor's numeric code when it has one. */
  eventCode: z.number().int().optional(),
  /** Human name of the event, e.g. `Registry value set`. */
  eventName: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  host: z.object({
    /** As the source wrote it. */
    name: z.string().min(1),
    /** FQDN when the source gave one. */
    fqdn: z.string().optional(),
    ips: z.array(z.string()).optional(),
    /** EDR agent/sensor/device id. */
    agentId: z.string().optional(),
    os: z.string().optional(),
  }),
  user: z
    .object({
      name: z.string().min(1),
      domain: z.string().optional(),
      sid: z.string().optional(),
    })
    .optional(),
  rule: z
    .object({
      name: z.string().min(1),
      id: z.string().optional(),
      description: z.string().optional(),
    })
    .optional(),
  severity: z.object({
    /** The vendor's own value (`High`, 85, `critical`…), as text. */
    vendor: z.string().optional(),
    /** Mapped to 0–100. */
    score: z.number().min(0).max(100),
  }),
  /** ATT&CK technique ids (`T1547`, `T1547.001`) the source named. */
  techniques: z.array(z.string().regex(/^T\d{4}(\.\d{3})?$/)),
  /** ATT&CK tactic names the source named, as written. */
  tactics: z.array(z.string()).optional(),
  process: ProcessSchema.optional(),
  file: z
    .object({
      path: z.string(),
      hashes: Hashes.optional(),
      /** Process that wrote it, when known (Sysmon 11 Image). */
      creationTime: z.string().optional(),
    })
    .optional(),
  /** Module loaded (Sysmon 7) or driver (6). */
  module: z
    .object({
      path: z.string(),
      hashes: Hashes.optional(),
      signed: z.boolean().optional(),
      signature: z.string().optional(),
      signatureStatus: z.string().optional(),
    })
    .optional(),
  registry: z
    .object({
      /** `SetValue`, `CreateKey`, `DeleteValue`, `RenameKey`… */
      operation: z.string().optional(),
      /** Full path of the key (value name stripped when the source names a value). */
      key: z.string(),
      valueName: z.string().optional(),
      valueData: z.string().optional(),
      newName: z.string().optional(),
    })
    .optional(),
  network: z
    .object({
      protocol: z.string().optional(),
      direction: z.enum(['outbound', 'inbound']).optional(),
      srcIp: z.string().optional(),
      srcPort: z.number().int().optional(),
      dstIp: z.string().optional(),
      dstPort: z.number().int().optional(),
      dstHostname: z.string().optional(),
    })
    .optional(),
  dns: z
    .object({
      query: z.string(),
      results: z.array(z.string()).optional(),
      status: z.string().optional(),
    })
    .optional(),
  /** Target of process access (10) or remote thread (8). */
  target: z
    .object({
      guid: z.string().optional(),
      pid: z.number().int().optional(),
      image: z.string().optional(),
      grantedAccess: z.string().optional(),
      callTrace: z.string().optional(),
      startAddress: z.string().optional(),
      startFunction: z.string().optional(),
    })
    .optional(),
  /** A scheduled task: its name, the command it runs, what starts it (`logon`, `daily`…) and who registered it. */
  task: z
    .object({
      name: z.string(),
      action: z.string().optional(),
      trigger: z.string().optional(),
      author: z.string().optional(),
      operation: z.enum(['created', 'deleted', 'updated', 'enabled', 'disabled']).optional(),
    })
    .optional(),
  service: z.object({ name: z.string(), path: z.string().optional() }).optional(),
  wmi: z
    .object({
      operation: z.string().optional(),
      name: z.string().optional(),
      query: z.string().optional(),
      consumer: z.string().optional(),
      filter: z.string().optional(),
      destination: z.string().optional(),
    })
    .optional(),
  /** Further evidence the source listed (EDR evidence arrays): typed artifacts. */
  artifacts: z
    .array(
      z.object({
        type: z.enum(ARTIFACT_TYPES),
        value: z.string(),
        role: z.string().optional(),
      }),
    )
    .optional(),
  /** Sigma rules that matched (the detect stage), strongest level first; absent when none did. */
  detections: z.array(DetectionSchema).optional(),
  /** Markers found while normalizing, e.g. `bidi-override`, `raw-truncated`, `time-from-timecreated`. */
  flags: z.array(z.string()),
  /** The original record (JSON value, or the XML text for Sysmon XML), capped. */
  raw: z.unknown(),
  rawTruncated: z.boolean(),
});

export type Alert = z.infer<typeof AlertSchema>;
export type ArtifactType = NonNullable<Alert['artifacts']>[number]['type'];
