import { int } from '../formats/common';
import type { WinEvent } from '../formats/sysmon/win-event';
import type { Alert, ProcessRef } from '../model/alert';
import type { EventFields, FieldValue } from './engine-types';
import { SECURITY_CHANNEL, routingKeys, windowsLogsource } from './logsource';
import type { WindowsLogsource } from './logsource';

/**
 * Event views: what a Sigma rule sees of one event. Sigma field names are Sysmon's, so a Sysmon event is shown as it
 * is, a Security 4688 is renamed to look like Sysmon 1, and an EDR alert is laid out as the Sysmon events it stands for
 * (process creation, connection, file, registry, DNS). Every view is bounded (see MAX_VALUE_CHARS) so the work a
 * hostile event can cause stays linear in its size.
 */

/**
 * Longest value a rule sees, in UTF-16 code units. Windows caps a command line at 32,767 characters
 * (UNICODE_STRING) and PowerShell splits script blocks well below that, so no real value is cut; a longer value is a
 * forged or runaway record (400 KB command lines have been seen in hostile EDR payloads) and is cut to its head so
 * that every rule's work on it stays bounded. `startswith`, `contains` within the head and keywords still work.
 */
export const MAX_VALUE_CHARS = 32_768;
/** Most fields a view keeps (real Windows events have a few dozen; a flat forwarder record may have more). */
export const MAX_FIELDS = 512;
/** Most elements of one list value (e.g. the unnamed `Data` of a classic PowerShell event). */
export const MAX_LIST_ITEMS = 64;

type Scalar = string | number | boolean | null;

/** One event as a rule sees it, with the routing keys that pick the rules worth trying on it. */
export interface EventView {
  /** What the view stands for: `sysmon`, `security`, `security-4688`, `edr-process`, `edr-network`… */
  kind: string;
  fields: ViewFields;
  logsource: WindowsLogsource;
  /** Routing keys (logsource.ts): the rule buckets to try. */
  keys: readonly string[];
}

/** `EventFields` over a Map, with a case-insensitive fallback and a lower-cased text of every value. */
export class ViewFields implements EventFields {
  private readonly map = new Map<string, FieldValue>();
  private lower: Map<string, string> | undefined;
  private text: string | undefined;
  /** Number of values cut to MAX_VALUE_CHARS and fields or list items dropped past the caps. */
  truncated = 0;

  /**
   * Sets a field (capped). Undefined leaves it absent; empty text and Sysmon's `-` are kept as written, since rules
   * tell `CommandLine: ''` from `CommandLine: null`.
   */
  set(name: string, value: FieldValue | undefined): this {
    if (value === undefined) return this;
    if (!this.map.has(name) && this.map.size >= MAX_FIELDS) {
      this.truncated++;
      return this;
    }
    this.lower = undefined;
    this.text = undefined;
    this.map.set(name, this.capped(value));
    return this;
  }

  private capped(value: FieldValue): FieldValue {
    if (typeof value === 'string') {
      if (value.length <= MAX_VALUE_CHARS) return value;
      this.truncated++;
      return value.slice(0, MAX_VALUE_CHARS);
    }
    if (Array.isArray(value)) {
      const list = value as readonly Scalar[];
      if (list.length > MAX_LIST_ITEMS) this.truncated++;
      return list.slice(0, MAX_LIST_ITEMS).map((v) => this.capped(v) as Scalar);
    }
    return value;
  }

  get(field: string): FieldValue | undefined {
    const exact = this.map.get(field);
    if (exact !== undefined || this.map.has(field)) return exact;
    // Sigma names are case-sensitive but forwarders are not consistent (`commandline`, `processId`).
    if (this.lower === undefined) {
      this.lower = new Map();
      for (const k of this.map.keys()) if (!this.lower.has(k.toLowerCase())) this.lower.set(k.toLowerCase(), k);
    }
    const k = this.lower.get(field.toLowerCase());
    return k === undefined ? undefined : this.map.get(k);
  }

  *values(): Iterable<string> {
    for (const v of this.map.values()) {
      if (Array.isArray(v)) {
        for (const x of v as readonly Scalar[]) if (x !== null) yield String(x);
      } else if (v !== null) yield String(v);
    }
  }

  /** Field names, in insertion order. */
  names(): string[] {
    return [...this.map.keys()];
  }

