import { afterAll, describe, expect, it, vi } from 'vitest';
import { CoordServer, type CoordClient, type WatchOptions } from '../../../src/index.js';
import { decideRead, decideWrite, Mutex, ReadWriteLock, type Lease, type Lockable } from '../../../src/recipes/locks/index.js';
import { eventually, useTarget, within } from '../harness.js';
import { targets } from '../target.js';

/**
 * The herd effect, measured. Counted twice: at the clients (every watch callback a waiter gets)
 * and at the server. coord's server counts the notifications it sends
 * (`core.counters.notificationsSent`); the conformance target only hands out a connect string, so
 * the in-process CoordServer instances are found by spying on start(). Apache ZooKeeper has no
 * such counter (mntr reports the number of watches, not notifications sent), so for it the
 * server count is printed as n/a and only the clients count.
 */
const startSpy = vi.spyOn(CoordServer.prototype, 'start');
afterAll(() => startSpy.mockRestore());

const WAITERS = 100;

function serverOf(connectString: string): CoordServer | undefined {
  return startSpy.mock.contexts.find((s): s is CoordServer => s instanceof CoordServer && s.connectString === connectString);
}

/** Counts watch callbacks at one client, and arming reads that came back (the watch is set). */
class WatchCounter {
  fired = 0;
  armed = 0;

  attach(client: CoordClient): CoordClient {
    const wrap = (options: WatchOptions): WatchOptions => {
      const { watch } = options;
      if (watch === undefined) return options;
      return {
        ...options,
        watch: (event) => {
          this.fired++;
          watch(event);
        },
      };
    };
    const exists = client.exists.bind(client);
    const getChildren = client.getChildren.bind(client);
    client.exists = async (path, options = {}) => {
      const stat = await exists(path, wrap(options));
      if (options.watch !== undefined) this.armed++;
      return stat;
    };
    client.getChildren = async (path, options = {}) => {
      const children = await getChildren(path, wrap(options));
      if (options.watch !== undefined) this.armed++;
      return children;
    };
    return client;
  }
}

/**
 * The naive lock the recipes avoid: every waiter watches the parent's children, so each change
 * wakes all of them. Queuing (the create) is separate from waiting so a test can queue everyone
 * before anyone watches, and count the notifications of one release alone.
 */
async function naiveWait(client: CoordClient, dir: string, path: string): Promise<void> {
  const ours = path.slice(dir.length + 1);
  for (;;) {
    let fired!: () => void;
    const changed = new Promise<void>((resolve) => (fired = resolve));
    const children = (await client.getChildren(dir, { watch: () => fired() })).sort();
    if (children[0] === ours) return;
    await changed;
  }
}

