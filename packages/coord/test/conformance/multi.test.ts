import { describe, expect, it } from 'vitest';
import { BadArgumentsError, BadVersionError, CoordError, NoNodeError, NodeExistsError, NotEmptyError, type OpResult } from '../../src/index.js';
import { brief, byPath, EventLog, expectEventZxid, useTarget, utf8 } from './harness.js';
import { targets } from './target.js';

/** The rejection of a commit, checked to be a typed error carrying the transaction layout. */
async function failure(commit: Promise<OpResult[]>): Promise<CoordError> {
  const error = await commit.then(
    (results) => new Error(`expected the multi to fail, it returned ${JSON.stringify(results, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`),
    (e: unknown) => e,
  );
  if (!(error instanceof CoordError)) throw error;
  return error;
}

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target);

    it('commits every op with one zxid and returns a result per op', async () => {
      const client = await zk.client();
      const observer = await zk.client();
      await client.create(zk.path('/x'), 'x0');
      await client.create(zk.path('/y'));
      const events = new EventLog();
      await observer.getData(zk.path('/x'), { watch: events.watcher });
      await observer.exists(zk.path('/a'), { watch: events.watcher });

      const results = await client
        .multi()
        .create(zk.path('/a'), 'A')
        .create(zk.path('/a/b'), null, { mode: 'EPHEMERAL' })
        .setData(zk.path('/x'), 'x1', 0)
        .check(zk.path('/x'), 1)
        .delete(zk.path('/y'), 0)
        .commit();

      expect(results).toHaveLength(5);
      expect(results[0]).toEqual({ kind: 'create', path: zk.path('/a'), stat: undefined });
      expect(results[1]).toEqual({ kind: 'create', path: zk.path('/a/b'), stat: undefined });
      expect(results[2]?.kind).toBe('setData');
      expect(results[3]).toEqual({ kind: 'check' });
      expect(results[4]).toEqual({ kind: 'delete' });
      const setStat = results[2]?.kind === 'setData' ? results[2].stat : undefined;
      expect(setStat?.version).toBe(1);

      const zxid = setStat?.mzxid;
      expect(zxid).toBeGreaterThan(0n);
      const a = await client.exists(zk.path('/a'));
      const b = await client.exists(zk.path('/a/b'));
      expect(a?.czxid).toBe(zxid);
      expect(b?.czxid).toBe(zxid);
      expect(a?.pzxid).toBe(zxid);
      expect(b?.ephemeralOwner).toBe(client.sessionId);
      expect((await client.exists(zk.root))?.pzxid).toBe(zxid);
      expect(await client.exists(zk.path('/y'))).toBeNull();
      expect(utf8((await client.getData(zk.path('/x'))).data)).toBe('x1');

      // Watchers hear about every op, all with the transaction's zxid.
      const heard = await events.take(2);
      expect(heard.map(brief).sort(byPath)).toEqual([
        { type: 'NodeCreated', path: zk.path('/a') },
        { type: 'NodeDataChanged', path: zk.path('/x') },
      ]);
      for (const e of heard) expectEventZxid(e, zxid);
    });

    it('later ops see the effects of earlier ops in the same transaction', async () => {
      const client = await zk.client();
      const results = await client
        .multi()
        .create(zk.path('/n'), 'v0')
        .setData(zk.path('/n'), 'v1', 0)
        .check(zk.path('/n'), 1)
        .create(zk.path('/n/c'))
        .delete(zk.path('/n/c'))
        .setData(zk.path('/n'), 'v2', 1)
        .commit();
      expect(results.map((r) => r.kind)).toEqual(['create', 'setData', 'check', 'create', 'delete', 'setData']);
      const { data, stat } = await client.getData(zk.path('/n'));
      expect(utf8(data)).toBe('v2');
      expect(stat.version).toBe(2);
      expect(stat.numChildren).toBe(0);
      expect(stat.cversion).toBe(2);
    });

    it('returns the Stat of container and TTL creates', async () => {
      const client = await zk.client();
      const results = await client
        .multi()
        .create(zk.path('/c'), 'c', { mode: 'CONTAINER' })
        .create(zk.path('/t'), 'tt', { mode: 'PERSISTENT_WITH_TTL', ttlMs: 60_000 })
        .commit();
      expect(results.map((r) => r.kind)).toEqual(['create', 'create']);
      for (const [i, r] of results.entries()) {
        if (r.kind !== 'create') continue;
        expect(r.path).toBe(zk.path(i === 0 ? '/c' : '/t'));
        expect(r.stat?.ephemeralOwner).toBe(0n);
        expect(r.stat?.dataLength).toBe(i + 1);
        expect(r.stat).toEqual(await client.exists(r.path));
      }
    });

    it('is all-or-nothing: a failing op leaves no trace of the ops before it', async () => {
      const client = await zk.client();
      await client.create(zk.path('/existing'), 'before');
      const events = new EventLog();
      await client.getData(zk.path('/existing'), { watch: events.watcher });
      const error = await failure(
        client
          .multi()
          .create(zk.path('/n1'))
          .setData(zk.path('/existing'), 'after')
          .create(zk.path('/missing/child'))
          .create(zk.path('/n2'))
          .commit(),
      );
      expect(error).toBeInstanceOf(NoNodeError);
      expect(error.path).toBe(zk.path('/missing/child'));
      expect(error.transaction).toEqual({ failedIndex: 2, codes: [0, 0, -101, -2] });
      expect(await client.exists(zk.path('/n1'))).toBeNull();
      expect(await client.exists(zk.path('/n2'))).toBeNull();
      const { data, stat } = await client.getData(zk.path('/existing'));
      expect(utf8(data)).toBe('before');
      expect(stat.version).toBe(0);
      expect(await client.getChildren(zk.root)).toEqual(['existing']);
      await events.expectNoMore(client);
    });

    it('reports the failing op with its own code, OK before it and RUNTIMEINCONSISTENCY (-2) after', async () => {
      const client = await zk.client();
      await client.create(zk.path('/a'));
      await client.create(zk.path('/a/child'));

      const exists = await failure(client.multi().create(zk.path('/a')).create(zk.path('/b')).create(zk.path('/c')).commit());
      expect(exists).toBeInstanceOf(NodeExistsError);
      expect(exists.transaction).toEqual({ failedIndex: 0, codes: [-110, -2, -2] });

      const version = await failure(client.multi().create(zk.path('/b')).setData(zk.path('/a'), 'x', 7).commit());
      expect(version).toBeInstanceOf(BadVersionError);
      expect(version.transaction).toEqual({ failedIndex: 1, codes: [0, -103] });

      const notEmpty = await failure(client.multi().setData(zk.path('/a'), 'x').check(zk.path('/a'), 1).delete(zk.path('/a')).delete(zk.path('/a/child')).commit());
      expect(notEmpty).toBeInstanceOf(NotEmptyError);
      expect(notEmpty.transaction).toEqual({ failedIndex: 2, codes: [0, 0, -111, -2] });
      expect(notEmpty.code).toBe(-111);
      expect((await client.exists(zk.path('/a')))?.version).toBe(0);
      expect(await client.exists(zk.path('/b'))).toBeNull();
    });

    it('a check op fences the transaction on a version', async () => {
      const holder = await zk.client();
      const intruder = await zk.client();
      await holder.create(zk.path('/lock'), 'token');
      await holder.create(zk.path('/resource'), 'r0');
      const fencedWrite = (data: string) => holder.multi().check(zk.path('/lock'), 0).setData(zk.path('/resource'), data).commit();

      const ok = await fencedWrite('r1');
      expect(ok.map((r) => r.kind)).toEqual(['check', 'setData']);
      await intruder.setData(zk.path('/lock'), 'taken over');
      const fenced = await failure(fencedWrite('r2'));
      expect(fenced).toBeInstanceOf(BadVersionError);
      expect(fenced.path).toBe(zk.path('/lock'));
      expect(fenced.transaction).toEqual({ failedIndex: 0, codes: [-103, -2] });
      expect(utf8((await holder.getData(zk.path('/resource'))).data)).toBe('r1');

      const missing = await failure(holder.multi().check(zk.path('/nope'), 0).commit());
      expect(missing).toBeInstanceOf(NoNodeError);
      expect(missing.transaction).toEqual({ failedIndex: 0, codes: [-101] });
      // -1 matches any version.
      expect(await holder.multi().check(zk.path('/lock'), -1).commit()).toEqual([{ kind: 'check' }]);
    });

    it('an empty multi commits and returns no results', async () => {
      const client = await zk.client();
      const tx = client.multi();
      expect(tx.size).toBe(0);
      expect(await tx.commit()).toEqual([]);
    });

    it('rejects invalid paths while the transaction is built', async () => {
      const client = await zk.client();
      const tx = client.multi();
      expect(() => tx.create('no-slash')).toThrow(BadArgumentsError);
      expect(() => tx.setData('/a/', 'x')).toThrow(BadArgumentsError);
      expect(() => tx.delete('/a/../b')).toThrow(BadArgumentsError);
      expect(() => tx.check('//', 0)).toThrow(BadArgumentsError);
      expect(() => tx.create(zk.path('/t'), null, { mode: 'PERSISTENT_WITH_TTL' })).toThrow(BadArgumentsError);
      expect(tx.size).toBe(0);
    });
  });
}
