import type { EnrichedAlert } from '../model/enrichment';
import { autostartRegistryTechnique } from '../enrich/autostart';
import type { PersistenceFact } from './persistence';
import { payloadOf } from './persistence';
import { baseKey, forScan } from '../windows';
import { distinct } from './text';

/**
 * Autostart registry values that the persistence section does not model as a Run key, service or task, but that
 * the heuristics, Sigma rules or an EDR flag all the same: the `UserInitMprLogonScript` logon script, Winlogon's
 * `Userinit` and `Shell`, a service's `ServiceDll` or `FailureCommand`. And Run values written by a command
 * (`reg add …\Run`, `New-ItemProperty -Path HKLM:\…\Run`) whose registry event was not collected. Whichever stage
 * saw it, remediation removes it; this module finds them, from registry events and from command lines.
 */

export interface AutostartValue {
  alert: EnrichedAlert;
  /** The key as written (`HKU\S-1-5-21-…\Environment`, `HKCU\Environment`). */
  key: string;
  valueName: string;
  data?: string;
  /** ATT&CK technique of the location (`T1037.001` logon script, `T1547.004` Winlogon, `T1547.001` Run). */
  technique: string;
  /** File the value starts, when it names one. */
  payload?: string;
}

/** What each location is, in the words of a remediation step. */
export const AUTOSTART_VALUE_KIND: Readonly<Record<string, string>> = {
  'T1037.001': 'logon script',
  'T1547.004': 'Winlogon autostart',
  'T1547.001': 'Run key',
  'T1543.003': 'service setting',
};

/** Autostart locations that are a value, not a key: the logon script and Winlogon's own values. */
const VALUE_LOCATIONS = /^(?:userinitmprlogonscript|userinit|shell|taskman|appsetup)$/i;

