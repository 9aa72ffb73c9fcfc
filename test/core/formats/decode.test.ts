import { gzipSync } from 'node:zlib';
import { decode } from '../../../lambdas/core/formats/decode';
import type { DecodeResult } from '../../../lambdas/core/formats/decode';
import { DTD_REASON } from '../../../lambdas/core/formats/xml';

const NOW = '2026-01-01T00:00:00.000Z';
const dec = (body: string | Buffer, opts = {}): DecodeResult => decode(body, 'src', { now: () => NOW, ...opts });
const values = (r: DecodeResult): unknown[] => r.records.map((x) => x.value);
const reasons = (r: DecodeResult): [string, string][] => r.rejections.map((x) => [x.position, x.reason]);

const EVENT = "<Event><System><Computer>h</Computer></System><EventData><Data Name='A'>1</Data></EventData></Event>";

describe('decode: text encodings', () => {
  it('reads UTF-8 with and without a BOM', () => {
    const plain = dec(Buffer.from('{"a":"é"}'));
    const bom = dec(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}')]));
    expect(values(plain)).toEqual([{ a: 'é' }]);
    expect(values(bom)).toEqual([{ a: 'é' }]);
  });

  it('reads UTF-16LE with a BOM and CRLF line ends (Event Viewer export)', () => {
    const text = `${EVENT}\r\n${EVENT.replace('>1<', '>2<')}\r\n`;
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const r = dec(body);
    expect(r.rejections).toEqual([]);
    expect(r.records.map((x) => [x.kind, x.position])).toEqual([
      ['xml', 'event 1'],
      ['xml', 'event 2'],
    ]);
    expect(r.records[1]!.value).toEqual({
      System: { Computer: 'h' },
      EventData: { Data: [{ '@_Name': 'A', '#text': '2' }] },
    });
  });

  it('reads UTF-16BE with a BOM', () => {
    const le = Buffer.from('{"a":1}\n{"b":2}', 'utf16le');
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
    expect(values(dec(be))).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('recognises UTF-16LE without a BOM by its zero bytes', () => {
    expect(values(dec(Buffer.from('{"a":1}', 'utf16le')))).toEqual([{ a: 1 }]);
  });

  it('reads text that is not UTF-8 as windows-1252 and says so on the record', () => {
    const r = dec(Buffer.from([...Buffer.from('{"user":"Jos'), 0xe9, ...Buffer.from('"}')]));
    expect(values(r)).toEqual([{ user: 'José' }]);
    expect(r.records[0]!.envelopes).toEqual(['windows-1252']);
  });

  it('decompresses gzip and records it', () => {
    const r = dec(gzipSync(Buffer.from('{"a":1}\n{"b":2}\n')));
    expect(values(r)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.records[0]!.envelopes).toEqual(['gzip']);
  });

  it('stops a gzip bomb at the body limit', () => {
    const r = dec(gzipSync(Buffer.alloc(4096, 0x20)), { maxBodyBytes: 1024 });
    expect(reasons(r)).toEqual([['body', 'gzip content exceeds the 1024 bytes limit']]);
  });
});

describe('decode: layouts', () => {
  it('keeps one JSON object as one record at position body, with its own text', () => {
    const r = dec('  {"a": 1}\n');
    expect(r.records).toEqual([{ value: { a: 1 }, kind: 'json', position: 'body', text: '{"a": 1}', envelopes: [] }]);
  });

  it('splits a JSON array into records', () => {
    const r = dec('[{"a":1},{"b":2}]');
    expect(r.records.map((x) => [x.position, x.value, x.text])).toEqual([
      ['record 1', { a: 1 }, '{"a":1}'],
      ['record 2', { b: 2 }, '{"b":2}'],
    ]);
  });

  it('gives no record and no rejection for an empty array', () => {
    expect(dec('[]')).toEqual({ records: [], rejections: [] });
  });

  it('reads NDJSON line by line, CRLF included', () => {
    const r = dec('{"a":1}\r\n\r\n{"b":2}\r\n');
    expect(r.records.map((x) => [x.position, x.value])).toEqual([
      ['line 1', { a: 1 }],
      ['line 3', { b: 2 }],
    ]);
  });

  it('splits concatenated pretty-printed objects (CrowdStrike streaming output)', () => {
    const r = dec('{\n  "a": {\n    "x": "}{"\n  }\n}\n{\n  "b": 2\n}\n');
    expect(r.records.map((x) => [x.position, x.value])).toEqual([
      ['line 1', { a: { x: '}{' } }],
      ['line 6', { b: 2 }],
    ]);
  });

  it('reads several <Event> elements without a root, and inside <Events> with a declaration', () => {
    const bare = dec(`${EVENT}\n${EVENT}`);
    const wrapped = dec(`<?xml version="1.0" encoding="UTF-8"?>\n<Events>\n  ${EVENT}\n  ${EVENT}\n</Events>\n`);
    expect(bare.records.map((x) => x.position)).toEqual(['event 1', 'event 2']);
    expect(wrapped.records.map((x) => x.position)).toEqual(['event 1', 'event 2']);
    expect(wrapped.rejections).toEqual([]);
    expect(wrapped.records[0]!.text).toBe(EVENT);
  });
});

describe('decode: envelopes', () => {
  const sns = (message: string) =>
    JSON.stringify({
      Type: 'Notification',
      MessageId: '5f8a-1',
      TopicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts',
      Message: message,
      Timestamp: '2024-02-15T21:25:04.000Z',
    });
  const eventBridge = (detail: unknown) =>
    JSON.stringify({ version: '0', id: 'e-1', 'detail-type': 'Sysmon Event', source: 'corp.edr', detail });

  it('unwraps an SNS notification whose Message is JSON', () => {
    const r = dec(sns('{"a":1}'));
    expect(r.records).toEqual([
      { value: { a: 1 }, kind: 'json', position: 'body', text: '{"a":1}', envelopes: ['sns'] },
    ]);
  });

  it('unwraps an SNS Message holding NDJSON, an array or XML', () => {
    expect(dec(sns('{"a":1}\n{"b":2}')).records.map((x) => x.position)).toEqual(['line 1', 'line 2']);
    expect(values(dec(sns('[{"a":1},{"b":2}]')))).toEqual([{ a: 1 }, { b: 2 }]);
    const xml = dec(sns(EVENT));
    expect(xml.records.map((x) => [x.kind, x.envelopes])).toEqual([['xml', ['sns']]]);
  });

  it('unwraps an EventBridge event with a detail object or array', () => {
    const one = dec(eventBridge({ a: 1 }));
    const many = dec(eventBridge([{ a: 1 }, { b: 2 }]));
    expect(one.records.map((x) => [x.value, x.envelopes])).toEqual([[{ a: 1 }, ['eventbridge']]]);
    expect(many.records.map((x) => [x.position, x.value])).toEqual([
      ['record 1', { a: 1 }],
      ['record 2', { b: 2 }],
    ]);
  });

  it('unwraps SNS carrying EventBridge, recording both envelopes outermost first', () => {
    const r = dec(sns(eventBridge({ a: 1 })));
    expect(r.records.map((x) => [x.value, x.envelopes])).toEqual([[{ a: 1 }, ['sns', 'eventbridge']]]);
  });

  it('unwraps SNS lines of an NDJSON body, positions joined', () => {
    const r = dec(`${sns('{"a":1}')}\n${sns('[{"b":2},{"c":3}]')}`);
    expect(r.records.map((x) => x.position)).toEqual(['line 1', 'line 2, record 1', 'line 2, record 2']);
  });

  it('unwraps API pages: Graph/MDE value, CrowdStrike resources, elastic-package events, OpenSearch hits', () => {
    expect(values(dec('{"@odata.context":"x","value":[{"a":1}]}'))).toEqual([{ a: 1 }]);
    expect(values(dec('{"meta":{},"resources":[{"a":1},{"b":2}],"errors":[]}'))).toEqual([{ a: 1 }, { b: 2 }]);
    expect(values(dec('{"events":[{"a":1}]}'))).toEqual([{ a: 1 }]);
    expect(values(dec('{"_index":"i","_id":"x","_source":{"a":1}}'))).toEqual([{ a: 1 }]);
    expect(values(dec('{"took":1,"hits":{"hits":[{"_index":"i","_source":{"a":1}}]}}'))).toEqual([{ a: 1 }]);
    expect(dec('{"value":[]}')).toEqual({ records: [], rejections: [] });
  });

  it('leaves records that merely have a resources or value field alone', () => {
    const ocsf = '{"class_uid":2004,"resources":[{"uid":"i-1"}]}';
    expect(values(dec(ocsf))).toEqual([{ class_uid: 2004, resources: [{ uid: 'i-1' }] }]);
    expect(values(dec('{"value":[1],"name":"x"}'))).toEqual([{ value: [1], name: 'x' }]);
  });
});

describe('decode: hostile and broken input', () => {
  it('rejects an empty or blank body', () => {
    expect(reasons(dec(''))).toEqual([['body', 'empty input']]);
    expect(reasons(dec(Buffer.alloc(0)))).toEqual([['body', 'empty input']]);
    expect(reasons(dec(' \r\n\t'))).toEqual([['body', 'empty input']]);
  });

  it('rejects binary content', () => {
    expect(reasons(dec(Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03])))).toEqual([
      ['body', 'not text: binary content (NUL bytes)'],
    ]);
    expect(reasons(dec('\u0001\u0002\u0003\u0004abc'))).toEqual([
      ['body', 'not text: binary content (control characters)'],
    ]);
  });

  it('rejects truncated JSON', () => {
    const r = dec('{"EventID": 1, "Computer": "h"');
    expect(reasons(r)).toEqual([['line 1', 'truncated JSON: an object or array never closes']]);
    expect(r.rejections[0]).toMatchObject({
      rejected: true,
      source: 'src',
      excerpt: '{"EventID": 1, "Computer": "h"',
      time: NOW,
    });
  });

  it('keeps the good NDJSON lines around bad ones', () => {
    const r = dec('{"a":1}\nnot json at all\n{"b":\n{"c":3}\n{"d":}\n"str"\n{"e":5}\n');
    expect(r.records.map((x) => [x.position, x.value])).toEqual([
      ['line 1', { a: 1 }],
      ['line 4', { c: 3 }],
      ['line 7', { e: 5 }],
    ]);
    expect(reasons(r)).toEqual([
      ['line 2', 'not JSON or XML: text that is not a JSON object'],
      ['line 3', 'truncated JSON: an object or array never closes'],
      ['line 5', expect.stringMatching(/^invalid JSON: /)],
      ['line 6', 'a JSON string is not a record'],
    ]);
  });

  it('rejects each of 100,000 lines that open a value and never close it, on its own line', () => {
    // Rescanning to the end of the body per line would take minutes and fail on the suite's timeout; how fast decode
    // runs is `npm run bench`'s concern, not a test's.
    const r = dec('{"a":1\n'.repeat(100_000));
    expect(r.records).toEqual([]);
    expect(r.rejections).toHaveLength(100_000);
    expect(r.rejections[0]!.position).toBe('line 1');
    expect(r.rejections[99_999]!.position).toBe('line 100000');
    expect(new Set(r.rejections.map((x) => x.reason))).toEqual(
      new Set(['truncated JSON: an object or array never closes']),
    );
  });

  it('salvages the complete elements of an array that never closes', () => {
    const r = dec('[\n{"a":1},\n{"b":2},\n{"c":');
    expect(values(r)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(reasons(r)).toEqual([
      ['line 1', 'truncated JSON: an object or array never closes'],
      ['line 4', 'truncated JSON: an object or array never closes'],
    ]);
  });

  it('makes one rejection of a run of non-JSON lines', () => {
    expect(reasons(dec('time,host\n1,a\n2,b\n'))).toEqual([
      ['line 1', 'not JSON or XML: text that is not a JSON object (lines 1–3)'],
    ]);
  });

  it('rejects text after a value on the same line', () => {
    expect(reasons(dec('{"a":1}}\n'))).toEqual([['line 1', 'invalid JSON: unexpected text after the value']]);
  });

  it('refuses 100,000-deep nesting without exhausting the stack', () => {
    const r = dec('['.repeat(100_000) + ']'.repeat(100_000));
    expect(reasons(r)).toEqual([['body', 'JSON nested 100000 levels deep exceeds the limit of 64']]);
  });

  it('refuses a record over the size limit', () => {
    const r = dec(JSON.stringify({ EventID: 1, CommandLine: 'x'.repeat(2 * 1024 * 1024) }));
    expect(reasons(r)).toEqual([['body', 'record of 2097182 bytes exceeds the 1 MiB limit']]);
    expect(r.rejections[0]!.excerpt).toHaveLength(201);
  });

  it('applies the size limit per record, not per page', () => {
    const page = JSON.stringify({ value: [{ a: 'x'.repeat(600) }, { b: 'y'.repeat(600) }] });
    const r = dec(page, { maxRecordBytes: 1000 });
    expect(r.records).toHaveLength(2);
  });

  it('refuses an XML bomb and external entities', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Event>&lol2;</Event>';
    const xxe = '<!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Event><System>&xxe;</System></Event>';
    expect(reasons(dec(bomb))).toEqual([['body', DTD_REASON]]);
    expect(reasons(dec(xxe))).toEqual([['body', DTD_REASON]]);
  });

  it('keeps well-formed events beside a broken one', () => {
    const r = dec(`${EVENT}\n<Event><System></Sys></Event>\n${EVENT}`);
    expect(r.records.map((x) => x.position)).toEqual(['event 1', 'event 3']);
    expect(reasons(r)).toEqual([['event 2', expect.stringMatching(/^invalid XML: Expected closing tag 'System'/)]]);
  });

  it('rejects 200,000 unterminated processing instructions as one body without an event', () => {
    // A scan that restarts at every `<?` is quadratic here and fails on the suite's timeout.
    expect(reasons(dec('<?'.repeat(200_000)))).toEqual([['body', 'unknown XML: no <Event> element']]);
  });

  it('rejects XML that holds no Windows event', () => {
    expect(reasons(dec('<html><body>hi</body></html>'))).toEqual([
      ['body', 'unknown XML: no Windows <Event> element (root <html>)'],
    ]);
  });

  it('rejects a bare JSON scalar', () => {
    expect(reasons(dec('42'))).toEqual([['line 1', 'a JSON number is not a record']]);
    expect(reasons(dec('[1,null]'))).toEqual([
      ['record 1', 'a JSON number is not a record'],
      ['record 2', 'a JSON null is not a record'],
    ]);
  });

  it('never sets a prototype from a __proto__ key', () => {
    const r = dec('{"__proto__":{"polluted":true},"a":1}');
    expect(values(r)).toEqual([{ a: 1 }]);
    expect(Object.getPrototypeOf(r.records[0]!.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses envelopes nested without end', () => {
    let body = '{"a":1}';
    for (let i = 0; i < 12; i++) {
      body = JSON.stringify({ Type: 'Notification', MessageId: `m${i}`, Message: body });
    }
    expect(reasons(dec(body))).toEqual([['body', 'records nested more than 8 levels deep in envelopes or arrays']]);
  });
});
