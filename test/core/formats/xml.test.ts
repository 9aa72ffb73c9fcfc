import { DTD_REASON, decodeXmlEntities, locateEvents, parseEventXml } from '../../../lambdas/core/formats/xml';

describe('locateEvents', () => {
  it('finds events with no root element, skipping declarations, comments and the Events wrapper', () => {
    const text = '<?xml version="1.0"?>\n<!-- export -->\n<Events>\n<Event><System/></Event>\n<Event/>\n</Events>\n';
    const spans = locateEvents(text);
    expect(spans.map((s) => [s.kind, s.text])).toEqual([
      ['event', '<Event><System/></Event>'],
      ['event', '<Event/>'],
    ]);
  });

  it('does not mistake <Events> for an event and reports foreign content', () => {
    const spans = locateEvents('<Events><Foo>bar</Foo></Events>');
    expect(spans).toEqual([
      {
        kind: 'fault',
        start: 0,
        text: '<Events><Foo>bar</Foo></Events>',
        reason: 'unknown XML: no Windows <Event> element (root <Foo>)',
      },
    ]);
  });

  it('reports an event cut off before its closing tag', () => {
    const spans = locateEvents('<Event><System></System></Event><Event><System>');
    expect(spans[1]).toEqual({
      kind: 'fault',
      start: 32,
      text: '<Event><System>',
      reason: 'truncated XML: <Event> without </Event>',
    });
  });
});

describe('decodeXmlEntities', () => {
  it('decodes the predefined entities and character references', () => {
    expect(decodeXmlEntities('a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x202E;')).toBe(
      'a & b <c> "d" \'e\' A\u202e',
    );
  });

  it('leaves unknown entities and invalid references as written', () => {
    expect(decodeXmlEntities('&nbsp; &#0; &#xD800; &lol;')).toBe('&nbsp; &#0; &#xD800; &lol;');
  });
});

describe('parseEventXml', () => {
  it('refuses a DTD (billion laughs, XXE)', () => {
    expect(() => parseEventXml('<!DOCTYPE e [<!ENTITY x "y">]><Event>&x;</Event>')).toThrow(DTD_REASON);
  });

  it('keeps field text verbatim, spaces included, and decodes entities once', () => {
    const ev = parseEventXml("<Event><EventData><Data Name='CommandLine'>  a &amp;amp; b  </Data></EventData></Event>");
    expect(ev).toEqual({ EventData: { Data: [{ '@_Name': 'CommandLine', '#text': '  a &amp; b  ' }] } });
  });

  it('accepts the raw & that Event Viewer writes in URLs', () => {
    const ev = parseEventXml('<Event><Data Name="FWLink">https://x/?a=1&b=2</Data></Event>');
    expect(ev).toEqual({ Data: [{ '@_Name': 'FWLink', '#text': 'https://x/?a=1&b=2' }] });
  });

  it('drops indentation between elements and normalises CRLF inside values', () => {
    const ev = parseEventXml(
      '<Event>\r\n  <System>\r\n    <Computer>h</Computer>\r\n  </System>\r\n  <M>a\r\nb</M>\r\n</Event>',
    );
    expect(ev).toEqual({ System: { Computer: 'h' }, M: 'a\nb' });
  });

  it('rejects XML that is not well-formed with the line and column', () => {
    expect(() => parseEventXml('<Event><System></Sys></Event>')).toThrow(/^invalid XML: .* \(line 1, column \d+\)$/);
  });
});
