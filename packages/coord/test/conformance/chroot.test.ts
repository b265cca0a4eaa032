import { describe, expect, it } from 'vitest';
import { NoNodeError, NodeExistsError, type CoordClient } from '../../src/index.js';
import { dropConnection } from '../../src/testing/index.js';
import { brief, byPath, EventLog, StateLog, useTarget, utf8 } from './harness.js';
import { targets } from './target.js';

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target);

    /** The chroot node, created under this test's root; a client inside it and one outside. */
    async function setup(spec: { connectString?: string } = {}): Promise<{ app: string; inside: CoordClient; outside: CoordClient }> {
      const outside = await zk.client();
      const app = zk.path('/app');
      await outside.create(app);
      const inside = await zk.client({ ...spec, chroot: app });
      return { app, inside, outside };
    }

    it('create returns chroot-relative paths, also for sequential nodes; others see the full paths', async () => {
      const { app, inside, outside } = await setup();
      expect(await inside.create('/a', 'A')).toBe('/a');
      expect(await inside.create('/a/s-', null, { mode: 'PERSISTENT_SEQUENTIAL' })).toBe('/a/s-0000000000');
      expect(await inside.create('/a/', null, { mode: 'EPHEMERAL_SEQUENTIAL' })).toBe('/a/0000000001');
      const { path, stat } = await inside.createWithStat('/b', 'B');
      expect(path).toBe('/b');

      expect((await outside.getChildren(`${app}/a`)).sort()).toEqual(['0000000001', 's-0000000000']);
      expect(utf8((await outside.getData(`${app}/a`)).data)).toBe('A');
      expect(await outside.exists(`${app}/b`)).toEqual(stat);
      expect(await outside.exists('/a')).toBeNull();
      await expect(inside.create('/a')).rejects.toBeInstanceOf(NodeExistsError);
      await expect(inside.create('/a')).rejects.toMatchObject({ path: '/a' });
    });

    it('reads, writes and getChildren work on chroot-relative paths; "/" is the chroot node', async () => {
      const { app, inside, outside } = await setup();
      await outside.create(`${app}/x`, 'x');
      await outside.create(`${app}/y`);
      expect((await inside.getChildren('/')).sort()).toEqual(['x', 'y']);
      const { children, stat } = await inside.getChildrenWithStat('/');
      expect(children.sort()).toEqual(['x', 'y']);
      expect(stat).toEqual(await outside.exists(app));
      expect(await inside.exists('/')).toEqual(await outside.exists(app));
      await inside.setData('/x', 'changed', 0);
      expect(utf8((await outside.getData(`${app}/x`)).data)).toBe('changed');
      await inside.delete('/y');
      expect(await outside.exists(`${app}/y`)).toBeNull();
      expect(await inside.getAllChildrenNumber('/')).toBe(1);
      expect((await inside.getACL('/x')).stat.version).toBe(1);
      const reads = await inside.multiRead([
        { kind: 'getChildren', path: '/' },
        { kind: 'getData', path: '/x' },
        { kind: 'getData', path: '/y' },
      ]);
      expect(reads[0]).toEqual({ kind: 'getChildren', children: ['x'] });
      expect(reads[1]).toMatchObject({ kind: 'getData' });
      expect(reads[2]).toMatchObject({ kind: 'error', error: expect.objectContaining({ path: '/y' }) });
    });

    it('sync, getEphemerals and multi answer with chroot-relative paths', async () => {
      const { app, inside, outside } = await setup();
      expect(await inside.sync('/')).toBe('/');
      await inside.create('/dir');
      expect(await inside.sync('/dir')).toBe('/dir');

      await inside.create('/e1', null, { mode: 'EPHEMERAL' });
      const e2 = await inside.create('/dir/e-', null, { mode: 'EPHEMERAL_SEQUENTIAL' });
      expect(e2).toBe('/dir/e-0000000000');
      expect((await inside.getEphemerals('/')).sort()).toEqual(['/dir/e-0000000000', '/e1']);
      expect(await inside.getEphemerals('/dir')).toEqual(['/dir/e-0000000000']);
      expect(await inside.getEphemerals()).toHaveLength(2);
      // The server knows the full paths.
      expect((await outside.exists(`${app}/e1`))?.ephemeralOwner).toBe(inside.sessionId);

      const results = await inside
        .multi()
        .create('/m', 'm')
        .create('/m/q-', null, { mode: 'PERSISTENT_SEQUENTIAL' })
        .create('/c', null, { mode: 'CONTAINER' })
        .setData('/m', 'm2')
        .check('/m', 1)
        .commit();
      expect(results.map((r) => (r.kind === 'create' ? r.path : r.kind))).toEqual(['/m', '/m/q-0000000000', '/c', 'setData', 'check']);
      expect(await outside.exists(`${app}/m/q-0000000000`)).not.toBeNull();

      const failed = inside.multi().create('/n').create('/missing/child').commit();
      await expect(failed).rejects.toBeInstanceOf(NoNodeError);
      await expect(failed).rejects.toMatchObject({ path: '/missing/child', transaction: { failedIndex: 1, codes: [0, -101] } });
    });

    it('watch events carry chroot-relative paths', async () => {
      const { app, inside, outside } = await setup();
      await outside.create(`${app}/w`);
      const data = new EventLog('data');
      const child = new EventLog('child');
      const created = new EventLog('created');
      const recursive = new EventLog('recursive');
      await inside.getData('/w', { watch: data.watcher });
      await inside.getChildren('/', { watch: child.watcher });
      await inside.exists('/later', { watch: created.watcher });
      // On its own connection: Apache ZooKeeper 3.8 keeps one watch mode per connection and
      // path, so a recursive watch on "/" would silence the one-shot child watch above.
      const insideToo = await zk.client({ chroot: app });
      await insideToo.addWatch('/', 'PERSISTENT_RECURSIVE', recursive.watcher);

      await outside.setData(`${app}/w`, 'x');
      await outside.create(`${app}/later`);
      expect(brief(await data.next())).toEqual({ type: 'NodeDataChanged', path: '/w' });
      expect(brief(await created.next())).toEqual({ type: 'NodeCreated', path: '/later' });
      expect(brief(await child.next())).toEqual({ type: 'NodeChildrenChanged', path: '/' });
      expect((await recursive.take(2)).map(brief)).toEqual([
        { type: 'NodeDataChanged', path: '/w' },
        { type: 'NodeCreated', path: '/later' },
      ]);
      // The chroot node itself is "/" to the client.
      await outside.setData(app, 'root data');
      expect(brief(await recursive.next())).toEqual({ type: 'NodeDataChanged', path: '/' });
    });

    it('getConfig reads /zookeeper/config outside the chroot', async () => {
      const { inside, outside } = await setup();
      expect(await inside.getConfig()).toEqual(await outside.getConfig());
    });

    it('a chroot that does not exist behaves as a missing subtree', async () => {
      const client = await zk.client({ chroot: zk.path('/nowhere') });
      expect(await client.exists('/')).toBeNull();
      await expect(client.create('/a')).rejects.toBeInstanceOf(NoNodeError);
      await expect(client.getChildren('/')).rejects.toBeInstanceOf(NoNodeError);
    });

    it('watches re-registered after a reconnect keep the chroot: a watch set before the drop fires after it', async () => {
      const { app, inside, outside } = await setup();
      await outside.create(`${app}/w`);
      const data = new EventLog();
      const persistent = new EventLog();
      await inside.getData('/w', { watch: data.watcher });
      await inside.addWatch('/w', 'PERSISTENT', persistent.watcher);
      const states = new StateLog(inside);
      const sessionId = inside.sessionId;
      dropConnection(inside);
      await states.waitFor('reconnected');
      expect(inside.sessionId).toBe(sessionId);
      await outside.setData(`${app}/w`, 'after');
      expect(brief(await data.next())).toEqual({ type: 'NodeDataChanged', path: '/w' });
      expect(brief(await persistent.next())).toEqual({ type: 'NodeDataChanged', path: '/w' });
    });

    it('changes made while disconnected are caught up on reconnect with chroot-relative paths', async () => {
      const proxy = await zk.proxy();
      const { app, inside, outside } = await setup({ connectString: proxy.connectString });
      await outside.create(`${app}/w`);
      await outside.create(`${app}/gone`);
      const events = new EventLog();
      await inside.getData('/w', { watch: events.watcher });
      await inside.exists('/later', { watch: events.watcher });
      await inside.getChildren('/gone', { watch: events.watcher });
      const states = new StateLog(inside);

      proxy.pause();
      await outside.setData(`${app}/w`, 'while away');
      await outside.create(`${app}/later`);
      await outside.delete(`${app}/gone`);
      proxy.dropConnections();
      proxy.resume();
      await states.waitFor('reconnected');
      expect((await events.take(3)).map(brief).sort(byPath)).toEqual([
        { type: 'NodeDeleted', path: '/gone' },
        { type: 'NodeCreated', path: '/later' },
        { type: 'NodeDataChanged', path: '/w' },
      ]);
      await events.expectNoMore(inside);
    });
  });
}
