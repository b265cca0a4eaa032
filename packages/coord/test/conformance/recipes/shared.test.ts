import { describe, expect, it } from 'vitest';
import { RetryPolicy, type CoordClient } from '../../../src/index.js';
import { DistributedAtomicLong, IdGenerator, SharedCount, SharedValue, type LockLease, type PromotableLock, type VersionedValue } from '../../../src/recipes/shared/index.js';
import { dropConnection, expireSession } from '../../../src/testing/index.js';
import { eventually, useTarget, within } from '../harness.js';
import { targets } from '../target.js';

/** Resolves with the first change a SharedCount reports that satisfies `want`. */
function nextChange<T>(node: { on(e: 'change', l: (v: VersionedValue<T>) => void): unknown; off(e: 'change', l: (v: VersionedValue<T>) => void): unknown }, want: (v: VersionedValue<T>) => boolean, what: string): Promise<VersionedValue<T>> {
  return within(
    new Promise<VersionedValue<T>>((resolve) => {
      const listener = (v: VersionedValue<T>): void => {
        if (!want(v)) return;
        node.off('change', listener);
        resolve(v);
      };
      node.on('change', listener);
    }),
    what,
  );
}

/** An in-process lock with the PromotableLock shape (the recipe only needs acquire/release). */
class LocalLock implements PromotableLock {
  private tail: Promise<void> = Promise.resolve();
  acquires = 0;
  async acquire(): Promise<LockLease> {
    this.acquires++;
    let release: () => void = () => undefined;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return { release: async () => release() };
  }
}

const fastRetry = (): RetryPolicy => new RetryPolicy({ baseSleepMs: 1, maxSleepMs: 20, maxRetries: 29 });

