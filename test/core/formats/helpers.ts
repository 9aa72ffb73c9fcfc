import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Alert } from '../../../lambdas/core/model/alert';
import { normalizeInput } from '../../../lambdas/core/formats/index';
import type { NormalizeInputResult } from '../../../lambdas/core/formats/index';

/** Paths and runners shared by the formats tests. */

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const OWN_DIR = path.join(REPO_ROOT, 'test/fixtures/formats');
export const RECEIVED = '2026-01-01T00:00:00.000Z';

export function readOwn(name: string): Buffer {
  return fs.readFileSync(path.join(OWN_DIR, name));
}

export function run(body: string | Buffer, source = 'test'): NormalizeInputResult {
  return normalizeInput(body, source, { receivedTime: RECEIVED });
}

/** The one alert of a given event code, failing loudly when it is missing or ambiguous. */
export function byCode(alerts: Alert[], code: number): Alert {
  const hits = alerts.filter((a) => a.eventCode === code);
  if (hits.length !== 1) throw new Error(`expected one alert with event code ${code}, found ${hits.length}`);
  return hits[0]!;
}

/** A minimal Sysmon event in Event Log XML, for tests that vary one field. */
export function sysmonXml(eventId: string, data: Record<string, string>, computer = 'WS-01'): string {
  const fields = Object.entries(data)
    .map(([k, v]) => `<Data Name='${k}'>${v}</Data>`)
    .join('');
  return (
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>` +
    `<Provider Name='Microsoft-Windows-Sysmon'/><EventID>${eventId}</EventID>` +
    `<TimeCreated SystemTime='2024-02-15T21:25:03.1290072Z'/><EventRecordID>7</EventRecordID>` +
    `<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>${computer}</Computer>` +
    `<Security UserID='S-1-5-18'/></System><EventData>${fields}</EventData></Event>`
  );
}

/** A minimal flat (NXLog-style) Sysmon record. */
export function sysmonFlat(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    EventID: 1,
    SourceName: 'Microsoft-Windows-Sysmon',
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    Hostname: 'WS-02',
    UtcTime: '2024-02-15 21:25:03.123',
    ...fields,
  };
}
