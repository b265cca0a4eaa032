import { describe, expect, it } from 'vitest';
import { BarrierMemberLostError, DistributedBarrier, DistributedDoubleBarrier, READY_NODE, WaitTimeoutError } from '../../../src/recipes/barriers/index.js';
import { dropConnection, expireSession, waitForState } from '../../../src/testing/index.js';
import { eventually, quiesce, useTarget, within } from '../harness.js';
import { targets } from '../target.js';

const TICK_MS = 500;

/** Tracks whether `promise` has settled; read it after quiesce() to assert that a call is still blocked. */
function settledYet(promise: Promise<unknown>): { readonly state: 'pending' | 'resolved' | 'rejected' } {
  const box: { state: 'pending' | 'resolved' | 'rejected' } = { state: 'pending' };
  promise.then(
    () => (box.state = 'resolved'),
    () => (box.state = 'rejected'),
  );
  return box;
}

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target, { tickTimeMs: TICK_MS });

    it('barrier: waiters block while it is set and all return when it is removed', async () => {
      const admin = await zk.client();
      const barrier = new DistributedBarrier(admin, zk.path('/app/barrier'));
      await barrier.waitOnBarrier({ timeoutMs: 1_000 });
      await barrier.setBarrier();
      await barrier.setBarrier();
      const waiters = await Promise.all([zk.client(), zk.client(), zk.client()]);
      const waits = waiters.map((c) => new DistributedBarrier(c, zk.path('/app/barrier')).waitOnBarrier({ timeoutMs: 20_000 }));
      const states = waits.map(settledYet);
      await Promise.all(waiters.map((c) => quiesce(c)));
      expect(states.map((s) => s.state)).toEqual(['pending', 'pending', 'pending']);
      await barrier.removeBarrier();
      await within(Promise.all(waits), 'every waiter to see the barrier removed');
      await barrier.removeBarrier();
    });

    it('barrier: a wait times out or is aborted while the barrier stays up', async () => {
      const client = await zk.client();
      const barrier = new DistributedBarrier(client, zk.path('/barrier'));
      await barrier.setBarrier();
      await expect(barrier.waitOnBarrier({ timeoutMs: 200 })).rejects.toBeInstanceOf(WaitTimeoutError);
      const stop = new AbortController();
      const waiting = barrier.waitOnBarrier({ signal: stop.signal });
      await quiesce(client);
      const reason = new Error('stop waiting');
      stop.abort(reason);
      await expect(waiting).rejects.toBe(reason);
      expect(await client.exists(zk.path('/barrier'))).not.toBeNull();
    });

    it('barrier: a waiter whose connection drops still sees the removal after it reconnects', async () => {
      const admin = await zk.client();
      const client = await zk.client();
      const barrier = new DistributedBarrier(admin, zk.path('/barrier'));
      await barrier.setBarrier();
      const waiting = new DistributedBarrier(client, zk.path('/barrier')).waitOnBarrier({ timeoutMs: 20_000 });
      await quiesce(client);
      const reconnected = waitForState(client, 'reconnected', 10_000);
      dropConnection(client);
      await reconnected;
      await barrier.removeBarrier();
      await within(waiting, 'the waiter to see the removal');
    });

    it('double barrier: 4 members enter only together and leave only together', async () => {
      const clients = await Promise.all(Array.from({ length: 4 }, () => zk.client()));
      const members = clients.map((c) => new DistributedDoubleBarrier(c, zk.path('/db'), 4));
      const firstThree = members.slice(0, 3).map((m) => m.enter({ timeoutMs: 20_000 }));
      const states = firstThree.map(settledYet);
      await eventually(async () => (await clients[0]?.getChildren(zk.path('/db')).catch(() => []))?.length === 3, 'three members registered');
      await Promise.all(clients.map((c) => quiesce(c)));
      expect(states.map((s) => s.state)).toEqual(['pending', 'pending', 'pending']);
      await (members[3] as DistributedDoubleBarrier).enter({ timeoutMs: 20_000 });
      await within(Promise.all(firstThree), 'the first three members to enter');
      expect((await clients[0]?.getChildren(zk.path('/db')))?.sort()).toEqual([...members.map((m) => m.memberName), READY_NODE].sort());

      const leaving = members.slice(0, 3).map((m) => m.leave({ timeoutMs: 20_000 }));
      const leaveStates = leaving.map(settledYet);
      await Promise.all(clients.map((c) => quiesce(c)));
      expect(leaveStates.some((s) => s.state === 'pending')).toBe(true);
      await (members[3] as DistributedDoubleBarrier).leave({ timeoutMs: 20_000 });
      await within(Promise.all(leaving), 'every member to leave');
      expect(await clients[0]?.getChildren(zk.path('/db'))).toEqual([]);
    });

    it('double barrier: a member whose session expires while entering joins again and the barrier still opens', async () => {
      const a = await zk.client();
      const b = await zk.client({ sessionTimeoutMs: 2_000 });
      const c = await zk.client();
      const ma = new DistributedDoubleBarrier(a, zk.path('/db'), 3);
      const mb = new DistributedDoubleBarrier(b, zk.path('/db'), 3);
      const mc = new DistributedDoubleBarrier(c, zk.path('/db'), 3);
      const entering = [ma.enter({ timeoutMs: 20_000 }), mb.enter({ timeoutMs: 20_000 })];
      await eventually(async () => (await a.getChildren(zk.path('/db')).catch(() => [])).length === 2, 'two members registered');
      const oldSession = b.sessionId;
      await expireSession(b, zk.connectString);
      await eventually(async () => (await a.exists(mb.memberPath))?.ephemeralOwner === b.sessionId && b.sessionId !== oldSession, 'member B re-created under its new session');
      await mc.enter({ timeoutMs: 20_000 });
      await within(Promise.all(entering), 'A and B to enter');
      await within(Promise.all([ma.leave(), mb.leave(), mc.leave()]), 'all three to leave');
      expect(await a.getChildren(zk.path('/db'))).toEqual([]);
    });

    it('double barrier: a member whose session expires after entering does not block the others from leaving', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const c = await zk.client({ sessionTimeoutMs: 2_000 });
      const members = [a, b, c].map((client) => new DistributedDoubleBarrier(client, zk.path('/db'), 3));
      await within(Promise.all(members.map((m) => m.enter({ timeoutMs: 20_000 }))), 'all three to enter');
      const [ma, mb, mc] = members as [DistributedDoubleBarrier, DistributedDoubleBarrier, DistributedDoubleBarrier];
      const leaving = [ma.leave({ timeoutMs: 20_000 }), mb.leave({ timeoutMs: 20_000 })];
      await expireSession(c, zk.connectString);
      await within(Promise.all(leaving), 'A and B to leave without C');
      await expect(mc.leave()).rejects.toBeInstanceOf(BarrierMemberLostError);
      expect(await a.getChildren(zk.path('/db'))).toEqual([]);
    });

    it('double barrier: enter times out and withdraws; [Symbol.asyncDispose] withdraws too', async () => {
      const client = await zk.client();
      const lonely = new DistributedDoubleBarrier(client, zk.path('/db'), 2);
      await expect(lonely.enter({ timeoutMs: 300 })).rejects.toBeInstanceOf(WaitTimeoutError);
      expect(await client.getChildren(zk.path('/db'))).toEqual([]);
      const other = await zk.client();
      {
        await using first = new DistributedDoubleBarrier(client, zk.path('/db'), 2);
        const second = new DistributedDoubleBarrier(other, zk.path('/db'), 2);
        await Promise.all([first.enter(), second.enter()]);
        expect(await client.exists(first.memberPath)).not.toBeNull();
      }
      expect((await client.getChildren(zk.path('/db'))).length).toBe(2);
    });
  });
}
