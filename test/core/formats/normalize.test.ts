import type { Alert } from '../../../lambdas/core/model/alert';
import { isRejection } from '../../../lambdas/core/model/rejection';
import type { Rejection } from '../../../lambdas/core/model/rejection';
import { normalizeRecord } from '../../../lambdas/core/formats/normalize';
import { adapters } from '../../../lambdas/core/formats/registry';
import { RecordRejected } from '../../../lambdas/core/formats/types';
import type { FormatAdapter, NormalizeContext, RawRecord } from '../../../lambdas/core/formats/types';
import { RECEIVED, sysmonFlat } from './helpers';

const CTX: NormalizeContext = { source: 'unit', receivedTime: RECEIVED, maxRawBytes: 65536 };

const record = (value: unknown, kind: 'json' | 'xml' = 'json'): RawRecord => ({
  value,
  kind,
  position: 'line 4',
  text: JSON.stringify(value) ?? '',
  envelopes: [],
});

const validAlert: Alert = {
  alertId: 'x:1',
  source: { product: 'generic', format: 'fake' },
  eventTime: '2024-02-15T21:25:03.123Z',
  receivedTime: RECEIVED,
  eventType: 'detection',
  host: { name: 'h' },
  severity: { score: 50 },
  techniques: [],
  flags: [],
  raw: {},
  rawTruncated: false,
};

const fake = (id: string, detect: FormatAdapter['detect'], normalize: FormatAdapter['normalize']): FormatAdapter => ({
  id,
  product: 'generic',
  detect,
  normalize,
});

const asRejection = (r: Alert | Rejection): Rejection => {
  if (!isRejection(r)) throw new Error(`expected a rejection, got alert ${r.alertId}`);
  return r;
};

describe('normalizeRecord', () => {
  it('uses the first adapter whose detect matches', () => {
    const first = fake(
      'first',
      () => true,
      () => ({ ...validAlert, alertId: 'first' }),
    );
    const second = fake(
      'second',
      () => true,
      () => ({ ...validAlert, alertId: 'second' }),
    );
    const result = normalizeRecord(record({ a: 1 }), CTX, [
      fake(
        'no',
        () => false,
        () => validAlert,
      ),
      first,
      second,
    ]);
    expect(result).toMatchObject({ alertId: 'first' });
  });

  it("turns an adapter's RecordRejected into a rejection with its reason and the record's position", () => {
    const r = asRejection(
      normalizeRecord(record({ a: 1 }), CTX, [
        fake(
          'x',
          () => true,
          () => {
            throw new RecordRejected('missing host: no Computer/Hostname field');
          },
        ),
      ]),
    );
    expect(r).toMatchObject({
      rejected: true,
      source: 'unit',
      position: 'line 4',
      reason: 'missing host: no Computer/Hostname field',
      excerpt: '{"a":1}',
    });
  });

  it('names the adapter when it fails unexpectedly, in one line', () => {
    const r = asRejection(
      normalizeRecord(record({ a: 1 }), CTX, [
        fake(
          'buggy',
          () => true,
          () => {
            throw new TypeError('cannot read x\nof undefined');
          },
        ),
      ]),
    );
    expect(r.reason).toBe('adapter buggy failed: cannot read x of undefined');
  });

  it('skips an adapter whose detect throws', () => {
    const throwing = fake(
      't',
      () => {
        throw new Error('boom');
      },
      () => validAlert,
    );
    const result = normalizeRecord(record({ a: 1 }), CTX, [
      throwing,
      fake(
        'ok',
        () => true,
        () => validAlert,
      ),
    ]);
    expect(result).toMatchObject({ alertId: 'x:1' });
  });

  it('validates the result against the Alert schema and reports the first issue', () => {
    const bad = fake(
      'bad',
      () => true,
      () => ({ ...validAlert, host: { name: '' } }),
    );
    const r = asRejection(normalizeRecord(record({ a: 1 }), CTX, [bad]));
    expect(r.reason).toMatch(/^adapter bad produced an invalid alert: host\.name: /);
  });

  it('rejects a technique id the schema does not accept', () => {
    const bad = fake(
      'bad',
      () => true,
      () => ({ ...validAlert, techniques: ['TA0001'] }),
    );
    expect(asRejection(normalizeRecord(record({}), CTX, [bad])).reason).toMatch(
      /^adapter bad produced an invalid alert: techniques\.0: /,
    );
  });

  it('names the keys of a record no adapter recognises', () => {
    const keys = Object.fromEntries('abcdefghij'.split('').map((k) => [k, 1]));
    expect(asRejection(normalizeRecord(record(keys), CTX, [])).reason).toBe(
      'unknown format: no adapter recognises a record with keys a, b, c, d, e, f, g, h…',
    );
    expect(asRejection(normalizeRecord(record({}), CTX, [])).reason).toBe('unknown format: an empty JSON object');
    expect(asRejection(normalizeRecord(record('text'), CTX, [])).reason).toBe(
      'unknown format: a JSON string is not a record',
    );
  });

  it('rejects an XML event with no provider or channel under the default registry', () => {
    const r = asRejection(normalizeRecord(record({ System: { EventID: '1' } }, 'xml'), CTX));
    expect(r.reason).toBe('unknown format: no adapter recognises this XML <Event> (no System/Provider or Channel)');
  });
});

describe('the default registry', () => {
  it('puts the Sysmon adapters first and the generic Windows event adapter last', () => {
    expect(adapters.slice(0, 4).map((a) => a.id)).toEqual([
      'sysmon-xml',
      'sysmon-evtx-json',
      'sysmon-ecs',
      'sysmon-flat',
    ]);
    expect(adapters[adapters.length - 1]!.id).toBe('windows-event');
  });

  it('lets exactly one adapter claim a Sysmon flat record', () => {
    const rec = record(sysmonFlat({ Image: 'C:\\a.exe' }));
    expect(adapters.filter((a) => a.detect(rec)).map((a) => a.id)).toEqual(['sysmon-flat']);
  });

  it('leaves a Security-channel event to the generic Windows adapter only', () => {
    const rec = record({
      EventID: 4688,
      Channel: 'Security',
      SourceName: 'Microsoft-Windows-Security-Auditing',
      Hostname: 'h',
    });
    expect(adapters.filter((a) => a.detect(rec)).map((a) => a.id)).toEqual(['windows-event']);
  });
});
