import { emptyMeta, mergeIntoMeta } from '../../../../lambdas/core/correlate/incident-meta';
import { gatherFacts } from '../../../../lambdas/core/draft/facts';
import { TIME_ZONE_UNVERIFIED, hasMeasuredTime } from '../../../../lambdas/core/formats/sysmon/local-time';
import type { EnrichedAlert } from '../../../../lambdas/core/model/enrichment';
import type { IncidentView } from '../../../../lambdas/core/model/incident';
import { makeEnriched } from '../../../helpers/alerts';

/**
 * A source that writes local time with an offset nothing measured (a System-channel 7045 in flat NXLog JSON, with
 * no Sysmon event of its host beside it) is kept out of the UTC span of its incident, never mixed in silently.
 */

const utc = (id: string, time: string): EnrichedAlert => makeEnriched({ alertId: id, eventTime: time });
/** Its `eventTime` is the local clock reading written as UTC: 8 hours off in these tests. */
const local = (id: string, time: string): EnrichedAlert =>
  makeEnriched({ alertId: id, eventTime: time, flags: [TIME_ZONE_UNVERIFIED] });

const merge = (alerts: EnrichedAlert[], prev = emptyMeta('INC-1', 'g', alerts[0].eventTime, alerts[0])) =>
  mergeIntoMeta(prev, { alerts, duplicates: 0, suppressed: 0, messageIds: ['m'] });

describe('unmeasured local times', () => {
  it('tells measured from unmeasured times by the flag', () => {
    expect(hasMeasuredTime(utc('a', '2024-05-08T16:40:13.000Z'))).toBe(true);
    expect(hasMeasuredTime(local('b', '2024-05-09T00:40:12.000Z'))).toBe(false);
  });

  it('keeps an unmeasured time out of the incident span and counts it', () => {
    const m = merge([
      local('7045', '2024-05-09T00:40:12.000Z'),
      utc('s1', '2024-05-08T16:40:13.000Z'),
      utc('s2', '2024-05-08T16:40:14.000Z'),
    ]);
    expect({ first: m.firstSeen, last: m.lastSeen }).toEqual({
      first: '2024-05-08T16:40:13.000Z',
      last: '2024-05-08T16:40:14.000Z',
    });
    expect(m.unmeasuredTimes).toBe(1);
  });

  it('replaces a span only unmeasured times set with the first measured one', () => {
    const first = merge([local('7045', '2024-05-09T00:40:12.000Z')]);
    expect(first.firstSeen).toBe('2024-05-09T00:40:12.000Z');
    const next = merge([utc('s1', '2024-05-08T16:40:13.000Z')], first);
    expect({ first: next.firstSeen, last: next.lastSeen }).toEqual({
      first: '2024-05-08T16:40:13.000Z',
      last: '2024-05-08T16:40:13.000Z',
    });
    const later = merge([local('7036', '2024-05-09T01:00:00.000Z')], next);
    expect(later.lastSeen).toBe('2024-05-08T16:40:13.000Z');
    expect(later.unmeasuredTimes).toBe(2);
  });

  it('leaves the count absent where every time was measured', () => {
    expect(merge([utc('s1', '2024-05-08T16:40:13.000Z')]).unmeasuredTimes).toBeUndefined();
  });

  it('gives the draft the unmeasured alerts apart and a UTC span without them', () => {
    const alerts = [local('7045', '2024-05-09T00:40:12.000Z'), utc('s1', '2024-05-08T16:40:13.000Z')];
    const m = merge(alerts);
    const view: IncidentView = {
      ...m,
      alerts: [...alerts].sort((a, b) => a.eventTime.localeCompare(b.eventTime)),
      assets: [],
      userContexts: [],
    };
    const f = gatherFacts(view);
    expect(f.unmeasuredTimes?.map((a) => a.alertId)).toEqual(['7045']);
    expect({ first: f.firstSeen, last: f.lastSeen }).toEqual({
      first: '2024-05-08T16:40:13.000Z',
      last: '2024-05-08T16:40:13.000Z',
    });
  });
});
