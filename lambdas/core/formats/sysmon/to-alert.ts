import { capRaw, hasBidi, splitHashes } from '../common';
import type { Alert, ProcessRef } from '../../model/alert';
import type { NormalizeContext, RawRecord } from '../types';
import { sysmonEventType } from './event-ids';
import {
  accountOf,
  alertIdOf,
  compact,
  eventIdOf,
  field,
  guidField,
  hostOf,
  intField,
  recordIdOf,
  timeOf,
} from './fields';
import { parseRuleName } from './rule-name';
import type { WinEvent } from './win-event';

/** Added to the event's base score when the Sysmon configuration tagged it with an ATT&CK technique. */
const TAGGED_BONUS = 20;

/**
 * Map a Sysmon event (any wire shape, already read into a WinEvent) onto the Alert model. The field-by-field table is
 * in docs/formats.md; every field not mapped here is still in `raw`.
 */

const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';

/** Events whose acting process is `Source*` and whose object is another process. */
const CROSS_PROCESS = new Set([8, 10]);
/** Events with no acting process at all (service state, driver load, config, WMI, error). */
const NO_PROCESS = new Set([4, 6, 16, 19, 20, 21, 255]);
/** Events whose object is a file named by TargetFilename. */
const FILE_EVENTS = new Set([2, 11, 15, 23, 26, 27, 28, 29]);
const REGISTRY_OPS = new Set(['CreateKey', 'DeleteKey', 'RenameKey', 'SetValue', 'DeleteValue', 'CreateValue']);

/** Text fields where a right-to-left override would disguise a path, a key or a command. */
const BIDI_FIELDS = [
  'Image',
  'CommandLine',
  'ParentImage',
  'ParentCommandLine',
  'CurrentDirectory',
  'TargetFilename',
  'TargetObject',
  'Details',
  'NewName',
  'ImageLoaded',
  'SourceImage',
  'TargetImage',
  'PipeName',
  'QueryName',
  'OriginalFileName',
];

function actingProcess(ev: WinEvent, id: number): Alert['process'] {
  if (NO_PROCESS.has(id)) return undefined;
  if (CROSS_PROCESS.has(id)) {
    return compact({
      guid: guidField(ev, 'SourceProcessGuid', 'SourceProcessGUID'),
      pid: intField(ev, 'SourceProcessId'),
      image: field(ev, 'SourceImage'),
      user: field(ev, 'SourceUser'),
    });
  }
  const base = {
    guid: guidField(ev, 'ProcessGuid'),
    pid: intField(ev, 'ProcessId'),
    image: field(ev, 'Image'),
    user: field(ev, 'User'),
  };
  if (id !== 1) return compact(base);
  const parent: ProcessRef | undefined = compact({
    guid: guidField(ev, 'ParentProcessGuid'),
    pid: intField(ev, 'ParentProcessId'),
    image: field(ev, 'ParentImage'),
    commandLine: field(ev, 'ParentCommandLine'),
    user: field(ev, 'ParentUser'),
  });
  return compact({
    ...base,
    commandLine: field(ev, 'CommandLine'),
    integrityLevel: field(ev, 'IntegrityLevel'),
    currentDirectory: field(ev, 'CurrentDirectory'),
    hashes: splitHashes(field(ev, 'Hashes')),
    parent,
  });
}

function targetProcess(ev: WinEvent, id: number): Alert['target'] {
  if (!CROSS_PROCESS.has(id)) return undefined;
  return compact({
    guid: guidField(ev, 'TargetProcessGuid', 'TargetProcessGUID'),
    pid: intField(ev, 'TargetProcessId'),
    image: field(ev, 'TargetImage'),
    grantedAccess: id === 10 ? field(ev, 'GrantedAccess') : undefined,
    callTrace: id === 10 ? field(ev, 'CallTrace') : undefined,
    startAddress: id === 8 ? field(ev, 'StartAddress') : undefined,
    startFunction: id === 8 ? field(ev, 'StartFunction') : undefined,
  });
}

function fileOf(ev: WinEvent, id: number): Alert['file'] {
  const path = FILE_EVENTS.has(id) ? field(ev, 'TargetFilename') : undefined;
  if (path === undefined) return undefined;
  // Sysmon 15 writes `Hash` since schema 4.50 and `Hashes` before.
  return compact({
    path,
    hashes: splitHashes(field(ev, 'Hashes', 'Hash')),
    creationTime: field(ev, 'CreationUtcTime'),
  });
}

