import { describe, expect, it } from 'vitest';
import { NoNodeError, NoWatcherError, type WatchEvent } from '../../src/index.js';
import { EventLog, brief, eventually, expectEventZxid, useTarget, utf8 } from './harness.js';
import { targets } from './target.js';

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target);

    /** A watching client and a second client that makes the changes. */
    const pair = async () => ({ watcher: await zk.client(), writer: await zk.client() });

    describe('one-shot watches', () => {
      it('a data watch fires NodeDataChanged once, with the zxid of the change', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/d');
        await writer.create(p, 'v0');
        const log = new EventLog();
        await watcher.getData(p, { watch: log.watcher });
        const stat = await writer.setData(p, 'v1');
        const event = await log.next();
        expect(brief(event)).toEqual({ type: 'NodeDataChanged', path: p });
        expectEventZxid(event, stat.mzxid);
        // One-shot: the next change is not reported.
        await writer.setData(p, 'v2');
        await writer.delete(p);
        await log.expectNoMore(watcher);
      });

      it('a data watch fires NodeDeleted when the node is deleted', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/d');
        await writer.create(p);
        const viaGetData = new EventLog();
        const viaExists = new EventLog();
        await watcher.getData(p, { watch: viaGetData.watcher });
        expect(await watcher.exists(p, { watch: viaExists.watcher })).not.toBeNull();
        await writer.delete(p);
        expect(brief(await viaGetData.next())).toEqual({ type: 'NodeDeleted', path: p });
        expect(brief(await viaExists.next())).toEqual({ type: 'NodeDeleted', path: p });
        await writer.create(p);
        await viaGetData.expectNoMore(watcher);
        await viaExists.expectNoMore(watcher);
      });

      it('an exists watch on a present node fires NodeDataChanged', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/d');
        await writer.create(p);
        const log = new EventLog();
        await watcher.exists(p, { watch: log.watcher });
        await writer.setData(p, 'x');
        expect(brief(await log.next())).toEqual({ type: 'NodeDataChanged', path: p });
      });

      it('a child watch fires NodeChildrenChanged on child create and delete, but not on child data changes', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/p');
        await writer.create(p);
        const log = new EventLog();
        expect(await watcher.getChildren(p, { watch: log.watcher })).toEqual([]);
        await writer.create(`${p}/c`);
        const created = await log.next();
        expect(brief(created)).toEqual({ type: 'NodeChildrenChanged', path: p });
        expectEventZxid(created, (await writer.exists(`${p}/c`))?.czxid);

        await watcher.getChildren(p, { watch: log.watcher });
        await writer.setData(`${p}/c`, 'data change of the child');
        await writer.create(`${p}/c/grandchild`);
        await writer.delete(`${p}/c/grandchild`);
        await writer.delete(`${p}/c`);
        expect(brief(await log.next())).toEqual({ type: 'NodeChildrenChanged', path: p });
        await log.expectNoMore(watcher);

        const withStat = new EventLog();
        await watcher.getChildrenWithStat(p, { watch: withStat.watcher });
        await writer.create(`${p}/d`, null, { mode: 'EPHEMERAL' });
        expect(brief(await withStat.next())).toEqual({ type: 'NodeChildrenChanged', path: p });
      });

      it('a child watch fires NodeDeleted when the node itself is deleted; the parent sees NodeChildrenChanged', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/p');
        await writer.create(p);
        const own = new EventLog();
        const parent = new EventLog();
        await watcher.getChildren(p, { watch: own.watcher });
        await watcher.getChildren(zk.root, { watch: parent.watcher });
        await writer.delete(p);
        expect(brief(await own.next())).toEqual({ type: 'NodeDeleted', path: p });
        expect(brief(await parent.next())).toEqual({ type: 'NodeChildrenChanged', path: zk.root });
        await own.expectNoMore(watcher);
      });

      it('an exists watch on a missing node fires NodeCreated', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/later');
        const log = new EventLog();
        expect(await watcher.exists(p, { watch: log.watcher })).toBeNull();
        const { stat } = await writer.createWithStat(p, 'x');
        const event = await log.next();
        expect(brief(event)).toEqual({ type: 'NodeCreated', path: p });
        expectEventZxid(event, stat.czxid);
        await writer.setData(p, 'y');
        await log.expectNoMore(watcher);
      });

      it('getData and getChildren on a missing node fail with NONODE and leave no watch', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/missing');
        const log = new EventLog();
        await expect(watcher.getData(p, { watch: log.watcher })).rejects.toBeInstanceOf(NoNodeError);
        await expect(watcher.getChildren(p, { watch: log.watcher })).rejects.toBeInstanceOf(NoNodeError);
        await expect(watcher.checkWatches(p, 'Any')).rejects.toBeInstanceOf(NoWatcherError);
        await writer.create(p);
        await writer.create(`${p}/c`);
        await writer.setData(p, 'x');
        await log.expectNoMore(watcher);
      });

      it('the same watcher registered twice on a path is called once per event; distinct watchers each once', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/d');
        await writer.create(p);
        const shared = new EventLog();
        const other = new EventLog();
        await watcher.getData(p, { watch: shared.watcher });
        await watcher.getData(p, { watch: shared.watcher });
        await watcher.exists(p, { watch: shared.watcher });
        await watcher.getData(p, { watch: other.watcher });
        await writer.setData(p, 'x');
        expect(brief(await shared.next())).toEqual({ type: 'NodeDataChanged', path: p });
        expect(brief(await other.next())).toEqual({ type: 'NodeDataChanged', path: p });
        await shared.expectNoMore(watcher);
        await other.expectNoMore(watcher);

        // A data and a child watch with the same function on a deleted node: one NodeDeleted.
        await watcher.getData(p, { watch: shared.watcher });
        await watcher.getChildren(p, { watch: shared.watcher });
        await writer.delete(p);
        expect(brief(await shared.next())).toEqual({ type: 'NodeDeleted', path: p });
        await shared.expectNoMore(watcher);
      });

      it('delivers a change to the watcher before a later read can show the new data', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/d');
        await writer.create(p, 'old');
        let seen: WatchEvent | undefined;
        await watcher.getData(p, { watch: (e) => (seen = e) });
        const write = writer.setData(p, 'new');
        // Poll from the watching client: the read that first returns 'new' must come after the event.
        await eventually(async () => {
          const { data } = await watcher.getData(p);
          if (utf8(data) !== 'new') return false;
          expect(seen?.type).toBe('NodeDataChanged');
          return true;
        }, 'the new data to be visible');
        await write;
      });

      it('delivers events in the order of the changes (zxid order)', async () => {
        const { watcher, writer } = await pair();
        const a = zk.path('/a');
        const b = zk.path('/b');
        await writer.create(a);
        const log = new EventLog();
        await watcher.getData(a, { watch: log.watcher });
        await watcher.exists(b, { watch: log.watcher });
        await watcher.getChildren(zk.root, { watch: log.watcher });
        await watcher.getChildren(a, { watch: log.watcher });
        const z1 = (await writer.createWithStat(`${a}/child`)).stat.czxid; // a: NodeChildrenChanged
        const z2 = (await writer.setData(a, 'x')).mzxid; // a: NodeDataChanged
        const z3 = (await writer.createWithStat(b)).stat.czxid; // b: NodeCreated, root: NodeChildrenChanged
        const events = await log.take(4);
        expect(events.slice(0, 2).map(brief)).toEqual([
          { type: 'NodeChildrenChanged', path: a },
          { type: 'NodeDataChanged', path: a },
        ]);
        // Two events of one change (one zxid): the server fires the node's watches, then its parent's.
        expect(events.slice(2).map(brief)).toEqual([
          { type: 'NodeCreated', path: b },
          { type: 'NodeChildrenChanged', path: zk.root },
        ]);
        [z1, z2, z3, z3].forEach((zxid, i) => expectEventZxid(events[i] as WatchEvent, zxid));

        // And across many changes seen by one recursive watch.
        const all = new EventLog();
        await watcher.addWatch(a, 'PERSISTENT_RECURSIVE', all.watcher);
        const changes: { path: string; zxid: bigint }[] = [];
        for (let i = 0; i < 20; i++) {
          const path = i % 3 === 0 ? a : `${a}/child`;
          changes.push({ path, zxid: (await writer.setData(path, String(i))).mzxid });
        }
        const seen = await all.take(20);
        expect(seen.map((e) => e.path)).toEqual(changes.map((c) => c.path));
        seen.forEach((e, i) => expectEventZxid(e, changes[i]?.zxid));
      });
    });

    describe('persistent watches', () => {
      it('a PERSISTENT watch fires for every data and child change of its path, not for grandchildren', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/p');
        const log = new EventLog();
        const handle = await watcher.addWatch(p, 'PERSISTENT', log.watcher);
        expect(handle).toMatchObject({ path: p, mode: 'PERSISTENT' });
        await writer.create(p);
        await writer.setData(p, '1');
        await writer.setData(p, '2');
        await writer.create(`${p}/c`);
        await writer.setData(`${p}/c`, 'child data');
        await writer.create(`${p}/c/g`);
        await writer.delete(`${p}/c/g`);
        await writer.delete(`${p}/c`);
        await writer.delete(p);
        await writer.create(p);
        expect((await log.take(7)).map(brief)).toEqual([
          { type: 'NodeCreated', path: p },
          { type: 'NodeDataChanged', path: p },
          { type: 'NodeDataChanged', path: p },
          { type: 'NodeChildrenChanged', path: p },
          { type: 'NodeChildrenChanged', path: p },
          { type: 'NodeDeleted', path: p },
          { type: 'NodeCreated', path: p },
        ]);
        await log.expectNoMore(watcher);
      });

      it('a PERSISTENT_RECURSIVE watch fires for the node and every descendant, and never NodeChildrenChanged', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/r');
        await writer.create(p);
        const log = new EventLog();
        await watcher.addWatch(p, 'PERSISTENT_RECURSIVE', log.watcher);
        await writer.create(`${p}/a`);
        await writer.create(`${p}/a/b`, 'x');
        await writer.setData(`${p}/a/b`, 'y');
        await writer.setData(p, 'self');
        await writer.delete(`${p}/a/b`);
        await writer.create(zk.path('/r-sibling')); // a name with the same prefix is not a descendant
        await writer.setData(zk.root, 'parent');
        await writer.delete(`${p}/a`);
        expect((await log.take(6)).map(brief)).toEqual([
          { type: 'NodeCreated', path: `${p}/a` },
          { type: 'NodeCreated', path: `${p}/a/b` },
          { type: 'NodeDataChanged', path: `${p}/a/b` },
          { type: 'NodeDataChanged', path: p },
          { type: 'NodeDeleted', path: `${p}/a/b` },
          { type: 'NodeDeleted', path: `${p}/a` },
        ]);
        await log.expectNoMore(watcher);
      });

      it('remove() stops the events and leaves other watches on the path working', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/p');
        await writer.create(p);
        const removed = new EventLog();
        const kept = new EventLog();
        const oneShot = new EventLog();
        const recursive = await watcher.addWatch(p, 'PERSISTENT_RECURSIVE', removed.watcher);
        const persistent = await watcher.addWatch(p, 'PERSISTENT', removed.watcher);
        await watcher.addWatch(p, 'PERSISTENT', kept.watcher);
        await watcher.getData(p, { watch: oneShot.watcher });
        await writer.setData(p, '1');
        expect(brief(await oneShot.next())).toEqual({ type: 'NodeDataChanged', path: p });
        expect(brief(await kept.next())).toEqual({ type: 'NodeDataChanged', path: p });
        // The same function on a persistent and a recursive watch of one path is called once.
        expect(brief(await removed.next())).toEqual({ type: 'NodeDataChanged', path: p });
        await removed.expectNoMore(watcher);

        await watcher.getData(p, { watch: oneShot.watcher });
        await recursive.remove();
        await persistent.remove();
        await persistent.remove(); // idempotent
        // Changes made by the same client are ordered after the removal and any re-registration.
        await watcher.setData(p, '2');
        await watcher.create(`${p}/c`);
        expect(brief(await oneShot.next())).toEqual({ type: 'NodeDataChanged', path: p });
        expect((await kept.take(2)).map(brief)).toEqual([
          { type: 'NodeDataChanged', path: p },
          { type: 'NodeChildrenChanged', path: p },
        ]);
        await removed.expectNoMore(watcher);
        await oneShot.expectNoMore(watcher);
      });
      it('a one-shot watch and a persistent watch on one path are both served', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/p');
        await writer.create(p);
        // Registration order matters on Apache ZooKeeper 3.8, which keeps one watch mode per
        // connection and path and lets the last registration win; these orders are safe there.
        const oneShot = new EventLog('one-shot data');
        const persistent = new EventLog('persistent');
        await watcher.getData(p, { watch: oneShot.watcher });
        await watcher.addWatch(p, 'PERSISTENT', persistent.watcher);
        const childOnce = new EventLog('one-shot child');
        const recursive = new EventLog('recursive');
        const q = zk.path('/q');
        await writer.create(q);
        await watcher.addWatch(q, 'PERSISTENT_RECURSIVE', recursive.watcher);
        await watcher.getChildren(q, { watch: childOnce.watcher });

        await writer.setData(p, '1');
        await writer.setData(p, '2');
        await writer.create(`${q}/c`);
        await writer.setData(q, 'x');
        expect(brief(await oneShot.next())).toEqual({ type: 'NodeDataChanged', path: p });
        expect((await persistent.take(2)).map(brief)).toEqual([
          { type: 'NodeDataChanged', path: p },
          { type: 'NodeDataChanged', path: p },
        ]);
        expect(brief(await childOnce.next())).toEqual({ type: 'NodeChildrenChanged', path: q });
        expect((await recursive.take(2)).map(brief)).toEqual([
          { type: 'NodeCreated', path: `${q}/c` },
          { type: 'NodeDataChanged', path: q },
        ]);
        await oneShot.expectNoMore(watcher);
        await childOnce.expectNoMore(watcher);
      });
    });

    describe('one-shot and persistent watches on the same path, registered in the unsafe order', () => {
      // Apache ZooKeeper 3.8 keeps ONE watch mode per connection and path in each of its data
      // and child watch tables (ZOOKEEPER-4466): the last registration wins. The client avoids
      // the clash: it does not ask the server for a one-shot watch that a persistent watch on the
      // path already covers (it feeds the one-shot watcher from the persistent events), and it
      // re-registers one-shot child watches after adding a recursive watch on their path.
      it('a one-shot data watch set after a persistent watch does not end the persistent watch', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/p');
        const q = zk.path('/q');
        await writer.create(p);
        await writer.create(q);
        const persistent = new EventLog('persistent');
        const recursive = new EventLog('recursive');
        await watcher.addWatch(p, 'PERSISTENT', persistent.watcher);
        await watcher.addWatch(q, 'PERSISTENT_RECURSIVE', recursive.watcher);
        await watcher.getData(p, { watch: () => undefined });
        await watcher.getData(q, { watch: () => undefined });
        await writer.setData(p, '1');
        await writer.setData(p, '2');
        await writer.setData(q, '1');
        await writer.create(`${q}/c`);
        expect((await persistent.take(2)).map(brief)).toEqual([
          { type: 'NodeDataChanged', path: p },
          { type: 'NodeDataChanged', path: p },
        ]);
        expect((await recursive.take(2)).map(brief)).toEqual([
          { type: 'NodeDataChanged', path: q },
          { type: 'NodeCreated', path: `${q}/c` },
        ]);
      });

      it('a one-shot child watch set before a recursive watch on the same path still fires', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/p');
        await writer.create(p);
        const child = new EventLog('one-shot child');
        await watcher.getChildren(p, { watch: child.watcher });
        await watcher.addWatch(p, 'PERSISTENT_RECURSIVE', () => undefined);
        await writer.create(`${p}/c`);
        expect(brief(await child.next())).toEqual({ type: 'NodeChildrenChanged', path: p });
      });
    });

    describe('checkWatches and removeWatches', () => {
      it('checkWatches succeeds for a watch this client holds and fails with NoWatcherError otherwise', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/d');
        await writer.create(p);
        await expect(watcher.checkWatches(p, 'Data')).rejects.toBeInstanceOf(NoWatcherError);
        await expect(watcher.checkWatches(p, 'Children')).rejects.toBeInstanceOf(NoWatcherError);
        await expect(watcher.checkWatches(p, 'Any')).rejects.toBeInstanceOf(NoWatcherError);
        await watcher.getData(p, { watch: () => undefined });
        await watcher.checkWatches(p, 'Data');
        await watcher.checkWatches(p, 'Any');
        await expect(watcher.checkWatches(p, 'Children')).rejects.toBeInstanceOf(NoWatcherError);
        // removeWatches is per connection: the writer holds no watch here. (What checkWatches
        // tells the writer differs: Apache ZooKeeper 3.8 answers OK when ANY connection watches
        // the exact path, coord answers per connection — see docs/compatibility.md.)
        await expect(writer.removeWatches(p, 'Data')).rejects.toBeInstanceOf(NoWatcherError);
        await watcher.checkWatches(p, 'Data');
        // An exists watch on a missing node counts as a data watch.
        await watcher.exists(zk.path('/missing'), { watch: () => undefined });
        await watcher.checkWatches(zk.path('/missing'), 'Data');
      });

      it('removeWatches removes the watches of the type on the server and delivers *WatchRemoved locally', async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/d');
        await writer.create(p);
        const data = new EventLog();
        const child = new EventLog();
        await watcher.getData(p, { watch: data.watcher });
        await watcher.getChildren(p, { watch: child.watcher });

        await watcher.removeWatches(p, 'Data');
        expect(await data.next()).toEqual({ type: 'DataWatchRemoved', path: p, zxid: -1n });
        await expect(watcher.checkWatches(p, 'Data')).rejects.toBeInstanceOf(NoWatcherError);
        await watcher.checkWatches(p, 'Children');
        await expect(watcher.removeWatches(p, 'Data')).rejects.toBeInstanceOf(NoWatcherError);
        await writer.setData(p, 'not reported');
        await data.expectNoMore(watcher);

        await watcher.removeWatches(p, 'Children');
        expect(brief(await child.next())).toEqual({ type: 'ChildWatchRemoved', path: p });
        await writer.create(`${p}/c`);
        await child.expectNoMore(watcher);
        await expect(watcher.removeWatches(p, 'Any')).rejects.toBeInstanceOf(NoWatcherError);
      });

      it("removeWatches of type Any removes both kinds; another client's watches stay", async () => {
        const { watcher, writer } = await pair();
        const p = zk.path('/d');
        await writer.create(p);
        const mine = new EventLog();
        const theirs = new EventLog();
        await watcher.getData(p, { watch: mine.watcher });
        await watcher.getChildren(p, { watch: mine.watcher });
        await writer.getData(p, { watch: theirs.watcher });
        await watcher.removeWatches(p, 'Any');
        expect((await mine.take(2)).map((e) => e.type).sort()).toEqual(['ChildWatchRemoved', 'DataWatchRemoved']);
        await watcher.setData(p, 'x');
        expect(brief(await theirs.next())).toEqual({ type: 'NodeDataChanged', path: p });
        await mine.expectNoMore(watcher);
      });
    });
  });
}
