import { describe, expect, it } from 'vitest';
import { runLoop, type LoopClocks } from '../../../src/cli/bench/loop.js';

/** A fake wall clock that only moves when an op says so, and a CPU clock that counts calls. */
function fakeClocks(): LoopClocks & { advance(ms: number): void } {
  let time = 0;
  let cpu = 0;
  return {
    now: () => time,
    cpuMs: () => (cpu += 5),
    advance: (ms) => {
      time += ms;
    },
  };
}

describe('runLoop', () => {
  it('with --ops, completes exactly that many ops across the workers', async () => {
    const clocks = fakeClocks();
    const result = await runLoop(async () => clocks.advance(1), 16, { kind: 'ops', count: 1000 }, clocks);
    expect(result.error).toBeUndefined();
    expect(result.latencies.length).toBe(1000);
  });

  it('keeps exactly `concurrency` ops outstanding', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const op = async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => setImmediate(resolve));
      inFlight--;
    };
    await runLoop(op, 7, { kind: 'ops', count: 200 }, fakeClocks());
    expect(maxInFlight).toBe(7);
    expect(inFlight).toBe(0);
  });

  it('with a duration, issues ops until the time is up and measures each one', async () => {
    const clocks = fakeClocks();
    // Each op takes 2 ms of fake time; 100 ms allow 50 ops from one worker.
    const result = await runLoop(async () => clocks.advance(2), 1, { kind: 'duration', ms: 100 }, clocks);
    expect(result.latencies.length).toBe(50);
    expect(Array.from(result.latencies.sorted()).every((ms) => ms === 2)).toBe(true);
    expect(result.elapsedMs).toBe(100);
    expect(result.cpuMs).toBe(5);
  });

  it('gives each worker its own id and a sequence starting at 0', async () => {
    const seen: string[] = [];
    await runLoop(
      async (worker, seq) => {
        seen.push(`${worker}:${seq}`);
      },
      3,
      { kind: 'ops', count: 6 },
      fakeClocks(),
    );
    expect(seen.sort()).toEqual(['0:0', '0:1', '1:0', '1:1', '2:0', '2:1']);
  });

  it('stops at the first failure and reports it', async () => {
    let calls = 0;
    const result = await runLoop(
      async () => {
        calls++;
        if (calls === 10) throw new Error('connection lost');
      },
      4,
      { kind: 'ops', count: 1000 },
      fakeClocks(),
    );
    expect(result.error?.message).toBe('connection lost');
    expect(result.latencies.length).toBeLessThan(1000);
    // Only ops already in flight when the failure happened may still complete.
    expect(calls).toBeLessThanOrEqual(10 + 3);
  });

  it('wraps a non-Error rejection in an Error', async () => {
    const notAnError: unknown = 'plain string';
    const result = await runLoop(() => Promise.reject(notAnError), 1, { kind: 'ops', count: 1 }, fakeClocks());
    expect(result.error).toBeInstanceOf(Error);
    expect(result.error?.message).toBe('plain string');
  });
});
