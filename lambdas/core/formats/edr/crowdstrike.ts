import type { Alert } from '../../model/alert';
import { firstStr, get, isObject, str, techniqueIds } from '../common';
import type { Json } from '../common';
import { RecordRejected } from '../types';
import type { FormatAdapter, NormalizeContext, RawRecord } from '../types';
import { ArtifactList, buildAlert } from './build';
import type { Disposition, VendorTechnique } from './build';
import {
  NO_SEVERITY,
  arr,
  attackTactics,
  hashAlgorithm,
  hashesOf,
  ip,
  ipsOf,
  joinPath,
  pluck,
  port,
  present,
  safeInt,
  severityOf,
  timeAt,
} from './fields';

/**
 * CrowdStrike Falcon detections in their three wire shapes:
 * - legacy Streaming API `DetectionSummaryEvent` (`metadata` + `event`, Severity 1–5, `DetectId`);
 * - Streaming API `EPPDetectionSummaryEvent` / `EppDetectionSummaryEvent` (both spellings occur; Severity 0–100,
 *   `CompositeId`);
 * - Alerts API v2 (`/alerts/entities/alerts/v2`: `composite_id`, `device{}`, `parent_details`, `product`).
 * Mapping tables: docs/formats-edr.md.
 */

const LEGACY_EVENT = 'DetectionSummaryEvent';
const EPP_EVENT = 'eppdetectionsummaryevent';

function streamingType(v: unknown): string | undefined {
  const t = get(v, 'metadata.eventType');
  return typeof t === 'string' && isObject(get(v, 'event')) ? t : undefined;
}

/**
 * Falcon's own process ids (`ProcessId`, `process_id`) are host-unique 64-bit numbers, not OS pids, so they are kept
 * as the process guid. As JSON numbers above 2^53 they arrive rounded, and a rounded id would link the wrong
 * processes: only exact values (strings, or safe integers) are kept.
 */
function falconProcessId(v: unknown): string | undefined {
  if (typeof v === 'string') return str(v);
  const n = safeInt(v);
  return n === undefined ? undefined : String(n);
}

/** CrowdStrike writes `0`/`Outbound` and `1`/`Inbound`; anything else is left unstated. */
function direction(v: unknown): 'outbound' | 'inbound' | undefined {
  const s = str(v)?.toLowerCase();
  if (s === '0' || s === 'outbound') return 'outbound';
  if (s === '1' || s === 'inbound') return 'inbound';
  return undefined;
}

/** First network access as the alert's connection; every other remote address as an `ip` artifact. */
function networkAccesses(
  list: unknown,
  keys: { proto: string; local: string; localPort: string; remote: string; remotePort: string; dir: string },
  artifacts: ArtifactList,
): Alert['network'] {
  const accesses = arr(list).filter(isObject);
  const first = accesses[0];
  const network =
    first === undefined
      ? undefined
      : {
          protocol: str(first[keys.proto]),
          direction: direction(first[keys.dir]),
          srcIp: ip(first[keys.local]),
          srcPort: port(first[keys.localPort]),
          dstIp: ip(first[keys.remote]),
          dstPort: port(first[keys.remotePort]),
        };
  for (const a of accesses.slice(1)) {
    const remote = ip(a[keys.remote]);
    if (remote !== undefined && remote !== network?.dstIp) artifacts.add('ip', remote, 'remote address');
  }
  return network;
}

/** Falcon indicator types (`hash_sha256`, `domain`, `ipv4`, `filename`…) as artifacts. */
function addIoc(artifacts: ArtifactList, type: unknown, value: unknown, role = 'indicator'): void {
  const t = str(type)?.toLowerCase() ?? '';
  const v = str(value);
  if (v === undefined) return;
  if (t.startsWith('hash_')) {
    const hex = hashesOf({ [t.slice(5)]: v });
    if (hex !== undefined) artifacts.add('hash', Object.values(hex)[0], role);
  } else if (t === 'domain') artifacts.add('domain', v, role);
  else if (t === 'ipv4' || t === 'ipv6') artifacts.add('ip', ip(v), role);
  else if (t === 'url') artifacts.add('url', v, role);
  else if (t === 'filename' || t === 'file_path') artifacts.add('file', v, role);
}

/** `{ FileName, FilePath }`-style lists (FilesWritten, ExecutablesWritten, files_written…) as file artifacts. */
function addFiles(artifacts: ArtifactList, list: unknown, dirKey: string, nameKey: string, role: string): void {
  for (const f of arr(list)) {
    if (isObject(f)) artifacts.add('file', joinPath(str(f[dirKey]), str(f[nameKey])), role);
  }
}

