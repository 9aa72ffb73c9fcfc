import type { Alert } from '../model/alert';
import { IOC_TYPES } from '../model/enrichment';
import type { Ioc, IocType } from '../model/enrichment';
import { defang, quoteSource } from './defang';
import { ipVersion, isPrivateIp, isPublicDomain, unmapIpv4 } from './network';
import { decodeEncodedCommand } from './powershell';
import { indicatorsInText } from './text-indicators';
import {
  LOLBINS,
  WINDOWS_BINARIES,
  baseKey,
  hasFolder,
  isInstalledBinary,
  isTrustedImage,
  pathsInText,
} from '../windows';

/**
 * Indicators of compromise from one alert: the structured fields first (network, DNS, hashes, files, registry,
 * tasks, command lines, the source's own evidence list), then what free text (command lines, registry value data,
 * DNS answers, task actions) contains. Deduplicated by type and lower-case value; each carries where it was seen.
 */

type Process = NonNullable<Alert['process']>;

/** Collects indicators in first-seen order, merging repeats: roles are joined, the first known port is kept. */
class IocList {
  private readonly byKey = new Map<string, Ioc>();

  /** @param ownAddresses The victim's own addresses (lower-case): never indicators against it. */
  constructor(private readonly ownAddresses: ReadonlySet<string> = new Set()) {}

  add(rawType: IocType, rawValue: string, role: string, port?: number): void {
    let value = rawValue.trim();
    let type = rawType;
    if (type === 'ipv6' && unmapIpv4(value) !== value) {
      // `::ffff:203.0.113.45` is the IPv4 host: one indicator, defanged as the IPv4 it is.
      value = unmapIpv4(value);
      type = 'ipv4';
    }
    if (value === '') return;
    if ((type === 'ipv4' || type === 'ipv6') && this.ownAddresses.has(value.toLowerCase())) return;
    const key = `${type}#${value.toLowerCase()}`;
    const seen = this.byKey.get(key);
    if (seen !== undefined) {
      const roles = seen.role === undefined ? [] : seen.role.split('; ');
      if (!roles.includes(role)) seen.role = [...roles, role].join('; ');
      if (seen.port === undefined && port !== undefined) seen.port = port;
      return;
    }
    const ioc: Ioc = { type, value, defanged: defang(type, value), role };
    if (type === 'ipv4' || type === 'ipv6') ioc.private = isPrivateIp(value);
    if (port !== undefined) ioc.port = port;
    this.byKey.set(key, ioc);
  }

  addIp(value: string, role: string, port?: number): void {
    const v = ipVersion(value.trim());
    if (v !== 0) this.add(v === 4 ? 'ipv4' : 'ipv6', value, role, port);
  }

  /**
   * Network indicators in free text. Hex runs of hash length in text are not typed as hashes: a staging key, a GUID
   * without dashes or a session token is as long as an MD5. Hashes come only from hash fields (`addHashes`).
   */
  addText(text: string | undefined, role: string): void {
    if (text === undefined) return;
    for (const found of indicatorsInText(text)) {
      if (!HASH_TYPES.has(found.type)) this.add(found.type, found.value, role, found.port);
    }
  }

  /** File paths in free text that are not part of the installed system. */
  addPathsIn(text: string | undefined, role: string): void {
    if (text === undefined) return;
    for (const { path } of pathsInText(text)) if (!isInstalledBinary(path)) this.add('file', path, role);
  }

  /** Deterministic: grouped by type in IOC_TYPES order, first-seen order within a type. */
  list(): Ioc[] {
    const rank = (t: IocType): number => IOC_TYPES.indexOf(t);
    return [...this.byKey.values()]
      .map((ioc, i) => ({ ioc, i }))
      .sort((a, b) => rank(a.ioc.type) - rank(b.ioc.type) || a.i - b.i)
      .map((x) => x.ioc);
  }
}

const HASH_TYPES: ReadonlySet<IocType> = new Set<IocType>(['md5', 'sha1', 'sha256']);

const HASH_LENGTHS: Readonly<Record<string, { type: IocType; length: number }>> = {
  md5: { type: 'md5', length: 32 },
  sha1: { type: 'sha1', length: 40 },
  sha256: { type: 'sha256', length: 64 },
};

/** MD5, SHA-1 and SHA-256 of a hash map (`imphash` and others are not file identities: left out). */
function addHashes(list: IocList, hashes: Record<string, string> | undefined, role: string): void {
  if (hashes === undefined) return;
  for (const algo of Object.keys(hashes).sort()) {
    const spec = HASH_LENGTHS[algo.toLowerCase().replace(/-/g, '')];
    const hex = hashes[algo].trim().toLowerCase();
    // An all-zero hash is a placeholder a sensor writes when it could not hash the file.
    if (spec !== undefined && hex.length === spec.length && /^[0-9a-f]+$/.test(hex) && !/^0+$/.test(hex))
      list.add(spec.type, hex, role);
  }
}

