import { describe, expect, it } from 'vitest';
import { Random } from '../../src/testing/sim/random.js';
import { Scheduler } from '../../src/testing/sim/scheduler.js';

describe('Random (xoshiro128**)', () => {
  it('replays the same stream for the same seed and a different one for another seed', () => {
    const draw = (seed: number) => {
      const r = new Random(seed);
      return Array.from({ length: 20 }, () => r.next32());
    };
    expect(draw(17)).toEqual(draw(17));
    expect(draw(17)).not.toEqual(draw(18));
  });

  it('draws integers inside the inclusive range, hitting both ends', () => {
    const r = new Random(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = r.int(3, 7);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(7);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('is roughly uniform and chance(p) is roughly p', () => {
    const r = new Random(99);
    let hits = 0;
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      if (r.chance(0.25)) hits++;
      sum += r.float();
    }
    expect(hits / 20_000).toBeGreaterThan(0.23);
    expect(hits / 20_000).toBeLessThan(0.27);
    expect(sum / 20_000).toBeGreaterThan(0.48);
    expect(sum / 20_000).toBeLessThan(0.52);
    expect(r.chance(0)).toBe(false);
  });
});

describe('Scheduler', () => {
  it('runs events in time order, ties in insertion order, jumping the clock', () => {
    const s = new Scheduler();
    const order: string[] = [];
    s.at(30, () => order.push(`c@${s.nowMs}`));
    s.at(10, () => order.push(`a@${s.nowMs}`));
    s.at(10, () => order.push(`b@${s.nowMs}`));
    s.at(10, () => s.after(0, () => order.push(`d@${s.nowMs}`)));
    while (s.step());
    expect(order).toEqual(['a@10', 'b@10', 'd@10', 'c@30']);
    expect(s.nowMs).toBe(30);
    expect(s.steps).toBe(5);
  });

  it('never schedules into the past, skips cancelled events and stops at runUntil', () => {
    const s = new Scheduler();
    const order: number[] = [];
    s.at(50, () => {
      s.at(10, () => order.push(s.nowMs));
    });
    const cancelled = s.at(60, () => order.push(-1));
    cancelled.cancelled = true;
    s.at(200, () => order.push(200));
    s.runUntil(100);
    expect(order).toEqual([50]);
    expect(s.nowMs).toBe(100);
    expect(s.peekTime()).toBe(200);
  });

  it('runUntil stops early when the callback says so', () => {
    const s = new Scheduler();
    let n = 0;
    for (let i = 1; i <= 10; i++) s.at(i, () => n++);
    expect(s.runUntil(100, () => n < 3)).toBe(false);
    expect(n).toBe(3);
    expect(s.nowMs).toBe(3);
  });
});
