import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/codes.js';
import { CreateMode, OpCode, Perms } from '../../../src/jute/opcodes.js';
import { DataTree } from '../../../src/server/data-tree.js';
import { CONTAINER_OWNER, MAX_TTL_MS, ttlOwner } from '../../../src/server/ephemeral-type.js';
import { sequenceSuffix } from '../../../src/server/prep.js';
import {
  AMY,
  BOB,
  CREATOR_ALL_ACL,
  Harness,
  IP_ID,
  OPEN_ACL,
  SESSION,
  SUPER,
  bytes,
  create,
  createTtl,
  del,
  errorOf,
  extendedTree,
  perms,
  snapshot,
} from './helpers.js';

const { PERSISTENT, EPHEMERAL, PERSISTENT_SEQUENTIAL, EPHEMERAL_SEQUENTIAL, CONTAINER, PERSISTENT_WITH_TTL, PERSISTENT_SEQUENTIAL_WITH_TTL } = CreateMode;

/** A harness with /p (persistent) whose ACL is given. */
function withParent(acl = OPEN_ACL): Harness {
  const h = new Harness();
  h.tree.createNode('/p', null, acl, 0n, 1, 1n, 1n);
  return h;
}

describe('prep create: the transaction', () => {
  it('turns a create into a CreateTxn with the parent\'s stored cversion + 1', () => {
    const h = new Harness();
    const entry = h.prep(create('/a', { data: bytes('x') }));
    expect(entry.header).toEqual({ clientId: SESSION, cxid: 1, zxid: 1n, time: h.time, type: OpCode.create });
    expect(entry.txn).toEqual({ type: OpCode.create, record: { path: '/a', data: bytes('x'), acl: OPEN_ACL, ephemeral: false, parentCVersion: 1 } });
  });

  it('keeps create2 as the type, marks ephemerals, and never touches the tree', () => {
    const h = new Harness();
    const before = snapshot(h.tree);
    const entry = h.prep(create('/a', { flags: EPHEMERAL, data: null }, OpCode.create2));
    expect(entry.header.type).toBe(OpCode.create2);
    expect(entry.txn).toEqual({ type: OpCode.create2, record: { path: '/a', data: null, acl: OPEN_ACL, ephemeral: true, parentCVersion: 1 } });
    expect(snapshot(h.tree)).toEqual(before);
  });

  it('produces CreateContainerTxn and CreateTTLTxn for containers and TTL nodes', () => {
    const h = new Harness();
    expect(h.prep(create('/c', { flags: CONTAINER }, OpCode.createContainer)).txn).toEqual({
      type: OpCode.createContainer,
      record: { path: '/c', data: bytes(''), acl: OPEN_ACL, parentCVersion: 1 },
    });
    expect(h.prep(createTtl('/t', 5000n), { extendedTypesEnabled: true }).txn).toEqual({
      type: OpCode.createTTL,
      record: { path: '/t', data: bytes(''), acl: OPEN_ACL, parentCVersion: 1, ttl: 5000n },
    });
  });

  it('turns a failed create into an error header (type -1) with the same zxid, cxid, session and time', () => {
    const h = new Harness();
    const entry = h.prep(create('/missing/a'));
    expect(entry.header).toEqual({ clientId: SESSION, cxid: 1, zxid: 1n, time: h.time, type: OpCode.error });
    expect(entry.txn).toEqual({ type: OpCode.error, record: { err: ErrorCode.NONODE } });
  });

  // Ground truth: PrepRequestProcessor.pRequest2TxnCreate (3.8.0): int newCversion =
  // parentRecord.stat.getCversion() + 1, which Java wraps: the Java program printed
  // Integer.MAX_VALUE + 1 = -2147483648. The CreateTxn field is a jute int.
  it('wraps parentCVersion past Integer.MAX_VALUE as Java does', () => {
    const h = withParent();
    h.node('/p').stat.cversion = 0x7fffffff;
    const entry = h.prep(create('/p/n-', { flags: PERSISTENT_SEQUENTIAL }));
    expect(entry.txn).toMatchObject({ type: OpCode.create, record: { path: '/p/n-2147483647', parentCVersion: -2147483648 } });
  });
});

