import { describe, expect, it } from 'vitest';
import type { CoordClient } from '../../../src/index.js';
import { ChildrenCache, NodeCache, TreeCache, type CachedNode } from '../../../src/recipes/cache/index.js';
import { expireSession, type TcpProxy } from '../../../src/testing/index.js';
import { quiesce, StateLog, useTarget, utf8, within } from '../harness.js';
import { targets } from '../target.js';

interface Seen {
  readonly type: string;
  readonly path: string;
  readonly data?: string;
}

/** Cache events in arrival order, awaitable with a deadline. */
class Recorder {
  readonly events: Seen[] = [];
  private consumed = 0;
  private readonly waiters = new Set<() => void>();

  record(type: string, node: CachedNode | undefined, path?: string): void {
    this.events.push(node === undefined ? { type, path: path ?? '' } : { type, path: node.path, data: utf8(node.data) });
    for (const w of [...this.waiters]) w();
  }

  /** The next `n` events not yet taken. */
  async take(n: number): Promise<Seen[]> {
    const want = this.consumed + n;
    await this.until(() => this.events.length >= want, `${n} more cache event(s)`);
    const out = this.events.slice(this.consumed, want);
    this.consumed = want;
    return out;
  }

  /** Takes events until `done` holds for the ones taken so far in this call; returns them. */
  async takeUntil(done: (taken: Seen[]) => boolean, what: string): Promise<Seen[]> {
    const start = this.consumed;
    await this.until(() => done(this.events.slice(start)), what);
    const out = this.events.slice(start);
    this.consumed = this.events.length;
    return out;
  }

  private until(ok: () => boolean, what: string): Promise<void> {
    if (ok()) return Promise.resolve();
    let waiter: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      waiter = () => {
        if (!ok()) return;
        this.waiters.delete(waiter);
        resolve();
      };
      this.waiters.add(waiter);
    });
    return within(done, () => `${what} (seen: ${JSON.stringify(this.events)})`).finally(() => this.waiters.delete(waiter));
  }
}

function recordTree(cache: TreeCache): Recorder {
  const r = new Recorder();
  cache.on('nodeCreated', (n) => r.record('created', n));
  cache.on('nodeChanged', (n) => r.record('changed', n));
  cache.on('nodeDeleted', (n) => r.record('deleted', { ...n, data: new Uint8Array(0) }));
  cache.on('initialized', () => r.record('initialized', undefined));
  return r;
}

/** What the server holds under `root` right now, as path → data. */
async function serverTree(client: CoordClient, root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = async (path: string): Promise<void> => {
    out[path] = utf8((await client.getData(path)).data);
    for (const c of await client.getChildren(path)) await visit(`${path}/${c}`);
  };
  await visit(root);
  return out;
}

/** Key order does not matter: compares as sorted entries. */
function sameTree(x: Record<string, string>, y: Record<string, string>): boolean {
  const canon = (t: Record<string, string>): string => JSON.stringify(Object.entries(t).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)));
  return canon(x) === canon(y);
}

