import { BIDI_RE, int } from '../formats/common';
import type { Alert } from '../model/alert';
import type { HeuristicHit } from '../model/enrichment';
import { autostartCommand, isAutostartFile, isAutostartRegistryPath } from './autostart';
import { defangText } from './defang';
import { registryPath } from './iocs';
import { findProxyExecution } from './lolbins';
import { ipVersion, isPrivateIp } from './network';
import { powershellMarkers, powershellStart } from './powershell';
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
  test(alert: Alert): string | undefined;
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

/** Damerau–Levenshtein distance of exactly one (one edit or one swap of neighbours). */
function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

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

function masqueradingName(alert: Alert): string | undefined {
  const reg = alert.registry;
  if (reg?.valueName !== undefined && reg.valueData !== undefined && isAutostartRegistryPath(registryPath(reg))) {
    const payload = mimicsWindows(reg.valueName) ? untrustedPayload(reg.valueData) : undefined;
    if (payload !== undefined) return `${reg.valueName} → ${payload}`;
  }
  if (alert.task?.action !== undefined) {
    const name = alert.task.name.slice(alert.task.name.lastIndexOf('\\') + 1);
    const payload = mimicsWindows(name) ? untrustedPayload(alert.task.action) : undefined;
    if (payload !== undefined) return `${alert.task.name} → ${payload}`;
  }
  if (alert.service?.path !== undefined) {
    const payload = mimicsWindows(alert.service.name) ? untrustedPayload(alert.service.path) : undefined;
    if (payload !== undefined) return `${alert.service.name} → ${payload}`;
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

function evasivePowerShell(alert: Alert): string | undefined {
  for (const { text, image } of commandTexts(alert)) {
    const runByPowerShell = image !== undefined && POWERSHELL.has(baseKey(image));
    const at = runByPowerShell ? 0 : powershellStart(text);
    if (at < 0) continue;
    const { markers, suspicious } = powershellMarkers(text.slice(at));
    if (suspicious) return markers.map((m) => m.text).join(', ');
  }
  return undefined;
}

// ---- Office spawning a shell -----------------------------------------------------------------------------------

function officeSpawnsShell(alert: Alert): string | undefined {
  const child = alert.process?.image;
  const parent = alert.process?.parent?.image;
  if (child === undefined || parent === undefined) return undefined;
  if (!OFFICE_APPS.has(baseKey(parent)) || !SHELLS.has(baseKey(child))) return undefined;
  return `${baseName(parent)} → ${baseName(child)}`;
}

// ---- autostart written by a non-system process -----------------------------------------------------------------

/**
 * A writer we expect to touch autostart locations: installed, non-scripting software. Windows Installer is the one
 * LOLBin kept here: it writes Run keys and services for every product it installs.
 */
function isExpectedAutostartWriter(image: string): boolean {
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

function autostartByNonSystem(alert: Alert): string | undefined {
  const image = alert.process?.image;
  if (image === undefined || isExpectedAutostartWriter(image)) return undefined;
  const writer = baseName(image);
  if (alert.registry !== undefined && !isDeletion(alert)) {
    const path = registryPath(alert.registry);
    if (isAutostartRegistryPath(path)) return `${writer} wrote ${path}`;
  }
  if (alert.file !== undefined && !isDeletion(alert) && isAutostartFile(alert.file.path)) {
    return `${writer} created ${alert.file.path}`;
  }
  if (alert.task !== undefined) return `${writer} created scheduled task ${alert.task.name}`;
  if (alert.service !== undefined) return `${writer} installed service ${alert.service.name}`;
  const cmd = alert.process?.commandLine;
  return cmd !== undefined && autostartCommand(forScan(cmd)) !== undefined ? `${writer}: ${cmd}` : undefined;
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

/** Ports that blend into web traffic, plus Metasploit's default listener. */
export const BEACON_PORTS: ReadonlySet<number> = new Set([80, 443, 8080, 4444]);

function publicConnection(alert: Alert): string | undefined {
  const n = alert.network;
  const image = alert.process?.image;
  if (n?.dstIp === undefined || n.dstPort === undefined || image === undefined) return undefined;
  if (n.direction === 'inbound' || !BEACON_PORTS.has(n.dstPort)) return undefined;
  const v = ipVersion(n.dstIp);
  if (v === 0 || isPrivateIp(n.dstIp)) return undefined;
  // Browsers and installed, non-scripting software talk to the internet all day; that is not evidence.
  if (BROWSERS.has(baseKey(image)) || isTrustedImage(image)) return undefined;
  return `${baseName(image)} → ${v === 6 ? `[${n.dstIp}]` : n.dstIp}:${n.dstPort}`;
}

// ---- the table -------------------------------------------------------------------------------------------------

/** The rules, in the order their hits are reported. */
export const HEURISTICS: readonly HeuristicRule[] = [
  {
    id: 'masquerading-name',
    title: 'Name mimics a Windows component',
    weight: 20,
    explanation:
      'The name imitates Windows or Microsoft, but what it runs is not where Windows keeps its own files. ' +
      'Attackers name persistence this way so that it is skipped during review.',
    test: masqueradingName,
  },
  {
    id: 'lolbin-proxy-execution',
    title: 'LOLBin proxy execution',
    weight: 20,
    explanation:
      'A signed Windows tool is used to run a DLL, script or download from outside the system directories, so the ' +
      'payload executes under a trusted Microsoft process name.',
    test: (alert) => {
      for (const { text } of commandTexts(alert)) {
        const hit = findProxyExecution(text);
        if (hit !== undefined) return hit.evidence;
      }
      return undefined;
    },
  },
  {
    id: 'unusual-path',
    title: 'Executable or DLL in an unusual path',
    weight: 15,
    explanation:
      'ProgramData, Public, AppData, Temp, Downloads, the Recycle Bin and some folders inside Windows (Tasks, ' +
      'spool\\drivers\\color) are writable without administrator rights and favoured by malware; installed software ' +
      'keeps its binaries under Program Files or Windows.',
    test: unusualPath,
  },
  {
    id: 'powershell-evasion',
    title: 'Hidden, encoded or policy-bypassing PowerShell',
    weight: 20,
    explanation:
      'PowerShell was started with options that hide its window, encode the command, bypass the execution policy ' +
      'or download and run code. Legitimate administration rarely needs them.',
    test: evasivePowerShell,
  },
  {
    id: 'office-spawns-shell',
    title: 'Office application started a shell',
    weight: 25,
    explanation:
      'A document opened in Office started a command shell or script host: the usual first step of a malicious ' +
      'macro or an exploited document.',
    test: officeSpawnsShell,
  },
  {
    id: 'autostart-by-nonsystem-process',
    title: 'Autostart entry written by a non-system process',
    weight: 20,
    explanation:
      'A Run key, Winlogon value, logon script, service, scheduled task or Startup item was written by a shell, ' +
      'script host or program outside Windows and Program Files, which legitimate installers rarely do.',
    test: autostartByNonSystem,
  },
  {
    id: 'lsass-access',
    title: 'LSASS memory access',
    weight: 35,
    explanation:
      'A process opened LSASS with rights to read its memory, which is how credential-dumping tools steal ' +
      'password hashes and Kerberos tickets.',
    test: lsassAccess,
  },
  {
    id: 'bidi-override-name',
    title: 'Right-to-left override in a name',
    weight: 25,
    explanation:
      'A Unicode direction control makes the name display differently from what it is, for example an ' +
      'executable that reads as a document.',
    test: bidiOverride,
  },
  {
    id: 'remote-thread',
    title: 'Thread created in another process',
    weight: 25,
    explanation:
      'A process started a thread inside another process: a common code-injection technique to run malicious ' +
      'code under a trusted process.',
    test: remoteThread,
  },
  {
    id: 'public-connection-non-browser',
    title: 'Non-browser process connected to a public IP',
    weight: 10,
    explanation:
      'A process that is neither a browser nor installed software connected to an internet address on a port ' +
      'that blends into web traffic or is a common command-and-control default.',
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
    hits.push({
      id: rule.id,
      title: rule.title,
      explanation: rule.explanation,
      weight: rule.weight,
      evidence: evidence(found),
    });
  }
  return hits;
}
