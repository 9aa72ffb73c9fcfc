import type { Alert, Process } from '../../model/alert';
import { firstStr, get, isObject, str, techniqueIds } from '../common';
import type { Json } from '../common';
import { RecordRejected } from '../types';
import type { FormatAdapter, NormalizeContext, RawRecord } from '../types';
import { ArtifactList, buildAlert } from './build';
import type { Disposition } from './build';
import { NO_SEVERITY, arr, attackTactics, hashesOf, ip, ipsOf, joinPath, safeInt, severityOf, timeAt } from './fields';

/**
 * Microsoft Defender alerts in two shapes:
 * - Defender for Endpoint API `/api/alerts` (`machineId`, `computerDnsName`, `alertCreationTime`, one `evidence` row
 *   per record: the API repeats an alert once per evidence, so the same id arrives several times on purpose);
 * - Microsoft Graph security `alert` (alerts_v2: `@odata.type #microsoft.graph.security.alert`, typed `evidence[]`).
 * Mapping tables: docs/formats-edr.md.
 */

const GRAPH_ALERT = '#microsoft.graph.security.alert';

function userOf(name: unknown, domain: unknown, sid: unknown): Alert['user'] {
  const n = str(name);
  return n === undefined ? undefined : { name: n, domain: str(domain), sid: str(sid) };
}

/** Analyst or automated-investigation verdicts that close an alert as harmless, in both APIs' spellings. */
const BENIGN_VERDICTS = new Set([
  'benign',
  'benignpositive',
  'falsepositive',
  'informationalexpectedactivity',
  'notmalicious',
  'confirmeduseractivity',
  'lineofbusinessapplication',
]);
/** Evidence remediation states and title words that mean Defender stopped the threat. */
const BLOCKED_STATES = new Set(['blocked', 'prevented', 'remediated', 'quarantined']);
const BLOCKED_TITLE = /\b(?:was|were)\s+(?:prevented|blocked|quarantined|remediated|removed)\b/i;

const folded = (v: unknown): string => (str(v) ?? '').toLowerCase().replace(/[^a-z]/g, '');

/**
 * Defender's disposition: `benign` when the classification, determination or automated investigation closed it as
 * harmless (`FalsePositive`, `informationalExpectedActivity`, investigation state `Benign`); `blocked` when an
 * evidence row was remediated or prevented, or the title says the threat was (`'Mimikatz' hacktool was prevented`).
 */
function disposition(v: Json, evidence: unknown[]): Disposition | undefined {
  if ([v.classification, v.determination, v.investigationState].some((x) => BENIGN_VERDICTS.has(folded(x)))) {
    return 'benign';
  }
  const states = evidence.filter(isObject).map((e) => folded(e.remediationStatus));
  if (states.some((x) => BLOCKED_STATES.has(x)) || BLOCKED_TITLE.test(str(v.title) ?? '')) return 'blocked';
  return undefined;
}

/** One MDE evidence row (`entityType` File, Process, User, Ip, Url…) into the alert's blocks and artifacts. */
function mdeEvidence(
  ev: Json,
  out: { process?: Process; file?: Alert['file']; user?: Alert['user']; artifacts: ArtifactList },
): void {
  const type = str(ev.entityType)?.toLowerCase();
  const path = joinPath(str(ev.filePath), str(ev.fileName));
  const hashes = hashesOf({ sha1: ev.sha1, sha256: ev.sha256 });
  if (type === 'process' && out.process === undefined) {
    out.process = {
      pid: safeInt(ev.processId),
      image: path,
      commandLine: str(ev.processCommandLine),
      hashes,
      parent: { pid: safeInt(ev.parentProcessId) },
    };
  } else if (type === 'process') {
    out.artifacts.add('process', path ?? ev.processCommandLine, 'evidence');
  } else if (type === 'file' && out.file === undefined && path !== undefined) {
    out.file = { path, hashes };
  } else if (type === 'file') {
    out.artifacts.add('file', path, 'evidence');
    for (const h of Object.values(hashes ?? {})) out.artifacts.add('hash', h, 'evidence');
  } else if (type === 'user') {
    const account = str(ev.accountName);
    const domain = str(ev.domainName);
    out.artifacts.add('user', account !== undefined && domain !== undefined ? `${domain}\\${account}` : account);
    out.artifacts.add('user', ev.userPrincipalName);
    out.user ??= userOf(ev.accountName, ev.domainName, ev.userSid);
  } else if (type === 'ip') out.artifacts.add('ip', ip(ev.ipAddress), 'evidence');
  else if (type === 'url') out.artifacts.add('url', ev.url, 'evidence');
}

