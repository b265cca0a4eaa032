import { describe, expect, it } from 'vitest';
import { ConnectionLossError, SessionExpiredError } from '../../src/index.js';
import { expireSession } from '../../src/testing/index.js';
import { brief, byPath, EventLog, StateLog, useTarget } from './harness.js';
import { targets } from './target.js';

/** tickTime for this file: sessions may last 2..20 ticks, i.e. 1 s to 10 s. */
const TICK_MS = 500;

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target, { tickTimeMs: TICK_MS });

    it('ephemeral nodes vanish when their session is closed, and watchers of other clients see NodeDeleted', async () => {
      const owner = await zk.client();
      const observer = await zk.client();
      const e = zk.path('/e');
      await owner.create(e, 'mine', { mode: 'EPHEMERAL' });
      const seq = await owner.create(zk.path('/s-'), null, { mode: 'EPHEMERAL_SEQUENTIAL' });
      expect((await observer.exists(e))?.ephemeralOwner).toBe(owner.sessionId);
      expect((await observer.exists(seq))?.ephemeralOwner).toBe(owner.sessionId);

      const dataLog = new EventLog();
      const childLog = new EventLog();
      await observer.getData(e, { watch: dataLog.watcher });
      await observer.exists(seq, { watch: dataLog.watcher });
      await observer.getChildren(zk.root, { watch: childLog.watcher });
      await owner.close();
      expect(owner.state).toBe('closed');

      expect((await dataLog.take(2)).map(brief).sort(byPath)).toEqual(
        [{ type: 'NodeDeleted', path: e }, { type: 'NodeDeleted', path: seq }].sort(byPath),
      );
      expect(brief(await childLog.next())).toEqual({ type: 'NodeChildrenChanged', path: zk.root });
      expect(await observer.exists(e)).toBeNull();
      expect(await observer.getChildren(zk.root)).toEqual([]);
      // A closed client fails calls at once.
      await expect(owner.exists(e)).rejects.toBeInstanceOf(ConnectionLossError);
    });

    it('ephemeral nodes vanish on session expiry; the client sees lost, then a new session', async () => {
      const owner = await zk.client({ sessionTimeoutMs: 2_000 });
      const observer = await zk.client();
      const states = new StateLog(owner);
      const oldSession = owner.sessionId;
      expect(oldSession).not.toBe(0n);
      const e = zk.path('/e');
      await owner.create(e, null, { mode: 'EPHEMERAL' });
      const ownWatch = new EventLog();
      await owner.getData(zk.root, { watch: ownWatch.watcher });
      const deleted = new EventLog();
      await observer.exists(e, { watch: deleted.watcher });

      await expireSession(owner, zk.connectString);
      expect(brief(await deleted.next())).toEqual({ type: 'NodeDeleted', path: e });
      expect(await observer.exists(e)).toBeNull();

      const lostAt = await states.waitFor('lost');
      const reconnectedAt = await states.waitFor('reconnected', lostAt);
      expect(states.states.slice(0, lostAt)).toContain('suspended');
      expect(reconnectedAt).toBeGreaterThan(lostAt);
      expect(owner.state).toBe('reconnected');
      expect(owner.sessionId).not.toBe(0n);
      expect(owner.sessionId).not.toBe(oldSession);
      // The new session works, owns nothing from the old one, and can create the node again.
      expect(await owner.getEphemerals(zk.root)).toEqual([]);
      await owner.create(e, null, { mode: 'EPHEMERAL' });
      expect((await observer.exists(e))?.ephemeralOwner).toBe(owner.sessionId);
      // One-shot watches died with the old session: the root's data changes unseen.
      await observer.setData(zk.root, 'x');
      await ownWatch.expectNoMore(owner);
    });

    it('requests queued while the session is being lost fail with SessionExpiredError', async () => {
      const proxy = await zk.proxy();
      const owner = await zk.client({ connectString: proxy.connectString, sessionTimeoutMs: 1_000 });
      const states = new StateLog(owner);
      proxy.pause();
      await states.waitFor('suspended');
      // Made while disconnected, with the default whenDisconnected 'wait': queued, then failed
      // when the client gives up on the session.
      const queued = owner.exists(zk.root);
      await states.waitFor('lost');
      await expect(queued).rejects.toBeInstanceOf(SessionExpiredError);
      proxy.resume();
      await states.waitFor('reconnected');
      expect(await owner.exists(zk.root)).not.toBeNull();
    });

    it(`clamps the requested session timeout to [2, 20] x tickTime (${TICK_MS} ms)`, async () => {
      const short = await zk.client({ sessionTimeoutMs: 100 });
      const long = await zk.client({ sessionTimeoutMs: 60_000 });
      const inRange = await zk.client({ sessionTimeoutMs: 4_000 });
      expect(short.negotiatedTimeoutMs).toBe(2 * TICK_MS);
      expect(long.negotiatedTimeoutMs).toBe(20 * TICK_MS);
      expect(inRange.negotiatedTimeoutMs).toBe(4_000);
    });

    it('detects expiry on the client side when the network goes silent for the session timeout', async () => {
      const proxy = await zk.proxy();
      const owner = await zk.client({ connectString: proxy.connectString, sessionTimeoutMs: 1_000 });
      const observer = await zk.client();
      const states = new StateLog(owner);
      const oldSession = owner.sessionId;
      expect(owner.negotiatedTimeoutMs).toBe(1_000);
      const e = zk.path('/e');
      await owner.create(e, null, { mode: 'EPHEMERAL' });
      const inFlightWhenSilent = new Promise<unknown>((resolve) => {
        proxy.pause();
        owner.exists(e).then(resolve, resolve);
      });

      const pausedAt = Date.now();
      const suspendedAt = await states.waitFor('suspended');
      await states.waitFor('lost', suspendedAt);
      const elapsed = Date.now() - pausedAt;
      // The proxy held every byte: the server could not tell the client anything. The client
      // gave up on its own, after about the negotiated timeout and well before the server's 2x.
      expect(elapsed).toBeGreaterThanOrEqual(600);
      expect(elapsed).toBeLessThan(3_000);
      expect(await inFlightWhenSilent).toBeInstanceOf(ConnectionLossError);

      // Meanwhile the server expires the session by itself, and the ephemeral goes.
      const gone = new EventLog();
      if ((await observer.exists(e, { watch: gone.watcher })) !== null) expect(brief(await gone.next())).toEqual({ type: 'NodeDeleted', path: e });

      proxy.resume();
      await states.waitFor('reconnected');
      expect(owner.sessionId).not.toBe(oldSession);
      expect(owner.sessionId).not.toBe(0n);
      expect(await owner.exists(e)).toBeNull();
    });
  });
}
