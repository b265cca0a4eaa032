import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/index.js';
import { DownInstancePolicy, RandomStrategy, RoundRobinStrategy, StickyStrategy, type ServiceInstance } from '../../../../src/recipes/discovery/index.js';

function instance(id: string): ServiceInstance<null> {
  return { name: 'svc', id, address: 'localhost', port: 1, sslPort: null, payload: null, registrationTimeUTC: 0, serviceType: 'DYNAMIC', uriSpec: null, enabled: true };
}

const abc = [instance('a'), instance('b'), instance('c')];

describe('provider strategies', () => {
  it('round-robin visits each instance in turn and wraps', () => {
    const s = new RoundRobinStrategy();
    expect([1, 2, 3, 4, 5, 6, 7].map(() => s.getInstance(abc)?.id)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    expect(s.getInstance([])).toBeUndefined();
  });

  it('random uses the injected source over the whole range', () => {
    const values = [0, 0.34, 0.99, 0.999999];
    const s = new RandomStrategy(() => values.shift() ?? 0);
    expect([1, 2, 3, 4].map(() => s.getInstance(abc)?.id)).toEqual(['a', 'b', 'c', 'c']);
    expect(s.getInstance([])).toBeUndefined();
  });

  it('sticky keeps its instance while offered, moves on when it goes or errors', () => {
    const s = new StickyStrategy(new RoundRobinStrategy());
    expect(s.getInstance(abc)?.id).toBe('a');
    expect(s.getInstance(abc)?.id).toBe('a');
    // 'a' went away: the inner round-robin (at index 1) picks again.
    expect(s.getInstance([instance('b'), instance('c')])?.id).toBe('c');
    expect(s.getInstance(abc)?.id).toBe('c');
    s.noteError(instance('c'));
    expect(s.getInstance([instance('a'), instance('b')])?.id).toBe('a');
    expect(s.getInstance(abc)?.id).toBe('a');
  });
});

describe('DownInstancePolicy', () => {
  it('marks an instance down after N errors for the timeout after the last one (injected clock)', () => {
    const clock = new ManualClock(1_000);
    const policy = new DownInstancePolicy(clock, { timeoutMs: 5_000, errorThreshold: 2 });
    const a = instance('a');
    policy.noteError(a);
    expect(policy.isDown(a)).toBe(false);
    clock.advance(1_000);
    policy.noteError(a);
    expect(policy.isDown(a)).toBe(true);
    expect(policy.isDown(instance('b'))).toBe(false);
    clock.advance(4_999);
    expect(policy.isDown(a)).toBe(true);
    clock.advance(1);
    expect(policy.isDown(a)).toBe(false);
    // The count started over: one more error is not enough.
    policy.noteError(a);
    expect(policy.isDown(a)).toBe(false);
  });

  it('forgets errors spaced further apart than the timeout', () => {
    const clock = new ManualClock();
    const policy = new DownInstancePolicy(clock, { timeoutMs: 100, errorThreshold: 2 });
    const a = instance('a');
    policy.noteError(a);
    clock.advance(100);
    policy.noteError(a);
    expect(policy.isDown(a)).toBe(false);
  });

  it('has Curator defaults (30 s, 2 errors) and rejects nonsense', () => {
    const policy = new DownInstancePolicy(new ManualClock());
    expect([policy.timeoutMs, policy.errorThreshold]).toEqual([30_000, 2]);
    expect(() => new DownInstancePolicy(new ManualClock(), { errorThreshold: 0 })).toThrow(RangeError);
  });
});