function normalizeMde(record: RawRecord, ctx: NormalizeContext): Alert {
  const v = record.value;
  if (!isObject(v)) throw new RecordRejected('invalid Defender alert: not a JSON object');
  const hostName = str(v.computerDnsName);
  if (hostName === undefined) throw new RecordRejected('missing host: no computerDnsName');
  const eventTime = timeAt(v, ['alertCreationTime', 'firstEventTime']);
  const severity = severityOf(v.severity, 'severity') ?? NO_SEVERITY;

  const found: { process?: Process; file?: Alert['file']; user?: Alert['user']; artifacts: ArtifactList } = {
    artifacts: new ArtifactList(),
  };
  // Older rows carry one evidence object; newer API versions an array of them.
  for (const ev of Array.isArray(v.evidence) ? v.evidence : [v.evidence]) if (isObject(ev)) mdeEvidence(ev, found);
  const related = get(v, 'relatedUser');
  const title = str(v.title);

  return buildAlert(defenderMdeAlert, record, ctx, {
    vendorId: str(v.id),
    eventTime,
    eventType: 'detection',
    title,
    description: str(v.description),
    host: {
      name: hostName,
      fqdn: hostName.includes('.') ? hostName : undefined,
      agentId: str(v.machineId),
    },
    user: (isObject(related) ? userOf(related.userName, related.domainName, undefined) : undefined) ?? found.user,
    rule: title === undefined ? undefined : { name: title, id: str(v.detectorId) },
    severity,
    techniques: techniqueIds(v.mitreTechniques),
    tactics: attackTactics(v.category),
    disposition: disposition(v, Array.isArray(v.evidence) ? v.evidence : [v.evidence]),
    process: found.process,
    file: found.file,
    artifacts: found.artifacts,
  });
}

/** Defender for Endpoint API alert (`/api/alerts`, one evidence row per record). */
export const defenderMdeAlert: FormatAdapter = {
  id: 'defender-mde-alert',
  product: 'defender',
  detect: (record) => {
    const v = record.value;
    // `machineId` is MDE's alone; one of host or creation time confirms it is an alert row, so a row missing the
    // other is still recognised and rejected with its real reason.
    return (
      isObject(v) &&
      typeof v.id === 'string' &&
      'machineId' in v &&
      ('computerDnsName' in v || 'alertCreationTime' in v) &&
      !('@odata.type' in v)
    );
  },
  normalize: normalizeMde,
};

/** `{ sha1, sha256, fileName, filePath }` (Graph `fileDetails`, `imageFile`) → path and hashes. */
function graphFile(d: unknown): { path?: string; hashes?: Record<string, string> } {
  if (!isObject(d)) return {};
  return {
    path: joinPath(str(d.filePath), str(d.fileName)),
    hashes: hashesOf({ md5: d.md5, sha1: d.sha1, sha256: d.sha256 }),
  };
}

function accountText(a: unknown): string | undefined {
  if (!isObject(a)) return undefined;
  const name = str(a.accountName);
  const domain = str(a.domainName);
  return name !== undefined && domain !== undefined ? `${domain}\\${name}` : (name ?? str(a.userPrincipalName));
}

function accountUser(a: unknown): Alert['user'] {
  return isObject(a) ? userOf(a.accountName ?? a.userPrincipalName, a.domainName, a.userSid) : undefined;
}