async function incrementUntilDone(counter: DistributedAtomicLong, times: number, afterEach: () => void = () => undefined): Promise<number> {
  let tries = 0;
  for (let i = 0; i < times; i++) {
    for (;;) {
      const r = await counter.increment();
      tries += r.stats.optimisticTries;
      if (r.succeeded) {
        expect(r.postValue).toBe(r.preValue + 1n);
        afterEach();
        break;
      }
    }
  }
  return tries;
}

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target);

    it('SharedCount: seeds once, mirrors changes through a data watch', async () => {
      const [a, b] = [await zk.client(), await zk.client()];
      const path = zk.path('/app/count');
      const ca = new SharedCount(a, path, 7);
      const cb = new SharedCount(b, path, 99);
      await ca.start();
      await cb.start();
      expect([ca.getCount(), cb.getCount()]).toEqual([7, 7]);
      expect([...(await a.getData(path)).data]).toEqual([0, 0, 0, 7]);
      const seen = nextChange(cb, (v) => v.value === 42, 'b to see 42');
      await ca.setCount(42);
      expect(await seen).toEqual({ value: 42, version: 1 });
      expect(ca.getVersionedValue()).toEqual({ value: 42, version: 1 });
      await Promise.all([ca.close(), cb.close()]);
    });

    it('SharedCount: of concurrent trySetCount calls from several clients exactly one wins per version', async () => {
      const path = zk.path('/count');
      const counts: SharedCount[] = [];
      for (let i = 0; i < 5; i++) {
        const c = new SharedCount(await zk.client(), path, 0);
        await c.start();
        counts.push(c);
      }
      for (let round = 0; round < 4; round++) {
        const results = await Promise.all(counts.map((c, i) => c.trySetCount(c.getVersionedValue(), round * 10 + i)));
        expect(results.filter((r) => r), `round ${round}: ${JSON.stringify(results)}`).toHaveLength(1);
        const winner = results.indexOf(true);
        // Losers re-read on failure, the winner took its own write: all agree now.
        for (const c of counts) expect(c.getVersionedValue()).toEqual({ value: round * 10 + winner, version: round + 1 });
      }
      await Promise.all(counts.map((c) => c.close()));
    });

    it('SharedValue: bytes with versioned set, and catches up after a dropped connection and after session expiry', async () => {
      const [a, b] = [await zk.client(), await zk.client({ sessionTimeoutMs: 4_000 })];
      const path = zk.path('/value');
      const va = new SharedValue(a, path, new Uint8Array([1]));
      const vb = new SharedValue(b, path, new Uint8Array([2]));
      await va.start();
      await vb.start();
      expect([...vb.getValue()]).toEqual([1]);
      expect(await va.trySetValue({ value: new Uint8Array([9]), version: 5 }, new Uint8Array([3]))).toBe(false);
      expect(await va.trySetValue(va.getVersionedValue(), new Uint8Array([3]))).toBe(true);
      await eventually(() => vb.getValue()[0] === 3, 'b to see [3]');

      dropConnection(b);
      await va.setValue(new Uint8Array([4]));
      await eventually(() => vb.getValue()[0] === 4, 'b to see [4] after a drop');

      const afterExpiry = nextChange(vb, (v) => v.value[0] === 5, 'b to see [5] after session loss');
      await expireSession(b, zk.connectString);
      await va.setValue(new Uint8Array([5]));
      await afterExpiry;
      // The watch was set again in the new session.
      await va.setValue(new Uint8Array([6]));
      await eventually(() => vb.getValue()[0] === 6, 'b to see [6] through the new watch');
      await Promise.all([va.close(), vb.close()]);
    });

    it('DistributedAtomicLong: get/add/compareAndSet/trySet on an 8-byte big-endian node', async () => {
      const client = await zk.client();
      const counter = new DistributedAtomicLong(client, zk.path('/n/long'));
      expect((await counter.get()).postValue).toBe(0n);
      const added = await counter.add(5n);
      expect([added.succeeded, added.preValue, added.postValue]).toEqual([true, 0n, 5n]);
      expect([...(await client.getData(zk.path('/n/long'))).data]).toEqual([0, 0, 0, 0, 0, 0, 0, 5]);
      expect((await counter.decrement()).postValue).toBe(4n);
      const cas = await counter.compareAndSet(3n, 10n);
      expect([cas.succeeded, cas.preValue, cas.postValue]).toEqual([false, 4n, 4n]);
      expect((await counter.compareAndSet(4n, 10n)).succeeded).toBe(true);
      expect((await counter.trySet(-2n)).postValue).toBe(-2n);
      expect((await counter.subtract(3n)).postValue).toBe(-5n);
      expect(await counter.initialize(1n)).toBe(false);
      expect((await counter.get()).postValue).toBe(-5n);
      await counter.close();
    });

    it('DistributedAtomicLong: 10 clients × 100 increments make exactly 1000', async () => {
      const path = zk.path('/hits');
      const counters = await Promise.all(Array.from({ length: 10 }, async () => new DistributedAtomicLong(await zk.client(), path, { retryPolicy: fastRetry() })));
      await Promise.all(counters.map((c) => incrementUntilDone(c, 100)));
      expect((await counters[0]?.get())?.postValue).toBe(1000n);
      await Promise.all(counters.map((c) => c.close()));
    });

    it('DistributedAtomicLong: no lost or doubled update under random connection drops', async () => {
      const path = zk.path('/hits');
      const clients: CoordClient[] = [];
      for (let i = 0; i < 10; i++) clients.push(await zk.client());
      const counters = clients.map((c) => new DistributedAtomicLong(c, path, { retryPolicy: fastRetry() }));
      let drops = 0;
      let done = 0;
      // Fault injection, not synchronisation: every 10th increment overall, a random client
      // loses its connection, usually with other clients' writes in flight.
      const afterEach = (): void => {
        if (++done % 10 !== 0) return;
        const victim = clients[Math.floor(Math.random() * clients.length)];
        if (victim !== undefined && victim.state !== 'suspended') {
          dropConnection(victim);
          drops++;
        }
      };
      await Promise.all(counters.map((c) => incrementUntilDone(c, 100, afterEach)));
      expect(drops).toBeGreaterThan(20);
      expect((await counters[0]?.get())?.postValue).toBe(1000n);
      await Promise.all(counters.map((c) => c.close()));
    });

    it('DistributedAtomicLong: promotes to the lock when optimistic tries run out', async () => {
      const path = zk.path('/promoted');
      const lock = new LocalLock();
      const counters = await Promise.all(
        Array.from({ length: 5 }, async () => new DistributedAtomicLong(await zk.client(), path, { retryPolicy: new RetryPolicy({ maxRetries: 0 }), promotedToLock: { lock } })),
      );
      const results = await Promise.all(counters.map(async (c) => Promise.all(Array.from({ length: 10 }, () => c.increment()))));
      const flat = results.flat();
      expect(flat.every((r) => r.succeeded)).toBe(true);
      expect(flat.some((r) => r.stats.promotedLockTries > 0)).toBe(true);
      expect(lock.acquires).toBeGreaterThan(0);
      expect((await counters[0]?.get())?.postValue).toBe(50n);
      await Promise.all(counters.map((c) => c.close()));
    });

    it('IdGenerator: concurrent ids are unique, and increasing per caller, also across drops', async () => {
      const path = zk.path('/ids');
      const clients: CoordClient[] = [];
      for (let i = 0; i < 5; i++) clients.push(await zk.client());
      const perCaller = await Promise.all(
        clients.map(async (client, i) => {
          const gen = new IdGenerator(client, path);
          const ids: number[] = [];
          for (let n = 0; n < 30; n++) {
            if (i === 0 && n % 10 === 5) dropConnection(client);
            ids.push(await gen.next());
          }
          return ids;
        }),
      );
      for (const ids of perCaller) for (let n = 1; n < ids.length; n++) expect(ids[n]).toBeGreaterThan(ids[n - 1] as number);
      const all = perCaller.flat();
      expect(new Set(all).size).toBe(all.length);
      // Nothing left behind, and the parent is persistent (a reaped container would reset the counter).
      const observer = await zk.client();
      expect(await observer.getChildren(path)).toEqual([]);
      expect((await observer.exists(path))?.ephemeralOwner).toBe(0n);
    });
  });
}
