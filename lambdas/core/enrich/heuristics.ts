import { BIDI_RE, int } from '../formats/common';
import type { Alert } from '../model/alert';
import type { Behaviour, HeuristicHit } from '../model/enrichment';
import { autostartCommandMatch, autostartFileTechnique, autostartRegistryTechnique } from './autostart';
import { defangText } from './defang';
import { registryPath } from './iocs';
import { findProxyExecution } from './lolbins';
import type { ProxyExecution } from './lolbins';
import { ipVersion, isPrivateIp } from './network';
import { powershellMarkers, powershellStart } from './powershell';
import type { PowerShellMarkerKind } from './powershell';
import {
  BINARY_EXTENSIONS,
  BROWSERS,
  CORE_PROCESSES,
  OFFICE_APPS,
  POWERSHELL,
  SHELLS,
  baseKey,
  baseName,
  extensionOf,
  folderClass,
  forScan,
  hasFolder,
  isInstalledLocation,
  isMicrosoftSecurityPath,
  isMicrosoftUserInstall,
  isStockWindowsBinary,
  isTrustedImage,
  normalizePath,
  pathsInText,
} from '../windows';
import { oneEditApart } from './one-edit';

/**
 * Why an alert looks malicious, as a table of rules. Each rule reads the alert and returns the concrete value that
 * fired it (a path, a command, a value name), or undefined; the title, weight and explanation are fixed data, so a
 * ticket can say what was seen and why it matters. Rules are pure and run in table order.
 */
export interface HeuristicRule {
  /** Stable id, used in tests and by the drafting stage. */
  id: string;
  /** Short, as in an analyst's anomaly list: "Name mimics a Windows component". */
  title: string;
  /** Contribution to the severity score before diminishing returns (see severity.ts). */
  weight: number;
  /** One or two plain sentences: why this is suspicious. */
  explanation: string;
  /** ATT&CK techniques a hit shows, unless the finding names its own (an autostart's location decides which). */
  techniques: readonly string[];
  /** What a hit shows the attacker doing (the judge's vocabulary), unless the finding names its own. */
  behaviours: readonly Behaviour[];
  /** The value that fired the rule (a path, a command), optionally with the techniques and behaviours it shows. */
  test(alert: Alert): string | HeuristicFinding | undefined;
}

/** A rule's finding when the evidence decides the technique: `schtasks /create` is T1053.005, a Run key T1547.001. */
export interface HeuristicFinding {
  evidence: string;
  techniques?: readonly string[];
  behaviours?: readonly Behaviour[];
}

interface CommandText {
  text: string;
  /** The process image that runs it, when it is a process's own command line. */
  image?: string;
}

/**
 * Texts that are commands: what persistence will run (registry data, task action, service path, WMI consumer)
 * first, then the process's and its parent's command lines. Capped for scanning.
 */
function commandTexts(alert: Alert): CommandText[] {
  const out: CommandText[] = [];
  const push = (text: string | undefined, image?: string): void => {
    if (text !== undefined && text.trim() !== '') out.push({ text: forScan(text), ...(image ? { image } : {}) });
  };
  push(alert.registry?.valueData);
  push(alert.task?.action);
  push(alert.service?.path);
  push(alert.wmi?.consumer);
  push(alert.wmi?.destination);
  push(alert.process?.commandLine, alert.process?.image);
  push(alert.process?.parent?.commandLine, alert.process?.parent?.image);
  return out;
}

/** Evidence is shown in tickets: keep it to a line, and defang any URL or address in it. */
function evidence(text: string): string {
  const t = defangText(text.replace(/\s+/g, ' ').trim());
  return t.length > 240 ? `${t.slice(0, 239)}…` : t;
}

// ---- name masquerading ----------------------------------------------------------------------------------------

/** Names that borrow Microsoft's or Windows' authority, compared squashed (`Windows Security-Update` → `windowssecurityupdate`). */
const MIMIC_RE =
  /microsoft|defender|svchost|windows(?:update|security|defender|service|host|helper|health|telemetry|manager|system|license|driver|core|firewall|error)|securityupdate|systemupdate|criticalupdate/;

/** Squash a name for comparison: `Windows Security-Update.exe` → `windowssecurityupdate`. */
function squash(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.[a-z0-9]{1,4}$/, '')
    .replace(/[^a-z0-9]/g, '');
}

export function mimicsWindows(name: string): boolean {
  return MIMIC_RE.test(squash(name));
}

/** Names attackers misspell on purpose (`scvhost.exe`, `lsasss.exe`); short ones like smss would match too much. */
const TYPOSQUAT_TARGETS = ['svchost', 'lsass', 'csrss', 'winlogon', 'wininit', 'explorer', 'spoolsv', 'rundll32'];

/**
 * Where Windows and installed software live (not the user-writable folders inside C:\Windows); anything else that
 * claims to be Windows is lying.
 */
function inTrustedLocation(path: string): boolean {
  return isInstalledLocation(path) || isMicrosoftSecurityPath(path) || isMicrosoftUserInstall(path);
}

/**
 * What a persistence command would run from outside Windows and Program Files: the first such path, or the
 * command itself when it hands an inline script to a shell (`powershell -enc …`). Undefined when all it runs is
 * installed software.
 */
