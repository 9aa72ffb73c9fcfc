import { baseKey, forScan } from '../windows';

/**
 * Reading the commands that persistence mechanisms start: the program, and for rundll32 the DLL and its export.
 * Parsing only; nothing here is executed or resolved.
 */

export interface ParsedCommand {
  /** Program path as written (quotes removed). */
  program: string;
  args: string;
}

/** Split `"C:\a b\x.exe" args` or `C:\Windows\System32\rundll32.exe args` into program and arguments. */
export function parseCommand(command: string): ParsedCommand | undefined {
  // Alert text: read within the scan window, whatever its length.
  const s = forScan(command).trim();
  const quoted = /^"([^"]+)"\s*(.*)$/s.exec(s);
  if (quoted) return { program: quoted[1], args: quoted[2].trim() };
  const exe = /^(.+?\.(?:exe|com|bat|cmd|scr|pif))(?=\s|$)\s*(.*)$/is.exec(s);
  if (exe) return { program: exe[1], args: exe[2].trim() };
  const first = /^(\S+)\s*(.*)$/s.exec(s);
  return first ? { program: first[1], args: first[2].trim() } : undefined;
}

export interface Rundll32Call {
  dll: string;
  /** Export name or `#ordinal`. */
  entry: string;
  /** Anything after the export (its arguments). */
  rest?: string;
}

/**
 * The DLL and export of `rundll32.exe <dll>,<export> [args]`. Tolerates a space after the comma (`lanman.dll,
 * Register`, as in the CISA procsrv report) and a quoted DLL path.
 */
export function parseRundll32(command: string): Rundll32Call | undefined {
  const cmd = parseCommand(command);
  if (cmd === undefined || baseKey(cmd.program).replace(/\.exe$/, '') !== 'rundll32') return undefined;
  const m = /^"?([^",]+?)"?\s*,\s*([^\s,]+)(?:\s+(.+))?$/s.exec(cmd.args);
  if (!m) return undefined;
  return { dll: m[1].trim(), entry: m[2], rest: m[3]?.trim() || undefined };
}

/**
 * Value of a `/flag value` or `/flag "value"` switch (schtasks, sc), case-insensitive. Inside the quotes `\"` is an
 * escaped quote, as schtasks reads it (`/TR "powershell -c \"IEX …\""`): the value runs to the unescaped closing
 * quote and comes back with `\"` as `"`, so a task action is never cut at its first inner quote.
 */
export function switchValue(command: string, flag: string): string | undefined {
  const re = new RegExp(`(?:^|\\s)[/-]${flag}\\s+(?:"((?:\\\\"|[^"])*)"|(\\S+))`, 'i');
  const m = re.exec(forScan(command));
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\"/g, '"') : m[2];
}

/** Longest name put into a suggested command: longer ones are shown, not pasted. */
const MAX_COMMAND_NAME = 256;

/**
 * Whether a name (a service's, a scheduled task's) may appear in a suggested command, inside double quotes, for an
 * analyst to paste into cmd.exe or PowerShell. The name is the intruder's: `x" & net user backdoor P@ss /add & "`
 * would run when pasted. Letters, digits, spaces and `_ . - \ { } ( ) [ ] # @ + = , :` are inert inside double
 * quotes in both shells; anything else (quotes of any kind, `& | < > ^ % ! $` and the backtick, controls and
 * invisible characters) means no command at all: the name is shown apart, and removed by hand.
 */
export function isCommandSafeName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_COMMAND_NAME && /^[\p{L}\p{N} _.\-\\{}()[\]#@+=,:]+$/u.test(name);
}
