import type { EnrichedAlert } from '../model/enrichment';
import { LOLBINS, baseKey, pathsInText } from '../windows';
import { parseCommand, parseRundll32, switchValue } from './commands';

/**
 * Persistence mechanisms found in an incident's alerts: Run keys, Startup-folder files, scheduled tasks, services
 * and WMI subscriptions. Each fact keeps the alert it came from; `payload` is the file the mechanism will run,
 * which remediation deletes and the summary names the vehicle of.
 */

interface Base {
  alert: EnrichedAlert;
  /** File the mechanism starts (the DLL for rundll32, else the program or script). */
  payload?: string;
}

export interface RunKeyFact extends Base {
  kind: 'run-key';
  key: string;
  valueName: string;
  data?: string;
  program?: string;
  dll?: string;
  entry?: string;
  /** HKLM runs for every user; HKCU/HKU for one user. */
  scope: 'machine' | 'user' | 'unknown';
}

export interface StartupFolderFact extends Base {
  kind: 'startup-folder';
  path: string;
}

export interface TaskFact extends Base {
  kind: 'scheduled-task';
  name: string;
  action?: string;
}

export interface ServiceFact extends Base {
  kind: 'service';
  name: string;
  path?: string;
}

export interface WmiFact extends Base {
  kind: 'wmi-subscription';
  operation?: string;
  name?: string;
  filter?: string;
  consumer?: string;
  query?: string;
  destination?: string;
}

export type PersistenceFact = RunKeyFact | StartupFolderFact | TaskFact | ServiceFact | WmiFact;

const RUN_KEY_RE =
  /\\software\\(?:wow6432node\\)?microsoft\\windows\\currentversion\\(?:run|runonce|runonceex|runservices|runservicesonce|policies\\explorer\\run)$/i;
const SERVICE_KEY_RE = /\\(?:currentcontrolset|controlset\d{3})\\services\\([^\\]+)$/i;
const STARTUP_RE = /\\start menu\\programs\\startup\\[^\\]+$/i;
const TASK_FILE_RE = /^[a-z]:\\windows\\system32\\tasks\\(.+)$/i;

/** The first Windows path in a text (a LOLBin's argument, a WMI consumer's destination). */
function firstPath(text: string | undefined): string | undefined {
  return text === undefined ? undefined : pathsInText(text)[0]?.path;
}

/** What a command eventually runs: the DLL of rundll32, a script a LOLBin is handed, or the program itself. */
export function payloadOf(command: string | undefined): {
  program?: string;
  dll?: string;
  entry?: string;
  payload?: string;
} {
  if (command === undefined) return {};
  const cmd = parseCommand(command);
  if (cmd === undefined) return {};
  const r = parseRundll32(command);
  if (r !== undefined) return { program: cmd.program, dll: r.dll, entry: r.entry, payload: r.dll };
  if (LOLBINS.has(baseKey(cmd.program))) return { program: cmd.program, payload: firstPath(cmd.args) };
  return { program: cmd.program, payload: cmd.program };
}

function scopeOf(key: string): RunKeyFact['scope'] {
  if (/^(hklm|hkey_local_machine)\\/i.test(key)) return 'machine';
  if (/^(hkcu|hkey_current_user|hku|hkey_users)\\/i.test(key)) return 'user';
  return 'unknown';
}

function runKey(a: EnrichedAlert): RunKeyFact | undefined {
  const reg = a.registry;
  if (reg === undefined || /delete/i.test(reg.operation ?? '') || /delete/i.test(a.eventType)) return undefined;
  let key = reg.key;
  let valueName = reg.valueName;
  if (valueName === undefined) {
    // Sysmon's TargetObject is key + value name in one path; adapters that cannot tell them apart leave it whole.
    const cut = key.lastIndexOf('\\');
    if (cut <= 0 || !RUN_KEY_RE.test(key.slice(0, cut))) return undefined;
    valueName = key.slice(cut + 1);
    key = key.slice(0, cut);
  } else if (!RUN_KEY_RE.test(key)) return undefined;
  return {
    kind: 'run-key',
    alert: a,
    key,
    valueName,
    data: reg.valueData,
    scope: scopeOf(key),
    ...payloadOf(reg.valueData),
  };
}