/** Falcon's disposition flags that mean the sensor stopped the threat (both the streaming and the v2 spellings). */
const BLOCKING_FLAGS = [
  'KillProcess',
  'KillSubProcess',
  'KillParent',
  'ProcessBlocked',
  'BlockProcess',
  'QuarantineFile',
  'QuarantineMachine',
  'OperationBlocked',
  'RegistryOperationBlocked',
  'FsOperationBlocked',
  'process_killed',
  'process_blocked',
  'quarantine_file',
  'quarantine_machine',
  'operation_blocked',
  'registry_operation_blocked',
  'fs_operation_blocked',
];

/**
 * `blocked` when Falcon says it prevented the threat: a blocking disposition flag set (and no failed kill), or a
 * disposition description that starts with "Prevention". A detect-only disposition says nothing.
 */
function disposition(flags: unknown, description: unknown): Disposition | undefined {
  if (isObject(flags)) {
    const failed = flags.KillActionFailed === true || flags.kill_action_failed === true;
    if (!failed && BLOCKING_FLAGS.some((k) => flags[k] === true)) return 'blocked';
  }
  return /^\s*prevention\b/i.test(str(description) ?? '') ? 'blocked' : undefined;
}

/** Falcon's technique names with the tactic each was filed under: the top-level pair, then `MitreAttack[]`. */
function vendorTechniques(
  technique: unknown,
  tactic: unknown,
  list: unknown,
  keys: [string, string],
): VendorTechnique[] {
  const out: VendorTechnique[] = [];
  const push = (name: unknown, tac: unknown): void => {
    const n = str(name);
    const t = str(tac);
    if (n !== undefined) out.push({ name: n, tactics: t === undefined ? [] : [t] });
  };
  push(technique, tactic);
  for (const m of arr(list)) if (isObject(m)) push(m[keys[0]], m[keys[1]]);
  return out;
}

function normalizeStreaming(adapter: FormatAdapter, record: RawRecord, ctx: NormalizeContext, legacy: boolean): Alert {
  const v = record.value;
  const e = get(v, 'event');
  if (!isObject(e)) throw new RecordRejected('invalid CrowdStrike event: `event` is not an object');
  const hostName = firstStr(e, 'ComputerName', 'Hostname');
  if (hostName === undefined) throw new RecordRejected('missing host: no event.ComputerName or event.Hostname');
  const eventTime = timeAt(v, ['metadata.eventCreationTime']);

  // Legacy detections rate 1–5; EPP detections 0–100 (10/30/50/70/90). SeverityName is the vendor's own word.
  const numeric = severityOf(e.Severity, 'event.Severity', legacy ? 5 : 100);
  const name = str(e.SeverityName);
  const severity =
    numeric !== undefined
      ? { vendor: name ?? numeric.vendor, score: numeric.score }
      : (severityOf(e.SeverityName, 'event.SeverityName') ?? NO_SEVERITY);

  const artifacts = new ArtifactList();
  const image = joinPath(str(e.FilePath), str(e.FileName));
  const hashes = hashesOf({ md5: e.MD5String, sha1: e.SHA1String, sha256: e.SHA256String });
  // On-demand scans (`Type: ods`) name a file on disk and no process.
  const hasProcess = present(e.CommandLine) || present(e.ProcessId);
  const associated = str(e.AssociatedFile);
  const file =
    associated !== undefined
      ? { path: associated, hashes: associated === image ? hashes : undefined }
      : !hasProcess && image !== undefined
        ? { path: image, hashes }
        : undefined;

  addIoc(artifacts, e.IOCType, e.IOCValue);
  addFiles(artifacts, e.FilesWritten, 'FilePath', 'FileName', 'written');
  addFiles(artifacts, e.ExecutablesWritten, 'FilePath', 'FileName', 'executable written');
  const network = networkAccesses(
    e.NetworkAccesses,
    {
      proto: 'Protocol',
      local: 'LocalAddress',
      localPort: 'LocalPort',
      remote: 'RemoteAddress',
      remotePort: 'RemotePort',
      dir: 'ConnectionDirection',
    },
    artifacts,
  );
  const userName = str(e.UserName);
  const ruleName = legacy ? str(e.DetectName) : firstStr(e, 'IOARuleName', 'Name');
  const ruleId = legacy ? str(e.PatternId) : firstStr(e, 'IOARuleInstanceID', 'PatternId');

  return buildAlert(adapter, record, ctx, {
    vendorId: legacy ? str(e.DetectId) : str(e.CompositeId),
    eventTime,
    eventType: 'detection',
    eventCode: safeInt(e.PatternId),
    eventName: str(get(v, 'metadata.eventType')),
    title: ruleName,
    description: legacy ? str(e.DetectDescription) : str(e.Description),
    host: {
      name: hostName,
      ips: ipsOf(e.LocalIP, e.LocalIPv6),
      agentId: firstStr(e, 'SensorId', 'AgentId'),
    },
    user:
      userName === undefined
        ? undefined
        : { name: userName, domain: legacy ? undefined : str(e.LogonDomain), sid: str(e.UserSid) },
    rule: ruleName === undefined ? undefined : { name: ruleName, id: ruleId },
    severity,
    techniques: techniqueIds(e.Technique, e.TechniqueId, pluck(e.MitreAttack, 'TechniqueID')),
    techniqueNames: vendorTechniques(e.Technique, e.Tactic, e.MitreAttack, ['Technique', 'Tactic']),
    tactics: attackTactics(e.Tactic, pluck(e.MitreAttack, 'Tactic')),
    disposition: disposition(e.PatternDispositionFlags, e.PatternDispositionDescription),
    process: hasProcess
      ? {
          guid: falconProcessId(e.ProcessId),
          image,
          commandLine: str(e.CommandLine),
          user: userName,
          hashes,
          parent: {
            guid: falconProcessId(e.ParentProcessId),
            image: firstStr(e, 'ParentImageFilePath', 'ParentImageFileName'),
            commandLine: str(e.ParentCommandLine),
          },
          // Both spellings occur: `Grandparent…` in legacy events, `GrandParent…` in EPP ones.
          grandparent: {
            image: firstStr(
              e,
              'GrandParentImageFilePath',
              'GrandparentImageFilePath',
              'GrandParentImageFileName',
              'GrandparentImageFileName',
            ),
            commandLine: firstStr(e, 'GrandParentCommandLine', 'GrandparentCommandLine'),
          },
        }
      : undefined,
    file,
    network,
    artifacts,
  });
}

