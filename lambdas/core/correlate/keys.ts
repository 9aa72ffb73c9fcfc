import { boundedId } from '../bounded';
import { hasMeasuredTime } from '../formats/sysmon/local-time';
import { DISPOSITION_FLAGS } from '../model/alert';
import type { EnrichedAlert } from '../model/enrichment';
import { PRODUCTS, isTelemetryFormat } from '../model/products';
import { baseKey, isSystemAncestor, normalizePath, pathsInText } from '../windows';

/**
 * Link keys: what makes two alerts on one host part of one attack. Every key is scoped to the host, so the same
 * technique on another host is another incident.
 *
 * - `proc:` a process (Sysmon ProcessGuid, or pid + image for EDRs that have no guid): an alert links to its own
 *   process and its parent's, so a whole process tree shares keys. System ancestors at their stock paths
 *   (explorer, services, svchost…) are not linked through: every process a user starts has explorer as parent.
 * - `file:` a file written by one event and executed, loaded or referenced (registry value, task) by another.
 * - `dns:` a name resolved and then connected to; `ip:` an address resolved and then connected to.
 * - `storm:` the same rule (else technique, else event shape) on the host: a storm of one detection is one incident.
 * - `burst:` the host itself, for signals only (see `isSignal`), minutes wide: detections on one host within minutes
 *   of each other are one attack even where the sensors missed the link (a parent not captured, a log cleared by
 *   another process, a service started by the SCM). Events that are no signal never carry it, so background noise
 *   cannot chain two attacks; they may only follow one (`near`).
 *
 * Keys are `produced` (the alert creates the fact) or `consumed` (it refers to it). Two alerts join when one
 * produces what the other consumes, or both produce the same key; two consumers of one key (two loads of
 * ntdll.dll) do not join through it, since nothing in the attack made that file.
 */
/**
 * Longest link key kept whole. Keys name group heads, suppressions and the incident's group key: a path or rule
 * name an intruder made 100 KB long keeps its readable prefix and a hash of the whole (see `boundedId`).
 */
export const MAX_LINK_KEY_CHARS = 512;

export interface LinkKeys {
  /** The storm key, used with the sliding storm window. */
  storm: string;
  /**
   * Keys that join only within the short window (`SHORT_LINK_WINDOW_MS`): the same execution seen by two sensors
   * (`exec:` image + command line, `hash:` a SHA-256), one product's detection session (`session:`). Too common to
   * hold for a day (the same `svchost -k netsvcs` runs every boot), telling when seconds apart.
   */
  short: string[];
  produced: string[];
  consumed: string[];
  /**
   * Keys an alert that is no signal looks up but never writes or joins through (`burst:` of its host): background
   * telemetry (see `isTelemetryFormat`) within minutes of an attack follows that attack's incident, when nothing
   * else claims it, and cannot extend the window or bridge two attacks.
   */
  near: string[];
}

/** An alert is a signal from this severity (the hand-off threshold): it would make a ticket on its own. */
export const SIGNAL_SCORE = 40;

const ACCUSING_LEVELS: ReadonlySet<string> = new Set(['medium', 'high', 'critical']);

/**
 * Whether an alert accuses on its own: a severity that would make a ticket, or a Sigma rule of medium level or
 * above (a low rule describes, it does not accuse). A vendor's benign verdict or a posture finding never is.
 * Background telemetry (image loads, system processes' registry writes, the Azure agent's connections) is not, and
 * so joins an attack only through a causal key or by following it (`near`).
 */
export function isSignal(alert: EnrichedAlert): boolean {
  if (alert.flags.includes(DISPOSITION_FLAGS.benign) || alert.flags.includes(DISPOSITION_FLAGS.compliance))
    return false;
  if (alert.enrichment.severity.score >= SIGNAL_SCORE) return true;
  return (alert.detections ?? []).some((d) => ACCUSING_LEVELS.has(d.level));
}

/** The host's burst key (see `LinkKeys.near`). */
export function burstKey(host: string): string {
  return bound(`burst:${host}`);
}

function isLinkableProcess(image: string | undefined): boolean {
  return image === undefined || !isSystemAncestor(image);
}

/**
 * Process keys. A `pid:` key is made only from an operating-system PID: a product whose own "process id" is a sensor
 * id (Falcon's 64-bit `ProcessId`, see `ProcessIdKind`) keeps it as the guid, and its `pid` (when set) must have
 * come from a field the product documents as the OS PID. A product that names processes by path only has no pid.
 */