function untrustedPayload(command: string): string | undefined {
  for (const { path } of pathsInText(command)) if (!inTrustedLocation(path)) return path;
  const first = /^\s*["']?([^"'\s]+)/.exec(command)?.[1] ?? '';
  const name = baseKey(first);
  if (SHELLS.has(name) || SHELLS.has(`${name}.exe`)) return command;
  return undefined;
}

const EXECUTABLE_NAMES = /\.(?:exe|scr|com|pif)$/i;

/** A task or service named like Windows' own is T1036.004; any other borrowed name or location T1036.005. */
const MASQUERADE_TASK_OR_SERVICE = ['T1036.004'];

function masqueradingName(alert: Alert): string | HeuristicFinding | undefined {
  const reg = alert.registry;
  if (reg?.valueName !== undefined && reg.valueData !== undefined) {
    const where = autostartRegistryTechnique(registryPath(reg));
    const payload = where !== undefined && mimicsWindows(reg.valueName) ? untrustedPayload(reg.valueData) : undefined;
    if (payload !== undefined) {
      const service = where === 'T1543.003' || where === 'T1053.005';
      return {
        evidence: `${reg.valueName} → ${payload}`,
        ...(service ? { techniques: MASQUERADE_TASK_OR_SERVICE } : {}),
      };
    }
  }
  if (alert.task?.action !== undefined) {
    const name = alert.task.name.slice(alert.task.name.lastIndexOf('\\') + 1);
    const payload = mimicsWindows(name) ? untrustedPayload(alert.task.action) : undefined;
    if (payload !== undefined)
      return { evidence: `${alert.task.name} → ${payload}`, techniques: MASQUERADE_TASK_OR_SERVICE };
  }
  if (alert.service?.path !== undefined) {
    const payload = mimicsWindows(alert.service.name) ? untrustedPayload(alert.service.path) : undefined;
    if (payload !== undefined) {
      return { evidence: `${alert.service.name} → ${payload}`, techniques: MASQUERADE_TASK_OR_SERVICE };
    }
  }
  for (const path of [alert.file?.path, alert.process?.image, alert.process?.parent?.image, alert.module?.path]) {
    if (path === undefined) continue;
    const name = baseKey(path);
    // A core process's name anywhere but its own folder; a bare name (no folder given) proves nothing either way.
    if (CORE_PROCESSES.has(name) && hasFolder(path) && !isStockWindowsBinary(path)) return path;
    const stem = name.replace(/\.exe$/, '');
    if (name.endsWith('.exe') && TYPOSQUAT_TARGETS.some((t) => oneEditApart(stem, t))) return path;
    if (EXECUTABLE_NAMES.test(name) && mimicsWindows(baseName(path)) && !inTrustedLocation(path)) return path;
  }
  return undefined;
}

// ---- unusual paths ---------------------------------------------------------------------------------------------

/** A user profile's folders where installed software does not keep its binaries (AppData, Downloads). */
const UNUSUAL_PROFILE_DIRS = /^[a-z]:\\users\\[^\\]+\\(?:appdata|downloads)\\/;

/**
 * An executable or DLL in a user-writable folder where installed software does not keep its binaries: ProgramData,
 * Public, AppData, Downloads, the writable folders inside C:\Windows (Tasks, Temp, spool\drivers\color…), C:\Temp,
 * PerfLogs and the Recycle Bin. Microsoft's own per-user and Defender folders are expected.
 */
export function isUnusualBinaryPath(path: string): boolean {
  if (!BINARY_EXTENSIONS.has(extensionOf(path))) return false;
  if (isMicrosoftSecurityPath(path) || isMicrosoftUserInstall(path)) return false;
  switch (folderClass(path)) {
    case 'windows-writable':
    case 'public':
    case 'programdata':
    case 'writable-root':
      return true;
    case 'user-profile':
      return UNUSUAL_PROFILE_DIRS.test(normalizePath(path));
    default:
      return false;
  }
}

function unusualPath(alert: Alert): string | undefined {
  const inText = (t: string | undefined): string[] =>
    t === undefined ? [] : pathsInText(forScan(t)).map((p) => p.path);
  const candidates = [
    alert.file?.path,
    alert.module?.path,
    ...inText(alert.registry?.valueData),
    ...inText(alert.task?.action),
    ...inText(alert.service?.path),
    alert.process?.image,
    alert.process?.parent?.image,
    ...inText(alert.process?.commandLine),
  ];
  return candidates.find((p): p is string => p !== undefined && isUnusualBinaryPath(p));
}

// ---- PowerShell ------------------------------------------------------------------------------------------------

/** What each PowerShell marker shows beyond PowerShell itself (T1059.001). */
const MARKER_TECHNIQUES: Readonly<Record<PowerShellMarkerKind, string | undefined>> = {
  'hidden window': 'T1564.003',
  'encoded command': 'T1027.010',
  'execution policy bypass': undefined,
  'download cradle': 'T1105',
  'no profile': undefined,
};

function evasivePowerShell(alert: Alert): HeuristicFinding | undefined {
  for (const { text, image } of commandTexts(alert)) {
    const runByPowerShell = image !== undefined && POWERSHELL.has(baseKey(image));
    const at = runByPowerShell ? 0 : powershellStart(text);
    if (at < 0) continue;
    const { markers, suspicious } = powershellMarkers(text.slice(at));
    if (!suspicious) continue;
    const extra = markers.flatMap((m) => MARKER_TECHNIQUES[m.kind] ?? []);
    const downloads = markers.some((m) => m.kind === 'download cradle');
    return {
      evidence: markers.map((m) => m.text).join(', '),
      techniques: ['T1059.001', ...extra],
      behaviours: downloads ? ['execution', 'download'] : ['execution'],
    };
  }
  return undefined;
}

// ---- Office spawning a shell -----------------------------------------------------------------------------------

/** The interpreter technique of a shell or script host (`cmd.exe` T1059.003, `powershell.exe` T1059.001…). */
function interpreterTechnique(image: string): string {
  const name = baseKey(image);
  if (POWERSHELL.has(name)) return 'T1059.001';
  if (name === 'cmd.exe') return 'T1059.003';
  if (name === 'wscript.exe' || name === 'cscript.exe') return 'T1059.005';
  if (name === 'mshta.exe') return 'T1218.005';
  if (name === 'rundll32.exe') return 'T1218.011';
  if (name === 'regsvr32.exe') return 'T1218.010';
  return 'T1059';
}

/**
 * An application of `kind` (Office, browser) that started a shell: the direct parent, or the grandparent through a
 * second shell (`WINWORD.EXE → cmd.exe → powershell.exe`, as EDRs report it).
 */
function spawnsShell(alert: Alert, apps: ReadonlySet<string>): { app: string; child: string } | undefined {
  const child = alert.process?.image;
  if (child === undefined || !SHELLS.has(baseKey(child))) return undefined;
  const parent = alert.process?.parent?.image;
  const grandparent = alert.process?.grandparent?.image;
  if (parent !== undefined && apps.has(baseKey(parent))) return { app: parent, child };
  if (
    parent !== undefined &&
    SHELLS.has(baseKey(parent)) &&
    grandparent !== undefined &&
    apps.has(baseKey(grandparent))
  )
    return { app: grandparent, child };
  return undefined;
}

function officeSpawnsShell(alert: Alert): HeuristicFinding | undefined {
  const hit = spawnsShell(alert, OFFICE_APPS);
  if (hit === undefined) return undefined;
  return {
    evidence: `${baseName(hit.app)} → ${baseName(hit.child)}`,
    techniques: ['T1204.002', interpreterTechnique(hit.child)],
  };
}

function browserSpawnsShell(alert: Alert): HeuristicFinding | undefined {
  const hit = spawnsShell(alert, BROWSERS);
  if (hit === undefined) return undefined;
  return {
    evidence: `${baseName(hit.app)} → ${baseName(hit.child)}`,
    techniques: ['T1189', interpreterTechnique(hit.child)],
  };
}

// ---- autostart written by a non-system process -----------------------------------------------------------------

/**
 * A writer we expect to touch autostart locations: installed, non-scripting software. Windows Installer is the one
 * LOLBin kept here: it writes Run keys and services for every product it installs.
 */
export function isExpectedAutostartWriter(image: string): boolean {
  return isTrustedImage(image) || (baseKey(image) === 'msiexec.exe' && isStockWindowsBinary(image));
}

/**
 * A removal or rename, which undoes persistence rather than creating it. The operation decides when the source gave
 * one (Sysmon 12 is `registry_create_delete` for both); else an event type that ends in a deletion.
 */
function isDeletion(alert: Alert): boolean {
  const op = alert.registry?.operation;
  if (op !== undefined) return /delete|rename/i.test(op);
  return /(?:^|_)(?:delete|deleted|delete_detected|rename)$/.test(alert.eventType);
}

function autostartByNonSystem(alert: Alert): HeuristicFinding | undefined {
  const image = alert.process?.image;
  if (image === undefined || isExpectedAutostartWriter(image)) return undefined;
  const writer = baseName(image);
  if (alert.registry !== undefined && !isDeletion(alert)) {
    const path = registryPath(alert.registry);
    const technique = autostartRegistryTechnique(path);
    if (technique !== undefined) return { evidence: `${writer} wrote ${path}`, techniques: [technique] };
  }
  const fileTechnique =
    alert.file !== undefined && !isDeletion(alert) ? autostartFileTechnique(alert.file.path) : undefined;
  if (fileTechnique !== undefined) {
    return { evidence: `${writer} created ${alert.file!.path}`, techniques: [fileTechnique] };
  }
  if (alert.task !== undefined) {
    return { evidence: `${writer} created scheduled task ${alert.task.name}`, techniques: ['T1053.005'] };
  }
  if (alert.service !== undefined) {
    return { evidence: `${writer} installed service ${alert.service.name}`, techniques: ['T1543.003'] };
  }
  const cmd = alert.process?.commandLine;
  const written = cmd === undefined ? undefined : autostartCommandMatch(forScan(cmd));
  return written === undefined ? undefined : { evidence: `${writer}: ${cmd}`, techniques: [written.technique] };
}

// ---- LSASS access ----------------------------------------------------------------------------------------------

const PROCESS_ALL_ACCESS = 0x1fffff;
/** Rights that expose LSASS memory: read it, write it, or duplicate a handle that can. */
const DANGEROUS_RIGHTS: readonly [number, string][] = [
  [0x10, 'PROCESS_VM_READ'],
  [0x20, 'PROCESS_VM_WRITE'],
  [0x40, 'PROCESS_DUP_HANDLE'],
];

/** Windows and Defender components that open LSASS with read rights by design. */
const LSASS_CLIENTS: ReadonlySet<string> = new Set(['csrss.exe', 'wininit.exe', 'msmpeng.exe', 'mssense.exe']);

function lsassAccess(alert: Alert): string | undefined {
  const t = alert.target;
  if (t?.image === undefined || baseKey(t.image) !== 'lsass.exe' || t.grantedAccess === undefined) return undefined;
  const mask = int(t.grantedAccess);
  if (mask === undefined) return undefined;
  const rights =
    (mask & PROCESS_ALL_ACCESS) === PROCESS_ALL_ACCESS
      ? ['PROCESS_ALL_ACCESS']
      : DANGEROUS_RIGHTS.filter(([bit]) => (mask & bit) !== 0).map(([, name]) => name);
  if (rights.length === 0) return undefined;
  const source = alert.process?.image;
  if (source !== undefined && LSASS_CLIENTS.has(baseKey(source))) {
    if (isStockWindowsBinary(source) || isMicrosoftSecurityPath(source)) return undefined;
  }
  const who = source === undefined ? 'unknown process' : baseName(source);
  return `${who} → lsass.exe, GrantedAccess ${t.grantedAccess.trim()} (${rights.join(', ')})`;
}

// ---- bidi override ---------------------------------------------------------------------------------------------

/** Makes invisible direction controls visible: `invoice\u202Egpj.exe` → `invoice<U+202E>gpj.exe`. */
function showBidi(text: string): string {
  return text.replace(
    new RegExp(BIDI_RE.source, 'g'),
    (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`,
  );
}

function bidiOverride(alert: Alert): string | undefined {
  const fields = [
    alert.file?.path,
    alert.process?.image,
    alert.process?.parent?.image,
    alert.module?.path,
    alert.registry?.valueName,
    alert.registry?.valueData,
    alert.task?.name,
    alert.task?.action,
    alert.service?.name,
    alert.service?.path,
    alert.process?.commandLine,
    ...(alert.artifacts ?? []).map((a) => a.value),
  ];
  const hit = fields.find((f): f is string => f !== undefined && BIDI_RE.test(f));
  if (hit !== undefined) return showBidi(hit);
  return alert.flags.includes('bidi-override') ? 'bidi-override flag set by the normalizer' : undefined;
}

// ---- remote thread ---------------------------------------------------------------------------------------------

/** Windows components that create threads in other processes as part of their job (console, session setup). */
const THREAD_INJECTORS: ReadonlySet<string> = new Set(['csrss.exe', 'wininit.exe', 'services.exe', 'smss.exe']);

const guidOf = (g: string | undefined): string | undefined => g?.toLowerCase().replace(/[{}]/g, '');

function remoteThread(alert: Alert): string | undefined {
  const isRemoteThread =
    alert.eventType === 'create_remote_thread' || (alert.source.product === 'sysmon' && alert.eventCode === 8);
  const t = alert.target;
  const p = alert.process;
  if (!isRemoteThread || t === undefined) return undefined;
  const sameGuid = guidOf(p?.guid) !== undefined && guidOf(p?.guid) === guidOf(t.guid);
  const samePid = p?.pid !== undefined && p.pid === t.pid;
  if (sameGuid || samePid) return undefined;
  if (p?.image !== undefined && THREAD_INJECTORS.has(baseKey(p.image)) && isStockWindowsBinary(p.image))
    return undefined;
  const from = p?.image === undefined ? 'unknown process' : baseName(p.image);
  const into = t.image === undefined ? `process ${t.pid ?? '?'}` : baseName(t.image);
  return `${from} → ${into}${t.startFunction !== undefined ? ` (${t.startFunction})` : ''}`;
}

// ---- network ---------------------------------------------------------------------------------------------------

/**
 * Ports of the web protocols (T1071.001 when a non-browser uses them). Any other port to a public address is T1571,
 * a non-standard port: a beacon on 8443, 53 or 1337 counts as much as one on 443 (the first version of this rule
 * only looked at 80, 443, 8080 and 4444, and missed the rest).
 */
export const WEB_PORTS: ReadonlySet<number> = new Set([80, 443, 8080, 8443]);

function publicConnection(alert: Alert): HeuristicFinding | undefined {
  const n = alert.network;
  const image = alert.process?.image;
  if (n?.dstIp === undefined || image === undefined) return undefined;
  if (n.direction === 'inbound') return undefined;
  const v = ipVersion(n.dstIp);
  if (v === 0 || isPrivateIp(n.dstIp)) return undefined;
  // Browsers and installed, non-scripting software talk to the internet all day; that is not evidence.
  if (BROWSERS.has(baseKey(image)) || isTrustedImage(image)) return undefined;
  const port = n.dstPort === undefined ? '' : `:${n.dstPort}`;
  const web = n.dstPort === undefined || WEB_PORTS.has(n.dstPort);
  return {
    evidence: `${baseName(image)} → ${v === 6 ? `[${n.dstIp}]` : n.dstIp}${port}`,
    techniques: [web ? 'T1071.001' : 'T1571'],
  };
}

// ---- credential dumping ----------------------------------------------------------------------------------------

/** Command lines that read credential material: each pattern with the sub-technique of what it reads. */
const CREDENTIAL_COMMANDS: readonly { re: RegExp; technique: string }[] = [
  // comsvcs.dll's MiniDump export, by name or ordinal #24, usually through rundll32 from System32.
  { re: /comsvcs(?:\.dll)?["']?\s*[,\s]\s*#?(?:minidump|24)\b/i, technique: 'T1003.001' },
  { re: /\bprocdump(?:64)?(?:\.exe)?["']?\s[^\r\n]{0,200}\blsass\b/i, technique: 'T1003.001' },
  { re: /\b(?:out-minidump|minidumpwritedump)\b|\bsekurlsa::|\bmimikatz\b/i, technique: 'T1003.001' },
  { re: /\blsadump::(?:sam|secrets|cache)\b/i, technique: 'T1003.002' },
  { re: /\blsadump::dcsync\b/i, technique: 'T1003.006' },
  { re: /\breg(?:\.exe)?["']?\s+save\s+["']?(?:hklm|hkey_local_machine)\\(?:sam|system)\b/i, technique: 'T1003.002' },
  { re: /\breg(?:\.exe)?["']?\s+save\s+["']?(?:hklm|hkey_local_machine)\\security\b/i, technique: 'T1003.004' },
  { re: /\besentutl(?:\.exe)?["']?\s[^\r\n]{0,300}\bntds(?:\.dit)?\b/i, technique: 'T1003.003' },
  { re: /\besentutl(?:\.exe)?["']?\s[^\r\n]{0,300}\\config\\(?:sam|system|security)\b/i, technique: 'T1003.002' },
  { re: /\bntdsutil(?:\.exe)?["']?\s[^\r\n]{0,300}\bifm\b/i, technique: 'T1003.003' },
  {
    re: /\\\\\?\\globalroot\\device\\harddiskvolumeshadowcopy\d+\\windows\\ntds\\ntds\.dit/i,
    technique: 'T1003.003',
  },
  {
    re: /\\\\\?\\globalroot\\device\\harddiskvolumeshadowcopy\d+\\windows\\system32\\config\\(?:sam|security|system)\b/i,
    technique: 'T1003.002',
  },
];

/** Files that are credential material taken out of its place: an LSASS dump, a copied hive, a copied NTDS.dit. */
function credentialFile(path: string): string | undefined {
  const p = normalizePath(path);
  const name = p.slice(p.lastIndexOf('\\') + 1);
  if (/lsass.*\.(?:dmp|mdmp|dump)$/.test(name)) return 'T1003.001';
  if (name === 'ntds.dit' && !/^[a-z]:\\windows\\ntds\\/.test(p)) return 'T1003.003';
  const hive = /^(?:sam|security|system)(?:\.(?:save|hiv|hive|bak|sav|dmp))?$/.exec(name);
  if (hive !== null && name.includes('.') && !/^[a-z]:\\windows\\system32\\config\\/.test(p)) return 'T1003.002';
  return undefined;
}

function credentialDumping(alert: Alert): HeuristicFinding | undefined {
  for (const { text } of commandTexts(alert)) {
    for (const { re, technique } of CREDENTIAL_COMMANDS) {
      const m = re.exec(text);
      if (m !== null) return { evidence: text, techniques: [technique] };
    }
  }
  const path = alert.file?.path;
  const technique = path === undefined || isDeletion(alert) ? undefined : credentialFile(path);
  if (technique === undefined || path === undefined) return undefined;
  const who = alert.process?.image === undefined ? '' : `${baseName(alert.process.image)} wrote `;
  return { evidence: `${who}${path}`, techniques: [technique] };
}

// ---- UAC bypass ------------------------------------------------------------------------------------------------

/**
 * Per-user class keys Windows' auto-elevating binaries read before running what they open (eventvwr → mscfile,
 * fodhelper and computerdefaults → ms-settings, sdclt → exefile/Folder): a command written there runs elevated.
 */
const UAC_HIJACK_KEY =
  /(?:\\software\\classes|_classes)\\(?:mscfile|ms-settings|exefile|folder|launcher\.systemsettings|appx82a6gwre4fdg3bt635tn5ctqjf8msdd2)\\shell\\open\\command\b/i;
/** `HKCU\Environment\windir` redirected: the SilentCleanup task then runs the attacker's command elevated. */
const UAC_WINDIR = /\\environment\\windir$/i;
/** The auto-elevating binaries those hijacks ride on; a child of one that is not its usual UI is the bypass firing. */
const AUTO_ELEVATE: ReadonlySet<string> = new Set([
  'eventvwr.exe',
  'fodhelper.exe',
  'computerdefaults.exe',
  'sdclt.exe',
]);
const AUTO_ELEVATE_CHILDREN: ReadonlySet<string> = new Set([
  'mmc.exe',
  'control.exe',
  'systemsettings.exe',
  'werfault.exe',
]);

function uacBypass(alert: Alert): string | undefined {
  const reg = alert.registry;
  if (reg !== undefined && !isDeletion(alert)) {
    const path = registryPath(reg);
    if (UAC_HIJACK_KEY.test(path) || UAC_WINDIR.test(path)) {
      return reg.valueData !== undefined ? `${path} = ${reg.valueData}` : path;
    }
  }
  for (const { text } of commandTexts(alert)) {
    const m = UAC_HIJACK_KEY.exec(text);
    if (m !== null && /\b(?:add|new-item|new-itemproperty|set-itemproperty|setvalue)\b/i.test(text)) return text;
  }
  const child = alert.process?.image;
  const parent = alert.process?.parent?.image;
  if (
    alert.eventType === 'process_create' &&
    child !== undefined &&
    parent !== undefined &&
    AUTO_ELEVATE.has(baseKey(parent)) &&
    !AUTO_ELEVATE_CHILDREN.has(baseKey(child))
  ) {
    return `${baseName(parent)} → ${baseName(child)}`;
  }
  return undefined;
}

// ---- log clearing ----------------------------------------------------------------------------------------------

const LOG_CLEARING =
  /\bwevtutil(?:\.exe)?["']?\s+(?:cl|clear-log)\b|\b(?:clear-eventlog|remove-eventlog)\b|\bclear-winevent\b|\bnteventlogfile\b[^\r\n]{0,200}\bcleareventlog\b|\bauditpol(?:\.exe)?["']?\s[^\r\n]{0,100}\/(?:clear|remove)\b/i;

function logClearing(alert: Alert): string | undefined {
  if (alert.eventType === 'log_cleared') return alert.eventName ?? alert.title ?? 'event log cleared';
  for (const { text } of commandTexts(alert)) {
    const m = LOG_CLEARING.exec(text);
    if (m !== null) return text;
  }
  return undefined;
}

// ---- defence impairment ----------------------------------------------------------------------------------------

/** Commands that switch a defence off, each with its technique (v19 ids: T1685 tools, T1686 firewall). */
const IMPAIR_COMMANDS: readonly { re: RegExp; technique: string }[] = [
  {
    re: /\bset-mppreference\b[^\r\n]{0,300}-disable(?:realtimemonitoring|behaviormonitoring|ioavprotection|scriptscanning|intrusionpreventionsystem|blockatfirstseen|archivescanning)\s+(?:\$?true|1)\b/i,
    technique: 'T1685',
  },
  { re: /\badd-mppreference\b[^\r\n]{0,300}-exclusion(?:path|process|extension)\b/i, technique: 'T1564.012' },
  {
    re: /\b(?:sc(?:\.exe)?["']?\s+(?:\\\\\S+\s+)?(?:stop|delete|config)|net1?(?:\.exe)?["']?\s+stop|stop-service)\s+["']?(?:windefend|sense|wdnissvc|wdboot|wdfilter|mpssvc|securityhealthservice|wscsvc)\b/i,
    technique: 'T1685',
  },
  {
    re: /\bnetsh(?:\.exe)?["']?\s[^\r\n]{0,100}\b(?:state\s+off|opmode\s+(?:mode=)?disable)\b/i,
    technique: 'T1686.003',
  },
  { re: /\bamsiutils\b|\bamsiinitfailed\b/i, technique: 'T1685' },
  {
    re: /\buninstall-windowsfeature\b[^\r\n]{0,100}windows-defender|\/disable-feature\b[^\r\n]{0,100}windows-defender/i,
    technique: 'T1685',
  },
];

/** Registry values that turn Defender or AMSI off when set (to 1, or to 0 for AmsiEnable), and the exclusion keys. */
const IMPAIR_VALUES =
  /\\windows defender\\(?:[^\\]+\\)*(?:disableantispyware|disableantivirus|disablerealtimemonitoring|disablebehaviormonitoring|disableioavprotection|disableonaccessprotection|disablescanonrealtimeenable|disableblockatfirstseen)$/i;
const DEFENDER_EXCLUSIONS = /\\windows defender\\exclusions\\/i;
const AMSI_ENABLE = /\\windows script\\settings\\amsienable$/i;
const FIREWALL_OFF = /\\firewallpolicy\\(?:standardprofile|publicprofile|domainprofile)\\enablefirewall$/i;

const isOne = (data: string | undefined): boolean => /^(?:dword \()?(?:0x0*1|1)\)?$/i.test((data ?? '').trim());
const isZero = (data: string | undefined): boolean => /^(?:dword \()?(?:0x0*0|0)\)?$/i.test((data ?? '').trim());

function defenceImpairment(alert: Alert): HeuristicFinding | undefined {
  const reg = alert.registry;
  if (reg !== undefined && !isDeletion(alert)) {
    const path = registryPath(reg);
    const shown = `${path} = ${reg.valueData ?? ''}`.trim();
    if (IMPAIR_VALUES.test(path) && isOne(reg.valueData)) return { evidence: shown, techniques: ['T1685'] };
    if ((AMSI_ENABLE.test(path) || FIREWALL_OFF.test(path)) && isZero(reg.valueData)) {
      return { evidence: shown, techniques: [FIREWALL_OFF.test(path) ? 'T1686.003' : 'T1685'] };
    }
    if (DEFENDER_EXCLUSIONS.test(path)) return { evidence: shown, techniques: ['T1564.012'] };
  }
  for (const { text } of commandTexts(alert)) {
    for (const { re, technique } of IMPAIR_COMMANDS)
      if (re.test(text)) return { evidence: text, techniques: [technique] };
  }
  return undefined;
}

// ---- inhibit system recovery -----------------------------------------------------------------------------------

const INHIBIT_RECOVERY =
  /\bvssadmin(?:\.exe)?["']?\s+(?:delete\s+shadows|resize\s+shadowstorage)\b|\bwmic(?:\.exe)?["']?\s[^\r\n]{0,100}\bshadowcopy\b[^\r\n]{0,100}\bdelete\b|\bwin32_shadowcopy\b[^\r\n]{0,200}\b(?:delete|remove-wmiobject|remove-ciminstance)\b|\bbcdedit(?:\.exe)?["']?\s[^\r\n]{0,200}\b(?:recoveryenabled\s+(?:no|off|0)|bootstatuspolicy\s+ignoreallfailures)\b|\bwbadmin(?:\.exe)?["']?\s+delete\s+(?:catalog|systemstatebackup|backup)\b/i;

function inhibitRecovery(alert: Alert): string | undefined {
  for (const { text } of commandTexts(alert)) if (INHIBIT_RECOVERY.test(text)) return text;
  return undefined;
}

// ---- remote service (PsExec-style) -----------------------------------------------------------------------------

/**
 * Services and commands of remote execution over SMB: PsExec and its clones (PAExec, RemCom, CSExec) install a
 * service from ADMIN$; Impacket's psexec and smbexec install one named at random that runs from the Windows folder
 * or runs `%COMSPEC% /Q /c …` directly.
 */
const REMOTE_SERVICE_PATH =
  /\\\\[^\\\s]+\\admin\$\\|\b(?:psexesvc|paexec|remcomsvc|csexecsvc)\b|%comspec%\s+\/q\s+\/c\b/i;
/** Impacket's service binary: eight random letters, straight in the Windows folder (Windows keeps none of its own there). */
const RANDOM_WINDOWS_BINARY = /^["']?(?:%systemroot%|[a-z]:\\windows)\\([a-z]{8})\.exe["']?$/i;

function isRandomServiceBinary(path: string): boolean {
  const m = RANDOM_WINDOWS_BINARY.exec(path.trim());
  if (m === null) return false;
  const resolved = path
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/^%systemroot%/i, 'C:\\Windows');
  return !isStockWindowsBinary(resolved);
}
const REMOTE_EXEC_COMMAND =
  /\b(?:psexec(?:64)?|paexec|csexec|remcom)(?:\.exe)?["']?\s[^\r\n]{0,200}\\\\[^\\\s]+|\bsc(?:\.exe)?["']?\s+\\\\[^\\\s]+\s+(?:create|config|start)\b/i;

function remoteService(alert: Alert): string | undefined {
  const servicePath = alert.service?.path;
  if (servicePath !== undefined && (REMOTE_SERVICE_PATH.test(servicePath) || isRandomServiceBinary(servicePath))) {
    return `${alert.service!.name} → ${servicePath}`;
  }
  const image = alert.process?.image;
  if (image !== undefined && /^(?:psexesvc|paexec-[\w-]+|remcomsvc|csexecsvc)\.exe$/.test(baseKey(image))) return image;
  for (const { text } of commandTexts(alert)) if (REMOTE_EXEC_COMMAND.test(text)) return text;
  return undefined;
}

// ---- tool download ---------------------------------------------------------------------------------------------

/** curl or wget fetching a URL to a file: how a script or an operator brings a tool in. */
const TOOL_DOWNLOAD =
  /\b(?:curl|wget)(?:\.exe)?["']?\s(?=[^\r\n]{0,300}(?:https?|ftp):\/\/)(?=(?:[^\r\n]{0,300}\s)?(?:-o|--output(?:-document)?)(?:\s|=)|[^\r\n]{0,300}\s>\s)/i;

function toolDownload(alert: Alert): string | undefined {
  for (const { text } of commandTexts(alert)) if (TOOL_DOWNLOAD.test(text)) return text;
  return undefined;
}

// ---- the table -------------------------------------------------------------------------------------------------

/** What each proxy-execution LOLBin is in ATT&CK; certutil and bitsadmin fetching a URL are downloads too. */
const LOLBIN_TECHNIQUES: Readonly<Record<string, readonly string[]>> = {
  rundll32: ['T1218.011'],
  regsvr32: ['T1218.010'],
  mshta: ['T1218.005'],
  msiexec: ['T1218.007'],
  installutil: ['T1218.004'],
  regasm: ['T1218.009'],
  regsvcs: ['T1218.009'],
  cmstp: ['T1218.003'],
  odbcconf: ['T1218.008'],
  mavinject: ['T1218.013', 'T1055.001'],
  wmic: ['T1047', 'T1220'],
  certutil: ['T1140'],
  bitsadmin: ['T1197'],
};
const URL_PAYLOAD = /^(?:https?|ftp):\/\//i;
const COMSVCS_DUMP = /comsvcs/i;

function proxyExecution(alert: Alert): HeuristicFinding | undefined {
  let hit: ProxyExecution | undefined;
  for (const { text } of commandTexts(alert)) {
    hit = findProxyExecution(text);
    if (hit !== undefined) break;
  }
  if (hit === undefined) return undefined;
  const remote = URL_PAYLOAD.test(hit.payload);
  const techniques = [...(LOLBIN_TECHNIQUES[hit.lolbin] ?? ['T1218'])];
  const behaviours: Behaviour[] = ['execution'];
  if (remote) {
    techniques.push('T1105');
    behaviours.push('download');
  }
  if (hit.lolbin === 'mavinject') behaviours.push('injection');
  if (COMSVCS_DUMP.test(hit.payload)) {
    techniques.push('T1003.001');
    behaviours.push('credential-theft');
  }
  return { evidence: hit.evidence, techniques, behaviours };
}

/** The rules, in the order their hits are reported. */
export const HEURISTICS: readonly HeuristicRule[] = [
  {
    id: 'masquerading-name',
    title: 'Name mimics a Windows component',
    weight: 20,
    explanation:
      'The name imitates Windows or Microsoft, but what it runs is not where Windows keeps its own files. ' +
      'Attackers name persistence this way so that it is skipped during review.',
    techniques: ['T1036.005'],
    behaviours: ['evasion'],
    test: masqueradingName,
  },
  {
    id: 'lolbin-proxy-execution',
    title: 'LOLBin proxy execution',
    weight: 20,
    explanation:
      'A signed Windows tool is used to run a DLL, script or download from outside the system directories, so the ' +
      'payload executes under a trusted Microsoft process name.',
    techniques: ['T1218'],
    behaviours: ['execution'],
    test: proxyExecution,
  },
  {
    id: 'unusual-path',
    title: 'Executable or DLL in an unusual path',
    weight: 15,
    explanation:
      'ProgramData, Public, AppData, Temp, Downloads, the Recycle Bin and some folders inside Windows (Tasks, ' +
      'spool\\drivers\\color) are writable without administrator rights and favoured by malware; installed software ' +
      'keeps its binaries under Program Files or Windows.',
    // Where a binary sits is a trait, not an action: it names no technique of its own.
    techniques: [],
    behaviours: ['evasion'],
    test: unusualPath,
  },
  {
    id: 'powershell-evasion',
    title: 'Hidden, encoded or policy-bypassing PowerShell',
    weight: 20,
    explanation:
      'PowerShell was started with options that hide its window, encode the command, bypass the execution policy ' +
      'or download and run code. Legitimate administration rarely needs them.',
    techniques: ['T1059.001'],
    behaviours: ['execution'],
    test: evasivePowerShell,
  },
  {
    id: 'office-spawns-shell',
    title: 'Office application started a shell',
    weight: 25,
    explanation:
      'A document opened in Office started a command shell or script host: the usual first step of a malicious ' +
      'macro or an exploited document.',
    techniques: ['T1204.002'],
    behaviours: ['office-shell', 'execution'],
    test: officeSpawnsShell,
  },
  {
    id: 'browser-spawns-shell',
    title: 'Browser started a shell',
    weight: 20,
    explanation:
      'A web browser started a command shell or script host. Browsers do not need one; an exploited browser, a ' +
      'malicious extension or a page that tricked the user into running a command does.',
    techniques: ['T1189'],
    behaviours: ['browser-shell', 'execution'],
    test: browserSpawnsShell,
  },
  {
    id: 'autostart-by-nonsystem-process',
    title: 'Autostart entry written by a non-system process',
    weight: 20,
    explanation:
      'A Run key, Winlogon value, logon script, service, scheduled task or Startup item was written by a shell, ' +
      'script host or program outside Windows and Program Files, which legitimate installers rarely do.',
    techniques: ['T1547'],
    behaviours: ['persistence'],
    test: autostartByNonSystem,
  },
  {
    id: 'lsass-access',
    title: 'LSASS memory access',
    weight: 35,
    explanation:
      'A process opened LSASS with rights to read its memory, which is how credential-dumping tools steal ' +
      'password hashes and Kerberos tickets.',
    techniques: ['T1003.001'],
    behaviours: ['credential-theft'],
    test: lsassAccess,
  },
  {
    id: 'credential-dumping',
    title: 'Credential material dumped or copied',
    weight: 40,
    explanation:
      'LSASS memory was written to a file, or the SAM, SECURITY or NTDS database was saved or copied out of its ' +
      'place: with it, password hashes can be cracked or replayed offline.',
    techniques: ['T1003'],
    behaviours: ['credential-theft'],
    test: credentialDumping,
  },
  {
    id: 'uac-bypass',
    title: 'UAC bypass through an auto-elevating Windows binary',
    weight: 30,
    explanation:
      'A command was planted where an auto-elevating Windows program (Event Viewer, fodhelper, sdclt, the ' +
      'SilentCleanup task) looks before it runs, so it runs with administrator rights without a consent prompt.',
    techniques: ['T1548.002'],
    behaviours: ['privilege-escalation'],
    test: uacBypass,
  },
  {
    id: 'log-clearing',
    title: 'Event log cleared',
    weight: 25,
    explanation:
      'An event log was cleared. Administrators rarely need to; intruders do it to erase the record of what they ' +
      'did, so whatever happened before the clearing may be missing from the logs.',
    techniques: ['T1685.005'],
    behaviours: ['log-clearing'],
    test: logClearing,
  },
  {
    id: 'defence-impairment',
    title: 'Security defences switched off',
    weight: 30,
    explanation:
      'Defender, AMSI, the firewall or a security service was disabled, or an antivirus exclusion added: the usual ' +
      'step before running something the defences would have stopped.',
    techniques: ['T1685'],
    behaviours: ['defence-impairment'],
    test: defenceImpairment,
  },
  {
    id: 'inhibit-recovery',
    title: 'System recovery inhibited',
    weight: 40,
    explanation:
      'Shadow copies or backups were deleted, or Windows recovery switched off. Ransomware does this right before ' +
      'encrypting, so that files cannot be restored without paying.',
    techniques: ['T1490'],
    behaviours: ['impact'],
    test: inhibitRecovery,
  },
  {
    id: 'remote-service',
    title: 'Service created for remote execution (PsExec-style)',
    weight: 30,
    explanation:
      'A service was installed or started from another machine over the admin share, the way PsExec and ' +
      'Impacket run commands remotely: someone with administrator credentials is executing code on this host.',
    techniques: ['T1569.002', 'T1021.002'],
    behaviours: ['remote-service', 'lateral-movement'],
    test: remoteService,
  },
  {
    id: 'tool-download',
    title: 'File downloaded by a command-line tool',
    weight: 10,
    explanation:
      'A command-line tool (curl or wget) saved a file from the internet. Scripts and intruders bring their tools in this way; software ' +
      'updates use their own updaters.',
    techniques: ['T1105'],
    behaviours: ['download'],
    test: toolDownload,
  },
  {
    id: 'bidi-override-name',
    title: 'Right-to-left override in a name',
    weight: 25,
    explanation:
      'A Unicode direction control makes the name display differently from what it is, for example an ' +
      'executable that reads as a document.',
    techniques: ['T1036.002'],
    behaviours: ['evasion'],
    test: bidiOverride,
  },
  {
    id: 'remote-thread',
    title: 'Thread created in another process',
    weight: 25,
    explanation:
      'A process started a thread inside another process: a common code-injection technique to run malicious ' +
      'code under a trusted process.',
    techniques: ['T1055'],
    behaviours: ['injection'],
    test: remoteThread,
  },
  {
    id: 'public-connection-non-browser',
    title: 'Non-browser process connected to a public IP',
    weight: 10,
    explanation:
      'A process that is neither a browser nor installed software connected to an internet address: web ports ' +
      'blend into normal traffic, other ports are a common command-and-control choice.',
    techniques: ['T1071.001'],
    behaviours: ['outbound'],
    test: publicConnection,
  },
];

/**
 * The rules that fire on an alert, in table order, each with the value that fired it (one line, network values
 * defanged: evidence ends up in tickets).
 *
 * @example
 * evaluateHeuristics(runKeyAlert).map((h) => h.id) // ['masquerading-name', 'lolbin-proxy-execution', …]
 */
export function evaluateHeuristics(alert: Alert, rules: readonly HeuristicRule[] = HEURISTICS): HeuristicHit[] {
  const hits: HeuristicHit[] = [];
  for (const rule of rules) {
    const found = rule.test(alert);
    if (found === undefined) continue;
    const finding: HeuristicFinding = typeof found === 'string' ? { evidence: found } : found;
    hits.push({
      id: rule.id,
      title: rule.title,
      explanation: rule.explanation,
      weight: rule.weight,
      evidence: evidence(finding.evidence),
      techniques: [...new Set(finding.techniques ?? rule.techniques)],
      behaviours: [...new Set(finding.behaviours ?? rule.behaviours)],
    });
  }
  return hits;
}
