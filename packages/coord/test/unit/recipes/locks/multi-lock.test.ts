import { describe, expect, it } from 'vitest';
import type { Transaction } from '../../../../src/client/transaction.js';
import { LockTimeoutError, MultiLock, type AcquireOptions, type Lease, type Lockable } from '../../../../src/recipes/locks/index.js';

/** A lock that records what happens to it; `fail` makes acquire reject. */
function fakeLock(name: string, log: string[], fail = false): Lockable & { options: AcquireOptions[] } {
  const options: AcquireOptions[] = [];
  return {
    options,
    acquire: async (o = {}) => {
      options.push(o);
      if (fail) throw new LockTimeoutError(name, o.timeoutMs ?? 0);
      log.push(`acquire ${name}`);
      const lease: Lease = {
        path: name,
        fencingToken: BigInt(log.length),
        lost: new Promise(() => undefined),
        isLost: false,
        isReleased: false,
        onLost: () => () => undefined,
        checkOp: (tx: Transaction) => tx,
        release: async () => {
          log.push(`release ${name}`);
        },
        [Symbol.asyncDispose]: async () => lease.release(),
      };
      return lease;
    },
  };
}

describe('MultiLock', () => {
  it('acquires in order and releases in reverse', async () => {
    const log: string[] = [];
    const multi = new MultiLock([fakeLock('a', log), fakeLock('b', log), fakeLock('c', log)]);
    {
      await using held = await multi.acquire();
      expect(held.leases.map((l) => l.path)).toEqual(['a', 'b', 'c']);
    }
    expect(log).toEqual(['acquire a', 'acquire b', 'acquire c', 'release c', 'release b', 'release a']);
  });

  it('on a failure releases the ones already held, in reverse, and rethrows', async () => {
    const log: string[] = [];
    const multi = new MultiLock([fakeLock('a', log), fakeLock('b', log), fakeLock('c', log, true)]);
    await expect(multi.acquire({ timeoutMs: 1_000 })).rejects.toBeInstanceOf(LockTimeoutError);
    expect(log).toEqual(['acquire a', 'acquire b', 'release b', 'release a']);
  });

  it('spends one timeout over the whole list and passes the signal on', async () => {
    const log: string[] = [];
    const locks = [fakeLock('a', log), fakeLock('b', log)];
    const controller = new AbortController();
    await (await new MultiLock(locks).acquire({ timeoutMs: 5_000, signal: controller.signal })).release();
    for (const l of locks) {
      expect(l.options[0]?.signal).toBe(controller.signal);
      expect(l.options[0]?.timeoutMs).toBeLessThanOrEqual(5_000);
    }
  });

  it('release is idempotent', async () => {
    const log: string[] = [];
    const held = await new MultiLock([fakeLock('a', log)]).acquire();
    await held.release();
    await held.release();
    expect(log).toEqual(['acquire a', 'release a']);
  });
});
