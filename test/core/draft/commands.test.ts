import { parseCommand, parseRundll32, switchValue } from '../../../lambdas/core/draft/commands';
import { isUserWritable } from '../../../lambdas/core/windows';

describe('command parsing', () => {
  it.each([
    [
      'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow',
      'C:\\ProgramData\\Microsoft\\Drivers\\security.dll',
      'UpdateNow',
    ],
    [
      'C:\\Windows\\system32\\rundll32.exe C:\\Windows\\System32\\lanman.dll, Register',
      'C:\\Windows\\System32\\lanman.dll',
      'Register',
    ],
    ['"C:\\Windows\\System32\\rundll32.exe" "C:\\Users\\a b\\x.dll",#1 arg', 'C:\\Users\\a b\\x.dll', '#1'],
    ['rundll32 shell32.dll,Control_RunDLL', 'shell32.dll', 'Control_RunDLL'],
  ])('reads the DLL and export of %s', (cmd, dll, entry) => {
    expect(parseRundll32(cmd)).toMatchObject({ dll, entry });
  });

  it('returns undefined for a command that is not rundll32', () => {
    expect(parseRundll32('C:\\Windows\\System32\\cmd.exe /c x.dll,Run')).toBeUndefined();
  });

  it('splits quoted and unquoted program paths from their arguments', () => {
    expect(parseCommand('"C:\\Program Files\\a.exe" -x')).toEqual({ program: 'C:\\Program Files\\a.exe', args: '-x' });
    expect(parseCommand('C:\\Windows\\System32\\svc.exe -k netsvcs')).toEqual({
      program: 'C:\\Windows\\System32\\svc.exe',
      args: '-k netsvcs',
    });
  });

  it('reads schtasks switches, quoted or not', () => {
    const cmd = 'schtasks /create /tn "Updater Task" /tr C:\\x.exe /sc onlogon';
    expect(switchValue(cmd, 'tn')).toBe('Updater Task');
    expect(switchValue(cmd, 'tr')).toBe('C:\\x.exe');
    expect(switchValue(cmd, 'ru')).toBeUndefined();
  });

  it('knows user-writable places from system ones', () => {
    expect(isUserWritable('C:\\Users\\jwilliams\\Downloads\\scanner.exe')).toBe(true);
    expect(isUserWritable('C:\\ProgramData\\Microsoft\\Drivers\\security.dll')).toBe(true);
    expect(isUserWritable('C:\\Windows\\System32\\rundll32.exe')).toBe(false);
  });
});
