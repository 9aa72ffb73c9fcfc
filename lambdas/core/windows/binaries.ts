import { isProgramFiles } from './folders';
import { baseKey, hasFolder, normalizePath, resolvePath } from './paths';

/**
 * Windows binaries: which ship with Windows and exactly where, and what kinds of program they are (shells, script
 * hosts, LOLBins, Office, mail clients, browsers, the system processes every other process descends from). Names
 * are lower-case file names, compared with `baseKey`.
 */

const SYSTEM32 = 'windows\\system32';
const SYSWOW64 = 'windows\\syswow64';
/** Most tools ship in both: 64-bit in System32, 32-bit in SysWOW64. */
const SYSTEM = [SYSTEM32, SYSWOW64];
/** Core processes that exist only as 64-bit (there is no SysWOW64 copy to pass for). */
const SYSTEM32_ONLY = [SYSTEM32];
const WBEM = [`${SYSTEM32}\\wbem`, `${SYSWOW64}\\wbem`];
const WINDOWS_POWERSHELL = [`${SYSTEM32}\\windowspowershell\\v1.0`, `${SYSWOW64}\\windowspowershell\\v1.0`];
/** .NET Framework tools, one folder per runtime version (`v4.0.30319`, `v2.0.50727`). */
const NET_FRAMEWORK = ['windows\\microsoft.net\\framework\\*', 'windows\\microsoft.net\\framework64\\*'];

/**
 * Binaries that ship with Windows and the folders they ship in (relative to the system drive; `*` is one folder
 * of any name). A stock name anywhere else is not the stock binary: `C:\Windows\Tasks\svchost.exe` is a copy or an
 * impostor. procsrv.exe in System32 is not on this list, and is exactly what the CISA triage found.
 */
const STOCK_LOCATIONS: Readonly<Record<string, readonly string[]>> = {
  'at.exe': SYSTEM,
  'attrib.exe': SYSTEM,
  'audiodg.exe': SYSTEM,
  'backgroundtaskhost.exe': SYSTEM,
  'bcdedit.exe': SYSTEM,
  'bitsadmin.exe': SYSTEM,
  'certutil.exe': SYSTEM,
  'cmd.exe': SYSTEM,
  'cmstp.exe': SYSTEM,
  'compattelrunner.exe': SYSTEM,
  'conhost.exe': SYSTEM,
  'consent.exe': SYSTEM,
  'cscript.exe': SYSTEM,
  'csrss.exe': SYSTEM32_ONLY,
  'ctfmon.exe': SYSTEM,
  'curl.exe': SYSTEM,
  'dllhost.exe': SYSTEM,
  'dwm.exe': SYSTEM,
  'explorer.exe': ['windows', SYSWOW64],
  'findstr.exe': SYSTEM,
  'fontdrvhost.exe': SYSTEM,
  'forfiles.exe': SYSTEM,
  'hostname.exe': SYSTEM,
  'icacls.exe': SYSTEM,
  'installutil.exe': NET_FRAMEWORK,
  'ipconfig.exe': SYSTEM,
  'logonui.exe': SYSTEM,
  'lsass.exe': SYSTEM32_ONLY,
  'lsm.exe': SYSTEM32_ONLY,
  'mavinject.exe': SYSTEM,
  'mmc.exe': SYSTEM,
  'msbuild.exe': NET_FRAMEWORK,
  'msdtc.exe': SYSTEM,
  'mshta.exe': SYSTEM,
  'msiexec.exe': SYSTEM,
  'musnotification.exe': SYSTEM,
  'net.exe': SYSTEM,
  'net1.exe': SYSTEM,
  'netsh.exe': SYSTEM,
  'nltest.exe': SYSTEM,
  'notepad.exe': ['windows', ...SYSTEM],
  'nslookup.exe': SYSTEM,
  'odbcconf.exe': SYSTEM,
  'ping.exe': SYSTEM,
  'powershell.exe': WINDOWS_POWERSHELL,
  'powershell_ise.exe': WINDOWS_POWERSHELL,
  'reg.exe': SYSTEM,
  'regasm.exe': NET_FRAMEWORK,
  'regedit.exe': ['windows', SYSWOW64],
  'regsvcs.exe': NET_FRAMEWORK,
  'regsvr32.exe': SYSTEM,
  'rundll32.exe': SYSTEM,
  'runtimebroker.exe': SYSTEM,
  'sc.exe': SYSTEM,
  'schtasks.exe': SYSTEM,
  'searchfilterhost.exe': SYSTEM,
  'searchindexer.exe': SYSTEM,
  'searchprotocolhost.exe': SYSTEM,
  'securityhealthservice.exe': SYSTEM,
  'securityhealthsystray.exe': SYSTEM,
  'services.exe': SYSTEM32_ONLY,
  'sihost.exe': SYSTEM,
  'smartscreen.exe': SYSTEM,
  'smss.exe': SYSTEM32_ONLY,
  'spoolsv.exe': SYSTEM,
  'sppsvc.exe': SYSTEM,
  'svchost.exe': SYSTEM,
  'systeminfo.exe': SYSTEM,
  'takeown.exe': SYSTEM,
  'tar.exe': SYSTEM,
  'taskeng.exe': SYSTEM,
  'taskhost.exe': SYSTEM,
  'taskhostw.exe': SYSTEM,
  'tasklist.exe': SYSTEM,
  'taskmgr.exe': SYSTEM,
  // The servicing stack runs from its component-store folder, named for the version.
  'tiworker.exe': ['windows\\winsxs\\*'],
  'trustedinstaller.exe': ['windows\\servicing'],
  'usocoreworker.exe': SYSTEM,
  'userinit.exe': SYSTEM,
  'vssadmin.exe': SYSTEM,
  'werfault.exe': SYSTEM,
  'wermgr.exe': SYSTEM,
  'wevtutil.exe': SYSTEM,
  'whoami.exe': SYSTEM,
  'wininit.exe': SYSTEM32_ONLY,
  'winlogon.exe': SYSTEM32_ONLY,
  'wmiapsrv.exe': WBEM,
  'wmic.exe': WBEM,
  'wmiprvse.exe': WBEM,
  'wscript.exe': SYSTEM,
  'wuauclt.exe': SYSTEM,
};