interface Measured {
  readonly clients: number;
  readonly server: number | undefined;
}

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target, { tickTimeMs: 500 });

    /** Runs `release` and counts the notifications it causes, once every woken waiter is through. */
    async function measure(counter: WatchCounter, clients: readonly CoordClient[], release: () => Promise<void>, settled: () => Promise<void>): Promise<Measured> {
      const server = serverOf(zk.connectString);
      const serverBefore = server?.core.counters.notificationsSent;
      const clientsBefore = counter.fired;
      await release();
      await settled();
      // A server sends a connection's notifications before the reply to a later request on it:
      // after one round trip per client, every notification this release caused has arrived.
      await Promise.all(clients.map(async (c) => c.sync('/').then(() => c.exists('/'))));
      return {
        clients: counter.fired - clientsBefore,
        server: server === undefined || serverBefore === undefined ? undefined : server.core.counters.notificationsSent - serverBefore,
      };
    }

    function report(what: string, m: Measured): void {
      const server = m.server === undefined ? 'n/a (Apache ZooKeeper exposes no notifications-sent counter)' : String(m.server);
      console.log(`[herd] ${target.name} ${what}: watch callbacks at clients = ${m.clients}, notifications sent by server = ${server}`);
    }

    async function waiterClients(counter: WatchCounter): Promise<CoordClient[]> {
      return Promise.all(Array.from({ length: WAITERS }, async () => counter.attach(await zk.client())));
    }

    /** A waiter that takes the lock, reports it, and holds it until the gate opens. */
    function hold(lock: Lockable, granted: string[], name: string, gate: Promise<void>): Promise<void> {
      const done = lock.acquire().then(async (lease: Lease) => {
        granted.push(name);
        await gate;
        await lease.release();
      });
      // Awaited later; if the test fails first, the clients' close rejects it unobserved.
      done.catch(() => undefined);
      return done;
    }

    it(`Mutex: one release with ${WAITERS} waiters causes exactly one notification`, async () => {
      const counter = new WatchCounter();
      const holderClient = await zk.client();
      const lock = zk.path('/mutex');
      const holder = await new Mutex(holderClient, lock).acquire();
      const clients = await waiterClients(counter);
      const granted: string[] = [];
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const waiting = clients.map((c, i) => hold(new Mutex(c, lock), granted, `w${i}`, gate));
      await eventually(() => counter.armed >= WAITERS, `${WAITERS} waiters watching`);

      const m = await measure(counter, clients, () => holder.release(), () => eventually(() => granted.length === 1, 'the next waiter to get the lock'));
      report(`Mutex, ${WAITERS} waiters, one release`, m);
      expect(m.clients).toBe(1);
      if (m.server !== undefined) expect(m.server).toBe(1);
      expect(granted.length).toBe(1);

      open();
      await within(Promise.all(waiting), 'every waiter to get and release the lock', 30_000);
      expect(granted.length).toBe(WAITERS);
      // Every later hand-off woke exactly one waiter too.
      expect(counter.fired).toBe(WAITERS);
    });

    it(`naive parent-watching lock: one release with ${WAITERS} waiters wakes all of them (contrast)`, async () => {
      const counter = new WatchCounter();
      const holderClient = await zk.client();
      const dir = zk.path('/naive');
      await holderClient.create(dir);
      const holder = await holderClient.create(`${dir}/naive-`, null, { mode: 'EPHEMERAL_SEQUENTIAL' });
      const clients = await waiterClients(counter);
      const nodes = await Promise.all(clients.map((c) => c.create(`${dir}/naive-`, null, { mode: 'EPHEMERAL_SEQUENTIAL' })));
      const granted: string[] = [];
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const waiting = clients.map((c, i) =>
        naiveWait(c, dir, nodes[i] as string).then(async () => {
          granted.push(`w${i}`);
          await gate;
          await c.delete(nodes[i] as string);
        }),
      );
      for (const w of waiting) w.catch(() => undefined);
      await eventually(() => counter.armed >= WAITERS, `${WAITERS} waiters watching`);
      // Settled once the one winner has the lock and the 99 others have looked again.
      const m = await measure(counter, clients, () => holderClient.delete(holder), () => eventually(() => granted.length === 1 && counter.armed >= 2 * WAITERS - 1, 'the woken waiters to look again'));
      report(`naive lock, ${WAITERS} waiters, one release`, m);
      expect(m.clients).toBe(WAITERS);
      if (m.server !== undefined) expect(m.server).toBe(WAITERS);
      open();
      await within(Promise.all(waiting), 'every naive waiter to finish', 30_000);
    });

    it(`ReadWriteLock: a write release with ${WAITERS} mixed waiters wakes only the reads it unblocks`, async () => {
      const counter = new WatchCounter();
      const holderClient = await zk.client();
      const path = zk.path('/rw');
      const writer = await new ReadWriteLock(holderClient, path).writeLock.acquire();
      const clients = await waiterClients(counter);
      const granted: string[] = [];
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const FIRST_READS = 10;
      // First 10 reads queue straight behind the writer; then reads and writes mixed (1 in 3 writes).
      const waiting: Promise<void>[] = [];
      clients.slice(0, FIRST_READS).forEach((c, i) => waiting.push(hold(new ReadWriteLock(c, path).readLock, granted, `r${i}`, gate)));
      await eventually(async () => (await holderClient.getChildren(path)).length === FIRST_READS + 1, 'the first reads to queue');
      clients.slice(FIRST_READS).forEach((c, i) => {
        const rw = new ReadWriteLock(c, path);
        waiting.push(hold(i % 3 === 0 ? rw.writeLock : rw.readLock, granted, `${i % 3 === 0 ? 'w' : 'r'}${FIRST_READS + i}`, gate));
      });
      await eventually(() => counter.armed >= WAITERS, `${WAITERS} waiters watching`);
      // The minimal set, from the queue as it stands: the requests watching the writer's node.
      const children = await holderClient.getChildren(path);
      const writerName = writer.path.slice(path.length + 1);
      const minimal = children.filter((n) => n !== writerName && (n.includes('__READ__') ? decideRead(children, n) : decideWrite(children, n)).watch === writerName).length;
      // At least the 10 queued first; the mixed 90 race each other to the server, so a read or
      // two of them may also land straight behind the writer.
      expect(minimal).toBeGreaterThanOrEqual(FIRST_READS);
      expect(minimal).toBeLessThan(WAITERS / 4);

      const m = await measure(counter, clients, () => writer.release(), () => eventually(() => granted.length === minimal, 'the unblocked reads'));
      report(`ReadWriteLock, ${WAITERS} waiters (10 reads, then 1 write in 3), one write release (minimal set ${minimal})`, m);
      expect(m.clients).toBe(minimal);
      if (m.server !== undefined) expect(m.server).toBe(minimal);
      expect(granted.every((g) => g.startsWith('r'))).toBe(true);

      open();
      await within(Promise.all(waiting), 'every request to get and release the lock', 30_000);
      expect(granted.length).toBe(WAITERS);
    });
  });
}