/** Legacy Streaming API detection (`metadata.eventType: DetectionSummaryEvent`). */
export const crowdstrikeDetectionSummary: FormatAdapter = {
  id: 'crowdstrike-detection-summary',
  product: 'crowdstrike',
  detect: (record) => streamingType(record.value) === LEGACY_EVENT,
  normalize: (record, ctx) => normalizeStreaming(crowdstrikeDetectionSummary, record, ctx, true),
};

/** Streaming API endpoint-protection detection (`EPPDetectionSummaryEvent`, also spelled `EppDetectionSummaryEvent`). */
export const crowdstrikeEppDetectionSummary: FormatAdapter = {
  id: 'crowdstrike-epp-detection-summary',
  product: 'crowdstrike',
  detect: (record) => streamingType(record.value)?.toLowerCase() === EPP_EVENT,
  normalize: (record, ctx) => normalizeStreaming(crowdstrikeEppDetectionSummary, record, ctx, false),
};

function processDetails(d: unknown): {
  guid?: string;
  pid?: number;
  image?: string;
  commandLine?: string;
  user?: string;
} {
  if (!isObject(d)) return {};
  return {
    guid: firstStr(d, 'process_graph_id') ?? falconProcessId(d.process_id),
    pid: safeInt(d.local_process_id),
    image: firstStr(d, 'filepath', 'filename'),
    commandLine: str(d.cmdline),
    user: str(d.user_name),
  };
}

/**
 * The host of an Alerts API v2 alert. Endpoint alerts carry `device{}`. Identity Protection alerts (`product: idp`)
 * have no device: their subject is an authentication from `source_endpoint_host_name` towards a target endpoint, so
 * the source endpoint (where the activity came from, with its Falcon sensor id) is the host; without one the alert
 * is about an account alone and is rejected.
 */
function alertHost(v: Json): Alert['host'] {
  const device = v.device;
  const deviceName = isObject(device) ? str(device.hostname) : undefined;
  if (isObject(device) && deviceName !== undefined) {
    return {
      name: deviceName,
      ips: ipsOf(device.local_ip),
      agentId: firstStr(device, 'device_id') ?? str(v.agent_id),
      os: firstStr(device, 'os_version', 'platform_name'),
    };
  }
  const source = str(v.source_endpoint_host_name);
  if (source !== undefined) {
    return {
      name: source,
      ips: ipsOf(v.source_endpoint_ip_address, v.source_endpoint_address_ip4),
      agentId: str(v.source_endpoint_sensor_id),
    };
  }
  if (str(v.product) === 'idp') {
    throw new RecordRejected('missing host: identity alert names no source endpoint (source_endpoint_host_name)');
  }
  throw new RecordRejected('missing host: no device.hostname');
}

