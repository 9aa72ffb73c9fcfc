import type { Alert } from '../../model/alert';
import { get, isObject, str, techniqueIds, toIsoTime } from '../common';
import { RecordRejected } from '../types';
import type { FormatAdapter, NormalizeContext, RawRecord } from '../types';
import { ArtifactList, buildAlert } from './build';
import type { Disposition, VendorTechnique } from './build';
import {
  NO_SEVERITY,
  arr,
  attackTactics,
  hashesOf,
  ip,
  ipsOf,
  pluck,
  port,
  present,
  safeInt,
  severityOf,
  strs,
} from './fields';

/**
 * Elastic Defend (Endpoint Security) alerts and Elastic Security detection alerts: ECS documents with
 * `event.kind: alert` (or `signal`), `host.*`, `process.*`, `file.*`, `rule.*`, `threat[]` and the `kibana.alert.*`
 * fields. Kibana writes `kibana.alert.*` as dotted keys at the top level while Endpoint nests objects; both are read.
 * Mapping tables: docs/formats-edr.md.
 */

/** An ECS field whether nested (`{event:{kind}}`), dotted (`{"event.kind"}`) or partly dotted (`{"kibana.alert":{…}}`). */
export function ecs(doc: unknown, path: string): unknown {
  const nested = get(doc, path);
  if (nested !== undefined || !isObject(doc)) return nested;
  const parts = path.split('.');
  for (let i = parts.length; i > 1; i--) {
    const key = parts.slice(0, i).join('.');
    if (Object.prototype.hasOwnProperty.call(doc, key)) {
      const rest = parts.slice(i).join('.');
      return rest === '' ? doc[key] : get(doc[key], rest);
    }
  }
  return undefined;
}

function ecsStr(doc: unknown, ...paths: string[]): string | undefined {
  for (const p of paths) {
    const s = str(ecs(doc, p));
    if (s !== undefined) return s;
  }
  return undefined;
}

/** The first present of several ECS fields, with its path, for times and severities. */
function ecsFirst(doc: unknown, paths: readonly string[]): { path: string; value: unknown } | undefined {
  for (const path of paths) {
    const value = ecs(doc, path);
    if (present(value)) return { path, value };
  }
  return undefined;
}

const TIME_FIELDS = ['@timestamp', 'event.created', 'kibana.alert.original_time'];
const SCORE_FIELDS = ['kibana.alert.risk_score', 'event.risk_score', 'event.severity'];

/** ATT&CK technique and sub-technique ids from ECS `threat[]` (`technique[].id`, `technique[].subtechnique[].id`). */
function threatTechniques(threats: unknown): string[] {
  const ids: string[] = [];
  for (const t of arr(threats)) {
    if (!isObject(t)) continue;
    for (const tech of arr(t.technique)) {
      if (!isObject(tech)) continue;
      ids.push(...strs(tech.id), ...pluck(tech.subtechnique, 'id'));
    }
  }
  return techniqueIds(ids);
}

/**
 * Technique names from ECS `threat[]` with each entry's tactic, for entries that carry a name but no usable id
 * (sub-techniques as `Parent: Sub`, the form ATT&CK writes).
 */
function threatTechniqueNames(threats: unknown): VendorTechnique[] {
  const out: VendorTechnique[] = [];
  for (const t of arr(threats)) {
    if (!isObject(t)) continue;
    const tactics = strs(get(t, 'tactic.name'));
    for (const tech of arr(t.technique)) {
      if (!isObject(tech)) continue;
      const name = str(tech.name);
      if (name !== undefined) out.push({ name, tactics });
      for (const sub of arr(tech.subtechnique)) {
        const subName = isObject(sub) ? str(sub.name) : undefined;
        if (subName !== undefined) out.push({ name: name === undefined ? subName : `${name}: ${subName}`, tactics });
      }
    }
  }
  return out;
}

/**
 * `blocked` for Endpoint's prevention alerts (the rule says Prevention, or the file was quarantined); `benign` when
 * an analyst closed the alert in Kibana as a false or benign positive.
 */
function disposition(v: unknown, ruleName: string | undefined): Disposition | undefined {
  const reason = (ecsStr(v, 'kibana.alert.workflow_reason') ?? '').toLowerCase().replace(/[^a-z]/g, '');
  if (reason === 'falsepositive' || reason === 'benignpositive') return 'benign';
  if (ecs(v, 'file.Ext.quarantine_result') === true || /\bprevention\b/i.test(ruleName ?? '')) return 'blocked';
  return undefined;
}

function processRef(p: unknown): { guid?: string; pid?: number; image?: string; commandLine?: string } {
  return {
    guid: ecsStr(p, 'entity_id'),
    pid: safeInt(ecs(p, 'pid')),
    image: ecsStr(p, 'executable', 'name'),
    commandLine: ecsStr(p, 'command_line'),
  };
}