describe('prep create: checks in ZooKeeper\'s order', () => {
  // pRequest2TxnCreate: CreateMode.fromFlag → validateCreateRequest (TTL enabled? TTL valid?)
  // → validatePathForCreate → fixupACL → parent record → CREATE on the parent → sequential name
  // → validatePath → NodeExists → ephemeral parent. Each case below has a later fault too, so
  // it fails if the order is wrong.
  const bad = (h: Harness, request: Parameters<Harness['prep']>[0], caller = {}) => errorOf(h.prep(request, caller));

  it('rejects unknown flags with BADARGUMENTS first', () => {
    const h = new Harness();
    for (const flags of [-1, 7, 100]) expect(bad(h, create('/missing/a', { flags, acl: [] }))).toBe(ErrorCode.BADARGUMENTS);
  });

  it('rejects TTL modes with UNIMPLEMENTED while extended types are off, before checking the TTL', () => {
    const h = new Harness();
    expect(bad(h, createTtl('/missing/t', 0n, { acl: [] }))).toBe(ErrorCode.UNIMPLEMENTED);
    expect(bad(h, createTtl('/t', 1000n, { flags: PERSISTENT_SEQUENTIAL_WITH_TTL }))).toBe(ErrorCode.UNIMPLEMENTED);
    expect(bad(h, create('/t', { flags: PERSISTENT_WITH_TTL }))).toBe(ErrorCode.UNIMPLEMENTED);
  });

  it('rejects a bad TTL with BADARGUMENTS (1..2^40-1 ms), before the path and ACL', () => {
    const h = new Harness();
    const on = { extendedTypesEnabled: true };
    for (const ttl of [0n, -1n, MAX_TTL_MS + 1n]) expect(bad(h, createTtl('no-slash', ttl, { acl: [] }), on)).toBe(ErrorCode.BADARGUMENTS);
    expect(errorOf(h.prep(createTtl('/t-max', MAX_TTL_MS), on))).toBeUndefined();
    expect(errorOf(h.prep(createTtl('/t-min', 1n), on))).toBeUndefined();
    // A TTL on a mode without one is bad too (EphemeralType.validateTTL: ttl >= 0).
    expect(bad(h, createTtl('/t', 100n, { flags: PERSISTENT }), on)).toBe(ErrorCode.BADARGUMENTS);
    // create (not createTTL) with a TTL mode carries ttl -1: bad.
    expect(bad(h, create('/t', { flags: PERSISTENT_WITH_TTL }), on)).toBe(ErrorCode.BADARGUMENTS);
  });

  it('rejects a path without "/" or with NUL with BADARGUMENTS, before the ACL', () => {
    const h = new Harness();
    expect(bad(h, create('a', { acl: [] }))).toBe(ErrorCode.BADARGUMENTS);
    expect(bad(h, create('', { acl: [] }))).toBe(ErrorCode.BADARGUMENTS);
    expect(bad(h, create('/a\u0000b', { acl: [] }))).toBe(ErrorCode.BADARGUMENTS);
  });

  it('reports INVALIDACL before NONODE for the parent', () => {
    const h = new Harness();
    expect(bad(h, create('/missing/a', { acl: [] }))).toBe(ErrorCode.INVALIDACL);
    expect(bad(h, create('/missing/a', { acl: [perms(Perms.ALL, { scheme: 'digest', id: 'user:' })] }))).toBe(ErrorCode.INVALIDACL);
    expect(bad(h, create('/missing/a', { acl: CREATOR_ALL_ACL }))).toBe(ErrorCode.INVALIDACL);
    expect(bad(h, create('/missing/a'))).toBe(ErrorCode.NONODE);
  });

  it('reports NONODE for a missing parent before path validation (so "/a//b" is NONODE)', () => {
    const h = new Harness();
    expect(bad(h, create('/a//b'))).toBe(ErrorCode.NONODE);
    expect(bad(h, create('/a/b'))).toBe(ErrorCode.NONODE);
  });

  it('needs CREATE on the parent, checked before the name, NODEEXISTS and the ephemeral parent', () => {
    const h = withParent([perms(Perms.ALL & ~Perms.CREATE, { scheme: 'world', id: 'anyone' })]);
    h.tree.createNode('/p/x', null, OPEN_ACL, 0n, 2, 2n, 2n);
    expect(bad(h, create('/p/x'))).toBe(ErrorCode.NOAUTH);
    expect(bad(h, create('/p/y\u0001'))).toBe(ErrorCode.NOAUTH);
    expect(bad(h, create('/p/s-', { flags: PERSISTENT_SEQUENTIAL }))).toBe(ErrorCode.NOAUTH);
    // super passes every ACL.
    expect(errorOf(h.prep(create('/p/y'), { authIds: [IP_ID, SUPER] }))).toBeUndefined();
  });

  it('grants CREATE through digest, ip and world entries of the parent\'s ACL', () => {
    const h = withParent([perms(Perms.CREATE, BOB), perms(Perms.CREATE, { scheme: 'ip', id: '10.0.0.0/8' })]);
    expect(bad(h, create('/p/a'))).toBe(ErrorCode.NOAUTH);
    expect(bad(h, create('/p/a'), { authIds: [IP_ID, AMY] })).toBe(ErrorCode.NOAUTH);
    expect(errorOf(h.prep(create('/p/a'), { authIds: [IP_ID, BOB] }))).toBeUndefined();
    expect(errorOf(h.prep(create('/p/a'), { authIds: [{ scheme: 'ip', id: '10.9.8.7' }] }))).toBeUndefined();
    expect(bad(new Harness(), create('/zookeeper/config/x'))).toBe(ErrorCode.NOAUTH);
  });

  it('validates the full path after naming: BADARGUMENTS for "/p/", bad characters, "." segments', () => {
    const h = withParent();
    expect(bad(h, create('/p/'))).toBe(ErrorCode.BADARGUMENTS);
    expect(bad(h, create('/p/\u0001'))).toBe(ErrorCode.BADARGUMENTS);
    expect(bad(h, create('/p/..'))).toBe(ErrorCode.BADARGUMENTS);
    expect(bad(h, create('/p/a\ud800'))).toBe(ErrorCode.BADARGUMENTS);
    // A sequential create may end in "/": the counter becomes the name.
    expect(h.prep(create('/p/', { flags: PERSISTENT_SEQUENTIAL })).txn).toMatchObject({ record: { path: '/p/0000000000' } });
  });

  it('reports NODEEXISTS (also for "/"), before NOCHILDRENFOREPHEMERALS', () => {
    const h = new Harness();
    h.tree.createNode('/e', null, OPEN_ACL, SESSION, 1, 1n, 1n);
    // Only possible by building the tree directly: an ephemeral with a child.
    h.tree.createNode('/e/c', null, OPEN_ACL, 0n, 1, 2n, 2n);
    expect(bad(h, create('/e/c'))).toBe(ErrorCode.NODEEXISTS);
    expect(bad(h, create('/e/d'))).toBe(ErrorCode.NOCHILDRENFOREPHEMERALS);
    expect(bad(h, create('/e/s', { flags: EPHEMERAL_SEQUENTIAL }))).toBe(ErrorCode.NOCHILDRENFOREPHEMERALS);
    expect(bad(h, create('/'))).toBe(ErrorCode.NODEEXISTS);
    expect(bad(h, create('/zookeeper'))).toBe(ErrorCode.NODEEXISTS);
  });

  it('lets containers and TTL nodes have children', () => {
    const h = new Harness(extendedTree());
    h.tree.createNode('/c', null, OPEN_ACL, CONTAINER_OWNER, 1, 1n, 1n);
    h.tree.createNode('/t', null, OPEN_ACL, ttlOwner(1000n), 2, 2n, 2n);
    expect(errorOf(h.prep(create('/c/x')))).toBeUndefined();
    expect(errorOf(h.prep(create('/t/x'), { extendedTypesEnabled: true }))).toBeUndefined();
  });

  // EphemeralType.get without extended types calls every non-zero owner but Long.MIN_VALUE
  // NORMAL (see data-tree.test.ts), so a node of a session from server id 255 is an
  // ephemeral parent.
  it('refuses children under an ephemeral of a server-255 session while extended types are off', () => {
    const h = new Harness(new DataTree());
    const session255 = BigInt.asIntN(64, 0xff00_0000_0000_0007n);
    h.tree.createNode('/e', null, OPEN_ACL, session255, 1, 1n, 1n);
    expect(bad(h, create('/e/c'))).toBe(ErrorCode.NOCHILDRENFOREPHEMERALS);
  });
});