/** `reg add <key> /v <name> … /d <data>`; the value of each switch quoted or bare. */
const REG_ADD = /\breg(?:\.exe)?["']?\s+add\s+("[^"]+"|\S+)([^\r\n]*)/i;
/** `New-ItemProperty|Set-ItemProperty -Path <key> -Name <name> -Value <data>` (PowerShell, any parameter order). */
const PS_PROPERTY = /\b(?:new|set)-itemproperty\b([^\r\n]*)/i;

function unquote(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  return t.length >= 2 && /^["'].*["']$/s.test(t) ? t.slice(1, -1) : t;
}

/** Value of `/flag value` or `-Flag value` in an argument string (quoted with " or ', or bare). */
function arg(args: string, flag: string, prefix: '/' | '-'): string | undefined {
  const re = new RegExp(`(?:^|\\s)${prefix === '/' ? '[/-]' : '-'}${flag}\\s+("[^"]*"|'[^']*'|\\S+)`, 'i');
  return unquote(re.exec(args)?.[1]);
}

/** PowerShell's provider spelling `HKLM:\` → `HKLM\`. */
const regKey = (key: string): string => key.replace(/^(hk[a-z_]+):\\?/i, '$1\\');

function fromCommand(a: EnrichedAlert, cmd: string): { key: string; valueName: string; data?: string } | undefined {
  const reg = REG_ADD.exec(cmd);
  if (reg !== null) {
    const valueName = arg(reg[2], 'v', '/');
    if (valueName === undefined) return undefined;
    return { key: unquote(reg[1]) ?? reg[1], valueName, data: arg(reg[2], 'd', '/') };
  }
  const ps = PS_PROPERTY.exec(cmd);
  if (ps !== null && a.process?.image !== undefined && /^(?:powershell|pwsh)/.test(baseKey(a.process.image))) {
    const key = arg(ps[1], 'path', '-');
    const valueName = arg(ps[1], 'name', '-');
    if (key === undefined || valueName === undefined) return undefined;
    return { key: regKey(key), valueName, data: arg(ps[1], 'value', '-') };
  }
  return undefined;
}

/** Whether the persistence section already covers this value (a Run-key fact, a service's ImagePath, a task). */
function covered(known: readonly PersistenceFact[], v: { key: string; valueName: string }): boolean {
  const name = v.valueName.toLowerCase();
  return known.some(
    (p) =>
      (p.kind === 'run-key' && p.valueName.toLowerCase() === name) ||
      (p.kind === 'service' && name === 'imagepath' && v.key.toLowerCase().endsWith(`\\${p.name.toLowerCase()}`)),
  );
}

/**
 * Autostart values the incident wrote that `findPersistence` did not report, first write kept: registry events,
 * then the values an EDR lists as evidence, then command lines.
 * Deleted values and scheduled-task cache keys (the task itself is removed with `schtasks /Delete`) are left out.
 *
 * @example
 * autostartValues(alerts, findPersistence(alerts))
 * // [{ key: 'HKU\\S-1-5-21-…-500\\Environment', valueName: 'UserInitMprLogonScript', technique: 'T1037.001', … }]
 */
export function autostartValues(alerts: readonly EnrichedAlert[], known: readonly PersistenceFact[]): AutostartValue[] {
  const out: AutostartValue[] = [];
  const add = (a: EnrichedAlert, v: { key: string; valueName: string; data?: string }): void => {
    const technique = autostartRegistryTechnique(`${v.key}\\${v.valueName}`);
    if (technique === undefined || technique === 'T1053.005' || covered(known, v)) return;
    // A service's ImagePath is the service itself (persistence.ts); only its other settings are values to delete.
    if (technique === 'T1543.003' && v.valueName.toLowerCase() === 'imagepath') return;
    out.push({ alert: a, ...v, technique, payload: payloadOf(v.data).payload });
  };
  // Registry events first: they name the real hive (`HKU\S-1-5-21-…`), where a command says only `HKCU`.
  for (const a of alerts) {
    const reg = a.registry;
    if (reg === undefined || /delete/i.test(`${reg.operation ?? ''} ${a.eventType}`)) continue;
    if (reg.valueName !== undefined) add(a, { key: reg.key, valueName: reg.valueName, data: reg.valueData });
    else {
      const cut = reg.key.lastIndexOf('\\');
      if (cut > 0) add(a, { key: reg.key.slice(0, cut), valueName: reg.key.slice(cut + 1), data: reg.valueData });
    }
  }
  // An EDR's evidence list names the value it saw written (`HKCU\…\Run\Updater`), with no registry event.
  for (const a of alerts) {
    for (const art of a.artifacts ?? []) {
      if (art.type !== 'registry') continue;
      const cut = art.value.lastIndexOf('\\');
      if (cut <= 0) continue;
      const key = art.value.slice(0, cut);
      const valueName = art.value.slice(cut + 1);
      // A path ending at the key itself (`…\Run`) names no value to delete.
      if (autostartRegistryTechnique(key) !== undefined || VALUE_LOCATIONS.test(valueName)) add(a, { key, valueName });
    }
  }
  for (const a of alerts) {
    const cmd = a.eventType === 'process_create' ? a.process?.commandLine : undefined;
    if (cmd !== undefined) {
      const v = fromCommand(a, forScan(cmd));
      if (v !== undefined) add(a, v);
    }
  }
  // The registry event and the command that caused it name one value: keep the first (hive spellings differ).
  return distinct(out, (v) => `${v.alert.enrichment.hostKey}|${v.valueName.toLowerCase()}|${v.technique}`);
}

// ---- alternate data streams ----------------------------------------------------------------------------------

/** Streams Windows itself writes beside files: marks, not payloads. */
const SYSTEM_STREAMS = /^(?:zone\.identifier|smartscreen|\$data|encryptable|favicon)$/i;

/**
 * The file and stream of an alternate-data-stream path (`c:\users\q\AppData:blah.txt` → file `c:\users\q\AppData`,
 * stream `blah.txt`), or undefined for an ordinary path or a stream Windows writes itself (`Zone.Identifier`).
 * Deleting the host file or folder would be wrong (a profile's AppData); the stream is what is removed.
 */
export function alternateStream(path: string): { file: string; stream: string } | undefined {
  const p = path.trim();
  const drive = /^(?:\\\\[?.]\\)?[a-z]:\\/i.exec(p);
  const start = drive !== null ? drive[0].length : 0;
  const colon = p.indexOf(':', start);
  if (colon <= start || colon === p.length - 1) return undefined;
  const file = p.slice(0, colon);
  const stream = p.slice(colon + 1).replace(/:\$data$/i, '');
  if (stream === '' || stream.includes('\\') || SYSTEM_STREAMS.test(stream)) return undefined;
  return { file, stream };
}

// ---- tasks and services an EDR names --------------------------------------------------------------------------

/**
 * Scheduled tasks and services an EDR lists as evidence (`artifacts` of type `task` / `service`) that the persistence
 * section does not already hold: the playbook deletes them too.
 */
export function artifactMechanisms(
  alerts: readonly EnrichedAlert[],
  known: readonly PersistenceFact[],
): { tasks: string[]; services: string[] } {
  const norm = (name: string): string => name.trim().replace(/^\\/, '').toLowerCase();
  const knownTasks = new Set(known.flatMap((p) => (p.kind === 'scheduled-task' ? [norm(p.name)] : [])));
  const knownServices = new Set(known.flatMap((p) => (p.kind === 'service' ? [norm(p.name)] : [])));
  const tasks: string[] = [];
  const services: string[] = [];
  for (const a of alerts) {
    for (const art of a.artifacts ?? []) {
      const name = art.value.trim();
      if (name === '') continue;
      if (art.type === 'task' && !knownTasks.has(norm(name))) tasks.push(name);
      if (art.type === 'service' && !knownServices.has(norm(name))) services.push(name);
    }
  }
  return { tasks: distinct(tasks, norm), services: distinct(services, norm) };
}