function cacheTree(cache: TreeCache): Record<string, string> {
  return Object.fromEntries(cache.entries().map((n) => [n.path, utf8(n.data)]));
}

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target);

    /** Cuts `client` off behind `proxy`, runs `whileAway`, then lets it reconnect to the same session. */
    async function disconnectDuring(proxy: TcpProxy, client: CoordClient, whileAway: () => Promise<void>): Promise<void> {
      const states = new StateLog(client);
      proxy.pause();
      await whileAway();
      proxy.dropConnections();
      const suspendedAt = await states.waitFor('suspended');
      proxy.resume();
      await states.waitFor('reconnected', suspendedAt);
    }

    it('TreeCache loads the subtree, emits initialized, then follows creates, changes and deletes in order', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const root = zk.path('/tree');
      await b.create(root, 'r');
      await b.create(`${root}/x`, 'x0');
      await b.create(`${root}/x/deep`, 'd0');
      await using cache = new TreeCache(a, root);
      const seen = recordTree(cache);
      await cache.start();
      expect(cache.isInitialized).toBe(true);
      expect(await seen.take(4)).toEqual([
        { type: 'created', path: root, data: 'r' },
        { type: 'created', path: `${root}/x`, data: 'x0' },
        { type: 'created', path: `${root}/x/deep`, data: 'd0' },
        { type: 'initialized', path: '' },
      ]);

      await b.create(`${root}/y`, 'y0');
      expect(await seen.take(1)).toEqual([{ type: 'created', path: `${root}/y`, data: 'y0' }]);
      await b.setData(`${root}/x/deep`, 'd1');
      expect(await seen.take(1)).toEqual([{ type: 'changed', path: `${root}/x/deep`, data: 'd1' }]);
      await b.delete(`${root}/x/deep`);
      expect(await seen.take(1)).toEqual([{ type: 'deleted', path: `${root}/x/deep`, data: '' }]);
      expect(cache.get(`${root}/x/deep`)).toBeUndefined();
      expect(utf8(cache.get(`${root}/y`)?.data ?? new Uint8Array())).toBe('y0');
      expect(cacheTree(cache)).toEqual(await serverTree(b, root));
    });

    it('TreeCache applies a burst of changes in zxid order and converges', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const root = zk.path('/burst');
      await b.create(root);
      await using cache = new TreeCache(a, root);
      const seen = recordTree(cache);
      await cache.start();
      await seen.take(2);
      // Not awaited one by one: the cache must keep per-path order without help.
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++) writes.push(b.create(`${root}/n${i}`, `v0`));
      for (let i = 0; i < 20; i++) writes.push(b.setData(`${root}/n${i}`, `v1`));
      for (let i = 0; i < 20; i += 2) writes.push(b.delete(`${root}/n${i}`));
      await Promise.all(writes);
      const final = await serverTree(b, root);
      const events = await seen.takeUntil(() => sameTree(cacheTree(cache), final), 'the cache to match the server');
      for (let i = 0; i < 20; i++) {
        const types = events.filter((e) => e.path === `${root}/n${i}`).map((e) => e.type);
        // A read can observe a later state than its event (then the later event is a no-op), never
        // an earlier one; a node deleted before its NodeCreated read may never be reported at all.
        if (i % 2 === 1) expect(types, `events of n${i}`).toSatisfy((t: string[]) => t[0] === 'created' && t.slice(1).every((x) => x === 'changed'));
        else expect(types, `events of n${i}`).toSatisfy((t: string[]) => t.length === 0 || (t[0] === 'created' && t.at(-1) === 'deleted' && t.slice(1, -1).every((x) => x === 'changed')));
      }
    });

    it('TreeCache started in the middle of writes converges (watch first, then load, then reconcile)', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const root = zk.path('/racing');
      await b.create(root);
      const writes = (async () => {
        for (let i = 0; i < 30; i++) {
          await b.create(`${root}/n${i}`, 'v0');
          if (i % 3 === 0) await b.setData(`${root}/n${i}`, 'v1');
          if (i % 5 === 0) await b.delete(`${root}/n${i}`);
        }
      })();
      await using cache = new TreeCache(a, root);
      const seen = recordTree(cache);
      await Promise.all([cache.start(), writes]);
      const final = await serverTree(b, root);
      const events = await seen.takeUntil(() => sameTree(cacheTree(cache), final), 'the cache to match the server');
      expect(events.filter((e) => e.type === 'initialized')).toHaveLength(1);
      for (let i = 0; i < 30; i++) {
        const types = events.filter((e) => e.path === `${root}/n${i}`).map((e) => e.type);
        expect(types.filter((t) => t === 'created').length, `creates of n${i}: ${JSON.stringify(types)}`).toBeLessThanOrEqual(1);
        if (types.length > 0) expect(types[0], `first event of n${i}: ${JSON.stringify(types)}`).toBe('created');
      }
    });

    it('TreeCache on a missing root reports it when it appears', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const root = zk.path('/later');
      await using cache = new TreeCache(a, root);
      const seen = recordTree(cache);
      await cache.start();
      expect(await seen.take(1)).toEqual([{ type: 'initialized', path: '' }]);
      expect(cache.size).toBe(0);
      await b.create(root, 'here');
      await b.create(`${root}/c`, 'c');
      expect(await seen.take(2)).toEqual([
        { type: 'created', path: root, data: 'here' },
        { type: 'created', path: `${root}/c`, data: 'c' },
      ]);
    });

    it('ChildrenCache reports added, updated and removed children, not grandchildren or the parent', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const parent = zk.path('/group');
      await b.create(parent);
      await b.create(`${parent}/one`, '1');
      await using cache = new ChildrenCache(a, parent);
      const seen = new Recorder();
      cache.on('added', (n) => seen.record('added', n));
      cache.on('updated', (n) => seen.record('updated', n));
      cache.on('removed', (n) => seen.record('removed', n));
      cache.on('initialized', () => seen.record('initialized', undefined));
      await cache.start();
      expect(await seen.take(2)).toEqual([
        { type: 'added', path: `${parent}/one`, data: '1' },
        { type: 'initialized', path: '' },
      ]);
      await b.create(`${parent}/two`, '2');
      await b.create(`${parent}/two/grandchild`);
      await b.setData(parent, 'parent data');
      await b.setData(`${parent}/one`, '1b');
      await b.delete(`${parent}/two/grandchild`);
      await b.delete(`${parent}/two`);
      expect(await seen.take(3)).toEqual([
        { type: 'added', path: `${parent}/two`, data: '2' },
        { type: 'updated', path: `${parent}/one`, data: '1b' },
        { type: 'removed', path: `${parent}/two`, data: '2' },
      ]);
      expect(cache.names()).toEqual(['one']);
      expect(cache.get(parent)).toBeUndefined();
    });

    it('NodeCache follows one node through create, change and delete', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const path = zk.path('/single');
      await using cache = new NodeCache(a, path);
      const seen = new Recorder();
      cache.on('change', (n) => seen.record('change', n, path));
      await cache.start();
      expect(cache.current).toBeUndefined();
      await b.create(path, 'a');
      await b.create(`${path}/child`);
      await b.setData(path, 'b');
      await b.delete(`${path}/child`);
      await b.delete(path);
      expect(await seen.take(3)).toEqual([
        { type: 'change', path, data: 'a' },
        { type: 'change', path, data: 'b' },
        { type: 'change', path },
      ]);
      expect(cache.current).toBeUndefined();
    });

    it('after a dropped connection, caches converge and emit what changed while away', async () => {
      const proxy = await zk.proxy();
      const a = await zk.client({ connectString: proxy.connectString });
      const b = await zk.client();
      const root = zk.path('/away');
      await b.create(root);
      for (const n of ['keep', 'change', 'remove']) await b.create(`${root}/${n}`, 'v0');
      await using tree = new TreeCache(a, root);
      await using node = new NodeCache(a, `${root}/change`);
      await using children = new ChildrenCache(a, root);
      const seen = recordTree(tree);
      const nodeSeen = new Recorder();
      node.on('change', (n) => nodeSeen.record('change', n, `${root}/change`));
      const childSeen = new Recorder();
      children.on('added', (n) => childSeen.record('added', n));
      children.on('updated', (n) => childSeen.record('updated', n));
      children.on('removed', (n) => childSeen.record('removed', n));
      await Promise.all([tree.start(), node.start(), children.start()]);
      await seen.take(5);
      await nodeSeen.take(1);
      await childSeen.take(3);

      await disconnectDuring(proxy, a, async () => {
        await b.setData(`${root}/change`, 'v1');
        await b.delete(`${root}/remove`);
        await b.create(`${root}/new`, 'n0');
        await b.create(`${root}/new/sub`, 's0');
      });
      const final = await serverTree(b, root);
      const missed = await seen.takeUntil(() => sameTree(cacheTree(tree), final), 'the tree to converge');
      // Reload order: deletions deepest first, then the rest parent first (by path within a level).
      expect(missed).toEqual([
        { type: 'deleted', path: `${root}/remove`, data: '' },
        { type: 'changed', path: `${root}/change`, data: 'v1' },
        { type: 'created', path: `${root}/new`, data: 'n0' },
        { type: 'created', path: `${root}/new/sub`, data: 's0' },
      ]);
      expect(await nodeSeen.take(1)).toEqual([{ type: 'change', path: `${root}/change`, data: 'v1' }]);
      const childMissed = await childSeen.take(3);
      expect(childMissed.slice().sort((x, y) => (x.path < y.path ? -1 : 1))).toEqual([
        { type: 'updated', path: `${root}/change`, data: 'v1' },
        { type: 'added', path: `${root}/new`, data: 'n0' },
        { type: 'removed', path: `${root}/remove`, data: 'v0' },
      ]);

      // And the watch works again afterwards.
      await b.setData(`${root}/keep`, 'v2');
      expect(await seen.take(1)).toEqual([{ type: 'changed', path: `${root}/keep`, data: 'v2' }]);
    });

    it('after session expiry, TreeCache rebuilds in the new session (our own ephemerals vanish)', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const root = zk.path('/expiry');
      await b.create(root);
      await a.create(`${root}/mine`, 'e', { mode: 'EPHEMERAL' });
      await using cache = new TreeCache(a, root);
      await using single = new NodeCache(a, `${root}/mine`);
      const seen = recordTree(cache);
      await Promise.all([cache.start(), single.start()]);
      await seen.take(3);
      expect(single.current).toBeDefined();
      const singleGone = within(new Promise<void>((resolve) => single.on('change', (n) => n === undefined && resolve())), 'NodeCache to see the ephemeral go');
      const states = new StateLog(a);
      await expireSession(a, zk.connectString);
      await states.waitFor('reconnected', await states.waitFor('lost'));
      // The delete happened while a's connection was gone: only the rebuild can report it.
      expect(await within(seen.take(1), 'the rebuild')).toEqual([{ type: 'deleted', path: `${root}/mine`, data: '' }]);
      await singleGone;
      await b.create(`${root}/after`, 'x');
      expect(await seen.take(1)).toEqual([{ type: 'created', path: `${root}/after`, data: 'x' }]);
      expect(cacheTree(cache)).toEqual(await serverTree(b, root));
    });

    it('close() stops events and removes the watch', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const root = zk.path('/closing');
      await b.create(root);
      const cache = new TreeCache(a, root);
      const seen = recordTree(cache);
      await cache.start();
      await seen.take(2);
      await cache.close();
      await b.create(`${root}/c`);
      await quiesce(a);
      expect(seen.events).toHaveLength(2);
      expect(cache.get(`${root}/c`)).toBeUndefined();
    });
  });
}
