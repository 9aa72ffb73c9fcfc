/**
 * Windows path forms, reduced to one comparable form. Sources write the same file many ways (`%SystemRoot%`,
 * `\SystemRoot\`, `\??\C:\`, `\\?\C:\`, `\Device\HarddiskVolume3\`, `C:/`, `PROGRA~1`, `System32\..\..\`); every
 * decision about where a file lives is made on the normalized form, so no spelling can pass for another folder.
 */

/** Quotes that wrap a path in command lines and registry data, including the typographic ones pasted from mail. */
const QUOTES = /^["'\u2018\u2019\u201c\u201d]+|["'\u2018\u2019\u201c\u201d]+$/g;

/** Placeholder for the profile folder of a user we cannot name (`%USERPROFILE%` without knowing whose). */
export const UNKNOWN_USER = '%user%';

/**
 * Environment variables as a standard installation expands them (system drive C:). Per-user folders keep the user
 * unknown: what the folder classes judge is the kind of folder (AppData, Temp), not whose it is.
 */
const ENVIRONMENT: Readonly<Record<string, string>> = {
  systemroot: 'c:\\windows',
  windir: 'c:\\windows',
  systemdrive: 'c:',
  programfiles: 'c:\\program files',
  'programfiles(x86)': 'c:\\program files (x86)',
  programw6432: 'c:\\program files',
  commonprogramfiles: 'c:\\program files\\common files',
  'commonprogramfiles(x86)': 'c:\\program files (x86)\\common files',
  commonprogramw6432: 'c:\\program files\\common files',
  programdata: 'c:\\programdata',
  allusersprofile: 'c:\\programdata',
  public: 'c:\\users\\public',
  userprofile: `c:\\users\\${UNKNOWN_USER}`,
  homedrive: 'c:',
  homepath: `\\users\\${UNKNOWN_USER}`,
  localappdata: `c:\\users\\${UNKNOWN_USER}\\appdata\\local`,
  appdata: `c:\\users\\${UNKNOWN_USER}\\appdata\\roaming`,
  temp: `c:\\users\\${UNKNOWN_USER}\\appdata\\local\\temp`,
  tmp: `c:\\users\\${UNKNOWN_USER}\\appdata\\local\\temp`,
};

/**
 * NT and Win32 namespace prefixes, in the order they are tried (lower case, backslashes). The file-system prefixes
 * are only stripped in front of a drive or UNC path: `\\.\pipe\x` is a pipe, not a file, and stays as written.
 */
const PREFIXES: readonly [RegExp, string][] = [
  [/^\\\\[?.]\\globalroot(?=\\)/, ''],
  [/^(?:\\\\[?.]|\\\?\?)\\unc\\/, '\\\\'],
  [/^(?:\\\\[?.]|\\\?\?)\\(?=[a-z]:)/, ''],
  [/^\\systemroot(?=\\|$)/, 'c:\\windows'],
  // The volume number of the system drive varies (recovery and EFI partitions come first); C: is the usual mapping
  // and the only one we can make without the host's mount table.
  [/^\\device\\harddiskvolume\d+(?=\\|$)/, 'c:'],
  [/^\\device\\mup(?=\\)/, '\\'],
];

/** An 8.3 short name (`PROGRA~1`, `JOHNSM~1`, `POWERS~1.EXE`): up to six characters, `~`, a number. */
const SHORT_NAME = /^[^\\~.\s]{1,6}~\d{1,6}(?:\.[^\\.\s]{0,3})?$/;

/**
 * Short names a standard installation always gives the same folder: the order the installer creates them in fixes
 * the number. On 64-bit Windows (the only kind supported since Windows 11) PROGRA~2 is Program Files (x86) and
 * PROGRA~3 ProgramData; the rare 32-bit system would name ProgramData PROGRA~2.
 */
const ROOT_SHORT_NAMES: Readonly<Record<string, string>> = {
  'progra~1': 'program files',
  'progra~2': 'program files (x86)',
  'progra~3': 'programdata',
  'docume~1': 'documents and settings',
};

/** Short names inside a user profile (the pre-Vista folders, kept as junctions to their new places). */
const PROFILE_SHORT_NAMES: Readonly<Record<string, string>> = {
  'locals~1': 'local settings',
  'applic~1': 'application data',
  'mydocu~1': 'my documents',
};

/** Short names inside Program Files. */
const PROGRAM_FILES_SHORT_NAMES: Readonly<Record<string, string>> = {
  'common~1': 'common files',
};

/** Pre-Vista profile folders: on every current Windows they are junctions to the folders on the right. */
const PROFILE_JUNCTIONS: Readonly<Record<string, string[]>> = {
  'local settings': ['appdata', 'local'],
  'application data': ['appdata', 'roaming'],
  'my documents': ['documents'],
};

/** A path in its comparable form, with what could not be resolved. */
export interface ResolvedPath {
  /**
   * Lower case, backslashes, no quotes; environment variables, NT prefixes, well-known short names, `Sysnative`,
   * `Documents and Settings`, empty components, `.` and `..` resolved.
   */
  path: string;
  /**
   * 8.3 short names we cannot map (`WINDOW~1` could be any long name starting "window"). A folder whose name is
   * unknown cannot be judged trusted: see `folderClass`. The user-name component of a profile path is not listed,
   * since a profile folder's kind does not depend on whose it is.
   */
  unresolvedShortNames: string[];
}

/**
 * Root of a path (`c:`, `\\host\share`, `\` for a path rooted on the current drive or in the NT namespace, `` for a
 * relative path) and the components after it.
 */
function splitRoot(p: string): { root: string; parts: string[] } {
  const drive = /^[a-z]:(?=\\|$)/i.exec(p);
  if (drive !== null) return { root: drive[0], parts: p.slice(drive[0].length).split('\\') };
  const unc = /^\\\\([^\\]+)\\([^\\]+)(?=\\|$)/.exec(p);
  if (unc !== null) return { root: unc[0], parts: p.slice(unc[0].length).split('\\') };
  if (p.startsWith('\\')) return { root: '\\', parts: p.slice(1).split('\\') };
  return { root: '', parts: p.split('\\') };
}

/** A root and its components as one path. */
function joinRoot(root: string, parts: string[]): string {
  if (root === '' || root === '\\') return root + parts.join('\\');
  return [root, ...parts].join('\\');
}

/**
 * Drop `.` and empty components and apply `..`, never above the root: `C:\Windows\System32\..\..\..\Users` is
 * `C:\Users`, as Windows resolves it. A relative path keeps leading `..` (there is nothing to resolve it against).
 */
function resolveDots(parts: string[], rooted: boolean): string[] {
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push(part);
      continue;
    }
    out.push(part);
  }
  return out;
}

