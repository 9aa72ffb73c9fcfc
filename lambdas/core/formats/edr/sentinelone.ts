import type { Alert } from '../../model/alert';
import { firstStr, isObject, severityScore, str, techniqueIds } from '../common';
import { RecordRejected } from '../types';
import type { FormatAdapter, NormalizeContext, RawRecord } from '../types';
import { ArtifactList, buildAlert } from './build';
import type { Disposition, VendorTechnique } from './build';
import {
  NO_SEVERITY,
  UNKNOWN_SCORE,
  accountOf,
  arr,
  attackTactics,
  hashesOf,
  ipsOf,
  pluck,
  present,
  timeAt,
} from './fields';

/**
 * SentinelOne threats (`/web/api/v2.1/threats`): `threatInfo{}` with the verdict and file, `agentRealtimeInfo{}` /
 * `agentDetectionInfo{}` with the endpoint, `indicators[]` with ATT&CK tactics and techniques.
 * Mapping tables: docs/formats-edr.md.
 */

/**
 * Threats carry no severity, only the verdict's confidence. `malicious` reads as high and `suspicious` as medium on
 * the shared word scale; anything else (`n/a`) scores as unknown.
 */
const CONFIDENCE_WORD: Record<string, string> = { malicious: 'high', suspicious: 'medium' };

function severity(threat: Record<string, unknown>): Alert['severity'] {
  const level = threat.confidenceLevel;
  if (!present(level)) return NO_SEVERITY;
  if (typeof level !== 'string') {
    throw new RecordRejected('invalid severity in threatInfo.confidenceLevel: expected a word');
  }
  const word = CONFIDENCE_WORD[level.trim().toLowerCase()];
  return { vendor: level.trim(), score: (word === undefined ? undefined : severityScore(word)) ?? UNKNOWN_SCORE };
}

function normalize(record: RawRecord, ctx: NormalizeContext): Alert {
  const v = record.value;
  if (!isObject(v)) throw new RecordRejected('invalid SentinelOne threat: not a JSON object');
  const threat = v.threatInfo;
  if (!isObject(threat)) throw new RecordRejected('invalid SentinelOne threat: threatInfo is not an object');
  const realtime = isObject(v.agentRealtimeInfo) ? v.agentRealtimeInfo : {};
  const detection = isObject(v.agentDetectionInfo) ? v.agentDetectionInfo : {};
  const hostName = firstStr(realtime, 'agentComputerName') ?? firstStr(detection, 'agentComputerName');
  if (hostName === undefined) throw new RecordRejected('missing host: no agentRealtimeInfo.agentComputerName');
  const eventTime = timeAt(v, ['threatInfo.identifiedAt', 'threatInfo.createdAt']);

  const tactics = arr(v.indicators).flatMap((i) => (isObject(i) ? arr(i.tactics) : []));
  const techniques = techniqueIds(tactics.map(techniquesOf));
  const descriptions = pluck(v.indicators, 'description');
  const engines = arr(threat.detectionEngines).filter(isObject);
  const firstEngine = engines[0];
  const classification = str(threat.classification);
  const processUser = str(threat.processUser);
  const osName = firstStr(realtime, 'agentOsName') ?? firstStr(detection, 'agentOsName');
  const osRevision = firstStr(realtime, 'agentOsRevision') ?? firstStr(detection, 'agentOsRevision');
  const filePath = str(threat.filePath);

  const artifacts = new ArtifactList();
  artifacts.add('process', threat.maliciousProcessArguments, 'malicious process arguments');
  // Without a path the hashes still identify the threat.
  if (filePath === undefined)
    for (const h of Object.values(threatHashes(threat) ?? {})) artifacts.add('hash', h, 'threat');

  const ruleName = classification ?? str(firstEngine?.title);
  return buildAlert(sentinelOneThreat, record, ctx, {
    vendorId: str(v.id),
    eventTime,
    eventType: 'detection',
    title: str(threat.threatName),
    description: descriptions.length > 0 ? descriptions.join('; ') : undefined,
    host: {
      name: hostName,
      ips: ipsOf(detection.agentIpV4),
      agentId: firstStr(realtime, 'agentId', 'agentUuid') ?? str(detection.agentUuid),
      os: osName === undefined ? undefined : osRevision === undefined ? osName : `${osName} ${osRevision}`,
    },
    user: accountOf(processUser),
    rule:
      ruleName === undefined
        ? undefined
        : {
            name: ruleName,
            id: str(firstEngine?.key),
            description: engines.length > 0 ? pluck(engines, 'title').join(', ') : undefined,
          },
    severity: severity(threat),
    techniques,
    techniqueNames: techniqueNamesOf(tactics),
    tactics: attackTactics(pluck(tactics, 'name')),
    disposition: disposition(threat),
    // The originator is the process that brought the threat to disk (e.g. an archive service), not the threat itself.
    process: { image: str(threat.originatorProcess), user: processUser },
    file: filePath === undefined ? undefined : { path: filePath, hashes: threatHashes(threat) },
    artifacts,
  });
}

/** Indicator techniques written as names (`PowerShell`), each with the tactic it sits under. */
function techniqueNamesOf(tactics: unknown[]): VendorTechnique[] {
  const out: VendorTechnique[] = [];
  for (const t of tactics) {
    if (!isObject(t)) continue;
    const tactic = str(t.name);
    for (const name of pluck(t.techniques, 'name')) out.push({ name, tactics: tactic === undefined ? [] : [tactic] });
  }
  return out;
}

/**
 * `benign` when an analyst's verdict says false positive; `blocked` when the agent mitigated the threat (killed,
 * quarantined) or did so pre-emptively.
 */
function disposition(threat: Record<string, unknown>): Disposition | undefined {
  const folded = (x: unknown): string => (str(x) ?? '').toLowerCase().replace(/[^a-z]/g, '');
  if (folded(threat.analystVerdict) === 'falsepositive') return 'benign';
  if (folded(threat.mitigationStatus) === 'mitigated' || threat.mitigatedPreemptively === true) return 'blocked';
  return undefined;
}

function techniquesOf(tactic: unknown): string[] {
  return isObject(tactic) ? pluck(tactic.techniques, 'name') : [];
}

function threatHashes(threat: Record<string, unknown>): Record<string, string> | undefined {
  return hashesOf({ md5: threat.md5, sha1: threat.sha1, sha256: threat.sha256 });
}

/** SentinelOne threat (Management API v2.1). */
export const sentinelOneThreat: FormatAdapter = {
  id: 'sentinelone-threat',
  product: 'sentinelone',
  detect: (record) => {
    const v = record.value;
    return isObject(v) && isObject(v.threatInfo) && (isObject(v.agentRealtimeInfo) || isObject(v.agentDetectionInfo));
  },
  normalize,
};
