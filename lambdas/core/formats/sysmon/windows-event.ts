import { capRaw, hasBidi, severityScore } from '../common';
import { DISPOSITION_FLAGS } from '../../model/alert';
import type { Alert } from '../../model/alert';
import type { FormatAdapter, NormalizeContext, RawRecord } from '../types';
import { accountOf, alertIdOf, compact, eventIdOf, field, hostOf, intField, recordIdOf, timeOf } from './fields';
import { parseTaskXml } from './task-xml';
import { isSysmon, readWinEvent, sniffWinEvent } from './win-event';
import type { WinEvent } from './win-event';

/**
 * Windows events from channels other than Sysmon (Security 4688, PowerShell 4104, Defender 1116…) arrive through the
 * same forwarders and in the same shapes. Rather than reject them as unknown, they are kept as generic events with
 * their id, channel, host, user and time, plus the fields of a few well-known ids. They carry no technique: the
 * source names none, and this adapter invents none.
 */

interface KnownEvent {
  type: string;
  name: string;
  score: number;
}

/** Well-known ids, keyed by lower-case channel and id: the same number means different things in other channels. */
const KNOWN = new Map<string, KnownEvent>([
  ['security:1102', { type: 'log_cleared', name: 'The audit log was cleared', score: 60 }],
  ['security:4624', { type: 'logon', name: 'An account was successfully logged on', score: 10 }],
  ['security:4625', { type: 'logon_failed', name: 'An account failed to log on', score: 20 }],
  ['security:4688', { type: 'process_create', name: 'A new process has been created', score: 20 }],
  ['security:4698', { type: 'scheduled_task_create', name: 'A scheduled task was created', score: 40 }],
  ['security:4699', { type: 'scheduled_task_delete', name: 'A scheduled task was deleted', score: 30 }],
  ['security:4700', { type: 'scheduled_task_enable', name: 'A scheduled task was enabled', score: 20 }],
  ['security:4701', { type: 'scheduled_task_disable', name: 'A scheduled task was disabled', score: 20 }],
  ['security:4702', { type: 'scheduled_task_update', name: 'A scheduled task was updated', score: 30 }],
  ['security:4720', { type: 'user_create', name: 'A user account was created', score: 40 }],
  [
    'security:4732',
    { type: 'group_member_add', name: 'A member was added to a security-enabled local group', score: 40 },
  ],
  [
    'security:5156',
    { type: 'network_connect', name: 'The Windows Filtering Platform has permitted a connection', score: 5 },
  ],
  ['system:104', { type: 'log_cleared', name: 'The System log file was cleared', score: 60 }],
  ['system:7045', { type: 'service_install', name: 'A service was installed in the system', score: 40 }],
  [
    'microsoft-windows-powershell/operational:4104',
    { type: 'script_block', name: 'PowerShell script block logged', score: 20 },
  ],
  [
    'microsoft-windows-windows defender/operational:1116',
    { type: 'malware_detected', name: 'Malware detected', score: 70 },
  ],
  [
    'microsoft-windows-windows defender/operational:1117',
    { type: 'malware_action', name: 'Malware action taken', score: 60 },
  ],
]);

const DEFAULT_SCORE = 10;
const MAX_DESCRIPTION = 8 * 1024;

/** First line of the rendered message, the way Event Viewer titles the event. */
function messageTitle(message: string | undefined): string | undefined {
  const line = message?.split(/\r?\n/)[0]?.trim().replace(/[.:]$/, '');
  return line ? line.slice(0, 120) : undefined;
}

function userOf(ev: WinEvent, id: number, channel: string): Alert['user'] {
  const join = (name?: string, domain?: string): string | undefined =>
    name === undefined ? undefined : domain === undefined ? name : `${domain}\\${name}`;
  if (channel === 'security' && [4624, 4625, 4720, 4732].includes(id)) {
    const target = join(field(ev, 'TargetUserName'), field(ev, 'TargetDomainName'));
    if (target !== undefined) return accountOf(target, field(ev, 'TargetUserSid', 'TargetSid'));
  }
  const subject = join(field(ev, 'SubjectUserName'), field(ev, 'SubjectDomainName'));
  if (subject !== undefined) return accountOf(subject, field(ev, 'SubjectUserSid'));
  // Security@UserID is the account the event was logged under: only a fallback, never attached to another name.
  const named = field(ev, 'Detection User', 'User', 'UserName');
  return named !== undefined ? accountOf(named) : accountOf(undefined, ev.securityUserId);
}

function processOf(ev: WinEvent, id: number, channel: string): Alert['process'] {
  if (channel === 'security' && id === 4688) {
    return compact({
      pid: intField(ev, 'NewProcessId'),
      image: field(ev, 'NewProcessName'),
      commandLine: field(ev, 'CommandLine'),
      parent: compact({ pid: intField(ev, 'ProcessId'), image: field(ev, 'ParentProcessName') }),
    });
  }
  return compact({
    pid: intField(ev, 'ProcessId', 'ProcessID'),
    image: field(ev, 'Process Name', 'ProcessName', 'Image', 'Application'),
  });
}

// WFP writes direction as a message-table reference.
const WFP_DIRECTION: Record<string, 'inbound' | 'outbound'> = { '%%14592': 'inbound', '%%14593': 'outbound' };
const IP_PROTOCOLS: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp' };