function normalizeAlertV2(record: RawRecord, ctx: NormalizeContext): Alert {
  const v = record.value;
  if (!isObject(v)) throw new RecordRejected('invalid CrowdStrike alert: not a JSON object');
  const host = alertHost(v);
  const eventTime = timeAt(v, ['timestamp', 'created_timestamp']);
  const numeric = severityOf(v.severity, 'severity', 100);
  const severity =
    numeric !== undefined
      ? { vendor: str(v.severity_name) ?? numeric.vendor, score: numeric.score }
      : (severityOf(v.severity_name, 'severity_name') ?? NO_SEVERITY);

  const artifacts = new ArtifactList();
  addIoc(artifacts, v.ioc_type, v.ioc_value);
  for (const c of arr(v.ioc_context)) if (isObject(c)) addIoc(artifacts, c.ioc_type, c.ioc_value);
  for (const q of arr(v.quarantined_files)) {
    if (!isObject(q)) continue;
    artifacts.add('file', q.filename, 'quarantined');
    const sha = hashesOf({ sha256: q.sha256 });
    if (sha !== undefined) artifacts.add('hash', sha.sha256, 'quarantined');
  }
  for (const f of arr(v.associated_files)) {
    if (!isObject(f)) continue;
    artifacts.add('file', f.filepath, 'associated');
    const sha = hashesOf({ sha256: f.sha256 });
    if (sha !== undefined) artifacts.add('hash', sha.sha256, 'associated');
  }
  addFiles(artifacts, v.files_written, 'filepath', 'filename', 'written');
  addFiles(artifacts, v.executables_written, 'filepath', 'filename', 'executable written');
  for (const w of arr(v.file_writes)) if (isObject(w)) artifacts.add('file', w.name, 'written');
  artifacts.add('user', v.source_account_upn, 'source account');
  artifacts.add('user', v.target_account_name, 'target account');
  artifacts.add('domain', v.target_endpoint_host_name, 'target endpoint');
  for (const x of arr(v.ioc_values)) {
    const hex = str(x);
    const algo = hex === undefined ? undefined : hashAlgorithm(hex);
    if (algo !== undefined) addIoc(artifacts, `hash_${algo}`, hex);
  }
  const network = networkAccesses(
    v.network_accesses,
    {
      proto: 'protocol',
      local: 'local_address',
      localPort: 'local_port',
      remote: 'remote_address',
      remotePort: 'remote_port',
      dir: 'connection_direction',
    },
    artifacts,
  );

  const image = firstStr(v, 'filepath', 'filename');
  const hashes = hashesOf({ md5: v.md5, sha1: v.sha1, sha256: v.sha256 });
  const isScan = str(v.type) === 'ods';
  const userName = firstStr(v, 'user_name', 'source_account_name');
  const userSid = firstStr(v, 'user_id', 'source_account_object_sid');
  const ruleName = firstStr(v, 'display_name', 'name');

  return buildAlert(crowdstrikeAlertV2, record, ctx, {
    vendorId: str(v.composite_id),
    eventTime,
    eventType: 'detection',
    eventCode: safeInt(v.pattern_id),
    title: ruleName,
    description: str(v.description),
    host,
    user:
      userName === undefined
        ? undefined
        : {
            name: userName,
            domain: firstStr(v, 'logon_domain', 'source_account_domain'),
            sid: userSid !== undefined && /^S-\d+-/i.test(userSid) ? userSid : undefined,
          },
    rule: ruleName === undefined ? undefined : { name: ruleName, id: str(v.pattern_id) },
    severity,
    techniques: techniqueIds(v.technique_id, pluck(v.mitre_attack, 'technique_id')),
    techniqueNames: vendorTechniques(v.technique, v.tactic, v.mitre_attack, ['technique', 'tactic']),
    tactics: attackTactics(v.tactic, pluck(v.mitre_attack, 'tactic')),
    disposition: disposition(v.pattern_disposition_details, v.pattern_disposition_description),
    process: {
      ...processDetails({
        process_graph_id: v.triggering_process_graph_id,
        process_id: v.process_id,
        local_process_id: v.local_process_id,
        filepath: v.filepath,
        filename: v.filename,
        cmdline: v.cmdline,
        user_name: v.user_name,
      }),
      hashes,
      parent: processDetails(v.parent_details),
      grandparent: processDetails(v.grandparent_details),
    },
    // An on-demand scan (`type: ods`) is about a file at rest: the file is the subject, not only a process image.
    file: isScan && image !== undefined ? { path: image, hashes } : undefined,
    network,
    artifacts,
  });
}

/** Alerts API v2 (`/alerts/entities/alerts/v2`), any product: `epp`, `idp`, `ods` scans… */
export const crowdstrikeAlertV2: FormatAdapter = {
  id: 'crowdstrike-alerts-v2',
  product: 'crowdstrike',
  detect: (record) => {
    const v = record.value;
    return (
      isObject(v) &&
      typeof v.composite_id === 'string' &&
      (typeof v.cid === 'string' || typeof v.agent_id === 'string') &&
      !isObject(v.metadata)
    );
  },
  normalize: normalizeAlertV2,
};
