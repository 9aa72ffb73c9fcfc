import * as path from 'node:path';
import { OWN_DIR, runFile } from './helpers';
import type { Outcome } from './helpers';
import type { Alert } from '../../../../lambdas/core/model/alert';

/** The project's own EDR fixtures (test/fixtures/edr), built to each vendor's documented shape: always available. */

/** Every record of an own fixture must become an alert: a rejection here is a broken fixture or adapter. */
function alerts(file: string): Alert[] {
  const outs: Outcome[] = runFile(path.join(OWN_DIR, file));
  const rejected = outs.filter((o) => o.alert === undefined);
  if (rejected.length > 0) throw new Error(`${file}: ${rejected.map((o) => o.reason).join('; ')}`);
  return outs.map((o) => o.alert).filter((a): a is Alert => a !== undefined);
}

describe('CrowdStrike legacy DetectionSummaryEvent (concatenated pretty-printed objects)', () => {
  const [runKey, ml] = alerts('crowdstrike-detection-summary.json');

  it('maps the detection id, time, host and 1–5 severity', () => {
    expect(runKey.alertId).toBe('crowdstrike:ldt:5f1b2c3d4e5f60718293a4b5c6d7e8f9:41933201112');
    expect(runKey.source).toEqual({
      product: 'crowdstrike',
      format: 'crowdstrike-detection-summary',
      vendorId: 'ldt:5f1b2c3d4e5f60718293a4b5c6d7e8f9:41933201112',
    });
    expect(runKey.eventTime).toBe('2024-02-15T21:25:45.000Z');
    expect(runKey.receivedTime).toBe('2026-01-01T00:00:00.000Z');
    expect(runKey.host).toEqual({
      name: 'FIN-WS-034',
      ips: ['10.20.4.34'],
      agentId: '5f1b2c3d4e5f60718293a4b5c6d7e8f9',
    });
    expect(runKey.severity).toEqual({ vendor: 'High', score: 80 });
    expect(ml.severity).toEqual({ vendor: 'Critical', score: 100 });
  });

  it('takes techniques from MitreAttack and keeps only ATT&CK tactics', () => {
    expect(runKey.techniques).toEqual(['T1547.001']);
    expect(runKey.tactics).toEqual(['Persistence']);
    expect(ml.techniques).toEqual([]);
    expect(ml.tactics).toBeUndefined();
  });

  it('builds the process tree and drops the all-zero SHA1', () => {
    expect(runKey.process?.image).toBe(
      '\\Device\\HarddiskVolume3\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    );
    expect(runKey.process?.guid).toBe('41933201112');
    expect(runKey.process?.hashes).toEqual({
      md5: '7353f60b1739074eb17c5f4dddefe239',
      sha256: 'de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c',
    });
    expect(runKey.process?.parent).toEqual({
      guid: '41933187004',
      image: 'explorer.exe',
      commandLine: 'C:\\Windows\\Explorer.EXE',
    });
    expect(runKey.process?.grandparent?.image).toBe('userinit.exe');
  });

  it('keeps the first connection as network and later remote addresses and the IOC as artifacts', () => {
    expect(runKey.network).toEqual({
      protocol: 'TCP',
      direction: 'outbound',
      srcIp: '10.20.4.34',
      srcPort: 50122,
      dstIp: '194.165.16.89',
      dstPort: 443,
    });
    expect(runKey.artifacts).toEqual([
      {
        type: 'hash',
        value: 'c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a',
        role: 'indicator',
      },
      { type: 'ip', value: '203.0.113.45', role: 'remote address' },
    ]);
  });

  it('treats a detection with no process as a file detection', () => {
    expect(ml.process).toBeUndefined();
    expect(ml.file).toEqual({
      path: '\\Device\\HarddiskVolume3\\ProgramData\\Microsoft\\Drivers\\security.dll',
      hashes: { sha256: 'c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a' },
    });
  });
});

describe('CrowdStrike EPP detection summary', () => {
  const [proc, scan] = alerts('crowdstrike-epp-detection-summary.ndjson');

  it('reads both eventType spellings and the 0–100 severity', () => {
    expect(proc.eventName).toBe('EppDetectionSummaryEvent');
    expect(scan.eventName).toBe('EPPDetectionSummaryEvent');
    expect(proc.severity).toEqual({ vendor: 'High', score: 70 });
    expect(scan.severity).toEqual({ vendor: '90', score: 90 });
  });

  it('uses CompositeId as the alert id', () => {
    expect(proc.alertId).toBe(
      'crowdstrike:0123456789abcdef0123456789abcdef:ind:5f1b2c3d4e5f60718293a4b5c6d7e8f9:41933201112-10126-77001',
    );
    expect(proc.user).toEqual({ name: 'jwilliams', domain: 'CORP' });
  });

  it('drops a process id that JSON could not carry exactly, keeps the parent one', () => {
    expect(proc.process?.guid).toBeUndefined();
    expect(proc.process?.parent?.guid).toBe('41933187004');
    expect(proc.process?.grandparent).toEqual({
      image: '\\Device\\HarddiskVolume3\\Windows\\System32\\userinit.exe',
      commandLine: 'C:\\Windows\\system32\\userinit.exe',
    });
  });

  it('maps an on-demand scan to a file at rest', () => {
    expect(scan.process).toBeUndefined();
    expect(scan.file?.path).toBe('C:\\ProgramData\\Microsoft\\Drivers\\security.dll');
    expect(scan.flags).toEqual([]);
  });
});

describe('CrowdStrike Alerts API v2', () => {
  const [epp, idp] = alerts('crowdstrike-alerts-v2.ndjson');

  it('maps device, process ids and parent details of an endpoint alert', () => {
    expect(epp.host).toEqual({
      name: 'FIN-WS-034',
      ips: ['10.20.4.34'],
      agentId: '5f1b2c3d4e5f60718293a4b5c6d7e8f9',
      os: 'Windows 11',
    });
    expect(epp.eventTime).toBe('2024-02-15T21:30:58.000Z');
    expect(epp.techniques).toEqual(['T1218.011']);
    expect(epp.process?.pid).toBe(7911);
    expect(epp.process?.guid).toBe('pid:5f1b2c3d4e5f60718293a4b5c6d7e8f9:41933305566');
    expect(epp.process?.parent?.pid).toBe(4120);
    expect(epp.network?.dstIp).toBe('194.165.16.89');
    expect(epp.user?.sid).toBe('S-1-5-21-1004336348-1177238915-682003330-1104');
  });

  it('takes the source endpoint as the host of an identity alert', () => {
    expect(idp.host).toEqual({
      name: 'FIN-WS-034.corp.example.com',
      ips: ['10.20.4.34'],
      agentId: '5f1b2c3d4e5f60718293a4b5c6d7e8f9',
    });
    expect(idp.techniques).toEqual(['T1110.001']);
    expect(idp.tactics).toEqual(['Credential Access']);
    expect(idp.process).toBeUndefined();
    expect(idp.artifacts).toContainEqual({
      type: 'domain',
      value: 'FIN-SRV-01.corp.example.com',
      role: 'target endpoint',
    });
  });
});

describe('Microsoft Defender for Endpoint API alerts', () => {
  const [processRow, fileRow] = alerts('defender-mde-alerts.ndjson');

  it('gives both evidence rows of one alert the same alert id', () => {
    expect(processRow.alertId).toBe('defender:da638436274512345678_1829304511');
    expect(fileRow.alertId).toBe(processRow.alertId);
  });

  it('maps each evidence row into its block', () => {
    expect(processRow.process?.pid).toBe(7842);
    expect(processRow.process?.image).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(processRow.file).toBeUndefined();
    expect(fileRow.file?.path).toBe('C:\\ProgramData\\Microsoft\\Drivers\\security.dll');
    expect(fileRow.process).toBeUndefined();
  });

  it('maps host, time, severity and techniques', () => {
    expect(processRow.host.name).toBe('fin-ws-034.corp.example.com');
    expect(processRow.host.fqdn).toBe('fin-ws-034.corp.example.com');
    expect(processRow.eventTime).toBe('2024-02-15T21:30:45.156Z');
    expect(processRow.severity).toEqual({ vendor: 'High', score: 75 });
    expect(processRow.techniques).toEqual(['T1547.001', 'T1112']);
    expect(processRow.tactics).toEqual(['Persistence']);
    expect(processRow.user).toEqual({ name: 'jwilliams', domain: 'CORP' });
  });
});

describe('Microsoft Graph security alert (alerts_v2)', () => {
  const [alert] = alerts('defender-graph-alert.json');

  it('maps typed evidence into process, file, registry and artifacts', () => {
    expect(alert.host.name).toBe('fin-ws-034.corp.example.com');
    expect(alert.host.ips).toEqual(['10.20.4.34']);
    expect(alert.process?.user).toBe('CORP\\jwilliams');
    expect(alert.process?.parent).toEqual({ pid: 4120, image: 'C:\\Windows\\explorer.exe' });
    expect(alert.registry).toEqual({
      key: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
      valueName: 'WindowsSecurityUpdate',
      valueData: 'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow',
    });
    expect(alert.file?.path).toBe('C:\\ProgramData\\Microsoft\\Drivers\\security.dll');
    expect(alert.artifacts).toEqual([
      { type: 'ip', value: '194.165.16.89', role: 'evidence' },
      { type: 'url', value: 'https://updates.example-cdn.net/scanner.exe', role: 'evidence' },
    ]);
    expect(alert.techniques).toEqual(['T1547.001', 'T1218.011']);
    expect(alert.severity).toEqual({ vendor: 'medium', score: 50 });
    expect(alert.user?.sid).toBe('S-1-5-21-1004336348-1177238915-682003330-1104');
  });
});

describe('SentinelOne threats', () => {
  const [first, update] = alerts('sentinelone-threats.ndjson');

  it('gives two records of one threat the same alert id', () => {
    expect(first.alertId).toBe('sentinelone:1893400022115566778');
    expect(update.alertId).toBe(first.alertId);
  });

  it('maps host, verdict severity, techniques and the threat file', () => {
    expect(first.host).toEqual({
      name: 'FIN-WS-034',
      ips: ['10.20.4.34'],
      agentId: '1893399000112233445',
      os: 'Windows 11 Enterprise 22631',
    });
    expect(first.eventTime).toBe('2024-02-15T21:30:48.968Z');
    expect(first.severity).toEqual({ vendor: 'malicious', score: 75 });
    expect(first.techniques).toEqual(['T1547.001', 'T1218.011']);
    expect(first.tactics).toEqual(['Persistence', 'Defense Evasion']);
    expect(first.rule).toEqual({ name: 'Trojan', id: 'executables', description: 'Behavioral AI' });
    expect(first.user).toEqual({ name: 'jwilliams', domain: 'CORP' });
    expect(first.file?.hashes?.sha256).toBe('c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a');
  });
});

describe('Elastic Security alert with Kibana dotted keys', () => {
  const [alert] = alerts('elastic-security-alert.json');

  it('reads dotted kibana.alert.* keys and nested ECS objects', () => {
    expect(alert.alertId).toBe('elastic:4f2d0c9e8b7a6f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a190817263');
    expect(alert.host.name).toBe('fin-ws-034');
    expect(alert.eventTime).toBe('2024-02-15T21:30:51.204Z');
    expect(alert.severity).toEqual({ vendor: 'high', score: 73 });
    expect(alert.rule).toEqual({
      name: 'Startup Persistence by a Suspicious Process',
      id: '440e2db4-bc7f-4c96-a068-65b78da59bde',
      description:
        'Identifies files written to or modified in the startup folder or Run keys by commonly abused processes.',
    });
    expect(alert.techniques).toEqual(['T1547', 'T1547.001']);
    expect(alert.tactics).toEqual(['Persistence']);
    expect(alert.registry?.key).toBe('HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run');
  });

  it('flags a right-to-left override in the process name and keeps the name verbatim', () => {
    expect(alert.flags).toContain('bidi-override');
    expect(alert.process?.image).toBe('C:\\Users\\jwilliams\\Downloads\\scanner\u202Efdp.exe');
  });
});

describe('OCSF Detection Finding from an endpoint', () => {
  const [alert] = alerts('ocsf-detection-finding.json');

  it('maps device, finding_info, attacks and actor process', () => {
    expect(alert.alertId).toBe('ocsf:det-0f8d6a3e4c21');
    expect(alert.eventType).toBe('detection');
    expect(alert.eventTime).toBe('2024-02-15T21:30:45.123Z');
    expect(alert.host.name).toBe('FIN-WS-034');
    expect(alert.severity).toEqual({ vendor: 'High', score: 75 });
    expect(alert.techniques).toEqual(['T1547.001']);
    expect(alert.rule).toEqual({ name: 'RunKeyRundll32', id: 'A-1547-001' });
    expect(alert.process?.hashes).toEqual({
      sha256: 'de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c',
    });
    expect(alert.file?.path).toBe('C:\\ProgramData\\Microsoft\\Drivers\\security.dll');
    expect(alert.network?.dstIp).toBe('194.165.16.89');
    expect(alert.artifacts).toEqual([
      { type: 'url', value: 'https://updates.example-cdn.net/scanner.exe', role: 'dropper' },
    ]);
  });
});

describe('AWS Security Hub ASFF finding about an EC2 instance', () => {
  const [alert] = alerts('securityhub-asff-ec2.json');

  it('takes the instance resource as the host of a finding', () => {
    expect(alert.eventType).toBe('finding');
    expect(alert.host).toEqual({
      name: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0a1b2c3d4e5f60718',
      ips: ['10.0.12.34', '203.0.113.77'],
    });
    expect(alert.eventTime).toBe('2024-02-15T21:31:05.512Z');
    expect(alert.severity).toEqual({ vendor: 'HIGH', score: 75 });
    expect(alert.tactics).toEqual(['Command and Control']);
    expect(alert.network).toEqual({
      protocol: 'UDP',
      direction: 'outbound',
      srcIp: '10.0.12.34',
      srcPort: 53211,
      dstIp: '10.0.0.2',
      dstPort: 53,
      dstHostname: 'c2.bad-example.net',
    });
    expect(alert.artifacts).toEqual([{ type: 'ip', value: '198.51.100.200', role: 'threat intel' }]);
  });
});

describe('Wazuh alert (bare alerts.json line)', () => {
  const [alert] = alerts('wazuh-alert.json');

  it('maps agent, rule level on 0–15 and MITRE ids', () => {
    expect(alert.alertId).toBe('wazuh:1708032303.4471182');
    expect(alert.host).toEqual({ name: 'FIN-WS-034', ips: ['10.20.4.34'], agentId: '034' });
    expect(alert.eventTime).toBe('2024-02-15T21:25:03.412Z');
    expect(alert.severity).toEqual({ vendor: 'level 12', score: 80 });
    expect(alert.techniques).toEqual(['T1547.001']);
    expect(alert.tactics).toEqual(['Persistence', 'Privilege Escalation']);
  });
});

describe('generic alert JSON (the SOC reference ticket alert)', () => {
  const [alert] = alerts('generic-alert.json');

  it('maps the tolerant generic shape', () => {
    expect(alert.alertId).toBe('generic:SYSMON-AUTOSTART-1547-7842');
    expect(alert.source.format).toBe('generic-alert');
    expect(alert.host).toEqual({ name: 'FIN-WS-034' });
    expect(alert.user).toEqual({ name: 'jwilliams', domain: 'CORP' });
    expect(alert.rule).toEqual({ name: 'Registry Run Key Modification by Suspicious Process' });
    expect(alert.severity).toEqual({ vendor: 'HIGH (85/100)', score: 85 });
    expect(alert.techniques).toEqual(['T1547.001']);
    expect(alert.eventCode).toBe(13);
    expect(alert.eventName).toBe('Sysmon (Event ID 13 – Registry Value Set)');
    expect(alert.process?.parent).toEqual({ image: 'explorer.exe' });
    expect(alert.registry?.valueName).toBe('WindowsSecurityUpdate');
    expect(alert.artifacts).toEqual([
      { type: 'file', value: 'C:\\ProgramData\\Microsoft\\Drivers\\security.dll', role: 'dropped dll' },
      { type: 'ip', value: '194.165.16.89', role: 'c2' },
      { type: 'hash', value: 'c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a' },
    ]);
  });
});
