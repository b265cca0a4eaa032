import { connect, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ClientClosedError, NoNodeError, parseConnectString, SessionExpiredError, type CoordClient } from '../../../src/index.js';
import { LockTimeoutError, MultiLock, Mutex, ReadWriteLock, Semaphore, SemaphoreMutex, type Lease } from '../../../src/recipes/locks/index.js';
import { dropConnection, expireSession } from '../../../src/testing/index.js';
import { eventually, StateLog, useTarget, within } from '../harness.js';
import { targets } from '../target.js';

/** Lets pending socket writes and callbacks run once (not a wait for an outcome). */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Resolves once `dir` has exactly `n` children, as seen by `observer`. */
async function childCount(observer: CoordClient, dir: string, n: number): Promise<void> {
  await eventually(async () => (await observer.getChildren(dir).catch(() => [])).length === n, `${n} children under ${dir}`);
}

/**
 * A proxy that forwards requests but can hold the server's replies: the one way to make a create
 * happen on the server while its reply is lost (the shared proxy's pause() holds both directions).
 */
async function startReplyHoldingProxy(target: { host: string; port: number }): Promise<{ connectString: string; holdReplies(): void; drop(): void; close(): Promise<void> }> {
  const pairs = new Set<[Socket, Socket]>();
  let holding = false;
  const server = createServer((downstream) => {
    const upstream = connect(target);
    const pair: [Socket, Socket] = [downstream, upstream];
    pairs.add(pair);
    const end = (): void => {
      downstream.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    downstream.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      // Held replies are dropped with the connection: that is the point.
      if (!holding) downstream.write(chunk);
    });
    for (const s of pair) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  const drop = (): void => {
    holding = false;
    for (const [a, b] of [...pairs]) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    connectString: `127.0.0.1:${address.port}`,
    holdReplies: () => (holding = true),
    drop,
    close: () =>
      new Promise<void>((resolve) => {
        drop();
        server.close(() => resolve());
      }),
  };
}

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target, { tickTimeMs: 500 });

    it('Mutex: acquire, release, and re-entrancy per instance', async () => {
      const client = await zk.client();
      const lock = zk.path('/lock');
      const mutex = new Mutex(client, lock);
      const first = await mutex.acquire();
      expect(first.path).toMatch(new RegExp(`^${lock}/_c_[0-9a-f-]{36}-lock-\\d{10}$`));
      expect(first.fencingToken).toBe((await client.exists(first.path))?.czxid);
      const again = await mutex.acquire();
      expect(again.path).toBe(first.path);
      expect(mutex.isAcquiredInThisProcess).toBe(true);
      // Another instance is another owner, even on the same client.
      await expect(new Mutex(client, lock).acquire({ timeoutMs: 200 })).rejects.toBeInstanceOf(LockTimeoutError);
      await first.release();
      await first.release();
      expect(await client.exists(again.path)).not.toBeNull();
      {
        await using _held = again;
      }
      expect(await client.exists(first.path)).toBeNull();
      expect(mutex.isAcquiredInThisProcess).toBe(false);
      expect(await client.getChildren(lock)).toEqual([]);
    });

    it('Mutex: fair (granted in queue order) with strictly increasing fencing tokens', async () => {
      const observer = await zk.client();
      const lock = zk.path('/fair');
      const holder = await new Mutex(observer, lock).acquire();
      const order: string[] = [];
      const tokens: bigint[] = [holder.fencingToken];
      const waiting: Promise<void>[] = [];
      for (const name of ['a', 'b', 'c', 'd']) {
        const client = await zk.client();
        waiting.push(
          new Mutex(client, lock).acquire().then(async (lease) => {
            order.push(name);
            tokens.push(lease.fencingToken);
            await lease.release();
          }),
        );
        waiting.at(-1)?.catch(() => undefined);
        // Queue them one at a time so the queue order is known.
        await childCount(observer, lock, order.length + waiting.length + 1);
      }
      await holder.release();
      await within(Promise.all(waiting), 'every waiter to get the lock');
      expect(order).toEqual(['a', 'b', 'c', 'd']);
      for (let i = 1; i < tokens.length; i++) expect(tokens[i] as bigint).toBeGreaterThan(tokens[i - 1] as bigint);
    });

    it('Mutex: a timeout and an AbortSignal end the wait and remove the node', async () => {
      const holderClient = await zk.client();
      const client = await zk.client();
      const lock = zk.path('/cancel');
      const holder = await new Mutex(holderClient, lock).acquire();
      await expect(new Mutex(client, lock).acquire({ timeoutMs: 300 })).rejects.toBeInstanceOf(LockTimeoutError);
      await childCount(holderClient, lock, 1);

      const controller = new AbortController();
      const aborted = new Mutex(client, lock).acquire({ signal: controller.signal });
      await childCount(holderClient, lock, 2);
      controller.abort(new Error('caller gave up'));
      await expect(aborted).rejects.toThrow('caller gave up');
      await childCount(holderClient, lock, 1);
      // An already aborted signal fails before anything is created.
      await expect(new Mutex(client, lock).acquire({ signal: AbortSignal.abort(new Error('too late')) })).rejects.toThrow('too late');
      expect(await holderClient.getChildren(lock)).toEqual([holder.path.slice(lock.length + 1)]);
      await holder.release();
    });

    it('Mutex: close() of the client while waiting fails the acquire with ClientClosedError', async () => {
      const holderClient = await zk.client();
      const client = await zk.client();
      const lock = zk.path('/close');
      const holder = await new Mutex(holderClient, lock).acquire();
      const waiting = new Mutex(client, lock).acquire();
      await childCount(holderClient, lock, 2);
      // The expectation is attached first: the acquire fails while close() is still running.
      const failed = expect(waiting).rejects.toBeInstanceOf(ClientClosedError);
      await client.close();
      await failed;
      await childCount(holderClient, lock, 1);
      expect(holder.isLost).toBe(false);
      await holder.release();
    });

    it('Mutex: the holder\'s session expires: its lease reports lost, its fence fails, the next waiter gets the lock', async () => {
      const holderClient = await zk.client({ sessionTimeoutMs: 2_000 });
      const waiterClient = await zk.client();
      const doomedClient = await zk.client({ sessionTimeoutMs: 2_000 });
      const lock = zk.path('/expire');
      const counter = zk.path('/counter');
      await waiterClient.create(counter, '0');
      const holder = await new Mutex(holderClient, lock).acquire();
      const lostReasons: string[] = [];
      holder.onLost((r) => lostReasons.push(r));
      await holder.checkOp(holderClient.multi()).setData(counter, '1').commit();

      const waiter = new Mutex(waiterClient, lock).acquire();
      await childCount(waiterClient, lock, 2);
      await expireSession(holderClient, zk.connectString);
      expect(await within(holder.lost, 'the holder to see its lease lost')).toBe('session-expired');
      expect(holder.isLost).toBe(true);
      expect(lostReasons).toEqual(['session-expired']);
      const next = await within(waiter, 'the waiter to get the lock');
      expect(next.fencingToken).toBeGreaterThan(holder.fencingToken);
      // A write fenced by the old lease cannot commit any more.
      await expect(holder.checkOp(holderClient.multi()).setData(counter, 'stale').commit()).rejects.toBeInstanceOf(NoNodeError);
      await holder.release();

      // A contender whose session expires while waiting fails with SessionExpiredError.
      const doomed = new Mutex(doomedClient, lock).acquire();
      await childCount(waiterClient, lock, 2);
      const failed = expect(doomed).rejects.toBeInstanceOf(SessionExpiredError);
      await expireSession(doomedClient, zk.connectString);
      await failed;
      await childCount(waiterClient, lock, 1);
      await next.release();
    });

    it('Mutex: while suspended a waiter keeps waiting (its watch survives the reconnect) and a holder keeps its lease', async () => {
      const holderClient = await zk.client();
      const waiterClient = await zk.client();
      const lock = zk.path('/suspend');
      const holder = await new Mutex(holderClient, lock).acquire();
      const waiting = new Mutex(waiterClient, lock).acquire();
      await childCount(holderClient, lock, 2);
      const waiterStates = new StateLog(waiterClient);
      const holderStates = new StateLog(holderClient);
      dropConnection(waiterClient);
      dropConnection(holderClient);
      await waiterStates.waitFor('reconnected');
      await holderStates.waitFor('reconnected');
      expect(holder.isLost).toBe(false);
      await holder.checkOp(holderClient.multi()).commit();
      await holder.release();
      const lease = await within(waiting, 'the waiter to get the lock after its reconnect');
      expect(lease.fencingToken).toBeGreaterThan(holder.fencingToken);
      await lease.release();
    });

    it('Mutex: the create\'s reply is lost: protected mode finds the node, no duplicate contender', async () => {
      const observer = await zk.client();
      const lock = zk.path('/lost-reply');
      await observer.create(lock);
      const first = parseConnectString(zk.connectString).hosts[0];
      if (first === undefined) throw new Error('no host');
      const proxy = await startReplyHoldingProxy(first);
      try {
        const client = await zk.client({ connectString: proxy.connectString });
        proxy.holdReplies();
        const acquiring = new Mutex(client, lock).acquire();
        // The create has happened on the server; its reply sits in the proxy.
        await childCount(observer, lock, 1);
        const [created] = await observer.getChildren(lock);
        proxy.drop();
        const lease = await within(acquiring, 'the acquire to recover after the drop');
        expect(lease.path).toBe(`${lock}/${created as string}`);
        expect(await observer.getChildren(lock)).toEqual([created]);
        await lease.release();
        expect(await observer.getChildren(lock)).toEqual([]);
      } finally {
        await proxy.close();
      }
    });

    it('Mutex: the connection drops with the create in flight (paused proxy): one contender, acquired', async () => {
      const observer = await zk.client();
      const lock = zk.path('/in-flight');
      await observer.create(lock);
      const proxy = await zk.proxy();
      const client = await zk.client({ connectString: proxy.connectString });
      proxy.pause();
      const acquiring = new Mutex(client, lock).acquire();
      await turn();
      await turn();
      proxy.dropConnections();
      proxy.resume();
      const lease = await within(acquiring, 'the acquire to recover after the drop');
      expect(await observer.getChildren(lock)).toEqual([lease.path.slice(lock.length + 1)]);
      await lease.release();
    });

    it('SemaphoreMutex: one lease, not re-entrant, Curator layout', async () => {
      const client = await zk.client();
      const path = zk.path('/smutex');
      const mutex = new SemaphoreMutex(client, path);
      const lease = await mutex.acquire();
      expect(lease.path).toMatch(new RegExp(`^${path}/leases/_c_[0-9a-f-]{36}-lease-\\d{10}$`));
      await expect(mutex.acquire({ timeoutMs: 300 })).rejects.toBeInstanceOf(LockTimeoutError);
      expect((await client.getChildren(`${path}/leases`)).length).toBe(1);
      expect(await client.getChildren(`${path}/locks`)).toEqual([]);
      await lease.release();
      await (await mutex.acquire()).release();
    });

    it('Semaphore: N leases; a returned lease goes to the waiter', async () => {
      const clients = await Promise.all([zk.client(), zk.client(), zk.client()]);
      const path = zk.path('/sem');
      const [s0, s1, s2] = clients.map((c) => new Semaphore(c, path, 2)) as [Semaphore, Semaphore, Semaphore];
      const a = await s0.acquire();
      const b = await s1.acquire();
      let granted: Lease | undefined;
      const waiting = s2.acquire().then((l) => (granted = l));
      await childCount(clients[0], `${path}/leases`, 3);
      await turn();
      expect(granted).toBeUndefined();
      await a.release();
      const third = await within(waiting, 'the third lease');
      expect(third.fencingToken).toBeGreaterThan(b.fencingToken);
      await expect(s0.acquireMany(2, { timeoutMs: 300 })).rejects.toBeInstanceOf(LockTimeoutError);
      await childCount(clients[0], `${path}/leases`, 2);
      await b.release();
      await third.release();
      const two = await s0.acquireMany(2);
      expect(two.length).toBe(2);
      for (const l of two) await l.release();
    });

    it('Semaphore: a holder whose session expires loses its lease and the waiter gets one', async () => {
      const holderClient = await zk.client({ sessionTimeoutMs: 2_000 });
      const waiterClient = await zk.client();
      const path = zk.path('/sem-expire');
      const held = await new Semaphore(holderClient, path, 1).acquire();
      const waiting = new Semaphore(waiterClient, path, 1).acquire();
      await childCount(waiterClient, `${path}/leases`, 2);
      await expireSession(holderClient, zk.connectString);
      expect(await within(held.lost, 'the lease to be reported lost')).toBe('session-expired');
      const next = await within(waiting, 'the waiter to get the lease');
      expect(next.fencingToken).toBeGreaterThan(held.fencingToken);
      await held.release();
      await next.release();
      expect(await waiterClient.getChildren(`${path}/leases`)).toEqual([]);
    });

    it('ReadWriteLock: reads share, a write excludes, a read behind a queued write waits', async () => {
      const clients = await Promise.all([zk.client(), zk.client(), zk.client(), zk.client()]);
      const path = zk.path('/rw');
      const locks = clients.map((c) => new ReadWriteLock(c, path));
      const r1 = await locks[0]?.readLock.acquire();
      const r2 = await locks[1]?.readLock.acquire();
      expect(r1?.path).toContain('__READ__');
      const events: string[] = [];
      const w = locks[2]?.writeLock.acquire().then((l) => (events.push('write'), l));
      await childCount(clients[0] as CoordClient, path, 3);
      const r3 = locks[3]?.readLock.acquire().then((l) => (events.push('read3'), l));
      await childCount(clients[0] as CoordClient, path, 4);
      await r1?.release();
      await turn();
      expect(events).toEqual([]);
      await r2?.release();
      const wl = await within(w ?? Promise.reject(new Error('no lock')), 'the write lock');
      expect(wl.path).toContain('__WRIT__');
      expect(events).toEqual(['write']);
      await wl.release();
      const rl = await within(r3 ?? Promise.reject(new Error('no lock')), 'the read behind the write');
      expect(events).toEqual(['write', 'read3']);
      await rl.release();
    });

    it('MultiLock: all or nothing, released in reverse', async () => {
      const client = await zk.client();
      const other = await zk.client();
      const [p1, p2] = [zk.path('/m1'), zk.path('/m2')];
      const multi = new MultiLock([new Mutex(client, p1), new Mutex(client, p2)]);
      const both = await multi.acquire();
      expect(both.leases.map((l) => l.path.slice(0, p1.length))).toEqual([p1, p2]);
      const tx = both.checkOp(client.multi());
      expect(tx.size).toBe(2);
      await tx.commit();
      await both.release();
      // p2 is held elsewhere: the multi lock times out and gives p1 back.
      const blocker = await new Mutex(other, p2).acquire();
      await expect(new MultiLock([new Mutex(client, p1), new Mutex(client, p2)]).acquire({ timeoutMs: 300 })).rejects.toBeInstanceOf(LockTimeoutError);
      await childCount(other, p1, 0);
      await childCount(other, p2, 1);
      await blocker.release();
    });
  });
}