function serviceFromRegistry(a: EnrichedAlert): ServiceFact | undefined {
  const reg = a.registry;
  if (reg === undefined || reg.valueData === undefined) return undefined;
  const full = reg.valueName !== undefined ? `${reg.key}\\${reg.valueName}` : reg.key;
  const cut = full.lastIndexOf('\\');
  if (cut <= 0 || full.slice(cut + 1).toLowerCase() !== 'imagepath') return undefined;
  const m = SERVICE_KEY_RE.exec(full.slice(0, cut));
  if (!m) return undefined;
  return { kind: 'service', alert: a, name: m[1], path: reg.valueData, payload: payloadOf(reg.valueData).payload };
}

function fromCommandLine(a: EnrichedAlert): PersistenceFact | undefined {
  if (a.eventType !== 'process_create' || a.process?.commandLine === undefined || a.process.image === undefined) {
    return undefined;
  }
  const image = baseKey(a.process.image);
  const cmd = a.process.commandLine;
  if (image === 'schtasks.exe' && /(^|\s)[/-]create\b/i.test(cmd)) {
    const name = switchValue(cmd, 'tn');
    if (name === undefined) return undefined;
    const action = switchValue(cmd, 'tr');
    return { kind: 'scheduled-task', alert: a, name, action, payload: payloadOf(action).payload };
  }
  if (image === 'sc.exe' && /\screate\s/i.test(cmd)) {
    const name = /\screate\s+(?:"([^"]+)"|(\S+))/i.exec(cmd);
    const bin = /binpath=\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))/i.exec(cmd);
    if (!name) return undefined;
    const path = bin ? (bin[1] ?? bin[2]) : undefined;
    return { kind: 'service', alert: a, name: name[1] ?? name[2], path, payload: payloadOf(path).payload };
  }
  return undefined;
}

function identity(f: PersistenceFact): string {
  switch (f.kind) {
    case 'run-key':
      return `run|${f.alert.enrichment.hostKey}|${f.key.toLowerCase()}|${f.valueName.toLowerCase()}`;
    case 'startup-folder':
      return `startup|${f.alert.enrichment.hostKey}|${f.path.toLowerCase()}`;
    case 'scheduled-task':
      return `task|${f.alert.enrichment.hostKey}|${f.name.toLowerCase().replace(/^\\/, '')}`;
    case 'service':
      return `service|${f.alert.enrichment.hostKey}|${f.name.toLowerCase()}`;
    case 'wmi-subscription':
      return `wmi|${f.alert.enrichment.hostKey}|${(f.name ?? f.consumer ?? f.filter ?? f.alert.alertId).toLowerCase()}`;
  }
}

/** Every persistence mechanism the alerts show, first occurrence kept, in alert order. */
export function findPersistence(alerts: EnrichedAlert[]): PersistenceFact[] {
  const out: PersistenceFact[] = [];
  const seen = new Set<string>();
  const add = (f: PersistenceFact | undefined): void => {
    if (f === undefined) return;
    const id = identity(f);
    if (seen.has(id)) return;
    seen.add(id);
    out.push(f);
  };
  for (const a of alerts) {
    add(runKey(a));
    add(serviceFromRegistry(a));
    add(fromCommandLine(a));
    if (a.task !== undefined) {
      add({ kind: 'scheduled-task', alert: a, ...a.task, payload: payloadOf(a.task.action).payload });
    }
    if (a.service !== undefined) {
      add({ kind: 'service', alert: a, ...a.service, payload: payloadOf(a.service.path).payload });
    }
    if (
      a.wmi !== undefined &&
      (a.wmi.consumer !== undefined || a.wmi.filter !== undefined || a.wmi.name !== undefined)
    ) {
      add({ kind: 'wmi-subscription', alert: a, ...a.wmi, payload: firstPath(a.wmi.destination) });
    }
    if (a.file !== undefined && !/delete/i.test(a.eventType)) {
      if (STARTUP_RE.test(a.file.path))
        add({ kind: 'startup-folder', alert: a, path: a.file.path, payload: a.file.path });
      const task = TASK_FILE_RE.exec(a.file.path);
      if (task) add({ kind: 'scheduled-task', alert: a, name: `\\${task[1]}` });
    }
  }
  return out;
}