/** Names of the binaries that ship with Windows. A name alone proves nothing: see `isStockWindowsBinary`. */
export const WINDOWS_BINARIES: ReadonlySet<string> = new Set(Object.keys(STOCK_LOCATIONS));

const locationRe = (folder: string): RegExp =>
  new RegExp(`^[a-z]:\\\\${folder.replace(/\\/g, '\\\\').replace(/\./g, '\\.').replace(/\*/g, '[^\\\\]+')}$`);

const STOCK_FOLDERS: ReadonlyMap<string, readonly RegExp[]> = new Map(
  Object.entries(STOCK_LOCATIONS).map(([name, folders]) => [name, folders.map(locationRe)]),
);

/**
 * The stock Windows binary at its own path: `C:\Windows\System32\svchost.exe` is, `C:\Windows\Tasks\svchost.exe`
 * and `C:\Users\Public\svchost.exe` are not (same name, wrong folder), nor is a path whose folder is an 8.3 name we
 * cannot resolve.
 */
export function isStockWindowsBinary(path: string): boolean {
  const { path: p, unresolvedShortNames } = resolvePath(path);
  const cut = p.lastIndexOf('\\');
  if (cut < 0) return false;
  const folder = p.slice(0, cut);
  const folders = STOCK_FOLDERS.get(p.slice(cut + 1));
  if (folders === undefined || unresolvedShortNames.some((s) => folder.split('\\').includes(s))) return false;
  return folders.some((re) => re.test(folder));
}

/** Where Microsoft really keeps its security binaries outside the Windows directory (Defender, its EDR). */
const MICROSOFT_SECURITY =
  /^[a-z]:\\(programdata\\microsoft\\windows defender( advanced threat protection)?\\platform\\|program files( \(x86\))?\\windows defender( advanced threat protection)?\\)/;

