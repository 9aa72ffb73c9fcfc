import {
  accountOf,
  attackTactics,
  hashesOf,
  ipsOf,
  joinPath,
  safeInt,
  severityOf,
  timeAt,
} from '../../../../lambdas/core/formats/edr/fields';
import { ecs } from '../../../../lambdas/core/formats/edr/elastic';
import { ArtifactList, compact } from '../../../../lambdas/core/formats/edr/build';
import { RecordRejected } from '../../../../lambdas/core/formats/types';
import { splitConcatenated } from './helpers';

describe('joinPath', () => {
  it('joins a Windows directory and a name', () => {
    expect(joinPath('C:\\Windows\\System32', 'cmd.exe')).toBe('C:\\Windows\\System32\\cmd.exe');
  });

  it('joins a POSIX directory with a trailing slash', () => {
    expect(joinPath('/home/u/bin/', 'tool')).toBe('/home/u/bin/tool');
  });

  it('keeps a path that already ends with the name, in any case', () => {
    expect(joinPath('\\Device\\HarddiskVolume2\\x\\RFUSCLIENT.EXE', 'rfusclient.exe')).toBe(
      '\\Device\\HarddiskVolume2\\x\\RFUSCLIENT.EXE',
    );
  });

  it('returns whichever part exists', () => {
    expect(joinPath(undefined, 'a.exe')).toBe('a.exe');
    expect(joinPath('C:\\Temp', undefined)).toBe('C:\\Temp');
  });
});

describe('hashesOf', () => {
  it('lower-cases, validates length and drops all-zero dummy values', () => {
    expect(
      hashesOf({
        md5: '7353F60B1739074EB17C5F4DDDEFE239',
        sha1: '0000000000000000000000000000000000000000',
        sha256: 'abc',
      }),
    ).toEqual({ md5: '7353f60b1739074eb17c5f4dddefe239' });
  });

  it('returns undefined when nothing is usable', () => {
    expect(hashesOf({ md5: null, sha1: { x: 1 } })).toBeUndefined();
  });
});

describe('attackTactics', () => {
  it('keeps ATT&CK tactic names as written and drops vendor categories', () => {
    expect(
      attackTactics('DefenseEvasion', ['Malware', 'Command & Control'], 'Machine Learning', 'defense evasion'),
    ).toEqual(['DefenseEvasion', 'Command & Control']);
  });
});

describe('ipsOf', () => {
  it('splits lists, drops loopback and dummy values that are not addresses', () => {
    expect(ipsOf('10.0.0.1,127.0.0.1', ['000.111.222.10', '::1', 'fe80::1'], null)).toEqual(['10.0.0.1', 'fe80::1']);
  });
});

describe('safeInt', () => {
  it('refuses integers JSON cannot carry exactly', () => {
    // What JSON.parse makes of CrowdStrike's ProcessId 1719309930613520072.
    expect(safeInt(JSON.parse('1719309930613520072'))).toBeUndefined();
    expect(safeInt('4104')).toBe(4104);
  });
});

describe('severityOf', () => {
  it('maps numbers on the given scale and keeps the vendor text', () => {
    expect(severityOf(2, 'Severity', 5)).toEqual({ vendor: '2', score: 40 });
    expect(severityOf(' High ', 'severity')).toEqual({ vendor: 'High', score: 75 });
  });

  it('scores an unknown word as unknown and rejects a wrong type', () => {
    expect(severityOf('Other', 'severity')).toEqual({ vendor: 'Other', score: 20 });
    expect(() => severityOf(['high'], 'severity')).toThrow(
      new RecordRejected('invalid severity in severity: expected a word or a number, got an array'),
    );
  });

  it('treats null and blank as absent', () => {
    expect(severityOf(null, 'severity')).toBeUndefined();
    expect(severityOf('  ', 'severity')).toBeUndefined();
  });
});

describe('timeAt', () => {
  it('uses the first present field', () => {
    expect(timeAt({ a: null, b: '2024-02-15T21:25:03.1234567Z' }, ['a', 'b'])).toBe('2024-02-15T21:25:03.123Z');
  });

  it('names the fields when none is present', () => {
    expect(() => timeAt({}, ['a', 'b.c'])).toThrow(new RecordRejected('missing timestamp: none of a, b.c'));
  });
});

describe('accountOf', () => {
  it('splits DOMAIN\\user and keeps other forms whole', () => {
    expect(accountOf('CORP\\jwilliams')).toEqual({ name: 'jwilliams', domain: 'CORP' });
    expect(accountOf('jwilliams@corp.example.com')).toEqual({ name: 'jwilliams@corp.example.com' });
    expect(accountOf('\\x')).toEqual({ name: '\\x' });
  });
});

describe('ecs', () => {
  it('reads nested, dotted and partly dotted fields', () => {
    expect(ecs({ event: { kind: 'alert' } }, 'event.kind')).toBe('alert');
    expect(ecs({ 'kibana.alert.risk_score': 73 }, 'kibana.alert.risk_score')).toBe(73);
    expect(ecs({ 'kibana.alert': { rule: { name: 'R' } } }, 'kibana.alert.rule.name')).toBe('R');
    expect(ecs({ event: 'x' }, 'event.kind')).toBeUndefined();
  });
});

describe('ArtifactList and compact', () => {
  it('deduplicates by type and value, hashes and domains case-insensitively', () => {
    const list = new ArtifactList();
    list.add('hash', 'ABCDEF0123456789ABCDEF0123456789', 'a');
    list.add('hash', 'abcdef0123456789abcdef0123456789', 'b');
    list.add('file', 'C:\\A.exe');
    list.add('file', 'c:\\a.exe');
    list.add('ip', { not: 'text' });
    expect(list.list).toEqual([
      { type: 'hash', value: 'ABCDEF0123456789ABCDEF0123456789', role: 'a' },
      { type: 'file', value: 'C:\\A.exe' },
      { type: 'file', value: 'c:\\a.exe' },
    ]);
  });

  it('drops undefined properties and empty arrays, and empties to undefined', () => {
    expect(compact({ a: 1, b: undefined, c: [] as string[] })).toEqual({ a: 1 });
    expect(compact({ a: undefined, c: [] as string[] })).toBeUndefined();
  });
});

describe('splitConcatenated (test helper)', () => {
  it('splits pretty-printed objects and ignores braces inside strings', () => {
    expect(splitConcatenated('{\n "a": "}{"\n}\n{"b": {"c": "\\"}"}}')).toEqual([
      '{\n "a": "}{"\n}',
      '{"b": {"c": "\\"}"}}',
    ]);
  });
});