  /**
   * Every value, lower-cased and joined by NUL (which no rule needle holds), computed once: the literal prefilter
   * asks "does this needle occur in some value" with one native `includes` on it.
   */
  lowerText(): string {
    if (this.text === undefined) this.text = [...this.values()].join('\u0000').toLowerCase();
    return this.text;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Windows events

/** The unnamed `<Data>` elements of an event (classic PowerShell 400/600/800), which readWinEvent names `paramN`. */
function unnamedData(data: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (let i = 1; data.has(`param${i}`); i++) out.push(data.get(`param${i}`)!);
  return out;
}

/** The fields every Windows view carries: EventData as named, and the System fields Sigma names. */
function baseFields(ev: WinEvent, eventId: number | undefined, ls: WindowsLogsource): ViewFields {
  const f = new ViewFields();
  for (const [k, v] of ev.data) f.set(k, v);
  // Sigma rules read unnamed Data as one field `Data` (any element may match), as SigmaHQ's backends do.
  if (!ev.data.has('Data')) {
    const unnamed = unnamedData(ev.data);
    if (unnamed.length > 0) f.set('Data', unnamed);
  }
  if (eventId !== undefined) f.set('EventID', eventId);
  f.set('Channel', ls.channel);
  f.set('Provider_Name', ev.provider);
  f.set('Computer', typeof ev.computer === 'string' ? ev.computer : undefined);
  f.set('Security_UserID', ev.securityUserId);
  return f;
}

/** The Windows event id as a number, whatever the shape carried (`4688`, `"4688"`, `{#text: 4688}`). */
export function eventIdOf(ev: Pick<WinEvent, 'eventId'>): number | undefined {
  const n = int(ev.eventId);
  return n !== undefined && n >= 0 && n <= 0xffff ? n : undefined;
}

/**
 * Views of one Windows event: one, keyed by its channel's services and its categories; for Security 4688 two, the raw
 * event (for `service: security` rules, which name the Security fields) and its Sysmon-1 rendering (for
 * `category: process_creation`), because both name a field `ProcessId` with different meanings.
 */
export function windowsEventViews(ev: WinEvent): EventView[] {
  // Sysmon for Linux shares the shapes but is no Windows event: the Windows pack has nothing to say about it.
  if (/^linux-sysmon/i.test(ev.provider ?? '') || /^linux-sysmon/i.test(ev.channel ?? '')) return [];
  const eventId = eventIdOf(ev);
  const ls = windowsLogsource(ev.channel, ev.provider, eventId);
  const base = baseFields(ev, eventId, ls);
  if (eventId === 4688 && ls.channel?.toLowerCase() === SECURITY_CHANNEL.toLowerCase()) {
    const raw: WindowsLogsource = { ...ls, categories: [] };
    const mapped: WindowsLogsource = { ...ls, services: [] };
    return [
      { kind: 'security', fields: base, logsource: raw, keys: routingKeys(raw) },
      {
        kind: 'security-4688',
        fields: securityProcessCreation(ev, eventId, mapped),
        logsource: mapped,
        keys: routingKeys(mapped).filter((k) => k.startsWith('cat:')),
      },
    ];
  }
  return [
    { kind: ls.services.includes('sysmon') ? 'sysmon' : 'windows', fields: base, logsource: ls, keys: routingKeys(ls) },
  ];
}

/** Mandatory label SIDs (Security 4688 `MandatoryLabel`) → the integrity level names Sysmon writes. */
const INTEGRITY_BY_SID: ReadonlyMap<string, string> = new Map([
  ['S-1-16-0', 'Untrusted'],
  ['S-1-16-4096', 'Low'],
  ['S-1-16-8192', 'Medium'],
  ['S-1-16-8448', 'Medium'],
  ['S-1-16-12288', 'High'],
  ['S-1-16-16384', 'System'],
  ['S-1-16-20480', 'System'],
]);

/** Integrity level as Sysmon names it, from a name, a mandatory-label SID or its RID. */
export function integrityLevelName(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  if (t === '' || t === '-') return undefined;
  const sid = INTEGRITY_BY_SID.get(t.toUpperCase());
  if (sid !== undefined) return sid;
  const rid = int(t);
  if (rid !== undefined) return INTEGRITY_BY_SID.get(`S-1-16-${rid}`) ?? t;
  const lower = t.toLowerCase();
  for (const name of ['untrusted', 'low', 'medium', 'high', 'system', 'appcontainer']) {
    if (lower === name) return name === 'appcontainer' ? 'AppContainer' : name[0]!.toUpperCase() + name.slice(1);
  }
  return t;
}

/** Well-known service accounts, which 4688 shows as the machine account (`HOST$`) where Sysmon shows the account. */
const WELL_KNOWN_USERS: ReadonlyMap<string, string> = new Map([
  ['S-1-5-18', 'NT AUTHORITY\\SYSTEM'],
  ['S-1-5-19', 'NT AUTHORITY\\LOCAL SERVICE'],
  ['S-1-5-20', 'NT AUTHORITY\\NETWORK SERVICE'],
]);
const WELL_KNOWN_LOGON_IDS: ReadonlyMap<number, string> = new Map([
  [0x3e7, 'NT AUTHORITY\\SYSTEM'],
  [0x3e5, 'NT AUTHORITY\\LOCAL SERVICE'],
  [0x3e4, 'NT AUTHORITY\\NETWORK SERVICE'],
]);

const present = (v: string | undefined): string | undefined =>
  v === undefined || v.trim() === '' || v.trim() === '-' ? undefined : v;

/** `DOMAIN\name`, as Sysmon's `User`; the name alone when there is no domain. */
function qualified(domain: string | undefined, name: string | undefined): string | undefined {
  const n = present(name);
  if (n === undefined) return undefined;
  const d = present(domain);
  return d === undefined || n.includes('\\') ? n : `${d}\\${n}`;
}

/** A process id as Sysmon writes it (decimal), from 4688's hex (`0x1a2c`). */
function decimalPid(v: string | undefined): string | undefined {
  const n = int(v);
  return n === undefined ? undefined : String(n);
}

/**
 * Security 4688 as Sysmon 1, the renaming SigmaHQ's pySigma `windows_audit_pipeline` and Hayabusa apply
 * (`NewProcessName` → `Image`, `ParentProcessName` → `ParentImage`, `SubjectLogonId` → `LogonId`), completed with what
 * the two events share under other names: the new process's account as `User` (the target subject when the event has
 * one, else the creator, with the well-known service accounts spelled as Sysmon spells them), `MandatoryLabel` as
 * `IntegrityLevel` (`High`, `System`…), and the process ids in decimal (4688's own `ProcessId` is the parent's).
 * The Security names stay beside the Sysmon ones, so a process_creation rule written against 4688 still matches.
 */
export function securityProcessCreation(ev: WinEvent, eventId: number, ls: WindowsLogsource): ViewFields {
  const d = ev.data;
  const f = new ViewFields();
  for (const [k, v] of d) if (k !== 'ProcessId') f.set(k, v);
  f.set('EventID', eventId);
  f.set('Channel', ls.channel);
  f.set('Provider_Name', ev.provider);
  f.set('Computer', typeof ev.computer === 'string' ? ev.computer : undefined);
  f.set('Security_UserID', ev.securityUserId);
  f.set('Image', present(d.get('NewProcessName')));
  f.set('ParentImage', present(d.get('ParentProcessName')));
  f.set('CommandLine', present(d.get('CommandLine')));
  f.set('ProcessId', decimalPid(d.get('NewProcessId')));
  f.set('ParentProcessId', decimalPid(d.get('ProcessId')));
  f.set('IntegrityLevel', integrityLevelName(d.get('MandatoryLabel')));
  const targetSid = present(d.get('TargetUserSid'));
  const target =
    targetSid !== undefined && targetSid !== 'S-1-0-0'
      ? (WELL_KNOWN_USERS.get(targetSid) ?? qualified(d.get('TargetDomainName'), d.get('TargetUserName')))
      : undefined;
  const subjectSid = present(d.get('SubjectUserSid'));
  const subjectLogon = int(d.get('SubjectLogonId'));
  const subject =
    (subjectSid !== undefined ? WELL_KNOWN_USERS.get(subjectSid) : undefined) ??
    (subjectLogon !== undefined ? WELL_KNOWN_LOGON_IDS.get(subjectLogon) : undefined) ??
    qualified(d.get('SubjectDomainName'), d.get('SubjectUserName'));
  f.set('User', target ?? subject);
  const targetLogon = int(d.get('TargetLogonId'));
  f.set('LogonId', targetLogon !== undefined && targetLogon !== 0 ? d.get('TargetLogonId') : d.get('SubjectLogonId'));
  return f;
}

// ---------------------------------------------------------------------------------------------------------------
// EDR alerts

/** Sysmon's `Hashes` order; other algorithms follow alphabetically. */
const HASH_ORDER = ['sha1', 'md5', 'sha256', 'imphash'];

/** `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` as Sysmon writes it (upper case), from the alert's algorithm → hex map. */
export function sysmonHashes(hashes: Record<string, string> | undefined): string | undefined {
  if (hashes === undefined) return undefined;
  const algos = Object.keys(hashes).sort(
    (a, b) => (HASH_ORDER.indexOf(a) + 1 || 99) - (HASH_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
  const parts = algos.filter((a) => hashes[a] !== '').map((a) => `${a.toUpperCase()}=${hashes[a]!.toUpperCase()}`);
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** Registry hives as EDRs write them → Sysmon's abbreviations (rules match `HKLM\…`, `HKU\…`). */
const HIVES: readonly [RegExp, string][] = [
  [/^(?:HKEY_LOCAL_MACHINE|\\REGISTRY\\MACHINE|HKLM)(?=\\|$)/i, 'HKLM'],
  [/^(?:HKEY_USERS|\\REGISTRY\\USER|HKU)(?=\\|$)/i, 'HKU'],
  [/^(?:HKEY_CURRENT_USER|HKCU)(?=\\|$)/i, 'HKCU'],
  [/^(?:HKEY_CLASSES_ROOT|HKCR)(?=\\|$)/i, 'HKCR'],
];

/** A registry key in Sysmon's spelling. */
export function sysmonRegistryKey(key: string): string {
  for (const [re, abbr] of HIVES) if (re.test(key)) return key.replace(re, abbr);
  return key;
}

/**
 * A process or file path as Sysmon writes it. EDRs report kernel paths (`\Device\HarddiskVolume3\Windows\…`,
 * `\??\C:\…`) and sometimes a bare name (`explorer.exe`). The volume's drive letter is not in the alert; C: is the
 * system volume on nearly every Windows host, and SigmaHQ filters are written against `C:\Windows\…`: without this,
 * a filter such as `Image|startswith: 'C:\Windows\System32\'` would fail and its rule fire on a legitimate binary.
 * A bare name gets a leading backslash so `Image|endswith: '\rundll32.exe'`, the way rules name a binary, applies.
 */
export function sysmonPath(p: string | undefined): string | undefined {
  if (p === undefined || p === '') return p;
  const device = /^\\Device\\HarddiskVolume\d+\\/i.exec(p);
  if (device !== null) return `C:\\${p.slice(device[0].length)}`;
  if (/^\\\?\?\\[A-Za-z]:\\/.test(p)) return p.slice(4);
  return /[\\/]/.test(p) ? p : `\\${p}`;
}

/** Host OS names that say the alert is not about Windows (SigmaHQ's Windows pack would only misfire there). */
const NON_WINDOWS_OS = /\b(linux|mac ?os|macos|os ?x|darwin|ubuntu|debian|centos|red ?hat|rhel|ios|android)\b/i;

/** False when the alert is clearly about another OS: its host says so, or its process paths are POSIX paths. */
export function isWindowsAlert(alert: Alert): boolean {
  if (alert.host.os !== undefined && NON_WINDOWS_OS.test(alert.host.os)) return false;
  const image = alert.process?.image;
  return image === undefined || !image.startsWith('/');
}

/** `DOMAIN\user` of a process reference or the alert's user. */
function userOf(p: ProcessRef | undefined, alert: Alert): string | undefined {
  if (p?.user !== undefined) return p.user;
  return alert.user === undefined ? undefined : qualified(alert.user.domain, alert.user.name);
}

/** The acting process's fields, as the Sysmon events that carry them name them. */
function processFields(alert: Alert, f: ViewFields): ViewFields {
  const p = alert.process;
  f.set('Computer', alert.host.name);
  if (p === undefined) return f;
  f.set('Image', sysmonPath(p.image));
  f.set('CommandLine', p.commandLine);
  f.set('ProcessId', p.pid === undefined ? undefined : String(p.pid));
  f.set('ProcessGuid', p.guid);
  f.set('User', userOf(p, alert));
  f.set('ParentImage', sysmonPath(p.parent?.image));
  f.set('ParentCommandLine', p.parent?.commandLine);
  f.set('ParentProcessId', p.parent?.pid === undefined ? undefined : String(p.parent.pid));
  f.set('ParentProcessGuid', p.parent?.guid);
  f.set('ParentUser', p.parent?.user);
  f.set('GrandParentImage', sysmonPath(p.grandparent?.image));
  f.set('IntegrityLevel', integrityLevelName(p.integrityLevel));
  f.set('CurrentDirectory', p.currentDirectory);
  f.set('Hashes', sysmonHashes(p.hashes));
  return f;
}

function view(kind: string, categories: string[], fields: ViewFields): EventView {
  const logsource: WindowsLogsource = { categories, services: [] };
  return { kind, fields, logsource, keys: routingKeys(logsource) };
}

/** Registry operation → categories (Sysmon 12 adds and deletes, 13 sets, 14 renames). */
function registryCategories(operation: string | undefined, hasData: boolean): string[] {
  const op = (operation ?? '').toLowerCase();
  if (/rename/.test(op)) return ['registry_rename', 'registry_event'];
  if (/delete/.test(op)) return ['registry_delete', 'registry_event'];
  if (/create|add/.test(op) && !hasData) return ['registry_add', 'registry_event'];
  return ['registry_set', 'registry_event'];
}

/**
 * Views of an EDR alert (CrowdStrike, Defender, SentinelOne, Elastic, OCSF, generic…): the process it names as a
 * process_creation, and its connection, file, registry and DNS blocks as the Sysmon events that carry them, each with
 * the acting process's fields (Sysmon's own events carry `Image` and `User`; the taxonomy's additions allow
 * `CommandLine` and `ParentImage`). One attack seen by Sysmon and by an EDR then meets the same rules.
 * Alerts about another OS give no view.
 */
export function alertViews(alert: Alert): EventView[] {
  if (!isWindowsAlert(alert)) return [];
  const out: EventView[] = [];
  const p = alert.process;
  if (p?.image !== undefined || p?.commandLine !== undefined) {
    out.push(view('edr-process', ['process_creation'], processFields(alert, new ViewFields())));
  }
  const n = alert.network;
  if (n !== undefined && (n.dstIp !== undefined || n.dstHostname !== undefined)) {
    const f = processFields(alert, new ViewFields());
    f.set('DestinationIp', n.dstIp);
    f.set('DestinationPort', n.dstPort === undefined ? undefined : String(n.dstPort));
    f.set('DestinationHostname', n.dstHostname);
    f.set('SourceIp', n.srcIp);
    f.set('SourcePort', n.srcPort === undefined ? undefined : String(n.srcPort));
    f.set('Protocol', n.protocol?.toLowerCase());
    f.set('Initiated', n.direction === undefined ? undefined : String(n.direction === 'outbound'));
    out.push(view('edr-network', ['network_connection'], f));
  }
  if (alert.file !== undefined) {
    const f = processFields(alert, new ViewFields());
    f.set('TargetFilename', sysmonPath(alert.file.path));
    f.set('CreationUtcTime', alert.file.creationTime);
    out.push(view('edr-file', ['file_event'], f));
  }
  const r = alert.registry;
  if (r !== undefined) {
    const f = processFields(alert, new ViewFields());
    const key = sysmonRegistryKey(r.key);
    f.set('TargetObject', r.valueName === undefined ? key : `${key}\\${r.valueName}`);
    f.set('Details', r.valueData);
    f.set('EventType', r.operation ?? (r.valueData !== undefined ? 'SetValue' : undefined));
    f.set('NewName', r.newName);
    out.push(view('edr-registry', registryCategories(r.operation, r.valueData !== undefined), f));
  }
  if (alert.dns !== undefined) {
    const f = processFields(alert, new ViewFields());
    f.set('QueryName', alert.dns.query);
    f.set('QueryResults', alert.dns.results?.join(';'));
    f.set('QueryStatus', alert.dns.status);
    out.push(view('edr-dns', ['dns_query'], f));
  }
  return out;
}
