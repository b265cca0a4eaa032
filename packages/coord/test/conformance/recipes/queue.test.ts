import { describe, expect, it } from 'vitest';
import { ManualClock, type CoordClient } from '../../../src/index.js';
import { DistributedDelayQueue, DistributedPriorityQueue, DistributedQueue, QueueClosedError, QueueLockLostError, WaitTimeoutError, type QueueEngine } from '../../../src/recipes/queue/index.js';
import { dropConnection, expireSession, waitForState } from '../../../src/testing/index.js';
import { eventually, quiesce, useTarget, utf8, within } from '../harness.js';
import { targets } from '../target.js';

const TICK_MS = 500;

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const seqOf = (path: string): number => Number(path.slice(-10));

/** Consumers waiting in a line (0 before the line node exists). */
const lineLength = async (client: CoordClient, path: string): Promise<number> => (await client.getChildren(path).catch(() => [])).length;

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target, { tickTimeMs: TICK_MS });
    const queues: QueueEngine[] = [];
    const track = <Q extends QueueEngine>(q: Q): Q => {
      queues.push(q);
      return q;
    };
    const fifo = (client: CoordClient, lockPath?: string): DistributedQueue =>
      track(new DistributedQueue(client, { path: zk.path('/q'), ...(lockPath === undefined ? {} : { lockPath }) }));
    const closeQueues = async (): Promise<void> => {
      await Promise.all(queues.splice(0).map((q) => q.close()));
    };

    it('FIFO: items from several producers come out in the order the server sequenced them', async () => {
      const producers = await Promise.all([zk.client(), zk.client(), zk.client()]);
      const consumer = fifo(await zk.client());
      const paths = new Map<string, number>();
      await Promise.all(
        producers.map(async (client, p) => {
          const q = fifo(client);
          for (let i = 0; i < 20; i++) {
            const item = `p${p}-${i}`;
            paths.set(item, seqOf(await q.put(item)));
          }
        }),
      );
      expect(await consumer.size()).toBe(60);
      expect(utf8((await consumer.peek()) ?? new Uint8Array())).toBe([...paths].sort((a, b) => a[1] - b[1])[0]?.[0]);
      const taken: string[] = [];
      for (let i = 0; i < 60; i++) taken.push(utf8(await consumer.take({ timeoutMs: 5_000 })));
      expect(taken).toEqual([...paths].sort((a, b) => a[1] - b[1]).map(([item]) => item));
      for (let p = 0; p < 3; p++) {
        const mine = taken.filter((t) => t.startsWith(`p${p}-`));
        expect(mine).toEqual(Array.from({ length: 20 }, (_, i) => `p${p}-${i}`));
      }
      expect(await consumer.poll()).toBeNull();
      expect(await consumer.peek()).toBeNull();
      await closeQueues();
    });

    for (const mode of ['plain', 'lock-safe'] as const) {
      it(`${mode}: 5 competing consumers × 200 items each (1000), every item exactly once`, async () => {
        const total = 1000;
        const lockPath = mode === 'plain' ? undefined : zk.path('/locks');
        const consumers = await Promise.all(Array.from({ length: 5 }, async () => fifo(await zk.client(), lockPath)));
        const got: string[][] = consumers.map(() => []);
        const stop = new AbortController();
        let count = 0;
        const running = consumers.map(async (q, c) => {
          for (;;) {
            let item: Uint8Array;
            try {
              item = await q.take({ signal: stop.signal });
            } catch (err) {
              if (stop.signal.aborted) return;
              throw err;
            }
            got[c]?.push(utf8(item));
            if (++count === total) stop.abort(new Error('all items taken'));
          }
        });
        const producers = await Promise.all([zk.client(), zk.client()]);
        await Promise.all(
          producers.map(async (client, p) => {
            const q = fifo(client, lockPath);
            for (let i = p; i < total; i += 2) await q.put(`item-${i}`);
          }),
        );
        await within(Promise.all(running), `${total} items consumed (got ${count})`, 40_000);
        const all = got.flat();
        expect(all.length).toBe(total);
        expect(new Set(all).size).toBe(total);
        console.log(`[${target.name}] ${mode}: items per consumer ${got.map((g) => g.length).join('/')}`);
        expect(await consumers[0]?.size()).toBe(0);
        await closeQueues();
      }, 60_000);
    }

    it('a put wakes O(1) of 20 blocked consumers (the head of the line and its successor), not all of them', async () => {
      const n = 20;
      const consumers = await Promise.all(Array.from({ length: n }, async () => ({ client: await zk.client(), stop: new AbortController() })));
      const queuesOf = consumers.map((c) => fifo(c.client));
      const admin = await zk.client();
      const takes = queuesOf.map((q, i) => q.take({ signal: consumers[i]?.stop.signal as AbortSignal }).then(utf8, () => 'aborted'));
      await eventually(async () => (await lineLength(admin, zk.path('/q-waiters'))) === n, `${n} consumers waiting in line`);
      await Promise.all(consumers.map((c) => quiesce(c.client)));
      const before = queuesOf.reduce((s, q) => s + q.stats.wakeups, 0);

      const producer = fifo(admin);
      await producer.put('one');
      const winner = await within(Promise.race(takes.map((t, i) => t.then((v) => ({ v, i })))), 'a consumer to take the item');
      expect(winner.v).toBe('one');
      await eventually(async () => (await lineLength(admin, zk.path('/q-waiters'))) === n - 1, 'the winner to leave the line');
      await Promise.all(consumers.map((c) => quiesce(c.client)));
      const ours = queuesOf.reduce((s, q) => s + q.stats.wakeups, 0) - before;

      // Contrast: the naive design, every idle consumer watching the queue's children.
      const naive = await Promise.all(Array.from({ length: n }, () => zk.client()));
      let naiveWakeups = 0;
      await Promise.all(naive.map((c) => c.getChildren(zk.path('/q'), { watch: () => void naiveWakeups++ })));
      await producer.put('two');
      await Promise.all(naive.map((c) => quiesce(c)));
      await Promise.all(consumers.map((c) => quiesce(c.client)));
      const second = await within(Promise.race(takes.filter((_, i) => i !== winner.i)), 'a consumer to take the second item');
      expect(second).toBe('two');

      console.log(`[${target.name}] wake-ups for one put with ${n} idle consumers: herd-aware queue ${ours}, naive watch-the-children ${naiveWakeups}`);
      expect(ours).toBeGreaterThanOrEqual(1);
      expect(ours).toBeLessThanOrEqual(2);
      expect(naiveWakeups).toBe(n);
      for (const c of consumers) c.stop.abort(new Error('test over'));
      expect((await Promise.all(takes)).filter((v) => v === 'aborted').length).toBe(n - 2);
      await eventually(async () => (await lineLength(admin, zk.path('/q-waiters'))) === 0, 'aborted consumers to leave the line');
      await closeQueues();
    });

    it('take: times out, is aborted, leaves the line, and a later take still gets the next item', async () => {
      const client = await zk.client();
      const q = fifo(client);
      await expect(q.take({ timeoutMs: 200 })).rejects.toBeInstanceOf(WaitTimeoutError);
      const stop = new AbortController();
      const aborted = q.take({ signal: stop.signal });
      await eventually(async () => (await lineLength(client, zk.path('/q-waiters'))) === 1, 'the consumer in line');
      const reason = new Error('no longer needed');
      stop.abort(reason);
      await expect(aborted).rejects.toBe(reason);
      expect(await client.getChildren(zk.path('/q-waiters'))).toEqual([]);
      await expect(q.take({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      const waiting = q.take({ timeoutMs: 10_000 });
      await fifo(await zk.client()).put('later');
      expect(utf8(await waiting)).toBe('later');
      await closeQueues();
    });

    it('a blocked consumer keeps its place across a dropped connection and wakes on the next put; close() ends a wait', async () => {
      const client = await zk.client();
      const q = fifo(client);
      const waiting = q.take({ timeoutMs: 20_000 });
      await eventually(async () => (await lineLength(client, zk.path('/q-waiters'))) === 1, 'the consumer in line');
      const reconnected = waitForState(client, 'reconnected', 10_000);
      dropConnection(client);
      await reconnected;
      expect(await client.getChildren(zk.path('/q-waiters'))).toHaveLength(1);
      await fifo(await zk.client()).put('after the drop');
      expect(utf8(await within(waiting, 'the take to see the put after the reconnect'))).toBe('after the drop');

      const other = fifo(await zk.client());
      const pending = other.take();
      await eventually(async () => (await lineLength(client, zk.path('/q-waiters'))) === 1, 'the second consumer in line');
      await other.close();
      await expect(pending).rejects.toBeInstanceOf(QueueClosedError);
      expect(await client.getChildren(zk.path('/q-waiters'))).toEqual([]);
      await expect(other.take()).rejects.toBeInstanceOf(QueueClosedError);
      await closeQueues();
    });

    it('lock-safe: a consumer whose session expires mid-item loses it to another consumer; the item is not lost', async () => {
      const lockPath = zk.path('/locks');
      const clientA = await zk.client({ sessionTimeoutMs: 2_000 });
      const a = fifo(clientA, lockPath);
      const b = fifo(await zk.client(), lockPath);
      await fifo(await zk.client(), lockPath).put('precious');
      const started = deferred();
      const release = deferred();
      const aDone = a.consume(async (item) => {
        expect(utf8(item.data)).toBe('precious');
        started.resolve();
        await release.promise;
        return 'a';
      });
      await within(started.promise, 'consumer A to start the item');
      expect(await clientA.getChildren(lockPath)).toHaveLength(1);
      const bDone = b.consume((item) => utf8(item.data), { timeoutMs: 20_000 });
      await expireSession(clientA, zk.connectString);
      expect(await within(bDone, 'consumer B to get the redelivered item')).toBe('precious');
      release.resolve();
      await expect(aDone).rejects.toBeInstanceOf(QueueLockLostError);
      expect(await b.size()).toBe(0);
      expect(await clientA.getChildren(lockPath)).toEqual([]);
      await closeQueues();
    });

    it('lock-safe: a failing handler requeues the item (errorMode requeue) or drops it (errorMode delete)', async () => {
      const client = await zk.client();
      const requeue = track(new DistributedQueue(client, { path: zk.path('/q'), lockPath: zk.path('/locks'), errorMode: 'requeue' }));
      await requeue.put('first');
      await requeue.put('second');
      const boom = new Error('handler failed');
      await expect(requeue.consume(() => Promise.reject(boom))).rejects.toBe(boom);
      expect(utf8(await requeue.take())).toBe('second');
      expect(utf8(await requeue.take())).toBe('first');
      const drop = track(new DistributedQueue(client, { path: zk.path('/q'), lockPath: zk.path('/locks'), errorMode: 'delete' }));
      await drop.put('doomed');
      await expect(drop.consume(() => Promise.reject(boom))).rejects.toBe(boom);
      expect(await drop.size()).toBe(0);
      expect(await client.getChildren(zk.path('/locks'))).toEqual([]);
      await closeQueues();
    });

    it('priority: lower numbers first, FIFO within a priority', async () => {
      const client = await zk.client();
      const q = track(new DistributedPriorityQueue(client, { path: zk.path('/pq') }));
      const items: [string, number][] = [['five', 5], ['minus-one', -1], ['three-a', 3], ['zero', 0], ['three-b', 3], ['min', -(2 ** 31)]];
      for (const [item, priority] of items) await q.put(item, priority);
      const taken: string[] = [];
      for (let i = 0; i < items.length; i++) taken.push(utf8(await q.take({ timeoutMs: 5_000 })));
      expect(taken).toEqual(['min', 'minus-one', 'zero', 'three-a', 'three-b', 'five']);
      await closeQueues();
    });

    it('delay: items become visible at their time, in time order (injected clock)', async () => {
      const clock = new ManualClock(1_700_000_000_000);
      const t0 = clock.now();
      const client = await zk.client();
      const producer = track(new DistributedDelayQueue(client, { path: zk.path('/dq'), clock }));
      const consumer = track(new DistributedDelayQueue(await zk.client(), { path: zk.path('/dq'), clock }));
      await producer.put('c', t0 + 3_000);
      await producer.put('a', t0 + 1_000);
      await producer.putAfter('b', 2_000);
      expect(await consumer.size()).toBe(3);
      expect(await consumer.poll()).toBeNull();
      expect(await consumer.peek()).toBeNull();

      const first = consumer.take();
      await eventually(async () => (await lineLength(client, zk.path('/dq-waiters'))) === 1, 'the consumer waiting');
      clock.advance(999);
      expect(await consumer.poll()).toBeNull();
      clock.advance(1);
      expect(utf8(await within(first, 'the first item at its time'))).toBe('a');
      // A new item due earlier than the waiting head's timer is seen through the watch.
      const second = consumer.take();
      await eventually(async () => (await lineLength(client, zk.path('/dq-waiters'))) === 1, 'the consumer waiting again');
      await producer.put('early', t0 + 500);
      expect(utf8(await within(second, 'the already-due item'))).toBe('early');
      clock.advance(2_000);
      expect(utf8((await consumer.poll()) ?? new Uint8Array())).toBe('b');
      expect(utf8(await consumer.take())).toBe('c');
      expect(await consumer.size()).toBe(0);
      await closeQueues();
    });
  });
}