/** Microsoft's own security components, which legitimately read LSASS and run from their platform folder. */
export function isMicrosoftSecurityPath(path: string): boolean {
  return MICROSOFT_SECURITY.test(normalizePath(path));
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
 * Part of the installed system: a stock Windows binary at its own path, anything under Program Files, or
 * Defender's platform folder. Such a path is not itself an indicator; what it was asked to do may be.
 */
export function isInstalledBinary(path: string): boolean {
  return isStockWindowsBinary(path) || isProgramFiles(path) || isMicrosoftSecurityPath(path);
}

/** PowerShell: Windows PowerShell, its ISE, and PowerShell 7 (`pwsh`). */
export const POWERSHELL: ReadonlySet<string> = new Set(['powershell.exe', 'powershell_ise.exe', 'pwsh.exe']);

/** Windows Script Host and the HTML Application host: they run VBScript and JScript files. */
export const SCRIPT_HOSTS: ReadonlySet<string> = new Set(['cscript.exe', 'mshta.exe', 'wscript.exe']);

/**
 * Shells and script hosts, with the two DLL runners: what a malicious document or an interactive attacker starts
 * first.
 */
export const SHELLS: ReadonlySet<string> = new Set([
  'cmd.exe',
  ...POWERSHELL,
  ...SCRIPT_HOSTS,
  'regsvr32.exe',
  'rundll32.exe',
]);

/**
 * Living-off-the-land binaries that proxy execution: a signed Windows tool that loads a DLL, script or download it
 * is handed (file names without `.exe`, as they are typed on command lines).
 */
export const PROXY_EXECUTION_LOLBINS = [
  'rundll32',
  'regsvr32',
  'mshta',
  'msiexec',
  'installutil',
  'regasm',
  'regsvcs',
  'cmstp',
  'odbcconf',
  'mavinject',
  'wmic',
  'certutil',
  'bitsadmin',
] as const;

/**
 * Windows binaries that run other code on request: the shells, script hosts and proxy-execution LOLBins above, and
 * the tools that register code to run later (`schtasks`, `sc`, `reg`, `at`). Being signed by Microsoft says nothing
 * about what they were asked to run.
 */
export const LOLBINS: ReadonlySet<string> = new Set([
  ...SHELLS,
  ...PROXY_EXECUTION_LOLBINS.map((name) => `${name}.exe`),
  'at.exe',
  'forfiles.exe',
  'msbuild.exe',
  'reg.exe',
  'regedit.exe',
  'sc.exe',
  'schtasks.exe',
]);

/** A stock binary that does not run code on request: its own actions are what the OS or installed software does. */
export function isTrustedImage(path: string): boolean {
  return isInstalledBinary(path) && !LOLBINS.has(baseKey(path));
}

/** Microsoft Office applications (Outlook included): what opens a malicious document. */
export const OFFICE_APPS: ReadonlySet<string> = new Set([
  'excel.exe',
  'msaccess.exe',
  'mspub.exe',
  'onenote.exe',
  'outlook.exe',
  'powerpnt.exe',
  'visio.exe',
  'winword.exe',
]);

/** Mail clients: classic and new Outlook, Mail for Windows, Thunderbird. */
export const MAIL_CLIENTS: ReadonlySet<string> = new Set([
  'hxoutlook.exe',
  'olk.exe',
  'outlook.exe',
  'thunderbird.exe',
]);

/** Web browsers, and the Edge WebView2 runtime that embeds one in other applications. */
export const BROWSERS: ReadonlySet<string> = new Set([
  'brave.exe',
  'chrome.exe',
  'firefox.exe',
  'iexplore.exe',
  'msedge.exe',
  'msedgewebview2.exe',
  'opera.exe',
  'vivaldi.exe',
]);

/** Kernel pseudo-processes: they have a name but no image file. */
const PSEUDO_PROCESSES: ReadonlySet<string> = new Set(['registry', 'system']);

/**
 * Windows processes every user or service program descends from, or that never start one: session and service
 * managers, service and task hosts, the desktop shell. They explain nothing about an attack, so process trees,
 * root causes and correlation look past them.
 */
export const SYSTEM_ANCESTORS: ReadonlySet<string> = new Set([
  ...PSEUDO_PROCESSES,
  'csrss.exe',
  'dwm.exe',
  'explorer.exe',
  'fontdrvhost.exe',
  'lsass.exe',
  'runtimebroker.exe',
  'services.exe',
  'sihost.exe',
  'smss.exe',
  'svchost.exe',
  'taskeng.exe',
  'taskhostw.exe',
  'userinit.exe',
  'wininit.exe',
  'winlogon.exe',
]);

/**
 * One of the system ancestors, at its stock path. A bare name (sources that report no folder) is taken at its
 * word; `C:\Users\Public\svchost.exe` is not svchost and is followed like any other program.
 */
export function isSystemAncestor(image: string): boolean {
  const name = baseKey(image);
  if (!SYSTEM_ANCESTORS.has(name)) return false;
  return PSEUDO_PROCESSES.has(name) || !hasFolder(image) || isStockWindowsBinary(image);
}

/** Windows processes that only ever run from their own folder in the Windows directory: elsewhere, an impostor. */
export const CORE_PROCESSES: ReadonlySet<string> = new Set([
  'conhost.exe',
  'csrss.exe',
  'dllhost.exe',
  'explorer.exe',
  'lsass.exe',
  'lsm.exe',
  'rundll32.exe',
  'services.exe',
  'smss.exe',
  'spoolsv.exe',
  'svchost.exe',
  'taskhostw.exe',
  'wininit.exe',
  'winlogon.exe',
]);

/** Executable file extensions (binaries, not scripts): what "an executable or DLL" means. */
export const BINARY_EXTENSIONS: ReadonlySet<string> = new Set([
  'com',
  'cpl',
  'dll',
  'drv',
  'exe',
  'ocx',
  'pif',
  'scr',
  'sys',
]);
