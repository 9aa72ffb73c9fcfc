import { RetryableError } from '../../lambdas/core/errors';
import { ControlSource } from '../../lambdas/adapters/control';

describe('ControlSource (the kill switch and cap, from SSM)', () => {
  const names = { modeParameter: '/A2T/ticketing', capParameter: '/A2T/max-tickets-per-hour' };

  it('reads both parameters in one call at most once a minute, and keeps the last value when SSM fails', async () => {
    const clock = { now: 0 };
    const values: Record<string, string | undefined> = { '/A2T/ticketing': 'on', '/A2T/max-tickets-per-hour': '30' };
    const calls: string[][] = [];
    let fail = false;
    const source = new ControlSource({
      ...names,
      now: () => clock.now,
      read: async (n) => {
        calls.push(n);
        if (fail) throw new Error('ThrottlingException');
        return { ...values };
      },
    });
    expect(await source.get()).toEqual({ mode: 'on', maxTicketsPerHour: 30 });
    values['/A2T/ticketing'] = 'off';
    clock.now = 59_999;
    expect((await source.get()).mode).toBe('on');
    clock.now = 60_000;
    expect((await source.get()).mode).toBe('off');
    fail = true;
    clock.now = 120_000;
    expect((await source.get()).mode).toBe('off');
    expect(calls).toEqual([
      ['/A2T/ticketing', '/A2T/max-tickets-per-hour'],
      ['/A2T/ticketing', '/A2T/max-tickets-per-hour'],
      ['/A2T/ticketing', '/A2T/max-tickets-per-hour'],
    ]);
  });

  it('stops ticketing on a deleted parameter and reports it; without any value it cannot guess', async () => {
    const problems: string[] = [];
    const source = new ControlSource({ ...names, read: async () => ({}), onProblem: (p) => problems.push(p) });
    expect(await source.get()).toEqual({ mode: 'off', maxTicketsPerHour: 0 });
    expect(problems).toHaveLength(2);
    const unreadable = new ControlSource({
      ...names,
      read: async () => {
        throw new Error('AccessDenied');
      },
    });
    await expect(unreadable.get()).rejects.toBeInstanceOf(RetryableError);
  });
});