/** Map the short names whose long names are fixed by position, and collect the rest. */
function resolveShortNames(root: string, parts: string[], unresolved: string[]): string[] {
  const onDrive = /^[a-z]:$/i.test(root);
  const out: string[] = [];
  for (const part of parts) {
    const i = out.length;
    let long: string | undefined;
    if (SHORT_NAME.test(part) && onDrive) {
      if (i === 0) long = ROOT_SHORT_NAMES[part];
      const profiles = out[0] === 'users' || out[0] === 'documents and settings';
      // A user's profile folder: which user does not change the folder's kind, so the name is kept as written.
      if (profiles && i === 1) long = part;
      if (profiles && i === 2) long = PROFILE_SHORT_NAMES[part];
      if (i === 1 && /^program files/.test(out[0])) long = PROGRAM_FILES_SHORT_NAMES[part];
    }
    if (SHORT_NAME.test(part) && long === undefined) unresolved.push(part);
    out.push(long ?? part);
  }
  return out;
}

/** Folders that are other names of a folder Windows has: `Sysnative` (System32 seen by 32-bit programs), junctions. */
function resolveAliases(root: string, parts: string[]): string[] {
  if (!/^[a-z]:$/.test(root)) return parts;
  let out = parts;
  if (out[0] === 'windows' && out[1] === 'sysnative') out = ['windows', 'system32', ...out.slice(2)];
  if (out[0] === 'documents and settings') {
    out = ['users', ...out.slice(1)];
  }
  // `All Users` is the pre-Vista name of the shared profile, a junction to ProgramData.
  if (out[0] === 'users' && out[1] === 'all users') out = ['programdata', ...out.slice(2)];
  if (out[0] === 'users' && out.length > 2 && PROFILE_JUNCTIONS[out[2]] !== undefined) {
    out = [...out.slice(0, 2), ...PROFILE_JUNCTIONS[out[2]], ...out.slice(3)];
  }
  return out;
}

/**
 * The comparable form of a Windows path, with the short names it could not resolve.
 *
 * @example
 * resolvePath('"%SystemRoot%\\System32\\..\\..\\Users\\Public\\x.dll"').path // 'c:\\users\\public\\x.dll'
 * resolvePath('C:\\PROGRA~1\\WINDOW~1\\x.exe').unresolvedShortNames // ['window~1']
 */
