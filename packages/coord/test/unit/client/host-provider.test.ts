import { describe, expect, it } from 'vitest';
import type { HostAddress } from '../../../src/client/connect-string.js';
import { describeHosts, HostProvider } from '../../../src/client/host-provider.js';

const hosts = (...names: string[]): HostAddress[] => names.map((host, i) => ({ host, port: 2181 + i }));
const names = (list: readonly HostAddress[]) => list.map((h) => h.host);

/** A small seeded generator (mulberry32), so shuffles are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function take(provider: HostProvider, n: number): string[] {
  return Array.from({ length: n }, () => provider.next().host);
}

describe('HostProvider', () => {
  it('keeps the given order without shuffling and never calls random', () => {
    const provider = new HostProvider(hosts('a', 'b', 'c'), false, () => {
      throw new Error('random must not be used');
    });
    expect(names(provider.all)).toEqual(['a', 'b', 'c']);
    expect(provider.size).toBe(3);
  });

  it('hands hosts out round-robin, wrapping around', () => {
    const provider = new HostProvider(hosts('a', 'b', 'c'), false, Math.random);
    expect(take(provider, 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('shuffles with the injected random (Fisher–Yates)', () => {
    // random() = 0 always swaps with the first slot: [a,b,c] -> [c,b,a] -> [b,c,a].
    expect(names(new HostProvider(hosts('a', 'b', 'c'), true, () => 0).all)).toEqual(['b', 'c', 'a']);
    // random() just below 1 always picks the slot itself: no swap.
    expect(names(new HostProvider(hosts('a', 'b', 'c'), true, () => 0.999_999).all)).toEqual(['a', 'b', 'c']);
  });

  it('is deterministic for a seed, a permutation of the input, and reaches every order over seeds', () => {
    const input = hosts('a', 'b', 'c');
    const orders = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      const once = names(new HostProvider(input, true, seeded(seed)).all);
      const again = names(new HostProvider(input, true, seeded(seed)).all);
      expect(again).toEqual(once);
      expect([...once].sort()).toEqual(['a', 'b', 'c']);
      orders.add(once.join(''));
    }
    expect(orders.size).toBe(6);
  });

  it('does not change the caller’s array', () => {
    const input = hosts('a', 'b', 'c', 'd');
    new HostProvider(input, true, () => 0);
    expect(names(input)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('says when a pass over every host is complete; startPass() begins another', () => {
    const provider = new HostProvider(hosts('a', 'b'), false, Math.random);
    expect(provider.passComplete()).toBe(false);
    provider.next();
    expect(provider.passComplete()).toBe(false);
    provider.next();
    expect(provider.passComplete()).toBe(true);
    provider.startPass();
    expect(provider.passComplete()).toBe(false);
    // The next pass carries on from where the last one stopped.
    expect(provider.next().host).toBe('a');
  });

  it('a success starts a fresh pass from the following host', () => {
    const provider = new HostProvider(hosts('a', 'b', 'c'), false, Math.random);
    expect(take(provider, 2)).toEqual(['a', 'b']);
    provider.connected();
    expect(provider.passComplete()).toBe(false);
    expect(take(provider, 3)).toEqual(['c', 'a', 'b']);
    expect(provider.passComplete()).toBe(true);
  });

  it('with one host, every attempt completes a pass', () => {
    const provider = new HostProvider(hosts('only'), true, () => 0.5);
    expect(provider.next().host).toBe('only');
    expect(provider.passComplete()).toBe(true);
  });
});

describe('describeHosts', () => {
  it('lists host:port, bracketing IPv6 addresses', () => {
    expect(describeHosts([{ host: 'a', port: 1 }, { host: '::1', port: 2181 }])).toBe('a:1,[::1]:2181');
  });
});
