import { XMLValidator } from 'fast-xml-parser';
import { RAW_EVENTS_FILE_PREFIX, evidenceRef, rawEventsFile } from '../../../lambdas/core/draft/raw-evidence';
import type { EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import { makeEnriched } from '../../helpers/alerts';

const NS = "xmlns='http://schemas.microsoft.com/win/2004/08/events/event'";

/** A Sysmon alert kept as the XML text it arrived as. */
function sysmonXml(recordId: number, time: string, data = 'powershell.exe'): EnrichedAlert {
  return makeEnriched({
    alertId: `sysmon:fin-ws-034:microsoft-windows-sysmon/operational:${recordId}`,
    eventTime: time,
    eventCode: 1,
    raw: `<Event ${NS}><System><EventID>1</EventID><EventRecordID>${recordId}</EventRecordID></System><EventData><Data Name='Image'>${data}</Data></EventData></Event>`,
  });
}

/** An EDR alert kept as the JSON it arrived as. */
function edrJson(id: string, time: string, extra: Record<string, unknown> = {}): EnrichedAlert {
  return makeEnriched({
    alertId: `generic:${id}`,
    source: { product: 'generic', format: 'generic-json', vendorId: id },
    eventTime: time,
    eventCode: undefined,
    raw: { alert_id: id, timestamp: time, severity: 85, ...extra },
  });
}

describe('rawEventsFile', () => {
  it('writes Sysmon XML as one XML document, oldest first, each <Event> as received under its reference', () => {
    // Prepare
    const late = sysmonXml(483204, '2024-02-15T21:25:03.000Z', 'rundll32.exe');
    const early = sysmonXml(482913, '2024-02-15T21:16:05.000Z');

    // Act
    const file = rawEventsFile({ incidentId: 'INC-1', alerts: [late, early] });

    // Assess
    expect(file).toMatchObject({ format: 'xml', mediaType: 'application/xml', events: 2, cutForSize: 0, notLoaded: 0 });
    expect(file.fileName).toMatch(/^raw-events-[0-9a-f]{8}\.xml$/);
    expect(XMLValidator.validate(file.content)).toBe(true);
    expect(file.content.indexOf('#482913')).toBeLessThan(file.content.indexOf('#483204'));
    expect(file.content).toContain(`<!-- ${evidenceRef(early)} · 2024-02-15 21:16:05Z`);
    expect(file.content).toContain(early.raw as string);
    expect(file.content).toContain(late.raw as string);
    expect(file.bytes).toBe(Buffer.byteLength(file.content));
  });

  it('writes anything else as JSON Lines, the record as received under ref, alertId, time and format', () => {
    const json = edrJson('EDR-1', '2024-02-15T16:00:00.000Z', { nested: { a: [1, null] } });
    const xml = sysmonXml(7, '2024-02-15T16:00:01.000Z');

    const file = rawEventsFile({ incidentId: 'INC-2', alerts: [xml, json] });
    const lines = file.content
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);

    expect(file).toMatchObject({ format: 'jsonl', mediaType: 'application/x-ndjson', events: 2 });
    expect(file.fileName).toMatch(/^raw-events-[0-9a-f]{8}\.jsonl$/);
    expect(lines).toEqual([
      { ref: evidenceRef(json), alertId: 'generic:EDR-1', time: json.eventTime, format: 'json', record: json.raw },
      { ref: evidenceRef(xml), alertId: xml.alertId, time: xml.eventTime, format: 'xml', record: xml.raw },
    ]);
  });

  it('names the file by its content: the same events give the same name, a new event a new one', () => {
    const a = edrJson('EDR-1', '2024-02-15T16:00:00.000Z');
    const b = edrJson('EDR-2', '2024-02-15T16:00:05.000Z');

    const once = rawEventsFile({ incidentId: 'INC-3', alerts: [a] });
    const again = rawEventsFile({ incidentId: 'INC-3', alerts: [a] });
    const grown = rawEventsFile({ incidentId: 'INC-3', alerts: [a, b] });

    expect(again).toEqual(once);
    expect(grown.fileName).not.toBe(once.fileName);
    expect(grown.fileName.startsWith(RAW_EVENTS_FILE_PREFIX)).toBe(true);
  });

  it('cuts the newest events to fit maxBytes and ends with a marker that counts them', () => {
    const alerts = Array.from({ length: 50 }, (_, i) =>
      edrJson(`EDR-${i}`, new Date(Date.parse('2024-02-15T16:00:00Z') + i * 1000).toISOString(), {
        blob: 'x'.repeat(200),
      }),
    );

    const file = rawEventsFile({ incidentId: 'INC-4', alerts, alertCount: 60 }, { maxBytes: 4096 });
    const lines = file.content
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const marker = lines[lines.length - 1];

    expect(file.bytes).toBeLessThanOrEqual(4096);
    expect(file.events).toBeGreaterThan(0);
    expect(file.events + file.cutForSize).toBe(50);
    expect(file.notLoaded).toBe(10);
    expect(marker).toEqual({
      note: `Not complete: ${file.cutForSize} later event(s) were cut so this file stays within 4096 bytes; 10 event(s) of the incident were not loaded for the ticket (sample).`,
      cutForSize: file.cutForSize,
      notLoaded: 10,
    });
    expect(lines[0].alertId).toBe('generic:EDR-0');
  });

  it('keeps a cut XML file well-formed, the marker a comment', () => {
    const alerts = Array.from({ length: 30 }, (_, i) =>
      sysmonXml(1000 + i, new Date(Date.parse('2024-02-15T16:00:00Z') + i * 1000).toISOString(), 'y'.repeat(300)),
    );

    const file = rawEventsFile({ incidentId: 'INC-5', alerts }, { maxBytes: 4096 });

    expect(file.bytes).toBeLessThanOrEqual(4096);
    expect(file.cutForSize).toBeGreaterThan(0);
    expect(XMLValidator.validate(file.content)).toBe(true);
    expect(file.content).toMatch(
      /<!-- Not complete: \d+ later event\(s\) were cut so this file stays within 4096 bytes\. -->\n<\/Events>\n$/,
    );
  });

  it('keeps a record cut at ingest as text (CDATA), hostile comment text defused, and the file well-formed', () => {
    const cut = makeEnriched({
      alertId: 'sysmon:h:c:--9',
      eventTime: '2024-02-15T16:00:00.000Z',
      raw: `<Event ${NS}><System><EventID>1</EventID></System><EventData><Data Name='CommandLine'>a]]>b --> <x`,
      rawTruncated: true,
    });

    const file = rawEventsFile({ incidentId: 'INC--6-', alerts: [cut] });

    expect(file.format).toBe('xml');
    expect(XMLValidator.validate(file.content)).toBe(true);
    expect(file.content).toContain('<TruncatedEvent note="cut at ingest');
    expect(file.content).toContain('a]]]]><![CDATA[>b --> <x');
  });

  it('drops an XML declaration a record carried, so the file has one', () => {
    const a = sysmonXml(5, '2024-02-15T16:00:00.000Z');
    const declared = { ...a, raw: `<?xml version="1.0"?>\n${a.raw as string}` };

    const file = rawEventsFile({ incidentId: 'INC-7', alerts: [declared] });

    expect(file.content.match(/<\?xml/g)).toHaveLength(1);
    expect(XMLValidator.validate(file.content)).toBe(true);
  });
});

describe('evidenceRef', () => {
  it('is the source event id, the same whatever the order or company of the alert', () => {
    const a = sysmonXml(483204, '2024-02-15T21:25:03.000Z');

    expect(evidenceRef(a)).toBe('Sysmon 1 #483204');
    expect(evidenceRef(edrJson('EDR-PS-9100', '2024-02-15T16:00:00.000Z'))).toMatch(/#EDR-PS-9100$/);
  });
});
