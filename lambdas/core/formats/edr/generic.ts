import { isIP } from 'node:net';
import { ARTIFACT_TYPES } from '../../model/alert';
import type { Alert, ArtifactType, ProcessRef } from '../../model/alert';
import { firstInt, firstStr, get, isObject, severityScore, splitHashes, str, techniqueIds } from '../common';
import type { Json } from '../common';
import { RecordRejected } from '../types';
import type { FormatAdapter, NormalizeContext, RawRecord } from '../types';
import { ArtifactList, buildAlert } from './build';
import {
  NO_SEVERITY,
  accountOf,
  UNKNOWN_SCORE,
  arr,
  attackTactics,
  firstPresent,
  hashAlgorithm,
  hashesOf,
  ip,
  ipsOf,
  port,
  present,
  safeInt,
  strs,
  timeAt,
} from './fields';
import { VENDOR_ADAPTERS } from './vendors';

/**
 * The catch-all: a hand-made or SIEM-forwarded alert in a plain JSON shape, like the alert in the SOC reference
 * ticket. The accepted shape (aliases, types, tolerances) is documented in docs/formats-edr.md, "Generic alert".
 * It is tried last and only takes a record that names a host and at least one of rule, technique or severity, and
 * that no vendor adapter and no Sysmon shape claims.
 */

const TIME_FIELDS = ['time', 'timestamp', '@timestamp', 'event_time', 'alert_time', 'created_at'];
const TECHNIQUE_FIELDS = ['technique', 'techniques', 'mitre', 'mitre_technique', 'technique_id'];
const own = (v: Json, key: string): boolean => Object.prototype.hasOwnProperty.call(v, key);

/** Sysmon and Windows event shapes belong to the Sysmon adapters even when they carry a `rule`-like field. */
function looksLikeWindowsEvent(v: Json): boolean {
  return own(v, 'EventID') || own(v, 'winlog') || own(v, 'EventData') || isObject(get(v, 'Event.System'));
}

/**
 * Severity as a word (`high`), a number on 0–100, or `85/100` / `HIGH (85/100)` (the score wins). Any other type is
 * rejected; an unknown word keeps its text and scores as unknown.
 */
