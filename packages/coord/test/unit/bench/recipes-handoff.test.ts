import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/cli/bench/latency.js';
import { handoffWarmup, runHandoffs, type HandoffLock } from '../../../src/cli/bench/recipes-handoff.js';

/** A fair in-process lock on a virtual clock: every grant takes exactly 1 ms. */
class FakeLock {
  holder: number | undefined;
  readonly grants: number[] = [];
  readonly queue: Array<{ id: number; grant: () => void }> = [];
  clock = 0;
  failOnGrant: number | undefined;

  contender(id: number): HandoffLock {
    return {
      acquire: ({ signal }) =>
        new Promise((resolve, reject) => {
          if (this.failOnGrant !== undefined && this.grants.length >= this.failOnGrant) {
            reject(new Error('connection lost'));
            return;
          }
          const entry = {
            id,
            grant: () => {
              signal.removeEventListener('abort', onAbort);
              this.clock += 1;
              this.holder = id;
              this.grants.push(id);
              resolve({ release: () => this.release(id) });
            },
          };
          const onAbort = () => {
            const at = this.queue.indexOf(entry);
            if (at >= 0) this.queue.splice(at, 1);
            reject(new Error('aborted'));
          };
          signal.addEventListener('abort', onAbort);
          if (this.holder === undefined && this.queue.length === 0) entry.grant();
          else this.queue.push(entry);
        }),
    };
  }

  private release(id: number): Promise<void> {
    if (this.holder !== id) return Promise.reject(new Error(`contender ${id} released a lock it does not hold`));
    this.holder = undefined;
    this.queue.shift()?.grant();
    return Promise.resolve();
  }

  locks(n: number): HandoffLock[] {
    return Array.from({ length: n }, (_, i) => this.contender(i));
  }
}

describe('runHandoffs', () => {
  it('one contender: each release and re-acquire is one hand-off, timed from the release call', async () => {
    const lock = new FakeLock();
    const sample = await runHandoffs(lock.locks(1), { warmup: 5, measured: 40 }, () => lock.clock);
    const s = summarize(sample.latencies, sample.elapsedMs);
    expect(s.ops).toBe(40);
    expect(s.p50Ms).toBe(1);
    expect(s.p99Ms).toBe(1);
    expect(sample.elapsedMs).toBe(40);
    expect(s.opsPerSec).toBe(1000);
    // The first grant is not a hand-off: 1 + 5 warm-up + 40 measured.
    expect(lock.grants).toHaveLength(46);
    expect(lock.holder).toBeUndefined();
  });

  it('several contenders take turns, and the waiters are aborted once enough hand-offs were measured', async () => {
    const lock = new FakeLock();
    const sample = await runHandoffs(lock.locks(4), { warmup: 4, measured: 20 }, () => lock.clock);
    expect(sample.latencies.length).toBe(20);
    expect(lock.grants).toHaveLength(25);
    for (let i = 1; i < lock.grants.length; i++) expect(lock.grants[i]).not.toBe(lock.grants[i - 1]);
    expect(new Set(lock.grants).size).toBe(4);
    expect(lock.queue).toEqual([]);
    expect(lock.holder).toBeUndefined();
  });

  it('a failed acquire ends the loop with that error after every contender stopped', async () => {
    const lock = new FakeLock();
    lock.failOnGrant = 7;
    await expect(runHandoffs(lock.locks(3), { warmup: 2, measured: 100 }, () => lock.clock)).rejects.toThrow('connection lost');
    expect(lock.queue).toEqual([]);
  });

  it('needs a lock', async () => {
    await expect(runHandoffs([], { warmup: 0, measured: 1 }, () => 0)).rejects.toThrow(RangeError);
  });
});

describe('handoffWarmup', () => {
  it('lets every contender hold the lock once, and is at least 20', () => {
    expect(handoffWarmup(1)).toBe(20);
    expect(handoffWarmup(10)).toBe(20);
    expect(handoffWarmup(100)).toBe(100);
  });
});