function graphEvidenceType(ev: Json): string {
  const t = str(ev['@odata.type']) ?? '';
  return t.replace(/^#microsoft\.graph\.security\./, '');
}

function normalizeGraph(record: RawRecord, ctx: NormalizeContext): Alert {
  const v = record.value;
  if (!isObject(v)) throw new RecordRejected('invalid Graph alert: not a JSON object');
  const evidence = arr(v.evidence).filter(isObject);
  const devices = evidence.filter((e) => graphEvidenceType(e) === 'deviceEvidence');
  const device = devices.find((d) => firstStr(d, 'deviceDnsName', 'hostName') !== undefined);
  // Alerts about mailboxes, cloud apps or accounts alone have no device: Graph then names no host at all.
  if (device === undefined) throw new RecordRejected('missing host: no deviceEvidence with a deviceDnsName');
  const hostName = firstStr(device, 'deviceDnsName', 'hostName') ?? '';
  const eventTime = timeAt(v, ['createdDateTime', 'firstActivityDateTime']);
  const severity = severityOf(v.severity, 'severity') ?? NO_SEVERITY;

  const artifacts = new ArtifactList();
  let process: Process | undefined;
  let file: Alert['file'];
  let registry: Alert['registry'];
  let user: Alert['user'];
  for (const ev of evidence) {
    const type = graphEvidenceType(ev);
    if (type === 'processEvidence') {
      const image = graphFile(ev.imageFile);
      const parent = graphFile(ev.parentProcessImageFile);
      if (process === undefined) {
        process = {
          pid: safeInt(ev.processId),
          image: image.path,
          commandLine: str(ev.processCommandLine),
          user: accountText(ev.userAccount),
          hashes: image.hashes,
          parent: { pid: safeInt(ev.parentProcessId), image: parent.path },
        };
        user ??= accountUser(ev.userAccount);
      } else artifacts.add('process', image.path ?? ev.processCommandLine, 'evidence');
    } else if (type === 'fileEvidence') {
      const f = graphFile(ev.fileDetails);
      if (file === undefined && f.path !== undefined) file = { path: f.path, hashes: f.hashes };
      else {
        artifacts.add('file', f.path, 'evidence');
        for (const h of Object.values(f.hashes ?? {})) artifacts.add('hash', h, 'evidence');
      }
    } else if (type === 'registryKeyEvidence' || type === 'registryValueEvidence') {
      const hive = str(ev.registryHive);
      const keyPath = str(ev.registryKey);
      const key = keyPath === undefined ? undefined : hive !== undefined ? `${hive}\\${keyPath}` : keyPath;
      if (key !== undefined && registry === undefined) {
        registry = { key, valueName: str(ev.registryValueName), valueData: str(ev.registryValue) };
      } else artifacts.add('registry', key, 'evidence');
    } else if (type === 'userEvidence') {
      artifacts.add('user', accountText(ev.userAccount), 'evidence');
      user = accountUser(ev.userAccount) ?? user;
    } else if (type === 'ipEvidence') artifacts.add('ip', ip(ev.ipAddress), 'evidence');
    else if (type === 'urlEvidence') artifacts.add('url', ev.url, 'evidence');
    else if (type === 'mailboxEvidence') artifacts.add('email', ev.primaryAddress, 'mailbox');
    else if (type === 'deviceEvidence' && ev !== device) artifacts.add('domain', ev.deviceDnsName, 'other device');
  }
  const title = str(v.title);

  return buildAlert(defenderGraphAlert, record, ctx, {
    vendorId: str(v.id),
    eventTime,
    eventType: 'detection',
    title,
    description: str(v.description),
    host: {
      name: hostName,
      fqdn: hostName.includes('.') ? hostName : undefined,
      ips: ipsOf(device.ipInterfaces),
      agentId: str(device.mdeDeviceId),
      os: str(device.osPlatform),
    },
    user,
    rule: title === undefined ? undefined : { name: title, id: str(v.detectorId) },
    severity,
    techniques: techniqueIds(v.mitreTechniques),
    tactics: attackTactics(v.category),
    disposition: disposition(v, evidence),
    process,
    file,
    registry,
    artifacts,
  });
}

/** Microsoft Graph security alert (alerts_v2) with typed evidence. */
export const defenderGraphAlert: FormatAdapter = {
  id: 'defender-graph-alert',
  product: 'defender',
  detect: (record) => {
    const v = record.value;
    if (!isObject(v)) return false;
    if (v['@odata.type'] === GRAPH_ALERT) return true;
    // Items of a Graph collection page may omit @odata.type; these three together are Graph's alone.
    return typeof v.providerAlertId === 'string' && typeof v.serviceSource === 'string' && Array.isArray(v.evidence);
  },
  normalize: normalizeGraph,
};
