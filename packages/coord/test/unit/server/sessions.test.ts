import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionTracker, initialSessionId } from '../../../src/server/sessions.js';

const SEED = 0x5e55_1075;
const MIN_LONG = -(2n ** 63n);

describe('initialSessionId (SessionTrackerImpl.initializeNextSessionId)', () => {
  // Ground truth: the Java program evaluated the method's expression,
  // `((now << 24) >>> 8) | (serverId << 56)`, `+1` if that is Long.MIN_VALUE, for these inputs
  // (the method itself reads Time.currentElapsedTime(), so the clock cannot be passed in).
  it('puts the server id in the top byte and 40 bits of the clock above a 16-bit counter', () => {
    const cases: [number, number, bigint][] = [
      [1, 0, 0x0100_0000_0000_0000n],
      [1, 1, 0x0100_0000_0001_0000n],
      [1, 1_700_000_000_000, 111411200000000000n], // 0x018bcfe568000000
      [255, 1_700_000_000_000, -32703988075855872n], // 0xff8bcfe568000000
      [255, 0, -72057594037927936n], // 0xff00000000000000
      [1, 2 ** 40 + 5, 0x0100_0000_0005_0000n], // the clock's bit 40 and up fall off
      [7, 123_456_789, 504411249129619456n], // 0x0700075bcd150000
    ];
    for (const [serverId, now, id] of cases) expect(initialSessionId(serverId, now), `${serverId}@${now}`).toBe(id);
  });

  it('never returns Long.MIN_VALUE, the container marker (server id 128 at clock 0 mod 2^40)', () => {
    // Java printed -9223372036854775807 (0x8000000000000001) for both.
    expect(initialSessionId(128, 0)).toBe(MIN_LONG + 1n);
    expect(initialSessionId(128, 2 ** 40)).toBe(MIN_LONG + 1n);
  });

  it('property: matches the layout for any server id and clock', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (serverId, now) => {
        const id = initialSessionId(serverId, now);
        const u = BigInt.asUintN(64, id);
        expect(id).not.toBe(MIN_LONG);
        expect(Number(u >> 56n)).toBe(serverId);
        const expected = BigInt.asIntN(64, (BigInt(serverId) << 56n) | ((BigInt(now) & 0xff_ffff_ffffn) << 16n));
        expect(id).toBe(expected === MIN_LONG ? MIN_LONG + 1n : expected);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('SessionTracker', () => {
  it('allocates consecutive ids from the initial one', () => {
    const t = new SessionTracker(1, 1_700_000_000_000, 2000);
    const first = initialSessionId(1, 1_700_000_000_000);
    expect(t.create(30_000, 0)).toBe(first);
    expect(t.create(30_000, 0)).toBe(first + 1n);
    expect(t.create(30_000, 0)).toBe(first + 2n);
    expect(t.size).toBe(3);
    expect([...t.ids()]).toEqual([first, first + 1n, first + 2n]);
  });

  // ExpiryQueue.roundToNextInterval: (time / interval + 1) * interval, so a deadline on a tick
  // boundary moves to the next one.
  it('sets the deadline to the next tick after now + timeout', () => {
    const t = new SessionTracker(1, 0, 2000);
    const a = t.create(5000, 1000);
    expect(t.get(a)).toEqual({ id: a, timeoutMs: 5000, expiresAtMs: 8000, closing: false });
    const b = t.create(5000, 999);
    expect(t.get(b)?.expiresAtMs).toBe(6000);
    const c = t.create(4000, 2000);
    expect(t.get(c)?.expiresAtMs).toBe(8000);
    t.add(42n, 1000, 10_999);
    expect(t.get(42n)).toEqual({ id: 42n, timeoutMs: 1000, expiresAtMs: 12_000, closing: false });
  });

  it('touch extends to the tick-rounded deadline, never backwards, and refuses unknown and closing sessions', () => {
    const t = new SessionTracker(1, 0, 2000);
    const id = t.create(5000, 1000);
    expect(t.touch(id, 2500)).toBe(true);
    expect(t.get(id)?.expiresAtMs).toBe(8000);
    expect(t.touch(id, 3000)).toBe(true);
    expect(t.get(id)?.expiresAtMs).toBe(10_000);
    expect(t.touch(id, 0)).toBe(true);
    expect(t.get(id)?.expiresAtMs).toBe(10_000);
    expect(t.touch(999n, 3000)).toBe(false);
    t.setClosing(id);
    expect(t.touch(id, 9000)).toBe(false);
    expect(t.get(id)).toMatchObject({ closing: true, expiresAtMs: 10_000 });
    t.setClosing(999n);
    expect(t.get(999n)).toBeUndefined();
  });

  it('expires each session once, when its deadline is reached', () => {
    const t = new SessionTracker(1, 0, 2000);
    const a = t.create(5000, 1000); // 8000
    const b = t.create(9000, 1000); // 12000
    expect(t.expired(7999)).toEqual([]);
    expect(t.expired(8000)).toEqual([a]);
    expect(t.get(a)?.closing).toBe(true);
    expect(t.expired(8000)).toEqual([]);
    expect(t.touch(a, 8000)).toBe(false);
    expect(t.expired(20_000)).toEqual([b]);
    expect(t.expired(30_000)).toEqual([]);
    // Removing is the caller's job once the close is applied.
    expect(t.size).toBe(2);
    t.remove(a);
    t.remove(b);
    expect(t.size).toBe(0);
  });

  it('does not expire a session already closing', () => {
    const t = new SessionTracker(1, 0, 1000);
    const a = t.create(1000, 0);
    t.setClosing(a);
    expect(t.expired(10_000)).toEqual([]);
  });

  it('schedules checks on tick boundaries', () => {
    const t = new SessionTracker(1, 0, 2000);
    expect(t.nextCheckAtMs(0)).toBe(2000);
    expect(t.nextCheckAtMs(1999)).toBe(2000);
    expect(t.nextCheckAtMs(2000)).toBe(4000);
  });

  it('property: a deadline is the first tick strictly after now + timeout, and touches only move it forward', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 10 }),
        (tick, timeout, times) => {
          const t = new SessionTracker(1, 0, tick);
          const id = t.create(timeout, times[0]!);
          let last = 0;
          for (const now of times) {
            t.touch(id, now);
            const deadline = t.get(id)!.expiresAtMs;
            expect(deadline % tick).toBe(0);
            expect(deadline).toBeGreaterThanOrEqual(last);
            expect(deadline).toBeGreaterThan(now + timeout);
            last = deadline;
          }
          const latest = Math.max(...times);
          expect(last).toBeGreaterThan(latest + timeout);
          expect(last - tick).toBeLessThanOrEqual(latest + timeout);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