function processKeys(
  host: string,
  p: { guid?: string; pid?: number; image?: string } | undefined,
  pidIsOsPid: boolean,
  /** `isLinkableProcess(p.image)`, when the caller has it already. */
  linkable?: boolean,
): string[] {
  if (p === undefined || !(linkable ?? isLinkableProcess(p.image))) return [];
  const keys: string[] = [];
  if (p.guid !== undefined) keys.push(`proc:${host}:${p.guid.toLowerCase().replace(/[{}]/g, '')}`);
  if (pidIsOsPid && p.pid !== undefined && p.image !== undefined) {
    keys.push(`pid:${host}:${p.pid}:${baseKey(p.image)}`);
  }
  return keys;
}

/**
 * Whether the `pid` an adapter put on this alert's processes is an OS PID. Sensor-id products (Falcon) are read
 * into `guid`, with the OS PID in `pid` only from `local_process_id`; a sensor id that looks like a PID (more than
 * 32 bits) is never one, whatever field it came in.
 */
function pidIsOsPid(alert: EnrichedAlert, pid: number | undefined): boolean {
  if (pid === undefined) return false;
  if (PRODUCTS[alert.source.product].processIds === 'none') return false;
  return pid >= 0 && pid <= 0xffffffff;
}

/**
 * Windows paths inside free text (registry value data, task actions, command lines), normalized like every file
 * key, so `C:\Windows\System32\..\..\Users\Public\x.dll` joins `C:\Users\Public\x.dll`.
 */
function pathsIn(text: string | undefined): string[] {
  if (text === undefined) return [];
  return pathsInText(text).map((m) => normalizePath(m.path));
}

/** The storm identity: rule, else techniques, else the event's shape (type + image). */
export function stormKey(alert: EnrichedAlert, host: string): string {
  if (alert.rule !== undefined) return bound(`storm:${host}:rule:${alert.rule.name.trim().toLowerCase()}`);
  if (alert.techniques.length > 0) return bound(`storm:${host}:tech:${[...alert.techniques].sort().join(',')}`);
  const image = alert.process?.image !== undefined ? baseKey(alert.process.image) : '-';
  return bound(`storm:${host}:event:${alert.eventType}:${image}`);
}

const bound = (key: string): string => boundedId(key, MAX_LINK_KEY_CHARS);

/** Cross-sensor and detection-session keys hold this long: two sensors report one execution seconds apart. */
export const SHORT_LINK_WINDOW_MS = 5 * 60 * 1000;

/** Command lines compared across sensors: case, quoting and runs of spaces differ between them. */
function commandKey(cmd: string): string {
  return cmd.toLowerCase().replace(/"/g, '').replace(/\s+/g, ' ').trim();
}

/** `Name="x"` inside a WMI binding's Consumer/Filter reference (`CommandLineEventConsumer.Name="x"`). */
function wmiRefName(ref: string | undefined): string | undefined {
  if (ref === undefined) return undefined;
  const m = /Name\s*=\s*\\?"([^"\\]+)\\?"/i.exec(ref);
  return (m?.[1] ?? ref).trim().toLowerCase();
}

