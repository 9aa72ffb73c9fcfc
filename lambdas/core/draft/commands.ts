import { baseKey } from '../windows';

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
  const s = command.trim();
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

/** Value of a `/flag value` or `/flag "value"` switch (schtasks, sc), case-insensitive. */
export function switchValue(command: string, flag: string): string | undefined {
  const re = new RegExp(`(?:^|\\s)[/-]${flag}\\s+(?:"([^"]*)"|(\\S+))`, 'i');
  const m = re.exec(command);
  return m ? (m[1] ?? m[2]) : undefined;
}
