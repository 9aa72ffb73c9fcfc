import {
  baseKey,
  baseName,
  displayPath,
  extensionOf,
  folderKey,
  hasFolder,
  normalizePath,
  resolvePath,
  samePath,
} from '../../../lambdas/core/windows';

describe('normalizePath', () => {
  it.each([
    ['resolves .. segments', 'C:\\Windows\\System32\\..\\..\\Users\\Public\\evil.dll', 'c:\\users\\public\\evil.dll'],
    ['never climbs above the drive', 'C:\\Windows\\..\\..\\..\\x.dll', 'c:\\x.dll'],
    ['drops . and empty components', 'C:\\Windows\\.\\System32\\\\svchost.exe', 'c:\\windows\\system32\\svchost.exe'],
    ['strips the \\\\?\\ prefix', '\\\\?\\C:\\Windows\\System32\\svchost.exe', 'c:\\windows\\system32\\svchost.exe'],
    ['strips the \\\\.\\ prefix', '\\\\.\\C:\\Windows\\System32\\svchost.exe', 'c:\\windows\\system32\\svchost.exe'],
    ['strips the \\??\\ prefix', '\\??\\C:\\Windows\\system32\\conhost.exe', 'c:\\windows\\system32\\conhost.exe'],
    ['turns \\\\?\\UNC\\ into a UNC path', '\\\\?\\UNC\\fs01\\share\\x.exe', '\\\\fs01\\share\\x.exe'],
    ['keeps .. inside a UNC share', '\\\\fs01\\share\\..\\..\\x.exe', '\\\\fs01\\share\\x.exe'],
    ['expands \\SystemRoot\\', '\\SystemRoot\\System32\\smss.exe', 'c:\\windows\\system32\\smss.exe'],
    [
      'maps \\Device\\HarddiskVolumeN\\ to the system drive',
      '\\Device\\HarddiskVolume3\\Windows\\System32\\svchost.exe',
      'c:\\windows\\system32\\svchost.exe',
    ],
    [
      'strips \\\\?\\GLOBALROOT before a device path',
      '\\\\?\\GLOBALROOT\\Device\\HarddiskVolume2\\Users\\Public\\x.dll',
      'c:\\users\\public\\x.dll',
    ],
    ['turns forward slashes into backslashes', 'C:/Windows/System32/svchost.exe', 'c:\\windows\\system32\\svchost.exe'],
    ['folds case', 'C:\\WINDOWS\\SYSTEM32\\SVCHOST.EXE', 'c:\\windows\\system32\\svchost.exe'],
    ['removes quotes, typographic ones too', '\u201c"C:\\Users\\Public\\x.dll"\u201d', 'c:\\users\\public\\x.dll'],
    ['maps Sysnative to System32', 'C:\\Windows\\Sysnative\\cmd.exe', 'c:\\windows\\system32\\cmd.exe'],
    ['keeps a trailing space in a folder name', 'C:\\Windows \\System32\\x.exe', 'c:\\windows \\system32\\x.exe'],
    ['keeps a relative path relative', '..\\x.dll', '..\\x.dll'],
  ])('%s', (_what, input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });

  it.each([
    ['%SystemRoot%\\System32\\x.dll', 'c:\\windows\\system32\\x.dll'],
    ['%windir%\\Tasks\\x.exe', 'c:\\windows\\tasks\\x.exe'],
    ['%SystemDrive%\\PerfLogs\\x.exe', 'c:\\perflogs\\x.exe'],
    ['%ProgramFiles%\\App\\a.exe', 'c:\\program files\\app\\a.exe'],
    ['%ProgramFiles(x86)%\\App\\a.exe', 'c:\\program files (x86)\\app\\a.exe'],
    ['%CommonProgramFiles%\\x.dll', 'c:\\program files\\common files\\x.dll'],
    ['%ProgramData%\\x.dll', 'c:\\programdata\\x.dll'],
    ['%ALLUSERSPROFILE%\\x.dll', 'c:\\programdata\\x.dll'],
    ['%PUBLIC%\\x.dll', 'c:\\users\\public\\x.dll'],
    ['%USERPROFILE%\\Downloads\\x.exe', 'c:\\users\\%user%\\downloads\\x.exe'],
    ['%HOMEDRIVE%%HOMEPATH%\\x.exe', 'c:\\users\\%user%\\x.exe'],
    ['%LOCALAPPDATA%\\x.exe', 'c:\\users\\%user%\\appdata\\local\\x.exe'],
    ['%APPDATA%\\x.dll', 'c:\\users\\%user%\\appdata\\roaming\\x.dll'],
    ['%TEMP%\\x.exe', 'c:\\users\\%user%\\appdata\\local\\temp\\x.exe'],
    ['%TMP%\\x.exe', 'c:\\users\\%user%\\appdata\\local\\temp\\x.exe'],
    ['%SOMETHING_ELSE%\\x.exe', '%something_else%\\x.exe'],
  ])('expands the environment variable in %s', (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });

  it('applies .. after expanding a variable', () => {
    expect(normalizePath('%SystemRoot%\\System32\\..\\..\\Users\\Public\\evil.dll')).toBe(
      'c:\\users\\public\\evil.dll',
    );
  });

  it.each([
    ['C:\\PROGRA~1\\App\\a.exe', 'c:\\program files\\app\\a.exe'],
    ['C:\\PROGRA~2\\App\\a.exe', 'c:\\program files (x86)\\app\\a.exe'],
    ['C:\\PROGRA~3\\x.dll', 'c:\\programdata\\x.dll'],
    ['C:\\PROGRA~1\\COMMON~1\\x.dll', 'c:\\program files\\common files\\x.dll'],
    ['C:\\DOCUME~1\\bob\\LOCALS~1\\Temp\\x.exe', 'c:\\users\\bob\\appdata\\local\\temp\\x.exe'],
    ['C:\\Documents and Settings\\bob\\Application Data\\x.dll', 'c:\\users\\bob\\appdata\\roaming\\x.dll'],
    ['C:\\Documents and Settings\\All Users\\x.dll', 'c:\\programdata\\x.dll'],
  ])('maps the well-known 8.3 names and legacy folders in %s', (input, expected) => {
    expect(resolvePath(input)).toEqual({ path: expected, unresolvedShortNames: [] });
  });

  it('keeps a short profile name (which user does not change the folder kind) without flagging it', () => {
    expect(resolvePath('C:\\Users\\USERNA~1\\AppData\\Local\\Temp\\x.exe')).toEqual({
      path: 'c:\\users\\userna~1\\appdata\\local\\temp\\x.exe',
      unresolvedShortNames: [],
    });
  });

  it('flags the 8.3 names it cannot map', () => {
    expect(resolvePath('C:\\PROGRA~1\\WINDOW~1\\x.exe')).toEqual({
      path: 'c:\\program files\\window~1\\x.exe',
      unresolvedShortNames: ['window~1'],
    });
    expect(resolvePath('C:\\Windows\\REGIST~1\\CRMLog\\x.dll').unresolvedShortNames).toEqual(['regist~1']);
    expect(resolvePath('C:\\Windows\\System32\\POWERS~1.EXE').unresolvedShortNames).toEqual(['powers~1.exe']);
  });

  it('gives every spelling of one file the same form', () => {
    const spellings = [
      'C:\\Users\\Public\\evil.dll',
      'c:/users/public/EVIL.DLL',
      'C:\\Windows\\System32\\..\\..\\Users\\Public\\evil.dll',
      '\\\\?\\C:\\Users\\Public\\evil.dll',
      '\\??\\C:\\Users\\Public\\evil.dll',
      '%PUBLIC%\\evil.dll',
      '\\Device\\HarddiskVolume4\\Users\\Public\\evil.dll',
      '"%SystemRoot%\\..\\Users\\.\\Public\\evil.dll"',
    ];
    expect(new Set(spellings.map(normalizePath))).toEqual(new Set(['c:\\users\\public\\evil.dll']));
    for (const s of spellings) expect(samePath(s, 'C:\\Users\\Public\\evil.dll')).toBe(true);
    expect(samePath('C:\\Users\\Public\\evil.dll', 'C:\\Users\\Public\\evil2.dll')).toBe(false);
  });
});