describe('prep create: sequential names', () => {
  // Ground truth: String.format(Locale.ENGLISH, "%010d", n) in the Java program printed
  // 0 → 0000000000, 42 → 0000000042, 2147483647 → 2147483647, -1 → -000000001,
  // -42 → -000000042, -999999999 → -999999999, -1000000000 → -1000000000,
  // -2147483648 → -2147483648.
  it('formats the counter as Java\'s %010d', () => {
    const cases: [number, string][] = [
      [0, '0000000000'],
      [1, '0000000001'],
      [42, '0000000042'],
      [999999999, '0999999999'],
      [1000000000, '1000000000'],
      [2147483647, '2147483647'],
      [-1, '-000000001'],
      [-42, '-000000042'],
      [-999999999, '-999999999'],
      [-1000000000, '-1000000000'],
      [-2147483648, '-2147483648'],
    ];
    for (const [n, text] of cases) expect(sequenceSuffix(n), String(n)).toBe(text);
  });

  it('names from the parent\'s stored cversion, shared with plain children and never reused after deletes', () => {
    const h = withParent();
    const name = (flags: number = PERSISTENT_SEQUENTIAL) => {
      const r = h.ok(create('/p/lock-', { flags }));
      return r.body.kind === 'create' ? r.body.path : undefined;
    };
    expect(name()).toBe('/p/lock-0000000000');
    expect(name(EPHEMERAL_SEQUENTIAL)).toBe('/p/lock-0000000001');
    h.ok(create('/p/plain'));
    expect(name()).toBe('/p/lock-0000000003');
    h.ok(del('/p/lock-0000000003'));
    h.ok(del('/p/plain'));
    expect(name()).toBe('/p/lock-0000000004');
    expect(h.node('/p').stat.cversion).toBe(5);
    expect(h.stat('/p').cversion).toBe(7);
  });

  it('uses a negative stored cversion as is: "-000000001", then "0000000000"', () => {
    const h = withParent();
    h.node('/p').stat.cversion = -1;
    const first = h.ok(create('/p/n-', { flags: PERSISTENT_SEQUENTIAL }));
    expect(first.entry.txn).toMatchObject({ record: { path: '/p/n--000000001', parentCVersion: 0 } });
    const second = h.ok(create('/p/n-', { flags: PERSISTENT_SEQUENTIAL }));
    expect(second.entry.txn).toMatchObject({ record: { path: '/p/n-0000000000', parentCVersion: 1 } });
    h.node('/p').stat.cversion = -2147483648;
    expect(h.prep(create('/p/m', { flags: PERSISTENT_SEQUENTIAL })).txn).toMatchObject({ record: { path: '/p/m-2147483648', parentCVersion: -2147483647 } });
  });

  it('reports NODEEXISTS when the sequential name is taken', () => {
    const h = withParent();
    h.tree.createNode('/p/s0000000001', null, OPEN_ACL, 0n, 1, 2n, 2n);
    expect(errorOf(h.prep(create('/p/s', { flags: PERSISTENT_SEQUENTIAL })))).toBe(ErrorCode.NODEEXISTS);
  });
});

describe('prep create: the auth scheme', () => {
  it('replaces auth entries with the caller\'s digest ids, keeping the perms', () => {
    const h = new Harness();
    const entry = h.prep(create('/a', { acl: [perms(Perms.READ | Perms.ADMIN, { scheme: 'auth', id: '' })] }), { authIds: [IP_ID, BOB, AMY] });
    expect(entry.txn).toMatchObject({ record: { acl: [perms(Perms.READ | Perms.ADMIN, BOB), perms(Perms.READ | Perms.ADMIN, AMY)] } });
  });

  it('fails with INVALIDACL when the caller has no digest identity (ip and super do not count)', () => {
    const h = new Harness();
    expect(errorOf(h.prep(create('/a', { acl: CREATOR_ALL_ACL })))).toBe(ErrorCode.INVALIDACL);
    expect(errorOf(h.prep(create('/a', { acl: CREATOR_ALL_ACL }), { authIds: [IP_ID, SUPER] }))).toBe(ErrorCode.INVALIDACL);
  });
});
