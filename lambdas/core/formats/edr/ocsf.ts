import type { Alert, ArtifactType, Process } from '../../model/alert';
import { firstStr, get, int, isObject, severityScore, str, techniqueIds } from '../common';
import type { Json } from '../common';
import { RecordRejected } from '../types';
import type { FormatAdapter, NormalizeContext, RawRecord } from '../types';
import { ArtifactList, buildAlert } from './build';
import type { Disposition, VendorTechnique } from './build';
import {
  NO_SEVERITY,
  UNKNOWN_SCORE,
  arr,
  attackTactics,
  ip,
  ipsOf,
  joinPath,
  pluck,
  port,
  safeInt,
  severityOf,
  timeAt,
} from './fields';

/**
 * OCSF findings: Detection Finding (class_uid 2004, OCSF 1.1+: `finding_info{}`, `evidences[]`) and Security Finding
 * (class_uid 2001, including 1.0.0-rc.2's `finding{}` object). Endpoint findings name a `device`; cloud findings
 * name `resources[]` instead. Mapping tables: docs/formats-edr.md.
 */

const CLASSES = new Set([2001, 2004]);

/** OCSF `severity_id` captions (0–6), scored on the shared word scale; 99 (`Other`) uses the `severity` text. */
const SEVERITY_WORDS = ['unknown', 'informational', 'low', 'medium', 'high', 'critical', 'fatal'];

function severity(v: Json): Alert['severity'] {
  const idValue = v.severity_id;
  const text = str(v.severity)?.trim();
  if (idValue !== undefined && idValue !== null) {
    const id = int(idValue);
    if (id === undefined) throw new RecordRejected('invalid severity in severity_id: expected an integer');
    const word = SEVERITY_WORDS[id];
    if (word !== undefined) return { vendor: text ?? word, score: severityScore(word) ?? UNKNOWN_SCORE };
    return {
      vendor: text ?? String(id),
      score: (text === undefined ? undefined : severityScore(text)) ?? UNKNOWN_SCORE,
    };
  }
  return severityOf(v.severity, 'severity') ?? NO_SEVERITY;
}

/** OCSF observable `type_id`s that name a typed indicator. Hostname observables are DNS names, hence `domain`. */
const OBSERVABLE_TYPES: Record<number, ArtifactType> = {
  1: 'domain',
  2: 'ip',
  4: 'user',
  5: 'email',
  6: 'url',
  7: 'file',
  8: 'hash',
  9: 'process',
  13: 'process',
  28: 'registry',
};

