import { RetryableError } from '../../../lambdas/core/errors';
import { CallPolicy } from '../../../lambdas/adapters/jira/call-policy';
import { CircuitBreaker } from '../../../lambdas/adapters/jira/circuit-breaker';
import { JiraCircuitOpenError, JiraOutOfTimeError, JiraTimeoutError } from '../../../lambdas/adapters/jira/errors';

/** A call that never answers in time, as a Jira that is down does (the policy's own timeout error). */
const down = () => Promise.reject(new JiraTimeoutError(10));
const up = () => Promise.resolve('ok');

describe('the circuit breaker', () => {
  it('opens after five failures in a row, lets one probe through after the cooldown, and doubles it on failure', () => {
    const clock = { now: 0 };
    const b = new CircuitBreaker({ now: () => clock.now });
    for (let i = 0; i < 4; i++) b.failure('HTTP 503');
    expect(b.allow()).toBe(true);
    b.failure('HTTP 503');
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    expect(b.refusal()).toBe(
      'Jira unavailable: 5 call(s) in a row failed (last: HTTP 503); no call is sent until 1970-01-01T00:00:30.000Z',
    );
    clock.now = 30_000;
    expect(b.allow()).toBe(true); // the probe
    expect(b.allow()).toBe(false); // the others wait for its answer
    b.failure('timeout');
    expect(b.state).toBe('open');
    clock.now = 89_999;
    expect(b.allow()).toBe(false);
    clock.now = 90_000;
    expect(b.allow()).toBe(true);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.opened).toBe(2);
  });

  it('counts any answer from Jira as up: failures must be consecutive', () => {
    const b = new CircuitBreaker();
    for (let i = 0; i < 4; i++) b.failure('HTTP 502');
    b.success();
    for (let i = 0; i < 4; i++) b.failure('HTTP 502');
    expect(b.state).toBe('closed');
  });
});

describe('CallPolicy refusals', () => {
  it('stops retrying when the breaker opens mid-call and reports the real failure, then refuses without a request', async () => {
    const breaker = new CircuitBreaker({ threshold: 2 });
    const policy = new CallPolicy({ breaker, maxRetries: 5, sleep: async () => undefined, timeoutMs: 50 });
    const first = await policy.run('getIssue', 'read', down).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(RetryableError);
    expect(first).not.toBeInstanceOf(JiraCircuitOpenError);
    expect(policy.stats().requests).toBe(2);
    const second = await policy.run('getIssue', 'read', up).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(JiraCircuitOpenError);
    expect((second as JiraCircuitOpenError).mayHaveBeenApplied).toBe(false);
    expect(policy.stats().requests).toBe(2);
  });

  it('does not start a call the invocation could not wait for', async () => {
    let remaining = 11_000;
    const policy = new CallPolicy({ remainingMs: () => remaining, timeoutMs: 10_000 });
    const refused = await policy.run('createIssue', 'write', up).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(JiraOutOfTimeError);
    expect((refused as JiraOutOfTimeError).retryAfterMs).toBe(1_000);
    expect(policy.stats().requests).toBe(0);
    remaining = 12_500;
    expect(await policy.run('createIssue', 'write', up)).toBe('ok');
  });
});