function signedOf(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false' || t.startsWith('failed')) return false;
  return undefined;
}

function moduleOf(ev: WinEvent, id: number): Alert['module'] {
  if (id !== 6 && id !== 7) return undefined;
  const path = field(ev, 'ImageLoaded');
  if (path === undefined) return undefined;
  const signed = field(ev, 'Signed');
  const signedBool = signedOf(signed);
  return compact({
    path,
    hashes: splitHashes(field(ev, 'Hashes')),
    signed: signedBool,
    signature: field(ev, 'Signature'),
    // `Signed: failed: Invalid hash` is the only place that reason is written; keep it when SignatureStatus is empty.
    signatureStatus:
      field(ev, 'SignatureStatus') ??
      (signed !== undefined && signedBool !== true && signed.trim().toLowerCase() !== 'false' ? signed : undefined),
  });
}

function registryOf(ev: WinEvent, id: number): Alert['registry'] {
  if (id < 12 || id > 14) return undefined;
  const target = field(ev, 'TargetObject');
  if (target === undefined) return undefined;
  // NXLog's own `EventType` (`INFO`) overwrites Sysmon's in flat records: trust only real registry operations.
  const opText = field(ev, 'EventType');
  const operation = opText !== undefined && REGISTRY_OPS.has(opText) ? opText : undefined;
  const namesValue = operation !== undefined ? operation.endsWith('Value') : id === 13;
  const cut = target.lastIndexOf('\\');
  const split = namesValue && cut > 0;
  return compact({
    operation,
    key: split ? target.slice(0, cut) : target,
    valueName: split ? target.slice(cut + 1) : undefined,
    valueData: field(ev, 'Details'),
    newName: field(ev, 'NewName'),
  });
}

function networkOf(ev: WinEvent, id: number): Alert['network'] {
  if (id !== 3) return undefined;
  const initiated = field(ev, 'Initiated')?.trim().toLowerCase();
  return compact({
    protocol: field(ev, 'Protocol'),
    direction: initiated === 'true' ? 'outbound' : initiated === 'false' ? 'inbound' : undefined,
    srcIp: field(ev, 'SourceIp'),
    srcPort: intField(ev, 'SourcePort'),
    dstIp: field(ev, 'DestinationIp'),
    dstPort: intField(ev, 'DestinationPort'),
    dstHostname: field(ev, 'DestinationHostname'),
  } as NonNullable<Alert['network']>);
}

/**
 * `type:  5 example.net;::ffff:93.184.216.34;` → `['example.net', '::ffff:93.184.216.34']`: Sysmon prefixes
 * records other than A/AAAA with their DNS type number (5 is a CNAME).
 */
export function splitQueryResults(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const out = text
    .split(';')
    .map((r) => r.replace(/^\s*type:\s*\d+\s+/i, '').trim())
    .filter((r) => r !== '' && r !== '-');
  return out.length > 0 ? out : undefined;
}

function dnsOf(ev: WinEvent, id: number): Alert['dns'] {
  if (id !== 22) return undefined;
  const query = field(ev, 'QueryName');
  if (query === undefined) return undefined;
  return compact({ query, results: splitQueryResults(field(ev, 'QueryResults')), status: field(ev, 'QueryStatus') });
}

function wmiOf(ev: WinEvent, id: number): Alert['wmi'] {
  if (id < 19 || id > 21) return undefined;
  return compact({
    operation: field(ev, 'Operation'),
    name: field(ev, 'Name'),
    query: field(ev, 'Query'),
    consumer: field(ev, 'Consumer'),
    filter: field(ev, 'Filter'),
    destination: field(ev, 'Destination'),
  });
}

/** The event's object, for a one-line title: what was started, written, opened or asked for. */
function subjectOf(ev: WinEvent, id: number): string | undefined {
  switch (id) {
    case 3: {
      const dst = field(ev, 'DestinationHostname') ?? field(ev, 'DestinationIp');
      const port = field(ev, 'DestinationPort');
      return dst === undefined ? undefined : port === undefined ? dst : `${dst}:${port}`;
    }
    case 6:
    case 7:
      return field(ev, 'ImageLoaded');
    case 8:
    case 10: {
      const src = field(ev, 'SourceImage');
      const dst = field(ev, 'TargetImage');
      return src !== undefined && dst !== undefined ? `${src} → ${dst}` : (src ?? dst);
    }
    case 12:
    case 13:
    case 14:
      return field(ev, 'TargetObject');
    case 17:
    case 18:
      return field(ev, 'PipeName');
    case 19:
    case 20:
      return field(ev, 'Name');
    case 21:
      return field(ev, 'Consumer');
    case 22:
      return field(ev, 'QueryName');
    case 4:
      return field(ev, 'State');
    case 16:
      return field(ev, 'Configuration');
    case 255:
      return field(ev, 'Description');
    default:
      return FILE_EVENTS.has(id) ? (field(ev, 'TargetFilename') ?? field(ev, 'Image')) : field(ev, 'Image');
  }
}

