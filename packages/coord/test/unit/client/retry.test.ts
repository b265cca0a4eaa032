import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectionLossError, ManualClock, NoNodeError, RequestTimeoutError, RetryPolicy, SessionExpiredError } from '../../../src/index.js';

const SEED = 77;

/** Lets the promise callbacks of a finished attempt run (the policy then arms its sleep). */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A function that fails with the given errors in turn, then returns 'done'; counts calls. */
function scripted(...errors: unknown[]): { calls: number[]; fn: (attempt: number) => Promise<string> } {
  const calls: number[] = [];
  return {
    calls,
    fn: (attempt) => {
      calls.push(attempt);
      const error = errors[calls.length - 1];
      return error === undefined ? Promise.resolve('done') : Promise.reject(error);
    },
  };
}

describe('RetryPolicy.delayFor', () => {
  it('stays within [base, min(max, base * 2^(retry+1))] for any random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (retry, r, baseSleepMs, extra) => {
          const maxSleepMs = baseSleepMs + extra;
          const delay = new RetryPolicy({ baseSleepMs, maxSleepMs, random: () => r }).delayFor(retry);
          expect(delay).toBeGreaterThanOrEqual(Math.min(baseSleepMs, maxSleepMs));
          expect(delay).toBeLessThanOrEqual(Math.min(maxSleepMs, baseSleepMs * 2 ** (Math.min(retry, 29) + 1)));
          expect(Number.isFinite(delay)).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('grows exponentially up to the cap when random is high', () => {
    const policy = new RetryPolicy({ baseSleepMs: 100, maxSleepMs: 10_000, random: () => 0.999_999 });
    expect([0, 1, 2, 3, 4, 5, 6, 7, 40].map((n) => policy.delayFor(n))).toEqual([200, 400, 800, 1_600, 3_200, 6_400, 10_000, 10_000, 10_000]);
  });

  it('never goes below the base when random is 0', () => {
    const policy = new RetryPolicy({ baseSleepMs: 100, random: () => 0 });
    expect([0, 1, 5, 20].map((n) => policy.delayFor(n))).toEqual([100, 100, 100, 100]);
  });

  it('draws the jitter from the injected random', () => {
    const draws = [0.1, 0.6, 0.3];
    const policy = new RetryPolicy({ baseSleepMs: 10, random: () => draws.shift() ?? 0 });
    // factor = floor(r * 2^(n+1)) + 1
    expect([policy.delayFor(0), policy.delayFor(1), policy.delayFor(2)]).toEqual([10, 30, 30]);
  });
});

describe('RetryPolicy.run', () => {
  it('returns the first success without sleeping', async () => {
    const clock = new ManualClock();
    const { calls, fn } = scripted();
    await expect(new RetryPolicy({ clock }).run(fn)).resolves.toBe('done');
    expect(calls).toEqual([0]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('retries retriable errors after the computed delays, on the injected clock', async () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy({ clock, baseSleepMs: 100, random: () => 0.5 });
    const { calls, fn } = scripted(new ConnectionLossError(), new RequestTimeoutError());
    let result: string | undefined;
    const running = policy.run(fn).then((v) => (result = v));

    await flush();
    expect(calls).toEqual([0]);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(policy.delayFor(0) - 1);
    await flush();
    expect(calls).toEqual([0]);
    clock.advance(1);
    await flush();
    expect(calls).toEqual([0, 1]);

    clock.advance(policy.delayFor(1));
    await running;
    expect(calls).toEqual([0, 1, 2]);
    expect(result).toBe('done');
    expect(clock.pendingTimers).toBe(0);
  });

  it.each([
    ['NoNodeError', new NoNodeError()],
    ['a plain Error', new Error('boom')],
    ['a string', 'boom'],
  ])('does not retry %s', async (_label, error) => {
    const clock = new ManualClock();
    const { calls, fn } = scripted(error);
    await expect(new RetryPolicy({ clock }).run(fn)).rejects.toBe(error);
    expect(calls).toEqual([0]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('gives up after maxRetries with the last error', async () => {
    const clock = new ManualClock();
    const errors = [new ConnectionLossError({ message: '1' }), new ConnectionLossError({ message: '2' }), new SessionExpiredError({ message: '3' })];
    const { calls, fn } = scripted(...errors);
    const policy = new RetryPolicy({ clock, maxRetries: 2, baseSleepMs: 10, maxSleepMs: 10 });
    const outcome = policy.run(fn).catch((e: unknown) => e);
    for (let i = 0; i < 2; i++) {
      await flush();
      clock.advance(10);
    }
    expect(await outcome).toBe(errors[2]);
    expect(calls).toEqual([0, 1, 2]);
  });

  it('asks a custom isRetriable', async () => {
    const clock = new ManualClock();
    const retryMe = new Error('transient');
    const { calls, fn } = scripted(retryMe, new Error('fatal'));
    const policy = new RetryPolicy({ clock, baseSleepMs: 5, maxSleepMs: 5, isRetriable: (e) => e === retryMe });
    const outcome = policy.run(fn).catch((e: unknown) => e);
    await flush();
    clock.advance(5);
    expect(((await outcome) as Error).message).toBe('fatal');
    expect(calls).toEqual([0, 1]);
  });

  it('stops when the signal aborts during a sleep, with the signal’s reason', async () => {
    const clock = new ManualClock();
    const { calls, fn } = scripted(new ConnectionLossError(), new ConnectionLossError());
    const controller = new AbortController();
    const outcome = new RetryPolicy({ clock }).run(fn, { signal: controller.signal }).catch((e: unknown) => e);
    await flush();
    expect(clock.pendingTimers).toBe(1);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await outcome).toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1_000_000);
    await flush();
    expect(calls).toEqual([0]);
  });

  it('does not start when the signal is already aborted', async () => {
    const { calls, fn } = scripted();
    const reason = new Error('too late');
    await expect(new RetryPolicy({ clock: new ManualClock() }).run(fn, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(calls).toEqual([]);
  });

  it('does not sleep after a failure once the signal has aborted', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const failure = new ConnectionLossError();
    const outcome = new RetryPolicy({ clock })
      .run(
        () => {
          controller.abort();
          return Promise.reject(failure);
        },
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    expect(await outcome).toBe(failure);
    expect(clock.pendingTimers).toBe(0);
  });
});
