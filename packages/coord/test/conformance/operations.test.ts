import { describe, expect, it } from 'vitest';
import {
  BadArgumentsError,
  BadVersionError,
  NoChildrenForEphemeralsError,
  NoNodeError,
  NodeExistsError,
  NotEmptyError,
  OPEN_ACL_UNSAFE,
  Perms,
  digestId,
  type CreateModeName,
} from '../../src/index.js';
import { useTarget, utf8 } from './harness.js';
import { targets } from './target.js';

const sorted = (names: string[]): string[] => [...names].sort();

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target);

    describe('create', () => {
      it('creates a node in each of the seven modes, with the ephemeralOwner the client sees', async () => {
        const client = await zk.client();
        const cases: { mode: CreateModeName; ttlMs?: number; sequential: boolean; owner: 'session' | 'zero' }[] = [
          { mode: 'PERSISTENT', sequential: false, owner: 'zero' },
          { mode: 'EPHEMERAL', sequential: false, owner: 'session' },
          { mode: 'PERSISTENT_SEQUENTIAL', sequential: true, owner: 'zero' },
          { mode: 'EPHEMERAL_SEQUENTIAL', sequential: true, owner: 'session' },
          // Containers and TTL nodes keep a marker in ephemeralOwner on the server; clients see 0.
          { mode: 'CONTAINER', sequential: false, owner: 'zero' },
          { mode: 'PERSISTENT_WITH_TTL', ttlMs: 60_000, sequential: false, owner: 'zero' },
          { mode: 'PERSISTENT_SEQUENTIAL_WITH_TTL', ttlMs: 60_000, sequential: true, owner: 'zero' },
        ];
        for (const c of cases) {
          const options = c.ttlMs === undefined ? { mode: c.mode } : { mode: c.mode, ttlMs: c.ttlMs };
          const expectName = (name: string) => new RegExp(`^${zk.path(`/${name}`)}${c.sequential ? '\\d{10}' : ''}$`);
          const { path, stat } = await client.createWithStat(zk.path(`/${c.mode}`), 'x', options);
          expect(path, c.mode).toMatch(expectName(c.mode));
          expect(stat.ephemeralOwner, c.mode).toBe(c.owner === 'session' ? client.sessionId : 0n);
          expect(stat.dataLength, c.mode).toBe(1);
          // The same Stat comes back from a read.
          expect(await client.exists(path), c.mode).toEqual(stat);
          // create (no Stat wanted) names nodes the same way.
          expect(await client.create(zk.path(`/${c.mode}-plain`), null, options), c.mode).toMatch(expectName(`${c.mode}-plain`));
        }
        expect(sorted(await client.getChildren(zk.root))).toHaveLength(14);
      });

      it('createWithStat returns the Stat of the new node and the parent records the child', async () => {
        const client = await zk.client();
        const before = await client.exists(zk.root);
        const { path, stat } = await client.createWithStat(zk.path('/n'), 'hello');
        expect(path).toBe(zk.path('/n'));
        expect(stat.czxid).toBeGreaterThan(0n);
        expect(stat.mzxid).toBe(stat.czxid);
        expect(stat.pzxid).toBe(stat.czxid);
        expect(stat.ctime).toBe(stat.mtime);
        expect(stat.ctime).toBeGreaterThan(0n);
        expect(stat.version).toBe(0);
        expect(stat.cversion).toBe(0);
        expect(stat.aversion).toBe(0);
        expect(stat.ephemeralOwner).toBe(0n);
        expect(stat.dataLength).toBe(5);
        expect(stat.numChildren).toBe(0);
        expect(client.lastZxid).toBeGreaterThanOrEqual(stat.czxid);

        const parent = await client.exists(zk.root);
        expect(parent?.numChildren).toBe((before?.numChildren ?? -1) + 1);
        expect(parent?.cversion).toBe((before?.cversion ?? -1) + 1);
        expect(parent?.pzxid).toBe(stat.czxid);
        // A child create is not a data change of the parent.
        expect(parent?.version).toBe(before?.version);
        expect(parent?.mzxid).toBe(before?.mzxid);
      });

      it('fails with NODEEXISTS, NONODE (missing parent) and NOCHILDRENFOREPHEMERALS', async () => {
        const client = await zk.client();
        await client.create(zk.path('/a'));
        await expect(client.create(zk.path('/a'))).rejects.toBeInstanceOf(NodeExistsError);
        await expect(client.create(zk.path('/a'), null, { mode: 'EPHEMERAL' })).rejects.toBeInstanceOf(NodeExistsError);
        const missing = client.create(zk.path('/missing/child'));
        await expect(missing).rejects.toBeInstanceOf(NoNodeError);
        await expect(missing).rejects.toMatchObject({ code: -101, path: zk.path('/missing/child') });
        await client.create(zk.path('/eph'), null, { mode: 'EPHEMERAL' });
        await expect(client.create(zk.path('/eph/child'))).rejects.toBeInstanceOf(NoChildrenForEphemeralsError);
        await expect(client.create(zk.path('/eph/seq-'), null, { mode: 'EPHEMERAL_SEQUENTIAL' })).rejects.toMatchObject({ code: -108 });
        // A failed create changes nothing.
        expect(await client.getChildren(zk.root)).toEqual(expect.arrayContaining(['a', 'eph']));
        expect(await client.getChildren(zk.root)).toHaveLength(2);
      });

      it('rejects TTL misuse on the client with BadArgumentsError', async () => {
        const client = await zk.client();
        await expect(client.create(zk.path('/ttl'), null, { mode: 'PERSISTENT_WITH_TTL' })).rejects.toBeInstanceOf(BadArgumentsError);
        for (const ttlMs of [0, -1, 1.5, 2 ** 41]) {
          await expect(client.create(zk.path('/ttl'), null, { mode: 'PERSISTENT_WITH_TTL', ttlMs }), `ttl ${ttlMs}`).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.createWithStat(zk.path('/ttl'), null, { mode: 'PERSISTENT_SEQUENTIAL_WITH_TTL', ttlMs }), `ttl ${ttlMs}`).rejects.toBeInstanceOf(BadArgumentsError);
        }
        await expect(client.create(zk.path('/ttl'), null, { mode: 'PERSISTENT', ttlMs: 1000 })).rejects.toBeInstanceOf(BadArgumentsError);
        expect(await client.exists(zk.path('/ttl'))).toBeNull();
      });

      it('stores null and empty data alike as zero bytes, and strings as UTF-8', async () => {
        const client = await zk.client();
        await client.create(zk.path('/null'), null);
        await client.create(zk.path('/empty'), new Uint8Array(0));
        await client.create(zk.path('/text'), 'héllo');
        await client.create(zk.path('/bytes'), new Uint8Array([0, 255, 7]));
        for (const name of ['/null', '/empty']) {
          const { data, stat } = await client.getData(zk.path(name));
          expect(data, name).toBeInstanceOf(Uint8Array);
          expect(data.length, name).toBe(0);
          expect(stat.dataLength, name).toBe(0);
        }
        const text = await client.getData(zk.path('/text'));
        expect(utf8(text.data)).toBe('héllo');
        expect(text.stat.dataLength).toBe(6);
        expect([...(await client.getData(zk.path('/bytes'))).data]).toEqual([0, 255, 7]);
      });
    });

    describe('delete', () => {
      it('checks the version: BADVERSION on a mismatch, any version with -1', async () => {
        const client = await zk.client();
        await client.create(zk.path('/v'), 'a');
        await client.setData(zk.path('/v'), 'b'); // version 1
        await expect(client.delete(zk.path('/v'), 0)).rejects.toBeInstanceOf(BadVersionError);
        await expect(client.delete(zk.path('/v'), 2)).rejects.toMatchObject({ code: -103 });
        await client.delete(zk.path('/v'), 1);
        expect(await client.exists(zk.path('/v'))).toBeNull();
        await client.create(zk.path('/w'));
        await client.delete(zk.path('/w'), -1);
        expect(await client.exists(zk.path('/w'))).toBeNull();
      });

      it('fails with NOTEMPTY for a node with children and NONODE for a missing node', async () => {
        const client = await zk.client();
        await client.create(zk.path('/p'));
        await client.create(zk.path('/p/c'));
        await expect(client.delete(zk.path('/p'))).rejects.toBeInstanceOf(NotEmptyError);
        await expect(client.delete(zk.path('/nope'))).rejects.toBeInstanceOf(NoNodeError);
        // NONODE wins over a version mismatch on a missing node.
        await expect(client.delete(zk.path('/nope'), 5)).rejects.toBeInstanceOf(NoNodeError);
        await client.delete(zk.path('/p/c'));
        await client.delete(zk.path('/p'));
        expect(await client.getChildren(zk.root)).toEqual([]);
      });
    });

    describe('exists and getData', () => {
      it('exists returns null for a missing node and the same Stat as getData for a present one', async () => {
        const client = await zk.client();
        expect(await client.exists(zk.path('/x'))).toBeNull();
        await client.create(zk.path('/x'), 'data');
        const stat = await client.exists(zk.path('/x'));
        const { data, stat: readStat } = await client.getData(zk.path('/x'));
        expect(stat).toEqual(readStat);
        expect(utf8(data)).toBe('data');
        expect(await client.exists('/')).not.toBeNull();
      });

      it('getData fails with NONODE for a missing node', async () => {
        const client = await zk.client();
        const read = client.getData(zk.path('/missing'));
        await expect(read).rejects.toBeInstanceOf(NoNodeError);
        await expect(read).rejects.toMatchObject({ path: zk.path('/missing') });
      });
    });

    describe('setData', () => {
      it('increments the version and mzxid on every write, leaving czxid and the creation time', async () => {
        const client = await zk.client();
        const created = await client.createWithStat(zk.path('/d'), 'v0');
        const s1 = await client.setData(zk.path('/d'), 'version one');
        expect(s1.version).toBe(1);
        expect(s1.czxid).toBe(created.stat.czxid);
        expect(s1.ctime).toBe(created.stat.ctime);
        expect(s1.mzxid).toBeGreaterThan(created.stat.mzxid);
        expect(s1.mtime).toBeGreaterThanOrEqual(created.stat.mtime);
        expect(s1.dataLength).toBe(11);
        // The node's own pzxid does not move on a data change.
        expect(s1.pzxid).toBe(created.stat.pzxid);
        const s2 = await client.setData(zk.path('/d'), 'v2', 1);
        expect(s2.version).toBe(2);
        expect(s2.mzxid).toBeGreaterThan(s1.mzxid);
        // Writing the same bytes is still a write.
        const s3 = await client.setData(zk.path('/d'), 'v2');
        expect(s3.version).toBe(3);
        const s4 = await client.setData(zk.path('/d'), null);
        expect(s4.dataLength).toBe(0);
        expect((await client.getData(zk.path('/d'))).stat).toEqual(s4);
      });

      it('fails with BADVERSION on a stale version and NONODE on a missing node', async () => {
        const client = await zk.client();
        await client.create(zk.path('/d'), 'v0');
        await client.setData(zk.path('/d'), 'v1', 0);
        await expect(client.setData(zk.path('/d'), 'lost update', 0)).rejects.toBeInstanceOf(BadVersionError);
        expect(utf8((await client.getData(zk.path('/d'))).data)).toBe('v1');
        await expect(client.setData(zk.path('/missing'), 'x')).rejects.toBeInstanceOf(NoNodeError);
      });
    });

    describe('getChildren', () => {
      it('lists children (unordered) and getChildrenWithStat tracks cversion, pzxid and numChildren', async () => {
        const client = await zk.client();
        const p = zk.path('/p');
        await client.create(p);
        expect(await client.getChildren(p)).toEqual([]);
        const a = await client.createWithStat(`${p}/a`);
        const b = await client.createWithStat(`${p}/b`, null, { mode: 'EPHEMERAL' });
        expect(sorted(await client.getChildren(p))).toEqual(['a', 'b']);
        const afterCreates = await client.getChildrenWithStat(p);
        expect(sorted(afterCreates.children)).toEqual(['a', 'b']);
        expect(afterCreates.stat.numChildren).toBe(2);
        expect(afterCreates.stat.cversion).toBe(2);
        expect(afterCreates.stat.pzxid).toBe(b.stat.czxid);
        expect(afterCreates.stat.pzxid).toBeGreaterThan(a.stat.czxid);

        await client.delete(`${p}/a`);
        const zxidOfDelete = client.lastZxid;
        const afterDelete = await client.getChildrenWithStat(p);
        expect(afterDelete.children).toEqual(['b']);
        expect(afterDelete.stat.numChildren).toBe(1);
        // A delete counts as a change of the child list too.
        expect(afterDelete.stat.cversion).toBe(3);
        expect(afterDelete.stat.pzxid).toBeGreaterThan(afterCreates.stat.pzxid);
        expect(afterDelete.stat.pzxid).toBe(zxidOfDelete);
        // Data changes of a child do not touch the parent's child-list fields.
        await client.setData(`${p}/b`, 'x');
        expect((await client.getChildrenWithStat(p)).stat).toEqual(afterDelete.stat);
      });

      it('fails with NONODE for a missing node', async () => {
        const client = await zk.client();
        await expect(client.getChildren(zk.path('/missing'))).rejects.toBeInstanceOf(NoNodeError);
        await expect(client.getChildrenWithStat(zk.path('/missing'))).rejects.toBeInstanceOf(NoNodeError);
      });
    });

    describe('getACL and setACL', () => {
      it('returns the ACL and its aversion; setACL checks the version', async () => {
        const client = await zk.client();
        await client.create(zk.path('/acl'));
        const initial = await client.getACL(zk.path('/acl'));
        expect(initial.acl).toEqual(OPEN_ACL_UNSAFE);
        expect(initial.stat.aversion).toBe(0);
        const readWrite = [{ perms: Perms.READ | Perms.WRITE | Perms.ADMIN, id: { scheme: 'world', id: 'anyone' } }];
        const stat = await client.setACL(zk.path('/acl'), readWrite, 0);
        expect(stat.aversion).toBe(1);
        expect(stat.version).toBe(0);
        const after = await client.getACL(zk.path('/acl'));
        expect(after.acl).toEqual(readWrite);
        expect(after.stat).toEqual(stat);
        await expect(client.setACL(zk.path('/acl'), OPEN_ACL_UNSAFE, 0)).rejects.toBeInstanceOf(BadVersionError);
        await client.setACL(zk.path('/acl'), OPEN_ACL_UNSAFE, -1);
        expect((await client.getACL(zk.path('/acl'))).stat.aversion).toBe(2);
        await expect(client.getACL(zk.path('/missing'))).rejects.toBeInstanceOf(NoNodeError);
        await expect(client.setACL(zk.path('/missing'), OPEN_ACL_UNSAFE)).rejects.toBeInstanceOf(NoNodeError);
      });
    });

    describe('sync, getAllChildrenNumber, getEphemerals, whoAmI, getConfig', () => {
      it('sync answers with the path it was given', async () => {
        const client = await zk.client();
        expect(await client.sync(zk.root)).toBe(zk.root);
        expect(await client.sync('/')).toBe('/');
      });

      it('getAllChildrenNumber counts every descendant, not the node itself', async () => {
        const client = await zk.client();
        for (const p of ['/a', '/a/b', '/a/b/c', '/a/d', '/e']) await client.create(zk.path(p));
        expect(await client.getAllChildrenNumber(zk.root)).toBe(5);
        expect(await client.getAllChildrenNumber(zk.path('/a'))).toBe(3);
        expect(await client.getAllChildrenNumber(zk.path('/e'))).toBe(0);
        // A sibling whose name extends another's is not its descendant.
        await client.create(zk.path('/a2'));
        expect(await client.getAllChildrenNumber(zk.path('/a'))).toBe(3);
        await expect(client.getAllChildrenNumber(zk.path('/missing'))).rejects.toBeInstanceOf(NoNodeError);
      });

      it("getEphemerals lists only this session's ephemerals under a string prefix", async () => {
        const mine = await zk.client();
        const other = await zk.client();
        await mine.create(zk.path('/p'));
        await mine.create(zk.path('/p/e1'), null, { mode: 'EPHEMERAL' });
        const seq = await mine.create(zk.path('/p/s-'), null, { mode: 'EPHEMERAL_SEQUENTIAL' });
        await mine.create(zk.path('/e2'), null, { mode: 'EPHEMERAL' });
        await mine.create(zk.path('/persistent'));
        await other.create(zk.path('/p/theirs'), null, { mode: 'EPHEMERAL' });

        expect(sorted(await mine.getEphemerals(zk.root))).toEqual(sorted([zk.path('/p/e1'), seq, zk.path('/e2')]));
        expect(sorted(await mine.getEphemerals(zk.path('/p/')))).toEqual(sorted([zk.path('/p/e1'), seq]));
        // The prefix is a plain string prefix, not a path.
        expect(await mine.getEphemerals(zk.path('/e'))).toEqual([zk.path('/e2')]);
        expect(await other.getEphemerals(zk.root)).toEqual([zk.path('/p/theirs')]);
        expect(sorted(await mine.getEphemerals())).toEqual(sorted([zk.path('/p/e1'), seq, zk.path('/e2')]));
        expect(await mine.getEphemerals(zk.path('/none'))).toEqual([]);
      });

      it('whoAmI reports the ip identity, and the digest identity after addAuth', async () => {
        const client = await zk.client();
        expect(await client.whoAmI()).toEqual([{ scheme: 'ip', user: '127.0.0.1' }]);
        await client.addAuth('digest', 'alice:secret');
        const ids = await client.whoAmI();
        expect(ids).toHaveLength(2);
        // The user is the name only (the provider's getUserName), not the user:hash id used in ACLs.
        expect(ids).toEqual(expect.arrayContaining([{ scheme: 'ip', user: '127.0.0.1' }, { scheme: 'digest', user: 'alice' }]));
        expect(ids.some((id) => id.user === digestId('alice', 'secret'))).toBe(false);
      });

      it('getConfig reads /zookeeper/config', async () => {
        const client = await zk.client();
        const { data, stat } = await client.getConfig();
        expect(stat.czxid).toBeGreaterThanOrEqual(0n);
        // Standalone servers have no dynamic config; ensembles list server.N= lines and a version.
        for (const line of utf8(data).split('\n').filter((l) => l !== '')) expect(line).toMatch(/^(server\.\d+=.+|version=[0-9a-f]+)$/);
        expect(await client.getConfig()).toEqual({ data, stat });
      });
    });

    describe('paths', () => {
      const invalid = ['', 'relative', 'rel/ative', '/trailing/', '//', '/a//b', '/a/./b', '/a/../b', '/.', '/..', '/a/.', '/nul\u0000byte', '/ctl\u0001char', '/del\u007fchar'];

      it('rejects invalid paths on the client with BadArgumentsError, before any request', async () => {
        // A closed client fails every request with ConnectionLossError; BadArgumentsError
        // therefore shows the path was refused before the client tried to send anything.
        const client = await zk.client();
        await client.close();
        for (const path of invalid) {
          const label = JSON.stringify(path);
          await expect(client.create(path), label).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.createWithStat(path), label).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.delete(path), label).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.exists(path), label).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.getData(path), label).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.setData(path, 'x'), label).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.getChildren(path), label).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.getChildrenWithStat(path), label).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.getACL(path), label).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.setACL(path, OPEN_ACL_UNSAFE), label).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.sync(path), label).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.getAllChildrenNumber(path), label).rejects.toBeInstanceOf(BadArgumentsError);
          await expect(client.multiRead([{ kind: 'getData', path }]), label).rejects.toBeInstanceOf(BadArgumentsError);
        }
        // The root is valid everywhere it makes sense.
        await expect(client.exists('/')).rejects.toMatchObject({ code: -4 });
      });

      it('accepts unusual but valid names', async () => {
        const client = await zk.client();
        for (const name of ['...', '.hidden', 'with space', 'ünïcödé', 'a:b=c', 'zookeeper']) {
          const path = zk.path(`/${name}`);
          expect(await client.create(path, name)).toBe(path);
          expect(utf8((await client.getData(path)).data)).toBe(name);
        }
        expect(await client.getChildren(zk.root)).toHaveLength(6);
      });
    });

    describe('multiRead', () => {
      it('returns each read on its own: data, children and NONODE errors side by side', async () => {
        const client = await zk.client();
        await client.create(zk.path('/a'), 'A');
        await client.create(zk.path('/a/x'));
        const results = await client.multiRead([
          { kind: 'getData', path: zk.path('/a') },
          { kind: 'getData', path: zk.path('/missing') },
          { kind: 'getChildren', path: zk.path('/a') },
          { kind: 'getChildren', path: zk.path('/missing') },
          { kind: 'getData', path: zk.path('/a/x') },
        ]);
        expect(results).toHaveLength(5);
        const [data, missingData, children, missingChildren, empty] = results;
        expect(data?.kind).toBe('getData');
        if (data?.kind === 'getData') {
          expect(utf8(data.data)).toBe('A');
          expect(data.stat).toEqual(await client.exists(zk.path('/a')));
        }
        expect(missingData).toMatchObject({ kind: 'error' });
        if (missingData?.kind === 'error') expect(missingData.error).toBeInstanceOf(NoNodeError);
        expect(children).toEqual({ kind: 'getChildren', children: ['x'] });
        if (missingChildren?.kind === 'error') expect(missingChildren.error).toBeInstanceOf(NoNodeError);
        else expect.fail(`expected an error result, got ${JSON.stringify(missingChildren)}`);
        expect(empty).toMatchObject({ kind: 'getData', data: new Uint8Array(0) });
        expect(await client.multiRead([])).toEqual([]);
      });
    });
  });
}