function normalize(record: RawRecord, ctx: NormalizeContext): Alert {
  const v = record.value;
  if (!isObject(v)) throw new RecordRejected('invalid Elastic alert: not a JSON object');
  const hostName = ecsStr(v, 'host.name', 'host.hostname');
  if (hostName === undefined) throw new RecordRejected('missing host: no host.name or host.hostname');
  const time = ecsFirst(v, TIME_FIELDS);
  if (time === undefined) throw new RecordRejected(`missing timestamp: none of ${TIME_FIELDS.join(', ')}`);
  const eventTime = toIsoTime(time.value, time.path);
  const score = ecsFirst(v, SCORE_FIELDS);
  const numeric = score === undefined ? undefined : severityOf(score.value, score.path, 100);
  const word = ecsStr(v, 'kibana.alert.severity');
  const severity =
    numeric !== undefined
      ? { vendor: word ?? numeric.vendor, score: numeric.score }
      : (severityOf(word, 'kibana.alert.severity') ?? NO_SEVERITY);

  const threats = ecs(v, 'kibana.alert.rule.threat') ?? ecs(v, 'threat');
  const proc = ecs(v, 'process');
  const userName = ecsStr(v, 'user.name');
  const userId = ecsStr(v, 'user.id');
  const ruleName = ecsStr(v, 'kibana.alert.rule.name', 'rule.name', 'message');
  const filePath = ecsStr(v, 'file.path');
  const artifacts = new ArtifactList();
  artifacts.add('url', ecsStr(v, 'url.full', 'url.original'), 'url');
  artifacts.add('domain', ecsStr(v, 'destination.domain'), 'destination');

  const registryPath = ecsStr(v, 'registry.path');
  const hive = ecsStr(v, 'registry.hive');
  const regKey = ecsStr(v, 'registry.key');
  const registryKey = regKey !== undefined && hive !== undefined ? `${hive}\\${regKey}` : (regKey ?? registryPath);
  const dnsQuery = ecsStr(v, 'dns.question.name');

  return buildAlert(elasticDefendAlert, record, ctx, {
    vendorId: ecsStr(v, 'kibana.alert.uuid', 'event.id'),
    eventTime,
    eventType: 'detection',
    eventName: ecsStr(v, 'event.code', 'event.action'),
    title: ruleName,
    description: ecsStr(v, 'kibana.alert.reason', 'rule.description', 'kibana.alert.rule.description'),
    host: {
      name: hostName,
      ips: ipsOf(ecs(v, 'host.ip')),
      agentId: ecsStr(v, 'agent.id', 'elastic.agent.id', 'host.id'),
      os: ecsStr(v, 'host.os.full', 'host.os.name'),
    },
    user:
      userName === undefined
        ? undefined
        : {
            name: userName,
            domain: ecsStr(v, 'user.domain'),
            sid: userId !== undefined && /^S-\d+-/i.test(userId) ? userId : undefined,
          },
    rule:
      ruleName === undefined
        ? undefined
        : {
            name: ruleName,
            id: ecsStr(v, 'kibana.alert.rule.rule_id', 'kibana.alert.rule.uuid', 'rule.id', 'rule.uuid'),
            description: ecsStr(v, 'kibana.alert.rule.description', 'rule.description'),
          },
    severity,
    techniques: threatTechniques(threats),
    techniqueNames: threatTechniqueNames(threats),
    tactics: attackTactics(pluck(threats, 'tactic.name')),
    disposition: disposition(v, ruleName),
    process: isObject(proc)
      ? {
          ...processRef(proc),
          user: ecsStr(proc, 'Ext.user', 'user.name'),
          integrityLevel: ecsStr(proc, 'Ext.token.integrity_level_name'),
          currentDirectory: ecsStr(proc, 'working_directory'),
          hashes: hashesOf({
            md5: ecs(proc, 'hash.md5'),
            sha1: ecs(proc, 'hash.sha1'),
            sha256: ecs(proc, 'hash.sha256'),
          }),
          parent: processRef(ecs(proc, 'parent')),
        }
      : undefined,
    file:
      filePath === undefined
        ? undefined
        : {
            path: filePath,
            hashes: hashesOf({
              md5: ecs(v, 'file.hash.md5'),
              sha1: ecs(v, 'file.hash.sha1'),
              sha256: ecs(v, 'file.hash.sha256'),
            }),
          },
    registry:
      registryKey === undefined
        ? undefined
        : {
            key: registryKey,
            valueName: ecsStr(v, 'registry.value'),
            valueData: strs(ecs(v, 'registry.data.strings')).join(' ') || undefined,
          },
    network: {
      protocol: ecsStr(v, 'network.transport'),
      direction: networkDirection(ecsStr(v, 'network.direction')),
      srcIp: ip(ecs(v, 'source.ip')),
      srcPort: port(ecs(v, 'source.port')),
      dstIp: ip(ecs(v, 'destination.ip')),
      dstPort: port(ecs(v, 'destination.port')),
      dstHostname: ecsStr(v, 'destination.domain'),
    },
    dns: dnsQuery === undefined ? undefined : { query: dnsQuery },
    artifacts,
  });
}

/** ECS allows `ingress`/`egress` and `inbound`/`outbound`; `internal`, `external`, `unknown` say nothing here. */
function networkDirection(d: string | undefined): 'inbound' | 'outbound' | undefined {
  const s = d?.toLowerCase();
  if (s === 'egress' || s === 'outbound') return 'outbound';
  if (s === 'ingress' || s === 'inbound') return 'inbound';
  return undefined;
}

/** Elastic Defend / Elastic Security alert (ECS). */
export const elasticDefendAlert: FormatAdapter = {
  id: 'elastic-defend-alert',
  product: 'elastic',
  detect: (record) => {
    const v = record.value;
    if (!isObject(v)) return false;
    const kind = ecs(v, 'event.kind');
    if (kind !== 'alert' && kind !== 'signal') return false;
    // Endpoint-written alerts, or Kibana detection-engine alerts: both carry a marker no other format has.
    const dataset = str(ecs(v, 'data_stream.dataset')) ?? str(ecs(v, 'event.dataset')) ?? '';
    return (
      ecs(v, 'agent.type') === 'endpoint' ||
      ecs(v, 'event.module') === 'endpoint' ||
      dataset.startsWith('endpoint.') ||
      ecs(v, 'kibana.alert.rule.uuid') !== undefined ||
      ecs(v, 'kibana.alert.uuid') !== undefined
    );
  },
  normalize,
};
