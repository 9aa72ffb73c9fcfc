import { lookAlikeDomain, lookAlikeFile, lookAlikeTask, unHomoglyph } from '../../../lambdas/core/enrich/look-alike';
import { oneEditApart } from '../../../lambdas/core/enrich/one-edit';

/** Look-alike names: what imitates Windows, Microsoft or a well-known service, and what merely resembles it. */

describe('files named like Windows programs', () => {
  it.each([
    ['C:\\Users\\Public\\svch0st.exe', 'svchost.exe'],
    ['C:\\ProgramData\\scvhost.exe', 'svchost.exe'],
    ['C:\\Windows\\Tasks\\svchost.exe', 'svchost.exe'],
    ['C:\\Users\\x\\AppData\\Roaming\\rundl132.exe', 'rundll32.exe'],
  ])('flags %s as imitating %s', (path, resembles) => {
    expect(lookAlikeFile(path)?.resembles).toBe(resembles);
  });

  it.each([
    'C:\\Windows\\System32\\svchost.exe',
    'C:\\Windows\\SysWOW64\\rundll32.exe',
    'svchost.exe',
    'C:\\Users\\x\\Downloads\\scanner.exe',
    'C:\\Tools\\net.exe',
    'C:\\Program Files\\Git\\mingw64\\bin\\curl.exe',
    'C:\\Users\\x\\AppData\\Local\\Microsoft\\WindowsApps\\notepad.exe',
  ])('leaves %s alone', (path) => {
    expect(lookAlikeFile(path)).toBeUndefined();
  });
});

describe('tasks and services named like Microsoft components', () => {
  it('flags a OneDrive-named task that runs a script outside Microsoft folders', () => {
    expect(
      lookAlikeTask(
        'OneDrive Reporting Task-S-1-5-21-1004336348-1177238915-682003330-1001',
        'wscript.exe C:\\Users\\Public\\od.vbs',
      ),
    ).toEqual({
      value: 'OneDrive Reporting Task-S-1-5-21-1004336348-1177238915-682003330-1001',
      resembles: 'OneDrive',
      reason: 'named like OneDrive but runs a file outside the places Microsoft installs to',
      runs: 'C:\\Users\\Public\\od.vbs',
    });
  });

  it("leaves OneDrive's own task, and a plainly named task, alone", () => {
    expect(
      lookAlikeTask(
        'OneDrive Reporting Task-S-1-5-21-1',
        '%localappdata%\\Microsoft\\OneDrive\\OneDriveStandaloneUpdater.exe /reporting',
      ),
    ).toBeUndefined();
    expect(lookAlikeTask('Backup nightly', 'C:\\Users\\Public\\b.bat')).toBeUndefined();
    expect(lookAlikeTask('WindowsUpdateHelper', undefined)).toBeUndefined();
  });
});

describe('domains dressed up as well-known ones', () => {
  it.each([
    ['azureedge-cdn.net', 'azureedge.net'],
    ['files.azureedge-cdn.net', 'azureedge.net'],
    ['micros0ft.com', 'microsoft.com'],
    ['microsofft.com', 'microsoft.com'],
    ['login.microsoftonline.com.evil.example', 'login.microsoftonline.com'],
  ])('flags %s as imitating %s', (domain, resembles) => {
    expect(lookAlikeDomain(domain)?.resembles).toBe(resembles);
  });

  it.each(['azureedge.net', 'x.azureedge.net', 'example.org', 'google-analytics.com', 'dropbox-dns.com', ''])(
    'leaves %s alone',
    (domain) => {
      expect(lookAlikeDomain(domain)).toBeUndefined();
    },
  );
});

describe('helpers', () => {
  it('reads look-alike characters and single edits', () => {
    expect(unHomoglyph('svch0st')).toBe('svchost');
    expect(unHomoglyph('rnicrosoft')).toBe('microsoft');
    expect(oneEditApart('scvhost', 'svchost')).toBe(true);
    expect(oneEditApart('svchost', 'svchost')).toBe(false);
    expect(oneEditApart('svhost', 'svchostt')).toBe(false);
  });
});