function severity(v: unknown): Alert['severity'] {
  if (!present(v)) return NO_SEVERITY;
  if (typeof v === 'number' && Number.isFinite(v)) return { vendor: String(v), score: severityScore(v, 100) ?? 0 };
  if (typeof v !== 'string') throw new RecordRejected('invalid severity in severity: expected a word or a number');
  const text = v.trim();
  const ratio = /(\d+(?:\.\d+)?)\s*\/\s*(\d+)/.exec(text);
  if (ratio !== null && Number(ratio[2]) > 0) {
    return { vendor: text, score: severityScore(Number(ratio[1]), Number(ratio[2])) ?? UNKNOWN_SCORE };
  }
  const word = text.split(/[\s(]/)[0] ?? text;
  return { vendor: text, score: severityScore(text) ?? severityScore(word) ?? UNKNOWN_SCORE };
}

function hostOf(v: Json): Alert['host'] {
  const h = own(v, 'host') ? v.host : v.hostname;
  if (isObject(h)) {
    const name = firstStr(h, 'name', 'hostname');
    if (name === undefined) throw new RecordRejected('missing host: host object has no name or hostname');
    return {
      name,
      fqdn: firstStr(h, 'fqdn'),
      ips: ipsOf(h.ip, h.ips),
      agentId: firstStr(h, 'agent_id', 'id'),
      os: firstStr(h, 'os'),
    };
  }
  const name = str(h) ?? str(v.hostname);
  if (name === undefined) throw new RecordRejected('missing host: host and hostname are empty or not text');
  return { name, ips: ipsOf(v.host_ip, v.ip) };
}

/** `CORP\jwilliams` → name and domain; an object `{ name, domain, sid }` as given. */
function userOf(u: unknown): Alert['user'] {
  if (isObject(u)) {
    const name = firstStr(u, 'name', 'username');
    return name === undefined ? undefined : { name, domain: firstStr(u, 'domain'), sid: firstStr(u, 'sid') };
  }
  return accountOf(u);
}

function ruleOf(v: Json): Alert['rule'] {
  const r = v.rule;
  if (isObject(r)) {
    const name = firstStr(r, 'name', 'title') ?? firstStr(r, 'id');
    return name === undefined
      ? undefined
      : { name, id: firstStr(r, 'id') ?? firstStr(v, 'rule_id'), description: firstStr(r, 'description') };
  }
  const name = str(r) ?? str(v.rule_name);
  return name === undefined ? undefined : { name, id: firstStr(v, 'rule_id') };
}

function hashesFrom(o: Json): Record<string, string> | undefined {
  const listed = isObject(o.hashes) ? hashesOf(o.hashes) : splitHashes(o.hashes);
  const direct = hashesOf({ md5: o.md5, sha1: o.sha1, sha256: o.sha256 });
  return listed === undefined && direct === undefined ? undefined : { ...listed, ...direct };
}

function processRefOf(p: unknown): ProcessRef {
  if (!isObject(p)) return { image: str(p) };
  return {
    guid: firstStr(p, 'guid'),
    pid: safeInt(firstInt(p, 'pid', 'process_id')),
    image: firstStr(p, 'image', 'path', 'executable', 'name'),
    commandLine: firstStr(p, 'command_line', 'commandLine', 'cmdline'),
    user: firstStr(p, 'user'),
  };
}

function processOf(v: Json): Alert['process'] {
  const p = v.process;
  if (!isObject(p)) return str(p) === undefined ? undefined : { image: str(p) };
  const parent = isObject(p.parent)
    ? processRefOf(p.parent)
    : {
        image: firstStr(p, 'parent', 'parent_image'),
        pid: safeInt(firstInt(p, 'parent_pid')),
        commandLine: firstStr(p, 'parent_command_line', 'parent_commandLine'),
      };
  return { ...processRefOf(p), hashes: hashesFrom(p), parent };
}

/** A bare indicator string typed by its shape; text that fits no type is left to the raw record. */
function classify(s: string): ArtifactType | undefined {
  const t = s.trim();
  if (isIP(t) !== 0) return 'ip';
  if (/^[0-9a-f]+$/i.test(t) && hashAlgorithm(t) !== undefined) return 'hash';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return 'url';
  if (/^(HK(LM|CU|CR|U|CC)|HKEY_)/i.test(t)) return 'registry';
  if (/[\\/]/.test(t)) return 'file';
  if (/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i.test(t)) return 'domain';
  return undefined;
}

const ARTIFACT_TYPE_SET = new Set<string>(ARTIFACT_TYPES);

function isArtifactType(t: string): t is ArtifactType {
  return ARTIFACT_TYPE_SET.has(t);
}

function addArtifact(list: ArtifactList, type: string | undefined, value: unknown, role?: string): void {
  const s = str(value);
  if (s === undefined) return;
  const t = type === undefined ? classify(s) : type.toLowerCase();
  if (t === undefined || !isArtifactType(t)) return;
  if (t === 'ip' && ip(s) === undefined) return;
  list.add(t, s.trim(), role);
}

/** `artifacts` / `iocs`: a list of `{type, value, role}` or bare strings, or an object of `type → value(s)`. */
function artifactsOf(v: Json): ArtifactList {
  const list = new ArtifactList();
  for (const key of ['artifacts', 'iocs']) {
    const a = v[key];
    if (isObject(a)) {
      for (const [type, values] of Object.entries(a)) for (const s of strs(values)) addArtifact(list, type, s);
    } else {
      for (const item of arr(a)) {
        if (isObject(item)) addArtifact(list, str(item.type), item.value, str(item.role));
        else addArtifact(list, undefined, item);
      }
    }
  }
  return list;
}

function normalize(record: RawRecord, ctx: NormalizeContext): Alert {
  const v = record.value;
  if (!isObject(v)) throw new RecordRejected('invalid alert: not a JSON object');
  const host = hostOf(v);
  const eventTime = timeAt(v, TIME_FIELDS);
  const techniqueField = firstPresent(v, TECHNIQUE_FIELDS);
  const file = v.file;
  const filePath = isObject(file) ? firstStr(file, 'path', 'name') : str(file);
  const reg = v.registry;
  const regKey = isObject(reg) ? firstStr(reg, 'key', 'path') : undefined;
  const net = isObject(v.network) ? v.network : {};
  const dir = str(net.direction)?.toLowerCase();

  return buildAlert(genericAlert, record, ctx, {
    vendorId: firstStr(v, 'alert_id', 'alertId', 'id'),
    eventTime,
    eventType: 'detection',
    eventCode: safeInt(firstInt(v, 'event_id', 'event_code')),
    eventName: firstStr(v, 'event_name', 'source'),
    title: firstStr(v, 'title', 'name'),
    description: firstStr(v, 'description'),
    host,
    user: userOf(v.user),
    rule: ruleOf(v),
    severity: severity(v.severity),
    techniques: techniqueField === undefined ? [] : techniqueIds(techniqueField.value),
    // A technique written only as a name (`"technique": "OS Credential Dumping"`) maps through the ATT&CK data.
    techniqueNames: (techniqueField === undefined ? [] : strs(techniqueField.value))
      .filter((t) => techniqueIds(t).length === 0)
      .map((name) => ({ name, tactics: attackTactics(v.tactic, v.tactics, get(v, 'mitre.tactic')) })),
    tactics: attackTactics(v.tactic, v.tactics, get(v, 'mitre.tactic'), get(v, 'mitre.tactics')),
    process: processOf(v),
    file:
      filePath === undefined ? undefined : { path: filePath, hashes: isObject(file) ? hashesFrom(file) : undefined },
    registry:
      regKey === undefined || !isObject(reg)
        ? undefined
        : {
            key: regKey,
            operation: firstStr(reg, 'operation'),
            valueName: firstStr(reg, 'value_name', 'valueName'),
            valueData: firstStr(reg, 'value_data', 'valueData'),
          },
    network: {
      protocol: firstStr(net, 'protocol'),
      direction: dir === 'inbound' || dir === 'outbound' ? dir : undefined,
      srcIp: ip(net.src_ip),
      srcPort: port(net.src_port),
      dstIp: ip(net.dst_ip),
      dstPort: port(net.dst_port),
      dstHostname: firstStr(net, 'dst_hostname'),
    },
    artifacts: artifactsOf(v),
  });
}

/** Generic alert JSON: the last adapter tried. */
export const genericAlert: FormatAdapter = {
  id: 'generic-alert',
  product: 'generic',
  detect: (record) => {
    const v = record.value;
    if (!isObject(v) || looksLikeWindowsEvent(v)) return false;
    // A host key must be there; whether its value is usable is normalize's question, answered with a reason.
    if (!own(v, 'host') && !own(v, 'hostname')) return false;
    const hasSignal =
      present(v.rule) || present(v.rule_name) || present(v.severity) || TECHNIQUE_FIELDS.some((k) => present(v[k]));
    return hasSignal && !VENDOR_ADAPTERS.some((a) => a.detect(record));
  },
  normalize,
};
