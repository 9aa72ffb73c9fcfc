import {
  WRITABLE_WINDOWS_FOLDERS,
  folderClass,
  isInstalledLocation,
  isProgramFiles,
  isSystemFolder,
  isUserWritable,
  isWindowsFolder,
} from '../../../lambdas/core/windows';

describe('folderClass', () => {
  it.each([
    ['C:\\Windows\\System32\\svchost.exe', 'windows'],
    ['C:\\Windows\\explorer.exe', 'windows'],
    ['D:\\Windows\\SysWOW64\\x.dll', 'windows'],
    ['C:\\Windows\\Tasks\\svchost.exe', 'windows-writable'],
    ['C:\\Windows\\Temp\\svc.dll', 'windows-writable'],
    ['C:\\Windows\\tracing\\x.exe', 'windows-writable'],
    ['C:\\Windows\\debug\\x.exe', 'windows-writable'],
    ['C:\\Windows\\System32\\spool\\drivers\\color\\rundll32.exe', 'windows-writable'],
    ['C:\\Windows\\System32\\Tasks\\Microsoft\\x.exe', 'windows-writable'],
    ['C:\\Windows\\SysWOW64\\Tasks\\x.exe', 'windows-writable'],
    ['C:\\Windows\\System32\\Microsoft\\Crypto\\RSA\\MachineKeys\\x.dll', 'windows-writable'],
    ['C:\\Windows\\Registration\\CRMLog\\x.dll', 'windows-writable'],
    ['C:\\Windows\\System32\\FxsTmp\\x.dll', 'windows-writable'],
    ['C:\\Windows\\System32\\com\\dmp\\x.dll', 'windows-writable'],
    ['C:\\Program Files\\App\\a.exe', 'program-files'],
    ['C:\\Program Files (x86)\\App\\a.exe', 'program-files'],
    ['C:\\Users\\jw\\AppData\\Local\\Temp\\a.exe', 'user-profile'],
    ['C:\\Users\\jw\\Downloads\\a.exe', 'user-profile'],
    ['C:\\Users\\jw\\Desktop\\a.exe', 'user-profile'],
    ['C:\\Users\\Public\\evil.dll', 'public'],
    ['C:\\ProgramData\\Microsoft\\Drivers\\security.dll', 'programdata'],
    ['C:\\Temp\\x.exe', 'writable-root'],
    ['C:\\PerfLogs\\x.exe', 'writable-root'],
    ['C:\\$Recycle.Bin\\S-1-5-21-1\\x.exe', 'writable-root'],
    ['C:\\Tools\\x.exe', 'other'],
    ['\\\\fs01\\share\\x.exe', 'other'],
    ['x.exe', 'other'],
    ['C:\\Windows \\System32\\x.exe', 'other'],
  ])('%s is %s', (path, expected) => {
    expect(folderClass(path)).toBe(expected);
  });

  it('classifies every writable folder under C:\\Windows as writable, whatever its spelling', () => {
    for (const folder of WRITABLE_WINDOWS_FOLDERS) {
      expect(folderClass(`C:\\Windows\\${folder}\\payload.dll`)).toBe('windows-writable');
      expect(folderClass(`%SystemRoot%\\${folder.toUpperCase()}\\payload.dll`)).toBe('windows-writable');
    }
  });

  it('judges the resolved folder, not the spelling', () => {
    expect(folderClass('C:\\Windows\\System32\\..\\..\\Users\\Public\\evil.dll')).toBe('public');
    expect(folderClass('C:\\Windows\\System32\\..\\Tasks\\x.exe')).toBe('windows-writable');
    expect(folderClass('\\\\?\\C:\\Windows\\System32\\x.dll')).toBe('windows');
    expect(folderClass('C:\\PROGRA~3\\x.dll')).toBe('programdata');
    expect(folderClass('%TEMP%\\x.exe')).toBe('user-profile');
  });

  it('does not trust a system folder named by an unknown 8.3 name', () => {
    // REGIST~1 may well be Registration, whose CRMLog folder is writable.
    expect(folderClass('C:\\Windows\\REGIST~1\\CRMLog\\x.dll')).toBe('unresolved');
    expect(folderClass('C:\\PROGRA~1\\WINDOW~1\\x.exe')).toBe('unresolved');
    expect(folderClass('C:\\Windows\\System32\\POWERS~1.EXE')).toBe('windows');
  });
});

describe('folder predicates', () => {
  it('isWindowsFolder and isSystemFolder leave out the writable folders', () => {
    expect(isWindowsFolder('C:\\Windows\\explorer.exe')).toBe(true);
    expect(isSystemFolder('C:\\Windows\\explorer.exe')).toBe(false);
    expect(isSystemFolder('C:\\Windows\\SysWOW64\\x.dll')).toBe(true);
    expect(isSystemFolder('C:\\Windows\\System32\\spool\\drivers\\color\\x.dll')).toBe(false);
    expect(isWindowsFolder('C:\\Windows\\Temp\\x.dll')).toBe(false);
  });

  it('isInstalledLocation is the Windows directory or Program Files, nothing writable', () => {
    expect(isInstalledLocation('C:\\Windows\\System32\\rundll32.exe')).toBe(true);
    expect(isInstalledLocation('C:\\Program Files\\App\\a.exe')).toBe(true);
    expect(isProgramFiles('C:\\PROGRA~2\\App\\a.exe')).toBe(true);
    expect(isInstalledLocation('C:\\Windows\\Tasks\\svchost.exe')).toBe(false);
    expect(isInstalledLocation('C:\\Windows\\System32\\..\\..\\Users\\Public\\evil.dll')).toBe(false);
  });

  it('isUserWritable covers profiles, Public, ProgramData, writable roots and writable Windows folders', () => {
    for (const p of [
      'C:\\Users\\jwilliams\\Downloads\\scanner.exe',
      'C:\\ProgramData\\Microsoft\\Drivers\\security.dll',
      'C:\\Users\\Public\\evil.dll',
      'C:\\Windows\\Tasks\\svchost.exe',
      'C:\\Windows\\System32\\spool\\drivers\\color\\rundll32.exe',
      'C:\\PerfLogs\\x.exe',
      '%APPDATA%\\x.dll',
    ]) {
      expect(isUserWritable(p)).toBe(true);
    }
    for (const p of ['C:\\Windows\\System32\\rundll32.exe', 'C:\\Program Files\\App\\a.exe', 'C:\\Tools\\x.exe']) {
      expect(isUserWritable(p)).toBe(false);
    }
  });
});