/** Service names an `sc create|config|start|delete <name>` command line acts on. */
function scServiceName(cmd: string | undefined): string | undefined {
  const m =
    cmd === undefined
      ? null
      : /\bsc(?:\.exe)?"?\s+(?:\\\\\S+\s+)?(?:create|config|start|stop|delete|failure)\s+"?([^\s"]+)/i.exec(cmd);
  return m?.[1]?.toLowerCase();
}

/** The task a `schtasks /create|/run|/delete|/change /tn <name>` command line acts on. */
function schtasksName(cmd: string | undefined): string | undefined {
  if (cmd === undefined || !/schtasks/i.test(cmd)) return undefined;
  const m = /\/tn\s+(?:"([^"]+)"|(\S+))/i.exec(cmd);
  const name = m?.[1] ?? m?.[2];
  return name === undefined ? undefined : taskKeyName(name);
}

/** Task names as 4698, Sysmon (`C:\Windows\System32\Tasks\<name>`) and schtasks write them: without the leading `\`. */
function taskKeyName(name: string): string {
  return name.trim().replace(/^\\+/, '').toLowerCase();
}

const SERVICE_KEY_RE = /\\(?:currentcontrolset|controlset\d{3})\\services\\([^\\]+)/i;
const TASK_FILE_RE = /^[a-z]:\\windows\\system32\\tasks\\(.+)$/i;

/**
 * Artifact keys: the named objects persistence and execution are made of. Every event that creates, changes,
 * runs or deletes one produces its key, so a WMI filter, its consumer and their binding, a service's registry write
 * and the `sc config` that made it, a task's creation, its file and its deletion are one attack.
 */
function artifactKeys(alert: EnrichedAlert, host: string): string[] {
  const keys: string[] = [];
  const wmi = alert.wmi;
  if (wmi !== undefined) {
    if (alert.eventCode === 19 && wmi.name !== undefined) keys.push(`wmi:${host}:filter:${wmi.name.toLowerCase()}`);
    if (alert.eventCode === 20 && wmi.name !== undefined) keys.push(`wmi:${host}:consumer:${wmi.name.toLowerCase()}`);
    const consumer = wmiRefName(wmi.consumer);
    const filter = wmiRefName(wmi.filter);
    if (consumer !== undefined) keys.push(`wmi:${host}:consumer:${consumer}`);
    if (filter !== undefined) keys.push(`wmi:${host}:filter:${filter}`);
  }
  if (alert.service !== undefined) keys.push(`svc:${host}:${alert.service.name.trim().toLowerCase()}`);
  keys.push(...serviceBinaryKeys(alert, host));
  const regPath = alert.registry?.key;
  const svc = regPath === undefined ? undefined : SERVICE_KEY_RE.exec(regPath)?.[1];
  if (svc !== undefined) keys.push(`svc:${host}:${svc.toLowerCase()}`);
  const sc = scServiceName(alert.process?.commandLine);
  if (sc !== undefined) keys.push(`svc:${host}:${sc}`);
  if (alert.task !== undefined) keys.push(`task:${host}:${taskKeyName(alert.task.name)}`);
  const taskFile = alert.file === undefined ? undefined : TASK_FILE_RE.exec(alert.file.path)?.[1];
  if (taskFile !== undefined) keys.push(`task:${host}:${taskKeyName(taskFile)}`);
  const schtasks = schtasksName(alert.process?.commandLine);
  if (schtasks !== undefined) keys.push(`task:${host}:${schtasks}`);
  return keys;
}

/** Anti-malware verdicts (Defender 1116/1117…): one product's scan session on a host is one incident. */
const DETECTION_SESSION_TYPES = new Set(['malware_detected', 'malware_action']);

const SHA256_RE = /^[0-9a-f]{64}$/;

/** Keys that join only within `SHORT_LINK_WINDOW_MS`: cross-sensor identity of one execution, detection sessions. */
function shortKeys(alert: EnrichedAlert, host: string, linkable: boolean): string[] {
  const keys: string[] = [];
  const p = alert.process;
  if (p?.image !== undefined && p.commandLine !== undefined && linkable) {
    keys.push(`exec:${host}:${baseKey(p.image)}:${commandKey(p.commandLine)}`);
  }
  for (const hashes of [p?.hashes, alert.file?.hashes]) {
    const h = hashes?.sha256?.trim().toLowerCase() ?? hashes?.SHA256?.trim().toLowerCase();
    if (h !== undefined && SHA256_RE.test(h) && (p?.image === undefined || linkable)) {
      keys.push(`hash:${host}:${h}`);
    }
  }
  // A registry value written, read back and changed again: short, since benign writers rewrite theirs all day.
  if (alert.registry !== undefined && alert.registry.valueName !== undefined) {
    keys.push(`reg:${host}:${alert.registry.key.toLowerCase()}\\${alert.registry.valueName.toLowerCase()}`);
  }
  if (DETECTION_SESSION_TYPES.has(alert.eventType)) keys.push(`session:${host}:${alert.source.product}:antimalware`);
  return keys;
}

export function linkKeys(alert: EnrichedAlert): LinkKeys {
  const host = alert.enrichment.hostKey;
  const produced = new Set<string>();
  const consumed = new Set<string>();

  // Whether the alert's own process is linked through, asked once: its process, exec and hash keys all depend on it.
  const linkable = isLinkableProcess(alert.process?.image);
  for (const k of processKeys(host, alert.process, pidIsOsPid(alert, alert.process?.pid), linkable)) produced.add(k);
  for (const k of processKeys(host, alert.process?.parent, pidIsOsPid(alert, alert.process?.parent?.pid)))
    produced.add(k);
  // A remote thread or process access reaches into another process: the target becomes part of the story,
  // except the system processes everybody touches (lsass is the object of credential theft, not a participant).
  if (alert.eventType === 'create_remote_thread') {
    for (const k of processKeys(host, alert.target, pidIsOsPid(alert, alert.target?.pid))) produced.add(k);
  }

  if (alert.file !== undefined) produced.add(`file:${host}:${normalizePath(alert.file.path)}`);
  if (alert.process?.image !== undefined) consumed.add(`file:${host}:${normalizePath(alert.process.image)}`);
  if (alert.module !== undefined) consumed.add(`file:${host}:${normalizePath(alert.module.path)}`);
  for (const p of pathsIn(alert.registry?.valueData)) consumed.add(`file:${host}:${p}`);
  for (const p of pathsIn(alert.task?.action)) consumed.add(`file:${host}:${p}`);
  for (const p of pathsIn(alert.service?.path)) consumed.add(`file:${host}:${p}`);
  for (const p of pathsIn(alert.process?.commandLine)) consumed.add(`file:${host}:${p}`);

  if (alert.dns !== undefined) {
    produced.add(`dns:${host}:${alert.dns.query.toLowerCase()}`);
    for (const r of alert.dns.results ?? []) produced.add(`ip:${host}:${r.toLowerCase()}`);
  }
  if (alert.network !== undefined) {
    if (alert.network.dstHostname !== undefined) consumed.add(`dns:${host}:${alert.network.dstHostname.toLowerCase()}`);
    if (alert.network.dstIp !== undefined) consumed.add(`ip:${host}:${alert.network.dstIp.toLowerCase()}`);
  }
  for (const k of artifactKeys(alert, host)) produced.add(k);
  for (const k of serviceStartKeys(alert, host)) consumed.add(k);
  for (const k of urlHostKeys(alert, host)) consumed.add(k);
  for (const k of produced) consumed.delete(k);
  // Time joins need a clock in UTC: a local time whose offset was not measured may be hours off.
  const timed = hasMeasuredTime(alert);
  const signal = timed && isSignal(alert);
  const short = shortKeys(alert, host, linkable);
  if (signal) short.push(burstKey(host));
  return {
    storm: stormKey(alert, host),
    short: [...new Set(short)].map(bound).sort(),
    produced: [...produced].map(bound).sort(),
    consumed: [...consumed].map(bound).sort(),
    near: timed && !signal && isTelemetryFormat(alert.source.format) ? [burstKey(host)] : [],
  };
}

/** The Service Control Manager: a process it starts is a service's binary. */
const SCM_RE = /(?:^|\\)services\.exe$/i;

/**
 * A service's binary, as its installation names it (7045/4697 `ImagePath`, an `sc create binPath=`) and as the
 * process the Service Control Manager then starts: the install produces `svcbin:`, the start consumes it. A PsExec
 * style `PSEXESVC` install and the shell it runs are one attack though Sysmon sees the start as services.exe's child.
 */
function serviceStartKeys(alert: EnrichedAlert, host: string): string[] {
  const p = alert.process;
  if (alert.eventType !== 'process_create' || p?.image === undefined || p.parent?.image === undefined) return [];
  if (!SCM_RE.test(p.parent.image) || !isLinkableProcess(p.image)) return [];
  return [`svcbin:${host}:${normalizePath(p.image)}`];
}

/** `svcbin:` keys a service installation produces: the first path of its ImagePath. */
function serviceBinaryKeys(alert: EnrichedAlert, host: string): string[] {
  const path = pathsIn(alert.service?.path)[0];
  return path === undefined ? [] : [`svcbin:${host}:${path}`];
}

const URL_HOST_RE = /\bhttps?:\/\/([a-z0-9.-]+\.[a-z]{2,})(?=[:/\s"']|$)/gi;

/**
 * Host names of URLs in a command line: a download tool names the server, and another process (the BITS service,
 * a proxy) resolves it. The name resolved (`dns:`, produced by the DNS query) is what the command line consumes.
 */
function urlHostKeys(alert: EnrichedAlert, host: string): string[] {
  const cmd = alert.process?.commandLine;
  if (cmd === undefined) return [];
  return [...cmd.matchAll(URL_HOST_RE)].map((m) => `dns:${host}:${m[1].toLowerCase()}`);
}
