import { describe, expect, it } from 'vitest';
import { boundMethod, errorMessage, isObjectLike, numberProperty, toError, withTimeout } from '../../../src/cli/bench/adapters/foreign.js';
import { openZookeeperNative } from '../../../src/cli/bench/adapters/zookeeper-native.js';

describe('foreign-module narrowing', () => {
  it('boundMethod returns the method bound to its object', () => {
    const target: unknown = {
      base: 40,
      add(this: { base: number }, n: unknown) {
        return this.base + Number(n);
      },
    };
    expect(boundMethod(target, 'add', 'test')(2)).toBe(42);
  });

  it('boundMethod names what is missing', () => {
    expect(() => boundMethod({ add: 1 }, 'add', 'lib')).toThrow('lib: expected a function add()');
    expect(() => boundMethod(undefined, 'add', 'lib')).toThrow('lib: expected a function add()');
  });

  it('numberProperty falls back when the constant is absent or not a number', () => {
    expect(numberProperty({ PERSISTENT: 0 }, 'PERSISTENT', 9)).toBe(0);
    expect(numberProperty({ PERSISTENT: '0' }, 'PERSISTENT', 9)).toBe(9);
    expect(numberProperty(null, 'PERSISTENT', 9)).toBe(9);
  });

  it('isObjectLike accepts objects and functions only', () => {
    expect(isObjectLike({})).toBe(true);
    expect(isObjectLike(() => 1)).toBe(true);
    expect(isObjectLike(null)).toBe(false);
    expect(isObjectLike('x')).toBe(false);
  });

  it('toError keeps Errors, reads a message field, and stringifies the rest', () => {
    const e = new Error('boom');
    expect(toError(e)).toBe(e);
    expect(toError({ message: 'Exception: NO_NODE[-101]' }).message).toBe('Exception: NO_NODE[-101]');
    expect(errorMessage(-101)).toBe('-101');
  });

  it('withTimeout settles with the first answer', async () => {
    await expect(withTimeout<number>('x', 1_000, (resolve) => resolve(7))).resolves.toBe(7);
    await expect(withTimeout<number>('x', 1_000, (_resolve, reject) => reject(new Error('no')))).rejects.toThrow('no');
  });
});

describe('the C-binding adapter', () => {
  it('skips, with the reason, when the package is not installed', async () => {
    const result = await openZookeeperNative({ connectString: '127.0.0.1:1', connectTimeoutMs: 100, moduleSpecifier: '/nonexistent/zookeeper' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^package "\/nonexistent\/zookeeper" is not installed \(Cannot find module/);
  });
});
