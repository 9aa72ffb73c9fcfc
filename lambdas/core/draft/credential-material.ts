import type { IncidentFacts } from './facts';
import { baseKey, displayPath, forScan, normalizePath } from '../windows';
import { distinct } from './text';

/**
 * Files that hold credentials: LSASS memory dumps, copies of the SAM/SYSTEM/SECURITY hives, copies of NTDS.dit.
 * They are not malware: a responder secures them (so they leak no further) and then destroys them, and never keeps
 * them "for malware analysis" or uploads them to a sandbox. Read from file events and from the command lines that
 * write them (`procdump -ma lsass`, `comsvcs.dll MiniDump`, `reg save HKLM\SAM`, `ntdsutil ifm`), so a dump whose
 * file event was not collected is still named.
 */

export type CredentialKind = 'lsass-dump' | 'registry-hive' | 'ntds';

export interface CredentialFile {
  /** Display path (`displayPath`). */
  path: string;
  kind: CredentialKind;
}

/** What each kind holds, for the remediation sentence. */
export const CREDENTIAL_KIND_TEXT: Readonly<Record<CredentialKind, string>> = {
  'lsass-dump': 'LSASS memory dump',
  'registry-hive': 'copy of a credential registry hive',
  ntds: 'copy of the domain database NTDS.dit',
};

const DUMP_EXT = /\.(?:dmp|dump|mdmp)$/i;
/** The live database and hives in their own folders are Windows, not a copy. */
const LIVE_NTDS = /^[a-z]:\\windows\\ntds\\ntds\.dit$/;
const LIVE_HIVES = /^[a-z]:\\windows\\system32\\config\\(?:sam|system|security)$/;

/** `reg save HKLM\SAM C:\x\sam.save` (also `reg.exe`, `-`): the file written. */
const REG_SAVE =
  /\breg(?:\.exe)?["']?\s+(?:save|export)\s+["']?(?:hklm|hkey_local_machine)\\(?:sam|system|security)["']?\s+["']?([^"'\s]+)/gi;
/** `comsvcs.dll, MiniDump <pid> <file> full`: the dump file. */
const MINIDUMP = /\bminidump\s*,?\s+\d+\s+["']?([^"'\s]+)/gi;
/** `procdump … lsass[.exe] <file>` (the output is the first argument after the target). */
const PROCDUMP = /\bprocdump(?:64)?(?:\.exe)?["']?\s+(?:-\S+\s+)*lsass(?:\.exe)?\s+["']?([^"'\s]+)/gi;
/** `ntdsutil "ac i ntds" "ifm" "create full C:\x"`: a folder holding a copy of NTDS.dit and the hives. */
/** A drive path ending in ntds.dit (the shadow-copy source is a `\\?\GLOBALROOT\…` path, never matched). */
const NTDS_COPY = /(?:^|[\s"'])([a-z]:\\[^"'\s<>|]{0,240}?ntds\.dit)(?![\w.])/gi;
const NTDSUTIL_IFM = /\bifm\b[^\r\n]{0,80}?\bcreate\s+(?:full|rodc|sysvol\s+full)\s+["']?([^"'\s]+)/gi;

function kindOfFile(path: string, lsassRead: boolean): CredentialKind | undefined {
  const p = normalizePath(path);
  const name = baseKey(path);
  if (name === 'ntds.dit' && !LIVE_NTDS.test(p)) return 'ntds';
  if (/^(?:sam|system|security)(?:\.(?:save|hiv|hive|bak|sav|reg))?$/.test(name) && !LIVE_HIVES.test(p)) {
    return name.includes('.') ? 'registry-hive' : undefined;
  }
  if (DUMP_EXT.test(name) && (lsassRead || /lsass/.test(name))) return 'lsass-dump';
  return undefined;
}

/**
 * The credential material an incident wrote, once per file (display paths), in the order first seen: files written
 * (a `.dmp` counts when LSASS was read in the incident or its name says lsass), then what command lines wrote.
 *
 * @example
 * credentialFiles(facts) // [{ path: 'C:\\Windows\\Temp\\dumpert.dmp', kind: 'lsass-dump' }]
 */
export function credentialFiles(f: IncidentFacts): CredentialFile[] {
  const lsassRead = f.lsass.length > 0;
  const out: CredentialFile[] = [];
  for (const x of f.files) {
    if (x.action !== 'created' && x.action !== 'written') continue;
    const kind = kindOfFile(x.path, lsassRead);
    if (kind !== undefined) out.push({ path: displayPath(x.path), kind });
  }
  for (const p of f.graph.procs.values()) {
    const cmd = p.commandLine === undefined ? undefined : forScan(p.commandLine);
    if (cmd === undefined) continue;
    for (const m of cmd.matchAll(REG_SAVE)) out.push({ path: displayPath(m[1]), kind: 'registry-hive' });
    for (const m of cmd.matchAll(MINIDUMP)) out.push({ path: displayPath(m[1]), kind: 'lsass-dump' });
    for (const m of cmd.matchAll(PROCDUMP)) out.push({ path: displayPath(m[1]), kind: 'lsass-dump' });
    for (const m of cmd.matchAll(NTDSUTIL_IFM)) out.push({ path: displayPath(m[1]), kind: 'ntds' });
    // `copy \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy1\Windows\NTDS\ntds.dit C:\x\ntds.dit`: the copy's path.
    if (/shadowcopy/i.test(cmd)) {
      for (const m of cmd.matchAll(NTDS_COPY)) out.push({ path: displayPath(m[1]), kind: 'ntds' });
    }
  }
  return distinct(out, (c) => normalizePath(c.path));
}

/** Normalized paths of the credential material, to keep it out of the steps that delete or keep malware. */
export function credentialPathSet(files: readonly CredentialFile[]): ReadonlySet<string> {
  return new Set(files.map((c) => normalizePath(c.path)));
}
