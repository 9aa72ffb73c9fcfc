import { normalizePath } from '../windows';

/**
 * Autostart locations (ATT&CK T1547, T1037, T1543, T1053): where a program makes itself run again at logon or boot.
 * Matched on the tail of the path, so every hive spelling works (`HKLM\`, `HKU\S-1-5-21-…\`, `\REGISTRY\MACHINE\`,
 * `HKLM:\` in PowerShell). Each location carries the ATT&CK technique that writing it is.
 */
const AUTOSTART_REGISTRY: readonly { re: RegExp; technique: string }[] = [
  {
    re: /\\software\\(?:wow6432node\\)?microsoft\\windows\\currentversion\\(?:run|runonce|runonceex|runservices|runservicesonce)(?:\\|$)/,
    technique: 'T1547.001',
  },
  {
    re: /\\software\\(?:wow6432node\\)?microsoft\\windows\\currentversion\\policies\\explorer\\run(?:\\|$)/,
    technique: 'T1547.001',
  },
  {
    re: /\\software\\(?:wow6432node\\)?microsoft\\windows nt\\currentversion\\winlogon\\(?:userinit|shell|notify|taskman|appsetup)(?:\\|$)/,
    technique: 'T1547.004',
  },
  { re: /\\environment\\userinitmprlogonscript$/, technique: 'T1037.001' },
  {
    re: /\\system\\(?:currentcontrolset|controlset\d{3})\\services\\[^\\]+\\(?:imagepath|servicedll|failurecommand|parameters\\servicedll)$/,
    technique: 'T1543.003',
  },
  {
    re: /\\software\\microsoft\\windows nt\\currentversion\\schedule\\taskcache\\(?:tree|tasks)\\/,
    technique: 'T1053.005',
  },
];

/** The ATT&CK technique of the autostart location a registry path (key, or key\value) writes, or undefined. */
export function autostartRegistryTechnique(path: string): string | undefined {
  const p = path.toLowerCase().replace(/\//g, '\\');
  return AUTOSTART_REGISTRY.find(({ re }) => re.test(p))?.technique;
}

/** A registry path (key, or key\value) that starts something at logon or boot. */
export function isAutostartRegistryPath(path: string): boolean {
  return autostartRegistryTechnique(path) !== undefined;
}

/** The technique of a file whose mere presence starts something: a Startup folder item, or a task file. */
export function autostartFileTechnique(path: string): string | undefined {
  const p = normalizePath(path);
  if (/\\start menu\\programs\\startup\\/.test(p)) return 'T1547.001';
  if (/^[a-z]:\\windows\\(?:system32|syswow64)\\tasks\\/.test(p)) return 'T1053.005';
  return undefined;
}

/** Files whose mere presence starts something: Startup folders and the Task Scheduler's task store. */
export function isAutostartFile(path: string): boolean {
  return autostartFileTechnique(path) !== undefined;
}

/**
 * Command lines that write an autostart location: `reg add …\Run`, `New-ItemProperty -Path HKLM:\…\Run`,
 * `schtasks /create`, `sc create`, each with its technique.
 */
const AUTOSTART_COMMANDS: readonly { re: RegExp; technique: string }[] = [
  {
    re: /\b(?:add|import|new-itemproperty|set-itemproperty|new-item|setvalue|setstringvalue|regwrite)\b[^\r\n]{0,400}\\(?:wow6432node\\)?microsoft\\windows\\currentversion\\(?:run|runonce|runonceex|policies\\explorer\\run)(?![\w])/i,
    technique: 'T1547.001',
  },
  {
    re: /\\(?:wow6432node\\)?microsoft\\windows\\currentversion\\(?:run|runonce|runonceex|policies\\explorer\\run)(?![\w])[^\r\n]{0,400}\b(?:add|new-itemproperty|set-itemproperty|setvalue|setstringvalue|regwrite)\b/i,
    technique: 'T1547.001',
  },
  {
    re: /\b(?:add|new-itemproperty|set-itemproperty)\b[^\r\n]{0,400}\\winlogon\b[^\r\n]{0,200}\b(?:userinit|shell)\b/i,
    technique: 'T1547.004',
  },
  {
    re: /\b(?:add|new-itemproperty|set-itemproperty|setenvironmentvariable)\b[^\r\n]{0,400}userinitmprlogonscript/i,
    technique: 'T1037.001',
  },
  { re: /\bschtasks(?:\.exe)?["']?\s+(?:[^\r\n]{0,200}\s)?\/create\b/i, technique: 'T1053.005' },
  { re: /\bsc(?:\.exe)?["']?\s+(?:\\\\\S+\s+)?(?:create|config)\s/i, technique: 'T1543.003' },
  { re: /\bregister-scheduledtask\b/i, technique: 'T1053.005' },
  { re: /\bnew-service\b/i, technique: 'T1543.003' },
];

/** The autostart write a command line performs, as written, with its technique; or undefined. */
export function autostartCommandMatch(commandLine: string): { text: string; technique: string } | undefined {
  for (const { re, technique } of AUTOSTART_COMMANDS) {
    const m = re.exec(commandLine);
    if (m !== null) return { text: m[0], technique };
  }
  return undefined;
}

/** The autostart write a command line performs, as written, or undefined. */
export function autostartCommand(commandLine: string): string | undefined {
  return autostartCommandMatch(commandLine)?.text;
}
