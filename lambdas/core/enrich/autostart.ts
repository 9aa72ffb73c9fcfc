import { normalizePath } from '../windows';

/**
 * Autostart locations (ATT&CK T1547, T1037, T1543, T1053): where a program makes itself run again at logon or boot.
 * Matched on the tail of the path, so every hive spelling works (`HKLM\`, `HKU\S-1-5-21-…\`, `\REGISTRY\MACHINE\`,
 * `HKLM:\` in PowerShell).
 */
const AUTOSTART_REGISTRY: readonly RegExp[] = [
  /\\software\\(?:wow6432node\\)?microsoft\\windows\\currentversion\\(?:run|runonce|runonceex|runservices|runservicesonce)(?:\\|$)/,
  /\\software\\(?:wow6432node\\)?microsoft\\windows\\currentversion\\policies\\explorer\\run(?:\\|$)/,
  /\\software\\(?:wow6432node\\)?microsoft\\windows nt\\currentversion\\winlogon\\(?:userinit|shell|notify|taskman|appsetup)(?:\\|$)/,
  /\\environment\\userinitmprlogonscript$/,
  /\\system\\(?:currentcontrolset|controlset\d{3})\\services\\[^\\]+\\(?:imagepath|servicedll|failurecommand|parameters\\servicedll)$/,
  /\\software\\microsoft\\windows nt\\currentversion\\schedule\\taskcache\\(?:tree|tasks)\\/,
];

/** A registry path (key, or key\value) that starts something at logon or boot. */
export function isAutostartRegistryPath(path: string): boolean {
  const p = path.toLowerCase().replace(/\//g, '\\');
  return AUTOSTART_REGISTRY.some((re) => re.test(p));
}

/** Files whose mere presence starts something: Startup folders and the Task Scheduler's task store. */
export function isAutostartFile(path: string): boolean {
  const p = normalizePath(path);
  return /\\start menu\\programs\\startup\\/.test(p) || /^[a-z]:\\windows\\(?:system32|syswow64)\\tasks\\/.test(p);
}

/** Command lines that write an autostart location: `reg add …\Run`, `New-ItemProperty -Path HKLM:\…\Run`, `schtasks /create`, `sc create`. */
const AUTOSTART_COMMANDS: readonly RegExp[] = [
  /\b(?:add|import|new-itemproperty|set-itemproperty|new-item|setvalue|setstringvalue|regwrite)\b[^\r\n]{0,400}\\(?:wow6432node\\)?microsoft\\windows\\currentversion\\(?:run|runonce|runonceex|policies\\explorer\\run)(?![\w])/i,
  /\\(?:wow6432node\\)?microsoft\\windows\\currentversion\\(?:run|runonce|runonceex|policies\\explorer\\run)(?![\w])[^\r\n]{0,400}\b(?:add|new-itemproperty|set-itemproperty|setvalue|setstringvalue|regwrite)\b/i,
  /\b(?:add|new-itemproperty|set-itemproperty)\b[^\r\n]{0,400}\\winlogon\b[^\r\n]{0,200}\b(?:userinit|shell)\b/i,
  /\b(?:add|new-itemproperty|set-itemproperty|setenvironmentvariable)\b[^\r\n]{0,400}userinitmprlogonscript/i,
  /\bschtasks(?:\.exe)?["']?\s+(?:[^\r\n]{0,200}\s)?\/create\b/i,
  /\bsc(?:\.exe)?["']?\s+(?:\\\\\S+\s+)?(?:create|config)\s/i,
  /\b(?:register-scheduledtask|new-service)\b/i,
];

/** The autostart write a command line performs, as written, or undefined. */
export function autostartCommand(commandLine: string): string | undefined {
  for (const re of AUTOSTART_COMMANDS) {
    const m = re.exec(commandLine);
    if (m !== null) return m[0];
  }
  return undefined;
}