describe('displayPath', () => {
  it('resolves .. and prefixes but keeps case and variables as written', () => {
    expect(displayPath('C:\\Windows\\System32\\..\\..\\Users\\Public\\Evil.dll')).toBe('C:\\Users\\Public\\Evil.dll');
    expect(displayPath('"\\\\?\\C:\\Users\\Public\\Evil.dll"')).toBe('C:\\Users\\Public\\Evil.dll');
    expect(displayPath('%APPDATA%\\Microsoft\\..\\x.dll')).toBe('%APPDATA%\\x.dll');
    expect(displayPath('\\SystemRoot\\System32\\smss.exe')).toBe('\\SystemRoot\\System32\\smss.exe');
    expect(displayPath('C:\\ProgramData\\x.dll')).toBe('C:\\ProgramData\\x.dll');
  });
});

describe('base names', () => {
  it('baseName is the last component as written, for either separator', () => {
    expect(baseName('C:\\Windows\\System32\\RunDll32.EXE')).toBe('RunDll32.EXE');
    expect(baseName('/usr/bin/curl')).toBe('curl');
    expect(baseName('svchost.exe')).toBe('svchost.exe');
  });

  it('baseKey is the lower-case name of the normalized path', () => {
    expect(baseKey('"C:\\Windows\\System32\\RunDll32.EXE"')).toBe('rundll32.exe');
    expect(baseKey('\\??\\C:\\Windows\\System32\\Svchost.exe')).toBe('svchost.exe');
    expect(baseKey('C:\\x\\evil.dll\\..\\good.dll')).toBe('good.dll');
  });

  it('folderKey, hasFolder and extensionOf read the normalized path', () => {
    expect(folderKey('C:\\Windows\\System32\\svchost.exe')).toBe('c:\\windows\\system32');
    expect(hasFolder('svchost.exe')).toBe(false);
    expect(hasFolder('C:\\Windows\\svchost.exe')).toBe(true);
    expect(extensionOf('C:\\X\\Payload.DLL')).toBe('dll');
    expect(extensionOf('C:\\X\\README')).toBe('');
  });
});
