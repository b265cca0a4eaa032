import { describe, expect, it } from 'vitest';
import { ConnectionLossError, type CoordClient } from '../../src/index.js';
import { getFreePort, type TcpProxy } from '../../src/testing/index.js';
import { brief, byPath, EventLog, quiesce, StateLog, useTarget, utf8 } from './harness.js';
import { targets } from './target.js';

/** Lets pending socket writes and callbacks run once (not a wait for an outcome). */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target);

    /**
     * Cuts the client off (nothing reaches it or the server), runs `whileAway`, then drops the
     * held connections and lets traffic flow, so the client reconnects to the same session.
     */
    async function disconnectDuring(proxy: TcpProxy, client: CoordClient, whileAway: () => Promise<void>): Promise<StateLog> {
      const states = new StateLog(client);
      proxy.pause();
      await whileAway();
      proxy.dropConnections();
      const suspendedAt = await states.waitFor('suspended');
      proxy.resume();
      await states.waitFor('reconnected', suspendedAt);
      return states;
    }

    it('after a reconnect, one-shot watches get the events of changes made while disconnected (SetWatches catch-up)', async () => {
      const proxy = await zk.proxy();
      const a = await zk.client({ connectString: proxy.connectString });
      const b = await zk.client();
      const p = (rel: string) => zk.path(rel);
      for (const path of ['/data', '/quiet', '/deleted', '/children', '/child-deleted', '/present', '/persistent', '/recursive']) await b.create(p(path));
      await a.create(p('/ephemeral'), null, { mode: 'EPHEMERAL' });
      const sessionId = a.sessionId;

      const log = new EventLog('one-shot');
      const quiet = new EventLog('quiet');
      const unchangedChildren = new EventLog('unchanged children');
      await a.getData(p('/data'), { watch: log.watcher });
      await a.getData(p('/quiet'), { watch: quiet.watcher });
      await a.getData(p('/deleted'), { watch: log.watcher });
      expect(await a.exists(p('/created'), { watch: log.watcher })).toBeNull();
      await a.getChildren(p('/children'), { watch: log.watcher });
      await a.getChildren(p('/child-deleted'), { watch: log.watcher });
      await a.getChildren(p('/present'), { watch: unchangedChildren.watcher });
      const persistent = new EventLog('persistent');
      const recursive = new EventLog('recursive');
      await a.addWatch(p('/persistent'), 'PERSISTENT', persistent.watcher);
      await a.addWatch(p('/recursive'), 'PERSISTENT_RECURSIVE', recursive.watcher);

      const states = await disconnectDuring(proxy, a, async () => {
        await b.setData(p('/data'), 'changed while away');
        await b.delete(p('/deleted'));
        await b.create(p('/created'));
        await b.create(p('/children/new'));
        await b.delete(p('/child-deleted'));
        await b.setData(p('/present'), 'a data change, not a child change');
        await b.setData(p('/persistent'), 'missed');
        await b.create(p('/recursive/missed'));
      });
      expect(states.states).toEqual(['suspended', 'reconnected']);
      expect(a.sessionId).toBe(sessionId);
      expect((await b.exists(p('/ephemeral')))?.ephemeralOwner).toBe(sessionId);

      // Server side (DataTree.setWatches): data watch on a changed node → NodeDataChanged, on a
      // missing node → NodeDeleted; exist watch on a present node → NodeCreated; child watch on
      // a node whose child list changed → NodeChildrenChanged, on a missing node → NodeDeleted.
      expect((await log.take(5)).map(brief).sort(byPath)).toEqual([
        { type: 'NodeDeleted', path: p('/child-deleted') },
        { type: 'NodeChildrenChanged', path: p('/children') },
        { type: 'NodeCreated', path: p('/created') },
        { type: 'NodeDataChanged', path: p('/data') },
        { type: 'NodeDeleted', path: p('/deleted') },
      ]);
      await log.expectNoMore(a);
      // Persistent watches are re-registered without catch-up events for what was missed.
      await persistent.expectNoMore(a);
      await recursive.expectNoMore(a);
      await quiet.expectNoMore(a);
      await unchangedChildren.expectNoMore(a);

      // Watches on unchanged nodes were re-registered and still work, as do the persistent ones.
      await b.setData(p('/quiet'), 'now');
      await b.create(p('/present/child'));
      await b.setData(p('/persistent'), 'seen');
      await b.create(p('/recursive/seen'));
      expect(brief(await quiet.next())).toEqual({ type: 'NodeDataChanged', path: p('/quiet') });
      expect(brief(await unchangedChildren.next())).toEqual({ type: 'NodeChildrenChanged', path: p('/present') });
      expect(brief(await persistent.next())).toEqual({ type: 'NodeDataChanged', path: p('/persistent') });
      expect(brief(await recursive.next())).toEqual({ type: 'NodeCreated', path: p('/recursive/seen') });
    });

    it('keeps the session and its watches across a plain connection drop', async () => {
      const proxy = await zk.proxy();
      const a = await zk.client({ connectString: proxy.connectString });
      const b = await zk.client();
      await b.create(zk.path('/d'));
      const log = new EventLog();
      await a.getData(zk.path('/d'), { watch: log.watcher });
      const sessionId = a.sessionId;
      const states = new StateLog(a);
      proxy.dropConnections();
      await states.waitFor('reconnected', await states.waitFor('suspended'));
      expect(a.sessionId).toBe(sessionId);
      await b.setData(zk.path('/d'), 'x');
      expect(brief(await log.next())).toEqual({ type: 'NodeDataChanged', path: zk.path('/d') });
      await log.expectNoMore(a);
    });

    it('re-registers one-shot and persistent watches on the same path so that every one still fires', async () => {
      // A server that keeps one watch mode per path (ZooKeeper 3.8) applies SetWatches2's lists
      // in order; the client orders them so no watch swallows another.
      const proxy = await zk.proxy();
      const a = await zk.client({ connectString: proxy.connectString });
      const b = await zk.client();
      const p = zk.path('/both');
      await b.create(p);
      const child = new EventLog('one-shot child');
      const data = new EventLog('one-shot data');
      const recursive = new EventLog('recursive');
      await a.getChildren(p, { watch: child.watcher });
      await a.getData(p, { watch: data.watcher });
      await a.addWatch(p, 'PERSISTENT_RECURSIVE', recursive.watcher);
      const states = new StateLog(a);
      proxy.dropConnections();
      await states.waitFor('reconnected', await states.waitFor('suspended'));
      // 'reconnected' comes before the server has read SetWatches; a reply on the same
      // connection proves it has (persistent watches have no catch-up for changes before that).
      await a.exists(p);
      await b.create(`${p}/c`);
      await b.setData(p, 'x');
      expect(brief(await child.next())).toEqual({ type: 'NodeChildrenChanged', path: p });
      expect(brief(await data.next())).toEqual({ type: 'NodeDataChanged', path: p });
      expect((await recursive.take(2)).map(brief)).toEqual([
        { type: 'NodeCreated', path: `${p}/c` },
        { type: 'NodeDataChanged', path: p },
      ]);
    });

    it('requests in flight when the connection drops fail with ConnectionLossError', async () => {
      const proxy = await zk.proxy();
      const a = await zk.client({ connectString: proxy.connectString });
      await a.create(zk.path('/d'), 'v0');
      const states = new StateLog(a);
      proxy.pause();
      const read = a.getData(zk.path('/d'));
      const write = a.setData(zk.path('/d'), 'v1');
      const created = a.create(zk.path('/new'));
      await turn();
      proxy.dropConnections();
      await expect(read).rejects.toBeInstanceOf(ConnectionLossError);
      await expect(write).rejects.toBeInstanceOf(ConnectionLossError);
      await expect(created).rejects.toBeInstanceOf(ConnectionLossError);
      await expect(read).rejects.toMatchObject({ code: -4, path: zk.path('/d') });
      proxy.resume();
      await states.waitFor('reconnected');
      // The proxy never forwarded them, so they did not happen.
      expect(utf8((await a.getData(zk.path('/d'))).data)).toBe('v0');
      expect(await a.exists(zk.path('/new'))).toBeNull();
    });

    it("requests made while disconnected run after the reconnect with whenDisconnected 'wait'", async () => {
      const proxy = await zk.proxy();
      const a = await zk.client({ connectString: proxy.connectString, whenDisconnected: 'wait' });
      const b = await zk.client();
      await b.create(zk.path('/d'), 'v0');
      const states = new StateLog(a);
      proxy.pause();
      proxy.dropConnections();
      await states.waitFor('suspended');
      await b.setData(zk.path('/d'), 'v1');
      let settled = false;
      const read = a.getData(zk.path('/d'));
      const write = a.create(zk.path('/queued'), 'q');
      void Promise.allSettled([read, write]).then(() => (settled = true));
      await turn();
      expect(settled).toBe(false);
      expect(a.state).toBe('suspended');
      proxy.resume();
      expect(utf8((await read).data)).toBe('v1');
      expect(await write).toBe(zk.path('/queued'));
      expect(states.states).toContain('reconnected');
      expect(await b.exists(zk.path('/queued'))).not.toBeNull();
    });

    it("requests made while disconnected fail fast with whenDisconnected 'fail'", async () => {
      const proxy = await zk.proxy();
      const a = await zk.client({ connectString: proxy.connectString, whenDisconnected: 'fail' });
      await a.create(zk.path('/d'), 'v0');
      const states = new StateLog(a);
      proxy.pause();
      proxy.dropConnections();
      await states.waitFor('suspended');
      // Rejected while the proxy still holds everything: the client did not wait for it.
      await expect(a.getData(zk.path('/d'))).rejects.toBeInstanceOf(ConnectionLossError);
      await expect(a.create(zk.path('/x'))).rejects.toBeInstanceOf(ConnectionLossError);
      expect(a.state).toBe('suspended');
      proxy.resume();
      await states.waitFor('reconnected');
      expect(utf8((await a.getData(zk.path('/d'))).data)).toBe('v0');
      expect(await a.exists(zk.path('/x'))).toBeNull();
    });

    it('connects through the live host when another host in the connect string is dead or silent', async () => {
      const deadPort = await getFreePort();
      const silent = await zk.proxy();
      silent.pause();
      // Refused: the next host is tried at once. Silent: after the connect timeout.
      for (const dead of [`127.0.0.1:${deadPort}`, silent.connectString]) {
        const client = await zk.client({ connectString: `${dead},${zk.connectString}`, shuffleHosts: false, connectTimeoutMs: 500 });
        expect(client.state).toBe('connected');
        expect(client.connectedHost).toBe(zk.connectString);
        expect(await client.exists(zk.root)).not.toBeNull();
      }
      // And in whichever order the hosts are shuffled.
      const shuffled = await zk.client({ connectString: `${zk.connectString},127.0.0.1:${deadPort}`, connectTimeoutMs: 500 });
      expect(await shuffled.exists(zk.root)).not.toBeNull();
    });

    it('moves to another host of the connect string when its server goes away, keeping session and watches', async () => {
      const first = await zk.proxy();
      const second = await zk.proxy();
      const a = await zk.client({ connectString: `${first.connectString},${second.connectString}`, shuffleHosts: false });
      const b = await zk.client();
      expect(a.connectedHost).toBe(first.connectString);
      await b.create(zk.path('/d'));
      const log = new EventLog();
      await a.getData(zk.path('/d'), { watch: log.watcher });
      const sessionId = a.sessionId;
      const states = new StateLog(a);
      await first.close();
      await states.waitFor('reconnected');
      expect(a.connectedHost).toBe(second.connectString);
      expect(a.sessionId).toBe(sessionId);
      await b.setData(zk.path('/d'), 'x');
      expect(brief(await log.next())).toEqual({ type: 'NodeDataChanged', path: zk.path('/d') });
      await quiesce(a);
    });
  });
}
