import {
  BROWSERS,
  CORE_PROCESSES,
  LOLBINS,
  MAIL_CLIENTS,
  OFFICE_APPS,
  POWERSHELL,
  PROXY_EXECUTION_LOLBINS,
  SCRIPT_HOSTS,
  SHELLS,
  SYSTEM_ANCESTORS,
  WINDOWS_BINARIES,
  isInstalledBinary,
  isStockWindowsBinary,
  isSystemAncestor,
  isTrustedImage,
} from '../../../lambdas/core/windows';

describe('isStockWindowsBinary', () => {
  it.each([
    'C:\\Windows\\System32\\svchost.exe',
    'C:\\Windows\\SysWOW64\\svchost.exe',
    '\\??\\C:\\WINDOWS\\system32\\svchost.exe',
    '\\SystemRoot\\System32\\smss.exe',
    '%SystemRoot%\\System32\\lsass.exe',
    'C:\\Windows\\explorer.exe',
    'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
    'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\MSBuild.exe',
    'C:\\Windows\\Sysnative\\cmd.exe',
  ])('accepts %s at its own path', (path) => {
    expect(isStockWindowsBinary(path)).toBe(true);
  });

  it.each([
    ['a stock name in a writable Windows folder', 'C:\\Windows\\Tasks\\svchost.exe'],
    ['a stock name in spool\\drivers\\color', 'C:\\Windows\\System32\\spool\\drivers\\color\\rundll32.exe'],
    ['a stock name in Windows\\Temp', 'C:\\Windows\\Temp\\lsass.exe'],
    ['a stock name in the wrong Windows folder', 'C:\\Windows\\svchost.exe'],
    ['a 64-bit-only process in SysWOW64', 'C:\\Windows\\SysWOW64\\lsass.exe'],
    ['explorer.exe in System32', 'C:\\Windows\\System32\\explorer.exe'],
    ['powershell.exe outside its folder', 'C:\\Windows\\System32\\powershell.exe'],
    ['a stock name under a user profile', 'C:\\Users\\Public\\svchost.exe'],
    ['a traversal that leaves System32', 'C:\\Windows\\System32\\..\\..\\Users\\Public\\svchost.exe'],
    ['a mock "Windows " folder', 'C:\\Windows \\System32\\svchost.exe'],
    ['a bare name', 'svchost.exe'],
    ['a name Windows does not ship', 'C:\\Windows\\System32\\procsrv.exe'],
  ])('rejects %s', (_what, path) => {
    expect(isStockWindowsBinary(path)).toBe(false);
  });
});

describe('isInstalledBinary and isTrustedImage', () => {
  it('counts stock binaries, Program Files and Defender as installed', () => {
    expect(isInstalledBinary('C:\\Windows\\System32\\svchost.exe')).toBe(true);
    expect(isInstalledBinary('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe')).toBe(true);
    expect(
      isInstalledBinary('C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24010.12-0\\MsMpEng.exe'),
    ).toBe(true);
    expect(isInstalledBinary('C:\\Windows\\Tasks\\svchost.exe')).toBe(false);
  });

  it('does not trust a LOLBin even at its stock path', () => {
    expect(isTrustedImage('C:\\Windows\\System32\\svchost.exe')).toBe(true);
    expect(isTrustedImage('C:\\Windows\\System32\\rundll32.exe')).toBe(false);
    expect(isTrustedImage('C:\\Windows\\System32\\spool\\drivers\\color\\svchost.exe')).toBe(false);
  });
});

describe('isSystemAncestor', () => {
  it('accepts the system processes at their stock paths, bare names and the kernel pseudo-processes', () => {
    expect(isSystemAncestor('C:\\Windows\\explorer.exe')).toBe(true);
    expect(isSystemAncestor('C:\\Windows\\System32\\svchost.exe')).toBe(true);
    expect(isSystemAncestor('svchost.exe')).toBe(true);
    expect(isSystemAncestor('System')).toBe(true);
    expect(isSystemAncestor('Registry')).toBe(true);
  });

  it('follows an impostor like any other program', () => {
    expect(isSystemAncestor('C:\\Users\\Public\\svchost.exe')).toBe(false);
    expect(isSystemAncestor('C:\\Windows\\Tasks\\svchost.exe')).toBe(false);
    expect(isSystemAncestor('C:\\Windows\\System32\\rundll32.exe')).toBe(false);
  });
});

describe('the lists', () => {
  it('have one LOLBin list that holds every shell and proxy-execution binary', () => {
    for (const s of SHELLS) expect(LOLBINS).toContain(s);
    for (const p of PROXY_EXECUTION_LOLBINS) expect(LOLBINS).toContain(`${p}.exe`);
    for (const p of [...POWERSHELL, ...SCRIPT_HOSTS]) expect(SHELLS).toContain(p);
    expect(LOLBINS.size).toBe(26);
    expect(PROXY_EXECUTION_LOLBINS).toHaveLength(13);
  });

  it('know where every system ancestor and core process ships', () => {
    for (const name of [...SYSTEM_ANCESTORS, ...CORE_PROCESSES]) {
      if (name === 'system' || name === 'registry') continue;
      expect(WINDOWS_BINARIES).toContain(name);
    }
    expect(SYSTEM_ANCESTORS.size).toBe(17);
  });

  it('keep names lower case, with their extension', () => {
    const all = [
      ...WINDOWS_BINARIES,
      ...LOLBINS,
      ...SHELLS,
      ...OFFICE_APPS,
      ...MAIL_CLIENTS,
      ...BROWSERS,
      ...SYSTEM_ANCESTORS,
      ...CORE_PROCESSES,
    ];
    for (const name of all) expect(name).toMatch(/^(?:[a-z0-9_]+\.exe|system|registry)$/);
  });

  it('count Outlook as both an Office application and a mail client', () => {
    expect(OFFICE_APPS).toContain('outlook.exe');
    expect(MAIL_CLIENTS).toContain('outlook.exe');
    expect(BROWSERS).toContain('msedgewebview2.exe');
  });
});