/** Text that runs something: it names a file to run, a URL, or a shell, script host or LOLBin. */
function looksLikeCommand(text: string): boolean {
  if (pathsInText(text).length > 0 || /\b(?:https?|ftp):\/\//i.test(text)) return true;
  const first = /^\s*["']?([^\s"']+)/.exec(text)?.[1];
  return first !== undefined && LOLBINS.has(baseKey(first.endsWith('.exe') ? first : `${first}.exe`));
}

/**
 * A process whose command line is itself an indicator: a shell, script host or LOLBin, or anything outside the
 * installed system. Without an image, the command line's own first word decides.
 */
function isSuspiciousProcess(p: { image?: string; commandLine?: string }): boolean {
  if (p.image !== undefined) return !isTrustedImage(p.image);
  return p.commandLine !== undefined && looksLikeCommand(p.commandLine);
}

/** A process image that is part of Windows: stock path, installed, or signed by Microsoft (EDRs give the signer). */
function isMicrosoftProcess(p: Process): boolean {
  if (p.image !== undefined && isInstalledBinary(p.image)) return true;
  return p.signed === true && p.signature !== undefined && MICROSOFT_SIGNERS.test(p.signature.trim());
}

function addProcess(list: IocList, p: Process | NonNullable<Process['parent']>, who: string): void {
  if (p.image !== undefined && !isInstalledBinary(p.image)) list.add('file', p.image, `${who} image`);
  if (p.commandLine === undefined) return;
  list.addText(p.commandLine, `${who} command line`);
  list.addText(decodeEncodedCommand(p.commandLine), `${who} decoded PowerShell command`);
  if (isSuspiciousProcess(p)) {
    list.add('commandline', p.commandLine, `${who} command line`);
    list.addPathsIn(p.commandLine, `${who} command line`);
  }
}

/** What happened to the file, from the canonical event type (Sysmon 2, 11, 15, 23, 26–29 and EDR kinds). */
const FILE_ROLES: Readonly<Record<string, string>> = {
  file_create: 'file created',
  file_create_time: 'file time changed',
  file_stream_create: 'file stream created',
  file_delete: 'file deleted',
  file_delete_detected: 'file deleted',
  file_block_executable: 'file blocked',
  file_block_shredding: 'file blocked',
  file_executable_detected: 'executable file written',
};

function fileRole(alert: Alert): string {
  return FILE_ROLES[alert.eventType] ?? 'file';
}

/** `key\valueName`, without doubling a value name the source already left on the key. */
export function registryPath(reg: NonNullable<Alert['registry']>): string {
  const key = reg.key.replace(/\\+$/, '');
  if (reg.valueName === undefined || reg.valueName === '') return key;
  return key.toLowerCase().endsWith(`\\${reg.valueName.toLowerCase()}`) ? key : `${key}\\${reg.valueName}`;
}

/** Command-like free text (registry data, task action, service path): the text, the files and hosts it names. */
function addCommandText(list: IocList, text: string | undefined, role: string): void {
  if (text === undefined || text.trim() === '') return;
  if (looksLikeCommand(text)) list.add('commandline', text, role);
  list.addPathsIn(text, role);
  list.addText(text, role);
}

/**
 * A file of the victim's own system: a stock binary at its stock path, anything installed, or a bare stock name
 * (`explorer.exe` as an EDR writes a process name: nothing to hunt, and blocking it stops the desktop).
 */
function isOwnSystemFile(path: string): boolean {
  return hasFolder(path) ? isInstalledBinary(path) : WINDOWS_BINARIES.has(baseKey(path));
}

/** Signers whose valid signature makes a module part of Windows (Sysmon 6/7 `Signature`). */
const MICROSOFT_SIGNERS = /^microsoft (windows|corporation)\b/i;

/**
 * A module or driver Microsoft signed, with a valid signature (Sysmon 6/7 `Signed: true`, `Signature` "Microsoft
 * Windows" or "Microsoft Corporation", `SignatureStatus` "Valid" when given), or a stock binary at its stock path.
 * Its hash is on every Windows machine: hunting it finds the whole fleet, blocking it breaks Windows.
 */
export function isMicrosoftModule(m: NonNullable<Alert['module']>): boolean {
  if (isInstalledBinary(m.path)) return true;
  const status = m.signatureStatus?.trim().toLowerCase();
  return (
    m.signed === true &&
    m.signature !== undefined &&
    MICROSOFT_SIGNERS.test(m.signature.trim()) &&
    (status === undefined || status === 'valid')
  );
}

/** Artifact types with an IocType counterpart; users, e-mail addresses and services are not indicators here. */
function addArtifact(list: IocList, a: NonNullable<Alert['artifacts']>[number]): void {
  // The source's own label is its text, not ours: quoted, and without `;`, which separates one value's roles.
  const role = a.role === undefined ? 'evidence' : quoteSource('evidence labelled', a.role.replace(/;/g, ','), 80);
  const v = a.value.trim();
  switch (a.type) {
    case 'ip':
      list.addIp(v, role);
      return;
    case 'domain':
      if (isPublicDomain(v)) list.add('domain', v.replace(/\.$/, ''), role);
      return;
    case 'url':
      list.addText(v, role);
      return;
    case 'hash': {
      const type = HASH_LENGTHS[v.length === 32 ? 'md5' : v.length === 40 ? 'sha1' : v.length === 64 ? 'sha256' : ''];
      if (type !== undefined && /^[0-9a-f]+$/i.test(v)) list.add(type.type, v.toLowerCase(), role);
      return;
    }
    case 'file':
      if (!isOwnSystemFile(v)) list.add('file', v, role);
      return;
    case 'registry':
      list.add('registry', v, role);
      return;
    case 'task':
      list.add('task', v, role);
      return;
    case 'process': {
      // An EDR's process evidence is an image path or a whole command line.
      const type = /\s/.test(v) && !/^[a-z]:\\[^"]*\.exe$/i.test(v) ? 'commandline' : 'file';
      if (type === 'commandline' || !isOwnSystemFile(v)) list.add(type, v, role);
      return;
    }
    default:
      return;
  }
}

/**
 * Every indicator in the alert, typed, defanged for display, deduplicated, in a stable order (by type, then first
 * seen). IPs carry `private` and, when known, `port`.
 *
 * @example
 * extractIocs(alert).map((i) => i.defanged) // ['194.165.16[.]89', 'www[.]dropbox[.]com', 'C:\\ProgramData\\…\\security.dll', …]
 */
export function extractIocs(alert: Alert): Ioc[] {
  const net = alert.network;
  // The victim's own addresses: the host's, and the source of a connection it made.
  const own = new Set((alert.host.ips ?? []).map((ip) => unmapIpv4(ip.trim()).toLowerCase()));
  if (net?.direction === 'outbound' && net.srcIp !== undefined) own.add(unmapIpv4(net.srcIp.trim()).toLowerCase());
  const list = new IocList(own);

  if (net !== undefined) {
    if (net.dstIp !== undefined) list.addIp(net.dstIp, 'network destination', net.dstPort);
    if (net.dstHostname !== undefined && isPublicDomain(net.dstHostname)) {
      list.add('domain', net.dstHostname.replace(/\.$/, ''), 'network destination');
    }
    // A source port is only meaningful for inbound traffic; outbound it is an ephemeral port.
    if (net.srcIp !== undefined) {
      list.addIp(net.srcIp, 'network source', net.direction === 'inbound' ? net.srcPort : undefined);
    }
  }

  const dns = alert.dns;
  if (dns !== undefined) {
    const q = dns.query.trim().replace(/\.$/, '');
    if (ipVersion(q) !== 0) list.addIp(q, 'dns query');
    else if (isPublicDomain(q)) list.add('domain', q, 'dns query');
    for (const r of dns.results ?? []) list.addText(r, 'dns answer');
  }

  const p = alert.process;
  if (p !== undefined) {
    addProcess(list, p, 'process');
    if (!isMicrosoftProcess(p)) addHashes(list, p.hashes, 'process image hash');
    if (p.parent !== undefined) addProcess(list, p.parent, 'parent process');
    if (p.grandparent !== undefined) addProcess(list, p.grandparent, 'grandparent process');
  }

  if (alert.file !== undefined) {
    list.add('file', alert.file.path, fileRole(alert));
    addHashes(list, alert.file.hashes, 'file hash');
  }
  if (alert.module !== undefined && !isMicrosoftModule(alert.module)) {
    const driver = alert.source.product === 'sysmon' && alert.eventCode === 6;
    list.add('file', alert.module.path, driver ? 'driver loaded' : 'module loaded');
    addHashes(list, alert.module.hashes, driver ? 'driver hash' : 'module hash');
  }
  if (alert.target?.image !== undefined && !isInstalledBinary(alert.target.image)) {
    list.add('file', alert.target.image, 'target process image');
  }

  const reg = alert.registry;
  if (reg !== undefined) {
    list.add('registry', registryPath(reg), reg.valueName !== undefined ? 'registry value' : 'registry key');
    addCommandText(list, reg.valueData, 'registry value data');
  }
  if (alert.task !== undefined) {
    list.add('task', alert.task.name, 'scheduled task');
    addCommandText(list, alert.task.action, 'scheduled task action');
  }
  if (alert.service?.path !== undefined) addCommandText(list, alert.service.path, 'service image path');
  if (alert.wmi !== undefined) {
    addCommandText(list, alert.wmi.consumer, 'wmi consumer');
    addCommandText(list, alert.wmi.destination, 'wmi consumer destination');
    list.addText(alert.wmi.query, 'wmi query');
  }

  for (const a of alert.artifacts ?? []) addArtifact(list, a);

  return list.list();
}
