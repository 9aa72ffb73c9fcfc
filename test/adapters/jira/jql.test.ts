import fc from 'fast-check';
import { jqlIncidentLookup, jqlLatestInStatus, jqlString } from '../../../lambdas/adapters/jira/jql';
import { parseJql } from '../../../local/jira-emulator/jql';

/** The emulator's JQL parser reads the quoted literal back: what went in must come out, as one value. */
function roundTrip(value: string): unknown {
  return parseJql(`labels = ${jqlString(value)}`).clauses;
}

describe('jqlString', () => {
  it('wraps in double quotes and escapes backslashes and double quotes', () => {
    expect(jqlString('plain')).toBe('"plain"');
    expect(jqlString('a"b')).toBe('"a\\"b"');
    expect(jqlString('C:\\Users\\bob')).toBe('"C:\\\\Users\\\\bob"');
    expect(jqlString('\\"')).toBe('"\\\\\\""');
  });

  it('escapes newlines, tabs and every other control character', () => {
    expect(jqlString('a\nb\rc\td')).toBe('"a\\nb\\rc\\td"');
    expect(jqlString('\u0000\u0001\u001f\u007f\u0085\u2028')).toBe('"\\u0000\\u0001\\u001f\\u007f\\u0085\\u2028"');
  });

  it('keeps reserved words, reserved characters and a closing quote attempt inside one value', () => {
    const hostile = 'x" OR project = "OPS" ORDER BY created --';

    expect(roundTrip(hostile)).toEqual([{ field: 'labels', op: '=', value: hostile }]);
    for (const word of ['AND', 'OR', 'ORDER', 'empty', 'null', 'NOT', 'in']) {
      expect(roundTrip(word)).toEqual([{ field: 'labels', op: '=', value: word }]);
    }
  });

  it('passes unicode through unchanged', () => {
    expect(jqlString('café-事件-🛡️')).toBe('"café-事件-🛡️"');
    expect(roundTrip('café-事件-🛡️')).toEqual([{ field: 'labels', op: '=', value: 'café-事件-🛡️' }]);
  });

  it('round-trips any string as exactly one value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (value) => {
        expect(roundTrip(value)).toEqual([{ field: 'labels', op: '=', value }]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('jqlIncidentLookup', () => {
  it('builds the label lookup, oldest first, from quoted values only', () => {
    expect(jqlIncidentLookup('SOC', 'a2t-inc-20261122-abc123')).toBe(
      'project = "SOC" AND labels = "a2t-inc-20261122-abc123" ORDER BY created ASC',
    );
  });

  it('keeps a hostile label a single value of a two-clause query', () => {
    const query = parseJql(jqlIncidentLookup('SOC', 'x" OR labels is not EMPTY OR labels = "y'));

    expect(query.clauses).toEqual([
      { field: 'project', op: '=', value: 'SOC' },
      { field: 'labels', op: '=', value: 'x" OR labels is not EMPTY OR labels = "y' },
    ]);
    expect(query.orderBy).toEqual([{ field: 'created', direction: 'asc' }]);
  });
});

describe('jqlLatestInStatus', () => {
  it('quotes the status name, which may contain spaces', () => {
    expect(jqlLatestInStatus('SOC', 'In Progress')).toBe(
      'project = "SOC" AND status = "In Progress" ORDER BY created DESC',
    );
  });
});