/** Fields that have no structured home on the Alert but say what happened; kept readable in the description. */
function descriptionOf(ev: WinEvent, id: number): string | undefined {
  const parts: [string, string | undefined][] = (() => {
    switch (id) {
      case 4:
        return [
          ['State', field(ev, 'State')],
          ['Version', field(ev, 'Version')],
          ['SchemaVersion', field(ev, 'SchemaVersion')],
        ];
      case 9:
        return [['Device', field(ev, 'Device')]];
      case 16:
        return [
          ['Configuration', field(ev, 'Configuration')],
          ['ConfigurationFileHash', field(ev, 'ConfigurationFileHash')],
        ];
      case 17:
      case 18:
        return [
          ['PipeName', field(ev, 'PipeName')],
          ['EventType', field(ev, 'EventType')],
        ];
      case 19:
        return [['EventNamespace', field(ev, 'EventNamespace')]];
      case 20:
        return [['Type', field(ev, 'Type')]];
      case 24:
        return [
          ['Session', field(ev, 'Session')],
          ['ClientInfo', field(ev, 'ClientInfo')],
        ];
      case 25:
        return [['Type', field(ev, 'Type')]];
      case 255:
        return [
          ['ID', field(ev, 'ID')],
          ['Description', field(ev, 'Description')],
        ];
      default:
        return [];
    }
  })();
  const lines = parts.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`);
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** Build the Alert for a Sysmon event. @throws RecordRejected when host, event id or time are unusable. */
export function sysmonAlert(ev: WinEvent, record: RawRecord, ctx: NormalizeContext, format: string): Alert {
  const flags: string[] = [];
  const id = eventIdOf(ev);
  const linux = (ev.provider ?? ev.channel ?? '').toLowerCase().startsWith('linux');
  const host = hostOf(ev, linux ? 'Linux' : 'Windows');
  const eventTime = timeOf(ev, flags, 'UtcTime');
  const type = sysmonEventType(id);
  if (!type.known) flags.push('unknown-event-id');
  const rule = parseRuleName(ev.data.get('RuleName'));
  const process = actingProcess(ev, id);
  const user = accountOf(CROSS_PROCESS.has(id) ? field(ev, 'SourceUser') : field(ev, 'User'));
  if (hasBidi(...BIDI_FIELDS.map((f) => ev.data.get(f)))) flags.push('bidi-override');
  const { raw, rawTruncated } = capRaw(
    record.kind === 'xml' ? record.text : record.value,
    record.text,
    ctx.maxRawBytes,
  );
  if (rawTruncated) flags.push('raw-truncated');
  const subject = subjectOf(ev, id);
  const alert: Alert = {
    alertId: alertIdOf('sysmon', ev, host.name, id, SYSMON_CHANNEL, eventTime),
    source: compact({ product: 'sysmon' as const, format, vendorId: recordIdOf(ev) })!,
    eventTime,
    receivedTime: ctx.receivedTime,
    eventType: type.type,
    eventCode: id,
    eventName: type.name,
    title: subject === undefined ? type.name : `${type.name}: ${subject}`,
    description: descriptionOf(ev, id),
    host,
    user,
    rule: rule.name === undefined ? undefined : { name: rule.name },
    // A rule that tagged the event (sysmon-modular's technique_id) makes it an alert, not just telemetry.
    severity: { score: Math.min(100, type.score + (rule.techniques.length > 0 ? TAGGED_BONUS : 0)) },
    techniques: rule.techniques,
    tactics: rule.tactics.length > 0 ? rule.tactics : undefined,
    process,
    file: fileOf(ev, id),
    module: moduleOf(ev, id),
    registry: registryOf(ev, id),
    network: networkOf(ev, id),
    dns: dnsOf(ev, id),
    target: targetProcess(ev, id),
    wmi: wmiOf(ev, id),
    flags,
    raw,
    rawTruncated,
  };
  return compact(alert)!;
}
