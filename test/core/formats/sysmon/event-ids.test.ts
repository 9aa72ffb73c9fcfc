import { SYSMON_EVENTS, sysmonEventType } from '../../../../lambdas/core/formats/sysmon/event-ids';

describe('Sysmon event id table', () => {
  it('names every event id 1–29 and 255', () => {
    const ids = [...SYSMON_EVENTS.keys()];
    expect(ids).toEqual([...Array.from({ length: 29 }, (_, i) => i + 1), 255]);
  });

  it('gives each id a distinct slug', () => {
    const slugs = [...SYSMON_EVENTS.values()].map((t) => t.type);
    expect(new Set(slugs).size).toBe(30);
    for (const s of slugs) expect(s).toMatch(/^[a-z_]+$/);
  });

  it('maps 13 to registry_value_set', () => {
    expect(sysmonEventType(13)).toEqual({
      type: 'registry_value_set',
      name: 'Registry value set',
      score: 20,
      known: true,
    });
  });

  it('scores process access, remote threads and tampering above network and DNS', () => {
    const score = (id: number): number => sysmonEventType(id).score;
    for (const high of [8, 10, 25]) for (const low of [3, 22]) expect(score(high)).toBeGreaterThan(score(low));
  });

  it('keeps an id newer than the table as a generic Sysmon event', () => {
    expect(sysmonEventType(30)).toEqual({ type: 'sysmon_event_30', name: 'Sysmon event 30', score: 20, known: false });
  });
});