export function resolvePath(path: string): ResolvedPath {
  const held = resolved.get(path);
  if (held !== undefined) return held;
  const r = resolveUncached(path);
  if (path.length <= MEMO_MAX_CHARS) {
    if (resolved.size >= MEMO_ENTRIES) resolved.clear();
    Object.freeze(r.unresolvedShortNames);
    // The key is kept as a copy: a path found inside a command line is a slice of it, and would keep it alive.
    resolved.set(JSON.parse(JSON.stringify(path)) as string, Object.freeze(r));
  }
  return r;
}

/**
 * Resolved paths by spelling. One alert asks about its image a dozen times (stock binary? folder class? base name?
 * link keys?) and a fleet runs the same few thousand images: resolving was a tenth of the per-record work of a
 * shadow run. Results are frozen, so no caller can change what another one is given. Bounded: cleared when full,
 * and spellings longer than Windows' MAX_PATH (an intruder's 30,000-character path) are not kept, so the memo holds
 * a few MiB at most.
 */
const resolved = new Map<string, ResolvedPath>();
const MEMO_ENTRIES = 8_192;
const MEMO_MAX_CHARS = 260;

function resolveUncached(path: string): ResolvedPath {
  let p = path.trim().replace(QUOTES, '').replace(/\//g, '\\').toLowerCase();
  p = p.replace(/%([a-z0-9_()]+)%/g, (whole: string, name: string) => ENVIRONMENT[name] ?? whole);
  for (const [re, to] of PREFIXES) p = p.replace(re, to);
  const { root, parts } = splitRoot(p);
  const unresolvedShortNames: string[] = [];
  const resolved = resolveAliases(root, resolveShortNames(root, resolveDots(parts, root !== ''), unresolvedShortNames));
  // Aliases may bring back a component the dots removed (`Documents and Settings\..`): resolve once more.
  const clean = resolveDots(resolved, root !== '');
  return { path: joinRoot(root, clean), unresolvedShortNames };
}

/**
 * One comparable form of a Windows path (see `resolvePath`), so `C:\Windows\System32\..\..\Users\Public\x.dll`
 * cannot pass for a system path.
 */
export function normalizePath(path: string): string {
  return resolvePath(path).path;
}

/** Whether two spellings name the same file: `C:\Windows\System32\..\..\Users\Public\x.dll` and `c:/users/public/X.DLL`. */
export function samePath(a: string, b: string): boolean {
  return normalizePath(a) === normalizePath(b);
}

/**
 * The path as written, tidied for people: quotes and NT prefixes (`\\?\`, `\??\`) removed, `.` and `..` resolved,
 * case and environment variables kept. What a remediation step names, so a responder deletes the real file.
 *
 * @example
 * displayPath('C:\\Windows\\System32\\..\\..\\Users\\Public\\Evil.dll') // 'C:\\Users\\Public\\Evil.dll'
 */
export function displayPath(path: string): string {
  let p = path.trim().replace(QUOTES, '').replace(/\//g, '\\');
  p = p.replace(/^(?:\\\\[?.]|\\\?\?)\\unc\\/i, '\\\\').replace(/^(?:\\\\[?.]|\\\?\?)\\(?=[a-z]:)/i, '');
  const { root, parts } = splitRoot(p);
  const clean = resolveDots(parts, root !== '');
  return joinRoot(root, clean);
}

/** Last component of a path as written (either separator): `C:\Windows\System32\RunDll32.EXE` → `RunDll32.EXE`. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** Lower-case file name of the normalized path, for table lookups: `"C:\Windows\RunDll32.EXE"` → `rundll32.exe`. */
export function baseKey(path: string): string {
  const p = normalizePath(path);
  return p.slice(p.lastIndexOf('\\') + 1);
}

/** Normalized folder of a path (`c:\windows\system32`), or `` for a bare file name. */
export function folderKey(path: string): string {
  const p = normalizePath(path);
  const i = p.lastIndexOf('\\');
  return i < 0 ? '' : p.slice(0, i);
}

/**
 * Whether a path says where the file is (has a folder). Some sources give only a file name (`svchost.exe`); such a
 * name can be neither confirmed nor refuted as the stock binary.
 */
export function hasFolder(path: string): boolean {
  return folderKey(path) !== '';
}

/** Extension of a path, lower case, without the dot. */
export function extensionOf(path: string): string {
  const name = baseKey(path);
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}