function fileHashes(file: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const h of arr(get(file, 'hashes'))) {
    const algo = str(get(h, 'algorithm'))
      ?.toLowerCase()
      .replace(/[^a-z0-9]/g, '');
    const value = str(get(h, 'value'));
    if (algo !== undefined && value !== undefined && /^[0-9a-f]+$/i.test(value)) out[algo] = value.toLowerCase();
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function processOf(p: unknown): Process | undefined {
  if (!isObject(p)) return undefined;
  const image = firstStr(p, 'file.path', 'name');
  const parent = p.parent_process;
  return {
    guid: str(p.uid),
    pid: safeInt(p.pid),
    image,
    commandLine: str(p.cmd_line),
    user: firstStr(p, 'user.name'),
    hashes: fileHashes(p.file),
    parent: isObject(parent)
      ? {
          guid: str(parent.uid),
          pid: safeInt(parent.pid),
          image: firstStr(parent, 'file.path', 'name'),
          commandLine: str(parent.cmd_line),
        }
      : undefined,
  };
}

/** `disposition_id`s that mean the threat was stopped: Blocked, Quarantined, Isolated, Deleted, Dropped. */
const BLOCKED_DISPOSITIONS = new Set([2, 3, 4, 5, 6]);
/** `disposition_id` 10: Exonerated, the finding was judged harmless. */
const EXONERATED = 10;

/**
 * What the product did or decided: `blocked` for a blocking disposition (or `action_id` 2, Denied), `benign` for an
 * exonerated finding or a compliance check that passed (Prowler `status_code: PASS`, `compliance.status: PASSED`).
 */
function disposition(v: Json): Disposition | undefined {
  const d = int(v.disposition_id);
  const passed = /^pass(ed)?$/i.test(str(v.status_code) ?? str(get(v, 'compliance.status')) ?? '');
  if (d === EXONERATED || passed) return 'benign';
  if ((d !== undefined && BLOCKED_DISPOSITIONS.has(d)) || int(v.action_id) === 2) return 'blocked';
  return undefined;
}

/** A posture check (Security Hub controls, Prowler): it carries compliance data rather than observed activity. */
function isCompliance(v: Json): boolean {
  return isObject(v.compliance) || isObject(get(v, 'unmapped.compliance')) || isObject(get(v, 'unmapped.Compliance'));
}

/** Technique and sub-technique names from `attacks[]`, each with the attack's tactics. */
function attackTechniqueNames(attacks: unknown[]): VendorTechnique[] {
  const out: VendorTechnique[] = [];
  for (const a of attacks) {
    if (!isObject(a)) continue;
    const tactics = [...pluck([a], 'tactic.name'), ...pluck(get(a, 'tactics'), 'name')];
    const name = firstStr(a, 'technique.name');
    const sub = firstStr(a, 'sub_technique.name');
    if (name !== undefined) out.push({ name, tactics });
    if (sub !== undefined) out.push({ name: name === undefined ? sub : `${name}: ${sub}`, tactics });
  }
  return out;
}

function filePath(f: unknown): string | undefined {
  return firstStr(f, 'path') ?? joinPath(firstStr(f, 'parent_folder'), firstStr(f, 'name'));
}

/**
 * The subject of the finding. A `device` is a host. Without one, a cloud finding is about `resources[]`; OCSF
 * defines `resources[].uid` as the resource's unique id (an ARN, an instance id, the IP of an infected device), the
 * asset the finding concerns, so it stands in as `host.name`. A resource `name` alone is not an identifier (Okta's
 * is a URL path) and an account is not an asset one can contain, so neither is used.
 */
function subject(v: Json): { host: Alert['host']; cloud: boolean } {
  const device = v.device;
  const deviceName = isObject(device) ? firstStr(device, 'hostname', 'name') : undefined;
  if (isObject(device) && deviceName !== undefined) {
    return {
      host: {
        name: deviceName,
        fqdn: firstStr(device, 'domain') !== undefined && deviceName.includes('.') ? deviceName : undefined,
        ips: ipsOf(device.ip),
        agentId: firstStr(device, 'uid'),
        os: firstStr(device, 'os.name'),
      },
      cloud: false,
    };
  }
  const resources = arr(v.resources).filter(isObject);
  const resource =
    resources.find((r) => /instance/i.test(str(r.type) ?? '') && str(r.uid) !== undefined) ??
    resources.find((r) => str(r.uid) !== undefined);
  const uid = resource === undefined ? undefined : str(resource.uid);
  if (uid === undefined) throw new RecordRejected('missing host: no device.hostname and no resources[].uid');
  return { host: { name: uid, ips: ipsOf(ip(uid)) }, cloud: true };
}

function normalize(record: RawRecord, ctx: NormalizeContext): Alert {
  const v = record.value;
  if (!isObject(v)) throw new RecordRejected('invalid OCSF finding: not a JSON object');
  const { host, cloud } = subject(v);
  // 1.1+ keeps the finding in `finding_info`; 1.0 Security Findings in `finding`.
  const info = isObject(v.finding_info) ? v.finding_info : isObject(v.finding) ? v.finding : {};
  const eventTime = timeAt(v, [
    'finding_info.created_time',
    'finding_info.created_time_dt',
    'finding.created_time',
    'finding.created_time_dt',
    'time',
    'time_dt',
  ]);
  const attacks = [...arr(v.attacks), ...arr(info.attacks)];
  const evidences = arr(v.evidences).filter(isObject);
  const artifacts = new ArtifactList();

  let process = processOf(get(v, 'actor.process')) ?? processOf(v.process);
  const topFile = filePath(v.file);
  let file: Alert['file'] = topFile === undefined ? undefined : { path: topFile, hashes: fileHashes(v.file) };
  let network: Alert['network'];
  for (const ev of evidences) {
    const p = processOf(ev.process);
    if (p !== undefined) {
      if (process === undefined) process = p;
      else artifacts.add('process', p.image ?? p.commandLine, 'evidence');
    }
    const fp = filePath(ev.file);
    if (fp !== undefined) {
      if (file === undefined) file = { path: fp, hashes: fileHashes(ev.file) };
      else artifacts.add('file', fp, 'evidence');
    }
    const src = ip(get(ev, 'src_endpoint.ip'));
    const dst = ip(get(ev, 'dst_endpoint.ip'));
    if (network === undefined && (src !== undefined || dst !== undefined)) {
      network = {
        srcIp: src,
        srcPort: port(get(ev, 'src_endpoint.port')),
        dstIp: dst,
        dstPort: port(get(ev, 'dst_endpoint.port')),
        dstHostname: firstStr(ev, 'dst_endpoint.hostname', 'dst_endpoint.domain'),
        protocol: firstStr(ev, 'connection_info.protocol_name'),
      };
    } else {
      artifacts.add('ip', src, 'source endpoint');
      artifacts.add('ip', dst, 'destination endpoint');
    }
    artifacts.add('domain', firstStr(ev, 'query.hostname'), 'dns query');
    artifacts.add('url', firstStr(ev, 'url.url_string'), 'evidence');
  }
  for (const m of arr(v.malware)) if (isObject(m)) artifacts.add('file', m.path, 'malware');
  for (const o of arr(v.observables)) {
    if (!isObject(o)) continue;
    const type = OBSERVABLE_TYPES[int(o.type_id) ?? -1];
    const value = type === 'ip' ? ip(o.value) : str(o.value);
    if (type !== undefined && value !== host.name) artifacts.add(type, value, str(o.name));
  }

  const title = firstStr(info, 'title');
  const ruleName = firstStr(info, 'analytic.name') ?? title;
  const userName = firstStr(v, 'actor.user.name', 'user.name');
  return buildAlert(ocsfFinding, record, ctx, {
    vendorId: firstStr(info, 'uid') ?? firstStr(v, 'metadata.uid'),
    eventTime,
    eventType: cloud ? 'finding' : 'detection',
    eventCode: safeInt(v.class_uid),
    eventName: firstStr(v, 'class_name', 'type_name'),
    title,
    description: firstStr(info, 'desc') ?? str(v.message),
    host,
    user:
      userName === undefined ? undefined : { name: userName, domain: firstStr(v, 'actor.user.domain', 'user.domain') },
    rule:
      ruleName === undefined
        ? undefined
        : { name: ruleName, id: firstStr(info, 'analytic.uid') ?? firstStr(v, 'metadata.event_code') },
    severity: severity(v),
    techniques: techniqueIds(pluck(attacks, 'technique.uid'), pluck(attacks, 'sub_technique.uid')),
    techniqueNames: attackTechniqueNames(attacks),
    disposition: disposition(v),
    compliance: isCompliance(v),
    tactics: attackTactics(pluck(attacks, 'tactic.name'), ...arr(attacks).map((a) => pluck(get(a, 'tactics'), 'name'))),
    process,
    file,
    network,
    artifacts,
  });
}

/** OCSF Detection Finding (2004) or Security Finding (2001). */
export const ocsfFinding: FormatAdapter = {
  id: 'ocsf-finding',
  product: 'ocsf',
  detect: (record) => {
    const v = record.value;
    const cls = isObject(v) ? int(v.class_uid) : undefined;
    return cls !== undefined && CLASSES.has(cls) && isObject(get(v, 'metadata'));
  },
  normalize,
};
