import { describe, expect, it } from 'vitest';
import { GroupMember, PersistentNode } from '../../../src/recipes/nodes/index.js';
import { expireSession } from '../../../src/testing/index.js';
import { eventually, quiesce, StateLog, useTarget, utf8, within } from '../harness.js';
import { targets } from '../target.js';

/** Resolves with the next `event` a recipe emits, or fails after the deadline. */
function nextEvent<A extends unknown[]>(on: (listener: (...args: A) => void) => void, what: string): Promise<A> {
  return within(new Promise<A>((resolve) => on((...args) => resolve(args))), what);
}

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target);

    it('PersistentNode creates its ephemeral, re-creates it when someone deletes it, and close() deletes it', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const path = zk.path('/members/me');
      const node = new PersistentNode(a, path, 'hello');
      node.start();
      expect(await node.waitForInitialCreate({ timeoutMs: 10_000 })).toBe(true);
      expect(node.actualPath).toBe(path);
      const stat = await b.exists(path);
      expect(stat?.ephemeralOwner).toBe(a.sessionId);
      expect(utf8((await b.getData(path)).data)).toBe('hello');

      const recreated = nextEvent<[string]>((l) => node.once('created', l), 're-creation after a delete');
      await b.delete(path);
      expect(await recreated).toEqual([path]);
      expect((await b.exists(path))?.ephemeralOwner).toBe(a.sessionId);

      await node.setData('changed');
      expect(utf8((await b.getData(path)).data)).toBe('changed');

      await node.close();
      expect(await b.exists(path)).toBeNull();
      // Closed: a node someone else makes at the path is left alone, and a delete is not undone.
      await b.create(path, 'theirs');
      await quiesce(a);
      expect(utf8((await b.getData(path)).data)).toBe('theirs');
      await b.delete(path);
      await quiesce(a);
      expect(await b.exists(path)).toBeNull();
    });

    it('PersistentNode comes back in the new session after its session expires', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const path = zk.path('/svc');
      await using node = new PersistentNode(a, path, 'payload');
      node.start();
      expect(await node.waitForInitialCreate({ timeoutMs: 10_000 })).toBe(true);
      const oldSession = a.sessionId;
      const states = new StateLog(a);
      const recreated = nextEvent<[string]>((l) => node.once('created', l), 're-creation in the new session');
      await expireSession(a, zk.connectString);
      await states.waitFor('reconnected', await states.waitFor('lost'));
      await recreated;
      expect(a.sessionId).not.toBe(oldSession);
      const stat = await b.exists(path);
      expect(stat?.ephemeralOwner).toBe(a.sessionId);
      expect(utf8((await b.getData(path)).data)).toBe('payload');
    });

    it('PersistentNode deleted while its client was disconnected is back after the reconnect', async () => {
      const proxy = await zk.proxy();
      const a = await zk.client({ connectString: proxy.connectString });
      const b = await zk.client();
      const path = zk.path('/away');
      await using node = new PersistentNode(a, path, 'x');
      node.start();
      expect(await node.waitForInitialCreate({ timeoutMs: 10_000 })).toBe(true);
      const sessionId = a.sessionId;
      const states = new StateLog(a);
      const recreated = nextEvent<[string]>((l) => node.once('created', l), 're-creation after the reconnect');
      proxy.pause();
      await b.delete(path);
      proxy.dropConnections();
      const suspendedAt = await states.waitFor('suspended');
      proxy.resume();
      await states.waitFor('reconnected', suspendedAt);
      await recreated;
      expect(a.sessionId).toBe(sessionId);
      expect((await b.exists(path))?.ephemeralOwner).toBe(sessionId);
    });

    it('PersistentNode with protection re-creates under a new name after session expiry and removes none of its siblings', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const parent = zk.path('/prot');
      await b.create(parent);
      await b.create(`${parent}/other`);
      await using node = new PersistentNode(a, `${parent}/n`, 'p', { mode: 'EPHEMERAL_SEQUENTIAL', useProtection: true });
      node.start();
      expect(await node.waitForInitialCreate({ timeoutMs: 10_000 })).toBe(true);
      const first = node.actualPath ?? '';
      expect(first).toMatch(/\/_c_[0-9a-f-]{36}-n\d{10}$/);
      const recreated = nextEvent<[string]>((l) => node.once('created', l), 're-creation in the new session');
      await expireSession(a, zk.connectString);
      const [second] = await recreated;
      expect(second).not.toBe(first);
      expect(await b.exists(first)).toBeNull();
      expect((await b.exists(second))?.ephemeralOwner).toBe(a.sessionId);
      expect((await b.getChildren(parent)).sort()).toEqual(['other', second.slice(parent.length + 1)].sort());
    });

    it('waitForInitialCreate returns false when the node cannot be made in time', async () => {
      const a = await zk.client();
      const b = await zk.client();
      const parent = zk.path('/ephemeral-parent');
      await b.create(parent, null, { mode: 'EPHEMERAL' });
      // Ephemerals cannot have children: every create fails, and waiting reports false.
      await using node = new PersistentNode(a, `${parent}/child`);
      const failed = nextEvent<[unknown]>((l) => node.once('error', l), 'the create error');
      node.start();
      expect(await node.waitForInitialCreate({ timeoutMs: 300 })).toBe(false);
      await failed;
    });

    it('GroupMember membership reflects members joining, leaving and expiring', async () => {
      const group = zk.path('/group');
      const [c1, c2, c3] = await Promise.all([zk.client(), zk.client(), zk.client()]);
      if (c1 === undefined || c2 === undefined || c3 === undefined) throw new Error('clients');
      await using m1 = new GroupMember(c1, group, 'one', 'd1');
      const left: string[] = [];
      m1.on('left', (id) => left.push(id));
      const membersAre = (ids: string[], what: string): Promise<void> =>
        eventually(() => JSON.stringify([...m1.getCurrentMembers().keys()].sort()) === JSON.stringify([...ids].sort()), what);
      await m1.start();
      expect(await m1.waitForJoined({ timeoutMs: 10_000 })).toBe(true);
      expect([...m1.getCurrentMembers().keys()]).toEqual(['one']);

      const m2 = new GroupMember(c2, group, 'two', 'd2');
      const m3 = new GroupMember(c3, group, 'three', 'd3');
      await Promise.all([m2.start(), m3.start()]);
      await membersAre(['one', 'two', 'three'], 'three members');
      expect(utf8(m1.getCurrentMembers().get('two') ?? new Uint8Array())).toBe('d2');
      await eventually(() => m3.getCurrentMembers().size === 3, 'member three to see all');
      const updated = within(new Promise<string>((resolve) => m1.on('updated', (id, data) => id === 'two' && resolve(utf8(data)))), 'two to update its data');
      await m2.setThisData('d2b');
      expect(await updated).toBe('d2b');
      expect(utf8(m1.getCurrentMembers().get('two') ?? new Uint8Array())).toBe('d2b');

      await m3.close();
      await membersAre(['one', 'two'], 'three to leave');
      expect(left).toEqual(['three']);

      // Two's session expires: it leaves, then its PersistentNode joins it again in the new session.
      const rejoined = within(new Promise<void>((resolve) => m1.on('joined', (id) => id === 'two' && resolve())), 'two to join again');
      await expireSession(c2, zk.connectString);
      await rejoined;
      expect(left).toEqual(['three', 'two']);
      await membersAre(['one', 'two'], 'two back');
      await m2.close();
      await membersAre(['one'], 'two to leave for good');
    });
  });
}
