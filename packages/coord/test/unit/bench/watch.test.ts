import { describe, expect, it } from 'vitest';
import type { LoopClocks } from '../../../src/cli/bench/loop.js';
import { NotificationLatch, runWatchLoop } from '../../../src/cli/bench/watch.js';

function fakeClocks(): LoopClocks & { advance(ms: number): void; time(): number } {
  let time = 0;
  let cpu = 0;
  return {
    now: () => time,
    cpuMs: () => (cpu += 3),
    advance: (ms) => {
      time += ms;
    },
    time: () => time,
  };
}

describe('NotificationLatch', () => {
  it('hands the next notification time to the waiter', async () => {
    const latch = new NotificationLatch();
    const next = latch.next();
    latch.fire(12.5);
    await expect(next).resolves.toBe(12.5);
    expect(latch.stray).toBe(0);
  });

  it('counts a notification nobody waits for as stray, and does not keep it for a later wait', async () => {
    const latch = new NotificationLatch();
    latch.fire(1);
    expect(latch.stray).toBe(1);
    const next = latch.next();
    latch.fire(2);
    await expect(next).resolves.toBe(2);
  });

  it('allows one wait at a time; cancel() forgets the waiter', () => {
    const latch = new NotificationLatch();
    void latch.next();
    expect(() => latch.next()).toThrow(/already waiting/);
    latch.cancel();
    latch.fire(3);
    expect(latch.stray).toBe(1);
  });
});

describe('runWatchLoop', () => {
  it('measures from the write call to the notification, one write at a time', async () => {
    const clocks = fakeClocks();
    const latch = new NotificationLatch();
    let inFlight = 0;
    let maxInFlight = 0;
    // The write's reply takes 1 ms; the notification arrives 3 ms after the call, after the reply.
    const write = async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const start = clocks.time();
      clocks.advance(1);
      setImmediate(() => {
        clocks.advance(2);
        latch.fire(start + 3);
        inFlight--;
      });
    };
    const result = await runWatchLoop(write, latch, { kind: 'ops', count: 20 }, 1_000, clocks);
    expect(result.error).toBeUndefined();
    expect(result.latencies.length).toBe(20);
    expect(Array.from(result.latencies.sorted()).every((ms) => ms === 3)).toBe(true);
    expect(result.elapsedMs).toBe(60);
    expect(result.cpuMs).toBe(3);
    expect(maxInFlight).toBe(1);
  });

  it('a notification before the reply is matched to its write too', async () => {
    const clocks = fakeClocks();
    const latch = new NotificationLatch();
    const write = async () => {
      clocks.advance(2);
      latch.fire(clocks.time());
      clocks.advance(5);
    };
    const result = await runWatchLoop(write, latch, { kind: 'ops', count: 3 }, 1_000, clocks);
    expect(Array.from(result.latencies.sorted())).toEqual([2, 2, 2]);
    expect(latch.stray).toBe(0);
  });

  it('with a duration, stops writing once the time is up', async () => {
    const clocks = fakeClocks();
    const latch = new NotificationLatch();
    const write = async () => {
      clocks.advance(4);
      latch.fire(clocks.time());
    };
    const result = await runWatchLoop(write, latch, { kind: 'duration', ms: 40 }, 1_000, clocks);
    expect(result.latencies.length).toBe(10);
  });

  it('ends with an error when a notification does not come', async () => {
    const latch = new NotificationLatch();
    const result = await runWatchLoop(async () => undefined, latch, { kind: 'ops', count: 5 }, 20, fakeClocks());
    expect(result.error?.message).toBe('no notification within 20 ms of setData #0');
    expect(result.latencies.length).toBe(0);
    latch.fire(1);
    expect(latch.stray).toBe(1);
  });

  it('ends with the write error when a write fails', async () => {
    const latch = new NotificationLatch();
    const result = await runWatchLoop(() => Promise.reject(new Error('connection lost')), latch, { kind: 'ops', count: 5 }, 1_000, fakeClocks());
    expect(result.error?.message).toBe('connection lost');
  });
});
