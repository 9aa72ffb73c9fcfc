import {
  PRODUCT_KEY,
  SERVICE_CHANNELS,
  isReachable,
  logsourceLabel,
  routeOf,
  routingKeys,
  windowsLogsource,
} from '../../../lambdas/core/detect/logsource';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

describe('Sysmon event ids → categories (taxonomy appendix)', () => {
  it.each([
    [1, ['process_creation']],
    [2, ['file_change']],
    [3, ['network_connection']],
    [4, ['sysmon_status']],
    [5, ['process_termination']],
    [6, ['driver_load']],
    [7, ['image_load']],
    [8, ['create_remote_thread']],
    [9, ['raw_access_thread', 'raw_access_read']],
    [10, ['process_access']],
    [11, ['file_event']],
    [12, ['registry_add', 'registry_delete', 'registry_event']],
    [13, ['registry_set', 'registry_event']],
    [14, ['registry_rename', 'registry_event']],
    [15, ['create_stream_hash']],
    [16, ['sysmon_status']],
    [17, ['pipe_created']],
    [18, ['pipe_created']],
    [19, ['wmi_event']],
    [20, ['wmi_event']],
    [21, ['wmi_event']],
    [22, ['dns_query']],
    [23, ['file_delete']],
    [24, ['clipboard_capture']],
    [25, ['process_tampering']],
    [26, ['file_delete', 'file_delete_detected']],
    [27, ['file_block_executable', 'file_block']],
    [28, ['file_block_shredding', 'file_block']],
    [29, ['file_executable_detected']],
    [255, ['sysmon_error']],
  ])('event %i feeds %j, and the sysmon service', (id, categories) => {
    const ls = windowsLogsource(SYSMON, 'Microsoft-Windows-Sysmon', id);
    expect(ls.categories).toEqual(categories);
    expect(ls.services).toEqual(['sysmon']);
  });

  it('gives an unknown Sysmon id the sysmon service only', () => {
    expect(windowsLogsource(SYSMON, undefined, 30)).toMatchObject({ categories: [], services: ['sysmon'] });
  });

  it("reads the channel from the provider when a forwarder dropped it, and strips Splunk's prefix", () => {
    expect(windowsLogsource(undefined, 'Microsoft-Windows-Sysmon', 1).categories).toEqual(['process_creation']);
    expect(windowsLogsource('WinEventLog:Security', undefined, 4688)).toMatchObject({
      channel: 'Security',
      services: ['security'],
    });
  });
});

describe('other channels', () => {
  it.each([
    ['Security', 4688, ['process_creation'], ['security']],
    ['Security', 4624, [], ['security']],
    ['System', 7045, [], ['system']],
    ['Application', 1000, [], ['application']],
    ['Microsoft-Windows-PowerShell/Operational', 4103, ['ps_module'], ['powershell']],
    ['Microsoft-Windows-PowerShell/Operational', 4104, ['ps_script'], ['powershell']],
    ['PowerShellCore/Operational', 4104, ['ps_script'], []],
    ['Windows PowerShell', 400, ['ps_classic_start'], ['powershell-classic']],
    ['Windows PowerShell', 600, ['ps_classic_provider_start'], ['powershell-classic']],
    ['Microsoft-Windows-Windows Defender/Operational', 1116, [], ['windefend']],
    ['Microsoft-Windows-TaskScheduler/Operational', 106, [], ['taskscheduler']],
    ['Microsoft-Windows-WMI-Activity/Operational', 5861, [], ['wmi']],
    ['Microsoft-Windows-Bits-Client/Operational', 59, [], ['bits-client']],
    ['DNS Server', 150, [], ['dns-server']],
    ['Microsoft-Windows-AppLocker/EXE and DLL', 8004, [], ['applocker']],
    ['Microsoft-Windows-CodeIntegrity/Operational', 3033, [], ['codeintegrity-operational']],
    ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall', 2004, [], ['firewall-as']],
    ['Microsoft-Windows-NTLM/Operational', 8001, [], ['ntlm']],
  ])('%s %i → categories %j, services %j', (channel, id, categories, services) => {
    const ls = windowsLogsource(channel, undefined, id);
    expect(ls.categories).toEqual(categories);
    expect(ls.services).toEqual(services);
  });

  it('matches channels case-insensitively', () => {
    expect(windowsLogsource('security', undefined, 4688).categories).toEqual(['process_creation']);
  });

  it('knows every service SigmaHQ rules name for Windows (tests/logsource.json, minus the IIS web log)', () => {
    for (const s of ['security', 'system', 'application', 'sysmon', 'powershell', 'powershell-classic', 'windefend'])
      expect(SERVICE_CHANNELS.has(s)).toBe(true);
  });
});

describe('rule routes', () => {
  it('routes by category, else service, else product', () => {
    expect(routeOf({ product: 'windows', category: 'process_creation' })).toEqual({
      kind: 'routed',
      key: 'cat:process_creation',
    });
    expect(routeOf({ product: 'windows', service: 'security' })).toEqual({ kind: 'routed', key: 'svc:security' });
    expect(routeOf({ product: 'windows' })).toEqual({ kind: 'routed', key: PRODUCT_KEY });
    expect(routeOf({ category: 'process_creation' })).toEqual({ kind: 'routed', key: 'cat:process_creation' });
    expect(routeOf({ product: 'windows', category: 'process_creation', service: 'sysmon' })).toEqual({
      kind: 'routed',
      key: 'cat:process_creation',
      service: 'sysmon',
    });
  });

  it('never routes another product to Windows events', () => {
    expect(routeOf({ product: 'linux', category: 'process_creation' })).toEqual({
      kind: 'elsewhere',
      reason: 'product linux',
    });
    expect(routeOf({ product: 'aws', service: 'cloudtrail' }).kind).toBe('elsewhere');
  });

  it('drops the YAML comment a service name sometimes carries', () => {
    expect(
      routeOf({
        product: 'windows',
        service: 'microsoft-servicebus-client # Change to servicebus-client once validators are up to date',
      }),
    ).toEqual({ kind: 'routed', key: 'svc:microsoft-servicebus-client' });
  });

  it('says which keys no Windows event reaches', () => {
    expect(isReachable('cat:process_creation')).toBe(true);
    expect(isReachable('svc:windefend')).toBe(true);
    expect(isReachable('cat:file_access')).toBe(false);
    expect(isReachable('svc:no-such-service')).toBe(false);
  });

  it('gives an event the keys of its categories, its services and the product', () => {
    expect(routingKeys(windowsLogsource(SYSMON, undefined, 13))).toEqual([
      'cat:registry_set',
      'cat:registry_event',
      'svc:sysmon',
      PRODUCT_KEY,
    ]);
    expect(logsourceLabel({ product: 'windows', category: 'ps_script' })).toBe('windows/ps_script');
  });
});
