import { resolvePath } from './paths';

/**
 * What kind of folder a file is in, judged on the normalized path. The line that matters is who can write there:
 * the Windows directory and Program Files only administrators and the OS, everything else (profiles, ProgramData,
 * Public, and a dozen folders inside `C:\Windows` itself) any user, and so any malware running as one.
 */

/**
 * Folders under `C:\Windows` that a standard user can write to (and often execute from), paths relative to the
 * Windows directory. They are why "under C:\Windows" does not mean "put there by Windows": AppLocker bypass lists
 * and malware drop payloads in them (`C:\Windows\Tasks\`, `…\spool\drivers\color\`).
 */
export const WRITABLE_WINDOWS_FOLDERS: readonly string[] = [
  'debug',
  'pla\\reports',
  'pla\\rules',
  'pla\\templates',
  'registration\\crmlog',
  'system32\\com\\dmp',
  'system32\\fxstmp',
  'system32\\microsoft\\crypto\\rsa\\machinekeys',
  'system32\\spool\\drivers\\color',
  'system32\\spool\\printers',
  'system32\\spool\\servers',
  'system32\\tasks',
  'system32\\tasks_migrated',
  'syswow64\\com\\dmp',
  'syswow64\\fxstmp',
  'syswow64\\tasks',
  'tasks',
  'temp',
  'tracing',
];

/**
 * Kinds of folder:
 * - `windows`: the Windows directory, except its writable folders;
 * - `windows-writable`: one of `WRITABLE_WINDOWS_FOLDERS`;
 * - `program-files`: Program Files and Program Files (x86);
 * - `user-profile`: a user's profile (`C:\Users\<name>\…`, AppData and Downloads included);
 * - `public`: `C:\Users\Public`, writable by every user;
 * - `programdata`: `C:\ProgramData`, whose root any user can create folders in;
 * - `writable-root`: `C:\Temp`, `C:\PerfLogs`, the Recycle Bin;
 * - `unresolved`: would be `windows` or `program-files`, but a folder is an 8.3 name we cannot map, so the real
 *   folder (perhaps a writable one) is unknown;
 * - `other`: anything else (other top-level folders, network shares, relative paths).
 */
export type FolderClass =
  | 'windows'
  | 'windows-writable'
  | 'program-files'
  | 'user-profile'
  | 'public'
  | 'programdata'
  | 'writable-root'
  | 'unresolved'
  | 'other';

const WINDOWS = /^[a-z]:\\windows\\/;
const WRITABLE_UNDER_WINDOWS = new RegExp(
  String.raw`^[a-z]:\\windows\\(?:${WRITABLE_WINDOWS_FOLDERS.map((f) => f.replace(/\\/g, '\\\\')).join('|')})\\`,
);
const PROGRAM_FILES = /^[a-z]:\\program files(?: \(x86\))?\\/;
const PUBLIC = /^[a-z]:\\users\\public\\/;
const USER_PROFILE = /^[a-z]:\\users\\[^\\]+\\/;
const PROGRAMDATA = /^[a-z]:\\programdata\\/;
const WRITABLE_ROOT = /^[a-z]:\\(?:temp|tmp|perflogs|\$recycle\.bin)\\/;

/**
 * The kind of folder a path is in.
 *
 * @example
 * folderClass('C:\\Windows\\System32\\svchost.exe') // 'windows'
 * folderClass('C:\\Windows\\Tasks\\svchost.exe') // 'windows-writable'
 * folderClass('%LOCALAPPDATA%\\Temp\\a.exe') // 'user-profile'
 */
export function folderClass(path: string): FolderClass {
  const { path: p, unresolvedShortNames } = resolvePath(path);
  // Only the folder part counts: an unknown short file name does not make its folder unknown.
  const folderUnknown = unresolvedShortNames.some((s) => p.slice(0, p.lastIndexOf('\\')).split('\\').includes(s));
  if (WRITABLE_UNDER_WINDOWS.test(p)) return 'windows-writable';
  if (WINDOWS.test(p)) return folderUnknown ? 'unresolved' : 'windows';
  if (PROGRAM_FILES.test(p)) return folderUnknown ? 'unresolved' : 'program-files';
  if (PUBLIC.test(p)) return 'public';
  if (USER_PROFILE.test(p)) return 'user-profile';
  if (PROGRAMDATA.test(p)) return 'programdata';
  if (WRITABLE_ROOT.test(p)) return 'writable-root';
  return 'other';
}

/** Under the Windows directory and not in one of its user-writable folders: only the OS and administrators write. */
export function isWindowsFolder(path: string): boolean {
  return folderClass(path) === 'windows';
}

/** Under System32 or SysWOW64 (not a writable folder inside them): where Windows' own DLLs and tools live. */
export function isSystemFolder(path: string): boolean {
  return isWindowsFolder(path) && /^[a-z]:\\windows\\(?:system32|syswow64)\\/.test(resolvePath(path).path);
}

/** Under Program Files: installed software (administrator-writable only). */
export function isProgramFiles(path: string): boolean {
  return folderClass(path) === 'program-files';
}

/** Where Windows and installed software live, writable by administrators only: the Windows directory or Program Files. */
export function isInstalledLocation(path: string): boolean {
  const c = folderClass(path);
  return c === 'windows' || c === 'program-files';
}

const USER_WRITABLE: ReadonlySet<FolderClass> = new Set([
  'windows-writable',
  'user-profile',
  'public',
  'programdata',
  'writable-root',
]);

/** Places an unprivileged user (or malware running as one) can write: where payloads are dropped. */
export function isUserWritable(path: string): boolean {
  return USER_WRITABLE.has(folderClass(path));
}
