import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/codes.js';
import { CreateMode, EventType, OpCode } from '../../../src/jute/opcodes.js';
import type { MultiOp } from '../../../src/jute/records/multi.js';
import { DataTree } from '../../../src/server/data-tree.js';
import { WatchMode } from '../../../src/server/watch-table.js';
import {
  Harness,
  OPEN_ACL,
  OTHER_SESSION,
  READ_ACL,
  SESSION,
  bytes,
  check,
  closeSession,
  create,
  createTtl,
  del,
  events,
  extendedTree,
  multi,
  setAcl,
  setData,
  snapshot,
} from './helpers.js';

const SEED = 0x0a11_7e57;

describe('apply: replies', () => {
  it('answers create with the path and create2 with path and Stat', () => {
    const h = new Harness();
    const r1 = h.ok(create('/a', { data: bytes('abc') }));
    expect(r1.body).toEqual({ kind: 'create', path: '/a' });
    expect(r1.zxid).toBe(1n);
    const r2 = h.ok(create('/b', { data: bytes('xy') }, OpCode.create2));
    expect(r2.body).toEqual({ kind: 'create2', path: '/b', stat: h.stat('/b') });
    expect(h.stat('/b')).toEqual({ czxid: 2n, mzxid: 2n, ctime: h.time, mtime: h.time, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 2, numChildren: 0, pzxid: 2n });
    const seq = h.ok(create('/b/s-', { flags: CreateMode.EPHEMERAL_SEQUENTIAL }, OpCode.create2));
    expect(seq.body).toMatchObject({ kind: 'create2', path: '/b/s-0000000000', stat: { ephemeralOwner: SESSION } });
  });

  it('answers createContainer and createTTL with path and Stat, owner hidden', () => {
    const h = new Harness(extendedTree());
    const c = h.ok(create('/c', { flags: CreateMode.CONTAINER }, OpCode.createContainer));
    expect(c.body).toMatchObject({ kind: 'create2', path: '/c', stat: { ephemeralOwner: 0n, czxid: 1n } });
    expect([...h.tree.containers]).toEqual(['/c']);
    const t = h.ok(createTtl('/t', 60_000n), { extendedTypesEnabled: true });
    expect(t.body).toMatchObject({ kind: 'create2', path: '/t', stat: { ephemeralOwner: 0n, czxid: 2n } });
    expect([...h.tree.ttls]).toEqual(['/t']);
  });

  it('answers setData, setACL and check with the node\'s new Stat, delete with nothing', () => {
    const h = new Harness();
    h.ok(create('/a'));
    const sd = h.ok(setData('/a', bytes('hello'), 0));
    expect(sd.body).toEqual({ kind: 'stat', stat: h.stat('/a') });
    expect(h.stat('/a')).toMatchObject({ version: 1, mzxid: 2n, czxid: 1n, dataLength: 5, mtime: h.time });
    const sa = h.ok(setAcl('/a', READ_ACL, 0));
    expect(sa.body).toEqual({ kind: 'stat', stat: h.stat('/a') });
    expect(h.stat('/a')).toMatchObject({ aversion: 1, mzxid: 2n });
    expect(h.node('/a').acl).toEqual(READ_ACL);
    expect(h.ok(check('/a', 1)).body).toEqual({ kind: 'stat', stat: h.stat('/a') });
    expect(h.ok(del('/a')).body).toEqual({ kind: 'none' });
    expect(h.tree.get('/a')).toBeUndefined();
  });

  it('answers a failed write with its code and no body, leaving the tree alone', () => {
    const h = new Harness();
    h.ok(create('/a'));
    const before = snapshot(h.tree);
    const r = h.run(create('/a'));
    expect(r).toMatchObject({ err: ErrorCode.NODEEXISTS, zxid: 2n, body: { kind: 'none' }, notifications: [] });
    expect(snapshot(h.tree)).toEqual(before);
  });

  it('advances lastProcessedZxid on every txn, failed ones too, and never moves it back', () => {
    const h = new Harness();
    h.ok(create('/a'));
    expect(h.tree.lastProcessedZxid).toBe(1n);
    h.run(del('/missing'));
    expect(h.tree.lastProcessedZxid).toBe(2n);
    h.run(multi(create('/b'), del('/missing')));
    expect(h.tree.lastProcessedZxid).toBe(3n);
    const old = { header: { clientId: SESSION, cxid: 9, zxid: 1n, time: 0n, type: OpCode.createSession }, txn: { type: OpCode.createSession, record: { timeOut: 1 } } } as const;
    expect(h.apply(old).err).toBe(0);
    expect(h.tree.lastProcessedZxid).toBe(3n);
  });

  it('answers createSession with nothing', () => {
    const h = new Harness();
    expect(h.run({ type: OpCode.createSession, timeoutMs: 5000 })).toMatchObject({ err: 0, body: { kind: 'none' }, notifications: [] });
  });
});