function networkOf(ev: WinEvent, id: number, channel: string): Alert['network'] {
  if (channel !== 'security' || (id !== 5156 && id !== 5157)) return undefined;
  const proto = field(ev, 'Protocol');
  const dir = field(ev, 'Direction');
  return compact({
    protocol: proto === undefined ? undefined : (IP_PROTOCOLS[proto] ?? proto),
    direction:
      dir !== undefined && Object.prototype.hasOwnProperty.call(WFP_DIRECTION, dir) ? WFP_DIRECTION[dir] : undefined,
    srcIp: field(ev, 'SourceAddress'),
    srcPort: intField(ev, 'SourcePort'),
    dstIp: field(ev, 'DestAddress'),
    dstPort: intField(ev, 'DestPort'),
  });
}

const TASK_OPERATIONS: Record<number, NonNullable<Alert['task']>['operation']> = {
  4698: 'created',
  4699: 'deleted',
  4700: 'enabled',
  4701: 'disabled',
  4702: 'updated',
};

/** 4698–4702: the task's name, and from its XML definition the command, trigger and author. */
function taskOf(ev: WinEvent, id: number): Alert['task'] {
  const operation = Object.hasOwn(TASK_OPERATIONS, id) ? TASK_OPERATIONS[id] : undefined;
  const name = operation === undefined ? undefined : field(ev, 'TaskName');
  if (name === undefined) return undefined;
  const def = parseTaskXml(field(ev, 'TaskContent', 'TaskContentNew'));
  return compact({ name, action: def?.action, trigger: def?.trigger, author: def?.author, operation });
}

function normalize(record: RawRecord, ctx: NormalizeContext): Alert {
  const ev = readWinEvent(record)!;
  const flags: string[] = [];
  const id = eventIdOf(ev);
  const host = hostOf(ev);
  const eventTime = timeOf(ev, flags);
  const channel = (ev.channel ?? '').trim().toLowerCase();
  const known = KNOWN.get(`${channel}:${id}`);
  const where = ev.channel ?? ev.provider ?? 'Windows';
  const name = known?.name ?? messageTitle(ev.message) ?? `${where} event ${id}`;

  const defender = known?.type === 'malware_detected' || known?.type === 'malware_action';
  // 1117: Defender acted on the threat (quarantine, remove, clean, block); an `Allow` action stopped nothing.
  const action = known?.type === 'malware_action' ? field(ev, 'Action Name') : undefined;
  if (action !== undefined && !/allow/i.test(action)) flags.push(DISPOSITION_FLAGS.blocked);
  const threat = defender ? field(ev, 'Threat Name') : undefined;
  const vendorSeverity = defender ? field(ev, 'Severity Name') : undefined;
  const score = severityScore(vendorSeverity) ?? known?.score ?? DEFAULT_SCORE;
  // Defender writes `file:_C:\path` (and `;`-joined lists) in Path.
  const path = defender
    ? field(ev, 'Path')
        ?.split(';')[0]
        ?.replace(/^[a-z]+:_/i, '')
    : undefined;

  let description = field(ev, 'ScriptBlockText') ?? ev.message;
  if (description !== undefined && description.length > MAX_DESCRIPTION) {
    description = description.slice(0, MAX_DESCRIPTION);
    flags.push('description-truncated');
  }
  const process = processOf(ev, id, channel);
  if (hasBidi(process?.image, process?.commandLine, path, field(ev, 'TaskName'), field(ev, 'ImagePath'))) {
    flags.push('bidi-override');
  }
  const { raw, rawTruncated } = capRaw(
    record.kind === 'xml' ? record.text : record.value,
    record.text,
    ctx.maxRawBytes,
  );
  if (rawTruncated) flags.push('raw-truncated');
  const task = channel === 'security' ? taskOf(ev, id) : undefined;
  const serviceName = channel === 'system' && id === 7045 ? field(ev, 'ServiceName') : undefined;

  return compact<Alert>({
    alertId: alertIdOf('winevt', ev, host.name, id, ev.provider ?? 'windows', eventTime),
    source: compact({ product: 'generic' as const, format: 'windows-event', vendorId: recordIdOf(ev) })!,
    eventTime,
    receivedTime: ctx.receivedTime,
    eventType: known?.type ?? 'windows_event',
    eventCode: id,
    eventName: name,
    title: threat !== undefined ? `${name}: ${threat}` : name,
    description,
    host,
    user: userOf(ev, id, channel),
    rule: threat === undefined ? undefined : compact({ name: threat, id: field(ev, 'Threat ID') }),
    severity: compact({ vendor: vendorSeverity, score })!,
    techniques: [],
    process,
    file: path === undefined ? undefined : { path },
    network: networkOf(ev, id, channel),
    task,
    service: serviceName === undefined ? undefined : compact({ name: serviceName, path: field(ev, 'ImagePath') }),
    flags,
    raw,
    rawTruncated,
  })!;
}

/** Any Windows event that is not Sysmon. Tried after every vendor adapter, as the last resort for event-log shapes. */
export const windowsEventAdapter: FormatAdapter = {
  id: 'windows-event',
  product: 'generic',
  detect: (record) => {
    const s = sniffWinEvent(record);
    return s !== undefined && !isSysmon(s) && (s.provider !== undefined || s.channel !== undefined);
  },
  normalize,
};
