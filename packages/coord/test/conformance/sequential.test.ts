import { describe, expect, it } from 'vitest';
import { NodeExistsError } from '../../src/index.js';
import { useTarget } from './harness.js';
import { targets } from './target.js';

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target);

    it('appends the parent create counter as %010d, starting at zero', async () => {
      const client = await zk.client();
      const p = zk.path('/q');
      await client.create(p);
      expect(await client.create(`${p}/item-`, null, { mode: 'PERSISTENT_SEQUENTIAL' })).toBe(`${p}/item-0000000000`);
      expect(await client.create(`${p}/item-`, null, { mode: 'PERSISTENT_SEQUENTIAL' })).toBe(`${p}/item-0000000001`);
      expect(await client.create(`${p}/lock-`, null, { mode: 'EPHEMERAL_SEQUENTIAL' })).toBe(`${p}/lock-0000000002`);
      const ttl = await client.createWithStat(`${p}/ttl-`, null, { mode: 'PERSISTENT_SEQUENTIAL_WITH_TTL', ttlMs: 60_000 });
      expect(ttl.path).toBe(`${p}/ttl-0000000003`);
      // Every other parent has its own counter.
      await client.create(zk.path('/other'));
      expect(await client.create(zk.path('/other/x'), null, { mode: 'PERSISTENT_SEQUENTIAL' })).toBe(zk.path('/other/x0000000000'));
    });

    it('shares the counter with non-sequential children and never reuses a number after a delete', async () => {
      const client = await zk.client();
      const p = zk.path('/q');
      await client.create(p);
      const first = await client.create(`${p}/n-`, null, { mode: 'PERSISTENT_SEQUENTIAL' });
      expect(first).toBe(`${p}/n-0000000000`);
      await client.create(`${p}/plain`);
      await client.create(`${p}/plain-ephemeral`, null, { mode: 'EPHEMERAL' });
      expect(await client.create(`${p}/n-`, null, { mode: 'PERSISTENT_SEQUENTIAL' })).toBe(`${p}/n-0000000003`);
      await client.delete(first);
      await client.delete(`${p}/plain`);
      expect(await client.create(`${p}/n-`, null, { mode: 'PERSISTENT_SEQUENTIAL' })).toBe(`${p}/n-0000000004`);
      // A failed create does not use a number.
      await expect(client.create(`${p}/plain-ephemeral`)).rejects.toBeInstanceOf(NodeExistsError);
      expect(await client.create(`${p}/n-`, null, { mode: 'PERSISTENT_SEQUENTIAL' })).toBe(`${p}/n-0000000005`);
      // The client-visible cversion counts every child change: 6 creates and 2 deletes.
      const { stat } = await client.getChildrenWithStat(p);
      expect(stat.numChildren).toBe(4);
      expect(stat.cversion).toBe(8);
    });

    it('numbers the creates of one multi consecutively', async () => {
      const client = await zk.client();
      const p = zk.path('/q');
      await client.create(p);
      const results = await client
        .multi()
        .create(`${p}/a-`, null, { mode: 'PERSISTENT_SEQUENTIAL' })
        .create(`${p}/fixed`)
        .create(`${p}/b-`, null, { mode: 'EPHEMERAL_SEQUENTIAL' })
        .commit();
      expect(results.map((r) => (r.kind === 'create' ? r.path : r.kind))).toEqual([`${p}/a-0000000000`, `${p}/fixed`, `${p}/b-0000000002`]);
    });

    it('names the child by the counter alone when the path ends with the parent and a slash', async () => {
      const client = await zk.client();
      const p = zk.path('/x');
      await client.create(p);
      expect(await client.create(`${p}/`, 'a', { mode: 'PERSISTENT_SEQUENTIAL' })).toBe(`${p}/0000000000`);
      expect(await client.create(`${p}/`, 'b', { mode: 'EPHEMERAL_SEQUENTIAL' })).toBe(`${p}/0000000001`);
      expect((await client.getChildren(p)).sort()).toEqual(['0000000000', '0000000001']);
    });

    it('zero-pads the counter to ten digits beyond one digit', async () => {
      const client = await zk.client();
      const p = zk.path('/pad');
      await client.create(p);
      for (let i = 0; i < 12; i++) await client.create(`${p}/c`, null, { mode: 'PERSISTENT_SEQUENTIAL' });
      const names = (await client.getChildren(p)).sort();
      expect(names[0]).toBe('c0000000000');
      expect(names[11]).toBe('c0000000011');
      expect(names.every((n) => /^c\d{10}$/.test(n))).toBe(true);
    });
  });
}