describe('apply: multi', () => {
  // Inside a multi ZooKeeper rebuilds each create from its flags (Op.create): a create2 op
  // answers as a plain create, container flags as create2 with a Stat. Probed against Apache
  // ZooKeeper 3.8.0 with raw multi frames (op 15 flags 0 -> result type 1; op 1 flags 4 ->
  // result type 15; op 19 flags 0 -> result type 1 and a persistent node).
  it('applies every op with one zxid and answers each (create, create2 ops answered as create, containers with a Stat, delete, setData, check)', () => {
    const h = new Harness();
    h.ok(create('/old'));
    const r = h.ok(
      multi(
        create('/a', { data: bytes('1') }),
        create('/a/b', {}, OpCode.create2),
        create('/a/c', { flags: CreateMode.CONTAINER }, OpCode.createContainer),
        setData('/a', bytes('22'), 0),
        check('/a', 1),
        del('/old'),
      ),
    );
    expect(r.zxid).toBe(2n);
    if (r.body.kind !== 'multi') throw new Error('not a multi reply');
    expect(r.body.results).toEqual([
      { type: OpCode.create, path: '/a' },
      { type: OpCode.create, path: '/a/b' },
      { type: OpCode.create2, path: '/a/c', stat: expect.objectContaining({ czxid: 2n, ephemeralOwner: 0n }) },
      { type: OpCode.setData, stat: expect.objectContaining({ version: 1, mzxid: 2n, dataLength: 2, numChildren: 2 }) },
      { type: OpCode.check },
      { type: OpCode.delete },
    ]);
    for (const p of ['/a', '/a/b', '/a/c']) expect(h.node(p).stat.czxid).toBe(2n);
    expect(h.tree.get('/old')).toBeUndefined();
    expect(h.stat('/')).toMatchObject({ pzxid: 2n });
  });

  it('reports a create\'s Stat as it was when the op ran, not at the end of the multi', () => {
    const h = new Harness();
    const r = h.ok(multi(create('/a', { flags: CreateMode.CONTAINER }, OpCode.createContainer), setData('/a', bytes('x'), 0)));
    if (r.body.kind !== 'multi') throw new Error('not a multi reply');
    expect(r.body.results[0]).toMatchObject({ type: OpCode.create2, stat: { version: 0, dataLength: 0 } });
    expect(r.body.results[1]).toMatchObject({ type: OpCode.setData, stat: { version: 1, dataLength: 1 } });
  });

  it('leaves the tree untouched on failure and reports 0 for ops before, the code, then -2 (reply err 0)', () => {
    const h = new Harness();
    h.ok(create('/a'));
    h.watches.data.add('/a', 1, WatchMode.STANDARD);
    h.watches.child.add('/', 1, WatchMode.STANDARD);
    const before = snapshot(h.tree);
    const r = h.run(multi(create('/b'), setData('/a', bytes('x')), del('/a', 5), create('/c')));
    expect(r.err).toBe(0);
    expect(r.zxid).toBe(2n);
    expect(r.body).toEqual({
      kind: 'multi',
      results: [
        { type: OpCode.error, err: 0 },
        { type: OpCode.error, err: 0 },
        { type: OpCode.error, err: ErrorCode.BADVERSION },
        { type: OpCode.error, err: ErrorCode.RUNTIMEINCONSISTENCY },
      ],
    });
    expect(r.notifications).toEqual([]);
    expect(snapshot(h.tree)).toEqual(before);
    expect(h.watches.data.has('/a', 1)).toBe(true);
  });

  it('property: a multi applies all of its ops or none of them', () => {
    const paths = ['/a', '/a/b', '/x'];
    const op: fc.Arbitrary<MultiOp> = fc.oneof(
      fc.constantFrom(...paths).map((p) => create(p)),
      fc.tuple(fc.constantFrom(...paths), fc.integer({ min: -1, max: 1 })).map(([p, v]) => del(p, v)),
      fc.tuple(fc.constantFrom(...paths), fc.integer({ min: -1, max: 1 })).map(([p, v]) => setData(p, bytes('d'), v)),
      fc.tuple(fc.constantFrom(...paths), fc.integer({ min: -1, max: 1 })).map(([p, v]) => check(p, v)),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 6 }), (ops) => {
        const together = new Harness();
        together.tree.createNode('/a', null, OPEN_ACL, 0n, 1, 1n, 1n);
        const before = snapshot(together.tree);
        const r = together.run(multi(...ops));
        if (r.body.kind !== 'multi') throw new Error('not a multi reply');
        const failed = r.body.results.some((x) => x.type === OpCode.error);
        if (failed) {
          expect(snapshot(together.tree)).toEqual(before);
          return;
        }
        // Success: the same as running the ops one by one at the same zxid and time.
        const alone = new Harness();
        alone.tree.createNode('/a', null, OPEN_ACL, 0n, 1, 1n, 1n);
        for (const o of ops) {
          alone.zxid = r.zxid - 1n;
          alone.time = together.time - 10n;
          expect(alone.run(o).err).toBe(0);
        }
        expect(snapshot(together.tree)).toEqual(snapshot(alone.tree));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('apply: closeSession', () => {
  it('removes exactly the session\'s ephemerals, with NodeDeleted and NodeChildrenChanged', () => {
    const h = new Harness();
    h.ok(create('/p'));
    h.ok(create('/p/mine1', { flags: CreateMode.EPHEMERAL }));
    const seq = h.ok(create('/mine2-', { flags: CreateMode.EPHEMERAL_SEQUENTIAL }));
    expect(seq.body).toEqual({ kind: 'create', path: '/mine2-0000000001' });
    h.ok(create('/p/theirs', { flags: CreateMode.EPHEMERAL }), { sessionId: OTHER_SESSION });
    h.ok(create('/p/persistent'));
    h.watches.data.add('/p/mine1', 7, WatchMode.STANDARD);
    h.watches.child.add('/p', 8, WatchMode.STANDARD);
    h.watches.data.add('/p/theirs', 9, WatchMode.STANDARD);

    const r = h.ok(closeSession());
    expect(h.tree.ephemeralsOf(SESSION)).toEqual([]);
    expect(h.tree.get('/p/mine1')).toBeUndefined();
    expect(h.tree.get('/mine2-0000000001')).toBeUndefined();
    expect(h.tree.get('/p/theirs')).toBeDefined();
    expect(h.tree.get('/p/persistent')).toBeDefined();
    expect(h.tree.ephemeralsOf(OTHER_SESSION)).toEqual(['/p/theirs']);
    expect(events(r.notifications)).toEqual([
      [7, EventType.NodeDeleted, '/p/mine1'],
      [8, EventType.NodeChildrenChanged, '/p'],
    ]);
    expect(h.stat('/p')).toMatchObject({ pzxid: r.zxid, numChildren: 2 });
  });

  it('is harmless for a session without ephemerals', () => {
    const h = new Harness();
    h.ok(create('/a'));
    const before = snapshot(h.tree);
    expect(h.ok(closeSession()).notifications).toEqual([]);
    expect(snapshot(h.tree)).toEqual(before);
  });

  // A session of server id 255 has 0xFF in its top byte. With extended types off (the
  // default) ZooKeeper tracks its ephemerals like any other (see data-tree.test.ts), so they
  // go when the session closes.
  it('removes the ephemerals of a server-255 session', () => {
    const h = new Harness(new DataTree());
    const session255 = BigInt.asIntN(64, 0xff00_0000_0000_0001n);
    h.ok(create('/e', { flags: CreateMode.EPHEMERAL }), { sessionId: session255 });
    expect(h.stat('/e').ephemeralOwner).toBe(session255);
    h.ok(closeSession(), { sessionId: session255 });
    expect(h.tree.get('/e')).toBeUndefined();
  });
});
