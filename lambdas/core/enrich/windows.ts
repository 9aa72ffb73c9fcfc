/**
 * What enrichment knows about Windows: path forms, where Windows and installed software live, which binaries ship
 * with Windows, and which of them run other code on request (shells, script hosts, LOLBins). Plain data and pure
 * functions shared by IOC extraction and the heuristics.
 */

/** Longest path we look for inside free text (MAX_PATH); also bounds regex work on hostile input. */
const MAX_PATH_CHARS = 260;

/**
 * One comparable form of a Windows path: lower case, backslashes, no quotes, environment variables and NT forms
 * expanded (`%SystemRoot%`, `\SystemRoot\`, `\??\`, `\\?\`, `\Device\HarddiskVolume3\`), `.` and `..` resolved, so
 * `C:\Windows\System32\..\..\Users\Public\x.dll` cannot pass for a system path.
 */
export function normalizePath(path: string): string {
  let p = path.trim().replace(/^["'\u2018\u2019\u201c\u201d]+|["'\u2018\u2019\u201c\u201d]+$/g, '');
  p = p.replace(/\//g, '\\').toLowerCase();
  p = p.replace(/^\\\\\?\\|^\\\?\?\\/, '');
  p = p.replace(/^\\systemroot\\/, 'c:\\windows\\');
  p = p.replace(/^\\device\\harddiskvolume\d+\\/, 'c:\\');
  p = p.replace(/%(systemroot|windir)%/g, 'c:\\windows');
  p = p.replace(/%programfiles%/g, 'c:\\program files');
  p = p.replace(/%programfiles\(x86\)%/g, 'c:\\program files (x86)');
  p = p.replace(/%programdata%|%allusersprofile%/g, 'c:\\programdata');
  p = p.replace(/%public%/g, 'c:\\users\\public');
  // Per-user folders: the user is unknown, but the folder's kind (AppData, Temp) is what the heuristics judge.
  p = p.replace(/%localappdata%/g, 'c:\\users\\%user%\\appdata\\local');
  p = p.replace(/%appdata%/g, 'c:\\users\\%user%\\appdata\\roaming');
  p = p.replace(/%(?:temp|tmp)%/g, 'c:\\users\\%user%\\appdata\\local\\temp');
  p = p.replace(/%userprofile%/g, 'c:\\users\\%user%');
  const out: string[] = [];
  for (const part of p.split('\\')) {
    if (part === '.') continue;
    if (part === '..') {
      if (out.length > 1) out.pop();
      continue;
    }
    out.push(part);
  }
  return out.join('\\');
}

/** File name of a path, lower case: `C:\Windows\System32\RunDll32.EXE` → `rundll32.exe`. */
export function baseName(path: string): string {
  const p = normalizePath(path);
  return p.slice(p.lastIndexOf('\\') + 1);
}

/** Original-case file name, for evidence shown to people. */
export function displayName(path: string): string {
  const p = path.trim().replace(/\//g, '\\');
  return p.slice(p.lastIndexOf('\\') + 1);
}

const WINDOWS_DIR = /^[a-z]:\\windows\\/;
const SYSTEM_DIR = /^[a-z]:\\windows\\(system32|syswow64|sysnative)\\/;
const PROGRAM_FILES = /^[a-z]:\\program files( \(x86\))?\\/;

/** Under the Windows directory (any drive), where only the OS and administrators write. */
export function isUnderWindows(path: string): boolean {
  return WINDOWS_DIR.test(normalizePath(path));
}

/** Under System32 or SysWOW64: where Windows' own DLLs and tools live. */
export function isSystemDir(path: string): boolean {
  return SYSTEM_DIR.test(normalizePath(path));
}

/** Under Program Files: installed software (administrator-writable only). */
export function isProgramFiles(path: string): boolean {
  return PROGRAM_FILES.test(normalizePath(path));
}

/**
 * Binaries that ship with Windows, by file name. Used to tell "a Windows binary in its own directory" from "something
 * new placed there": procsrv.exe in System32 is not on this list, and is exactly what the CISA triage found.
 */
export const WINDOWS_BINARIES: ReadonlySet<string> = new Set([
  'at.exe',
  'attrib.exe',
  'audiodg.exe',
  'backgroundtaskhost.exe',
  'bcdedit.exe',
  'bitsadmin.exe',
  'certutil.exe',
  'cmd.exe',
  'cmstp.exe',
  'compattelrunner.exe',
  'conhost.exe',
  'consent.exe',
  'csrss.exe',
  'ctfmon.exe',
  'curl.exe',
  'dllhost.exe',
  'dwm.exe',
  'explorer.exe',
  'findstr.exe',
  'fontdrvhost.exe',
  'forfiles.exe',
  'hostname.exe',
  'icacls.exe',
  'installutil.exe',
  'ipconfig.exe',
  'logonui.exe',
  'lsass.exe',
  'lsm.exe',
  'mavinject.exe',
  'mmc.exe',
  'msbuild.exe',
  'msdtc.exe',
  'mshta.exe',
  'msiexec.exe',
  'musnotification.exe',
  'net.exe',
  'net1.exe',
  'netsh.exe',
  'nltest.exe',
  'notepad.exe',
  'nslookup.exe',
  'odbcconf.exe',
  'ping.exe',
  'powershell.exe',
  'powershell_ise.exe',
  'reg.exe',
  'regasm.exe',
  'regedit.exe',
  'regsvcs.exe',
  'regsvr32.exe',
  'rundll32.exe',
  'runtimebroker.exe',
  'sc.exe',
  'schtasks.exe',
  'searchfilterhost.exe',
  'searchindexer.exe',
  'searchprotocolhost.exe',
  'securityhealthservice.exe',
  'securityhealthsystray.exe',
  'services.exe',
  'sihost.exe',
  'smartscreen.exe',
  'smss.exe',
  'spoolsv.exe',
  'sppsvc.exe',
  'svchost.exe',
  'systeminfo.exe',
  'takeown.exe',
  'tar.exe',
  'taskeng.exe',
  'taskhost.exe',
  'taskhostw.exe',
  'tasklist.exe',
  'taskmgr.exe',
  'tiworker.exe',
  'trustedinstaller.exe',
  'usocoreworker.exe',
  'userinit.exe',
  'vssadmin.exe',
  'werfault.exe',
  'wermgr.exe',
  'wevtutil.exe',
  'whoami.exe',
  'wininit.exe',
  'winlogon.exe',
  'wmiapsrv.exe',
  'wmic.exe',
  'wmiprvse.exe',
  'wscript.exe',
  'cscript.exe',
  'wuauclt.exe',
]);

/**
 * Windows binaries that run other code on request: shells, script hosts, and the living-off-the-land binaries that
 * load a DLL, script or download. Being signed by Microsoft says nothing about what they were asked to run.
 */
export const SCRIPTING_BINARIES: ReadonlySet<string> = new Set([
  'at.exe',
  'bitsadmin.exe',
  'certutil.exe',
  'cmd.exe',
  'cmstp.exe',
  'cscript.exe',
  'forfiles.exe',
  'installutil.exe',
  'mavinject.exe',
  'msbuild.exe',
  'mshta.exe',
  'msiexec.exe',
  'odbcconf.exe',
  'powershell.exe',
  'powershell_ise.exe',
  'pwsh.exe',
  'reg.exe',
  'regasm.exe',
  'regedit.exe',
  'regsvcs.exe',
  'regsvr32.exe',
  'rundll32.exe',
  'sc.exe',
  'schtasks.exe',
  'wmic.exe',
  'wscript.exe',
]);

/** Shells and script hosts: what a malicious document or an interactive attacker starts. */
export const SHELLS: ReadonlySet<string> = new Set([
  'cmd.exe',
  'cscript.exe',
  'mshta.exe',
  'powershell.exe',
  'powershell_ise.exe',
  'pwsh.exe',
  'regsvr32.exe',
  'rundll32.exe',
  'wscript.exe',
]);

export const POWERSHELL: ReadonlySet<string> = new Set(['powershell.exe', 'powershell_ise.exe', 'pwsh.exe']);

/** Binary names with a path where Microsoft really keeps them outside the Windows directory (Defender, its EDR). */
const MICROSOFT_OUTSIDE_WINDOWS =
  /^[a-z]:\\(programdata\\microsoft\\windows defender( advanced threat protection)?\\platform\\|program files( \(x86\))?\\windows defender( advanced threat protection)?\\)/;

/** Microsoft's own security components, which legitimately read LSASS and run from their platform folder. */
export function isMicrosoftSecurityPath(path: string): boolean {
  return MICROSOFT_OUTSIDE_WINDOWS.test(normalizePath(path));
}

/**
 * Microsoft software that installs per user, under AppData: OneDrive, Teams, and the App Execution Alias stubs
 * in WindowsApps. Its binaries there are expected, Microsoft names included.
 */
const MICROSOFT_USER_INSTALL = /^[a-z]:\\users\\[^\\]+\\appdata\\local\\microsoft\\(onedrive|teams|windowsapps)\\/;

export function isMicrosoftUserInstall(path: string): boolean {
  return MICROSOFT_USER_INSTALL.test(normalizePath(path));
}

/**
 * Part of the installed system: a Windows binary (by name) under the Windows directory, anything under Program Files,
 * or Defender's platform folder. Such a path is not itself an indicator; what it was asked to do may be.
 */
export function isStockBinary(path: string): boolean {
  const p = normalizePath(path);
  if (PROGRAM_FILES.test(p) || MICROSOFT_OUTSIDE_WINDOWS.test(p)) return true;
  return WINDOWS_DIR.test(p) && WINDOWS_BINARIES.has(p.slice(p.lastIndexOf('\\') + 1));
}

/** A stock binary that does not run code on request: its own actions are what the OS or installed software does. */
export function isTrustedImage(path: string): boolean {
  return isStockBinary(path) && !SCRIPTING_BINARIES.has(baseName(path));
}

/** Under a user profile (`C:\Users\<name>\…`), including Public: writable by the user, or by everyone. */
export function isUserProfile(path: string): boolean {
  return /^[a-z]:\\users\\/.test(normalizePath(path));
}

/** Executable file extensions (binaries, not scripts): what "an executable or DLL" means in the heuristics. */
export const BINARY_EXTENSIONS: ReadonlySet<string> = new Set([
  'exe',
  'dll',
  'sys',
  'scr',
  'cpl',
  'ocx',
  'drv',
  'com',
  'pif',
]);

/** Extensions of files a LOLBin or script host can be asked to run. */
const PAYLOAD_EXTENSIONS =
  'exe|dll|sys|scr|cpl|ocx|drv|com|pif|msi|msp|ps1|psm1|bat|cmd|vbs|vbe|js|jse|wsf|wsh|hta|sct|inf|xsl|jar|lnk|bin|dat|tmp|txt';

/**
 * Windows paths inside free text (command lines, registry value data, task actions), in order of appearance:
 * absolute (`C:\…`), UNC (`\\host\share\…`), environment-variable and relative (`.\x.dll`) forms, each ending in a
 * file extension. Bounded by MAX_PATH so hostile input cannot make the scan quadratic.
 */
const PATH_IN_TEXT = new RegExp(
  String.raw`(?:[a-z]:\\|\\\\[^\\\s"'<>|]+\\|%[a-z_()0-9]+%\\|\.{1,2}\\)` +
    String.raw`[^"'<>|&\r\n*?\u2018\u2019\u201c\u201d]{0,${MAX_PATH_CHARS}}?` +
    String.raw`\.(?:${PAYLOAD_EXTENSIONS})(?![a-z0-9])`,
  'gi',
);

export interface PathInText {
  path: string;
  index: number;
}

export function pathsInText(text: string): PathInText[] {
  return [...forScan(text).matchAll(PATH_IN_TEXT)].map((m) => ({ path: m[0], index: m.index }));
}

/** Extension of a path, lower case, without the dot. */
export function extensionOf(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

/** Squash a name for comparison: `Windows Security-Update.exe` → `windowssecurityupdate`. */
export function squash(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.[a-z0-9]{1,4}$/, '')
    .replace(/[^a-z0-9]/g, '');
}

/**
 * Characters Windows path fields are capped at before we scan them. Sysmon command lines stop at 32 KiB; anything
 * longer is truncated for scanning only (the alert keeps the whole value).
 */
export const MAX_SCAN_CHARS = 32 * 1024;

export function forScan(text: string): string {
  return text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text;
}
