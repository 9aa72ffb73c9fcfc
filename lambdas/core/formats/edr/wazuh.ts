import type { Alert } from '../../model/alert';
import { firstStr, get, isObject, str, techniqueIds } from '../common';
import type { Json } from '../common';
import { RecordRejected } from '../types';
import type { FormatAdapter, NormalizeContext, RawRecord } from '../types';
import { ArtifactList, buildAlert } from './build';
import { NO_SEVERITY, attackTactics, ip, ipsOf, port, severityOf, timeAt } from './fields';

/**
 * Wazuh alerts (`rule{level,id,description,mitre}`, `agent{}`, `manager{}`, `decoder{}`, `data{}`), bare as
 * alerts.json writes them or inside an OpenSearch/Elasticsearch search hit (`_index`, `_id`, `_source`).
 * Mapping tables: docs/formats-edr.md.
 */

/** Wazuh rule levels run 0–15. */
const LEVEL_MAX = 15;

/** The alert itself: `_source` of a search hit, or the record. */
function alertBody(v: unknown): Json | undefined {
  if (!isObject(v)) return undefined;
  return typeof v._index === 'string' && isObject(v._source) ? v._source : v;
}

function isWazuh(body: Json | undefined): body is Json {
  if (body === undefined || !isObject(body.rule) || !('level' in body.rule) || !('id' in body.rule)) return false;
  return isObject(body.agent) && (isObject(body.manager) || isObject(body.decoder));
}

function normalize(record: RawRecord, ctx: NormalizeContext): Alert {
  const v = record.value;
  const body = alertBody(v);
  if (!isWazuh(body)) throw new RecordRejected('invalid Wazuh alert: no rule{level,id} with agent{}');
  const hostName = firstStr(body, 'agent.name');
  if (hostName === undefined) throw new RecordRejected('missing host: no agent.name');
  const eventTime = timeAt(body, ['timestamp', '@timestamp']);
  const rule = isObject(body.rule) ? body.rule : {};
  const level = severityOf(rule.level, 'rule.level', LEVEL_MAX);
  const description = str(rule.description);
  const ruleId = str(rule.id);
  const ruleName = description ?? ruleId;

  const artifacts = new ArtifactList();
  const srcIp = ip(get(body, 'data.srcip'));
  const dstIp = ip(get(body, 'data.dstip'));
  const url = str(get(body, 'data.url'));
  // Web decoders store the request path in `data.url`; only an absolute URL is an indicator.
  if (url !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) artifacts.add('url', url, 'request');
  const user = firstStr(body, 'data.dstuser', 'data.srcuser');

  return buildAlert(wazuhAlert, record, ctx, {
    vendorId: firstStr(body, 'id') ?? (isObject(v) ? str(v._id) : undefined),
    eventTime,
    eventType: 'detection',
    eventName: firstStr(body, 'decoder.name'),
    title: description,
    description: str(body.full_log),
    host: { name: hostName, ips: ipsOf(get(body, 'agent.ip')), agentId: firstStr(body, 'agent.id') },
    user: user === undefined ? undefined : { name: user },
    rule: ruleName === undefined ? undefined : { name: ruleName, id: ruleId },
    severity: level === undefined ? NO_SEVERITY : { vendor: `level ${level.vendor}`, score: level.score },
    techniques: techniqueIds(get(rule, 'mitre.id')),
    tactics: attackTactics(get(rule, 'mitre.tactic')),
    network: {
      srcIp,
      srcPort: port(get(body, 'data.srcport')),
      dstIp,
      dstPort: port(get(body, 'data.dstport')),
    },
    artifacts,
  });
}

/** Wazuh alert, bare or in an OpenSearch search hit. */
export const wazuhAlert: FormatAdapter = {
  id: 'wazuh-alert',
  product: 'wazuh',
  detect: (record) => isWazuh(alertBody(record.value)),
  normalize,
};
