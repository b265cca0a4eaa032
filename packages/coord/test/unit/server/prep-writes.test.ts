import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/codes.js';
import { OpCode, Perms } from '../../../src/jute/opcodes.js';
import type { ACL } from '../../../src/jute/records/data.js';
import { CONTAINER_OWNER, ttlOwner } from '../../../src/server/ephemeral-type.js';
import {
  BOB,
  CREATOR_ALL_ACL,
  Harness,
  IP_ID,
  OPEN_ACL,
  READ_ACL,
  SESSION,
  OTHER_SESSION,
  SUPER,
  bytes,
  check,
  closeSession,
  del,
  deleteContainer,
  errorOf,
  extendedTree,
  perms,
  setAcl,
  setData,
} from './helpers.js';

const world = (p: number): ACL[] => [perms(p, { scheme: 'world', id: 'anyone' })];
const ALL_BUT = (p: number): ACL[] => world(Perms.ALL & ~p);

/** /p with the given ACL and /p/n (version 3, aversion 2) under it with its own ACL. */
function tree(parentAcl: ACL[] = OPEN_ACL, nodeAcl: ACL[] = OPEN_ACL): Harness {
  const h = new Harness();
  h.tree.createNode('/p', null, parentAcl, 0n, 1, 1n, 1n);
  h.tree.createNode('/p/n', bytes('v'), nodeAcl, 0n, 1, 2n, 2n);
  h.node('/p/n').stat.version = 3;
  h.node('/p/n').stat.aversion = 2;
  return h;
}

describe('prep delete', () => {
  it('refuses the system paths and malformed paths with BADARGUMENTS, before anything else', () => {
    const h = new Harness();
    for (const p of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config', 'x', '', '/a\u0000']) {
      expect(errorOf(h.prep(del(p, 99))), p).toBe(ErrorCode.BADARGUMENTS);
    }
  });

  it('checks parent NONODE, then DELETE on the parent, then the node, then version, then children', () => {
    expect(errorOf(tree().prep(del('/q/n')))).toBe(ErrorCode.NONODE);
    // NOAUTH before the node's own NONODE and BADVERSION.
    const locked = tree(ALL_BUT(Perms.DELETE));
    expect(errorOf(locked.prep(del('/p/n')))).toBe(ErrorCode.NOAUTH);
    expect(errorOf(locked.prep(del('/p/missing', 7)))).toBe(ErrorCode.NOAUTH);
    expect(errorOf(locked.prep(del('/p/n'), { authIds: [IP_ID, SUPER] }))).toBeUndefined();
    // The node's own ACL does not matter.
    expect(errorOf(tree(OPEN_ACL, world(0)).prep(del('/p/n')))).toBeUndefined();

    const h = tree();
    expect(errorOf(h.prep(del('/p/missing')))).toBe(ErrorCode.NONODE);
    h.tree.createNode('/p/n/c', null, OPEN_ACL, 0n, 1, 3n, 3n);
    expect(errorOf(h.prep(del('/p/n', 2)))).toBe(ErrorCode.BADVERSION);
    expect(errorOf(h.prep(del('/p/n', 3)))).toBe(ErrorCode.NOTEMPTY);
    expect(errorOf(h.prep(del('/p/n', -1)))).toBe(ErrorCode.NOTEMPTY);
  });

  it('does not validate the path beyond its parent: "/p/" is NONODE', () => {
    expect(errorOf(tree().prep(del('/p/')))).toBe(ErrorCode.NONODE);
  });

  it('produces a DeleteTxn when the version matches or is -1', () => {
    const h = tree();
    expect(h.prep(del('/p/n', 3)).txn).toEqual({ type: OpCode.delete, record: { path: '/p/n' } });
    expect(h.prep(del('/p/n', -1)).txn).toEqual({ type: OpCode.delete, record: { path: '/p/n' } });
    expect(h.prep(del('/p')).txn).toMatchObject({ type: OpCode.error, record: { err: ErrorCode.NOTEMPTY } });
  });
});

describe('prep setData', () => {
  it('checks the path, then NONODE, then WRITE, then the version', () => {
    expect(errorOf(tree().prep(setData('/p/', null)))).toBe(ErrorCode.BADARGUMENTS);
    expect(errorOf(tree().prep(setData('relative', null)))).toBe(ErrorCode.BADARGUMENTS);
    expect(errorOf(tree().prep(setData('/p/missing', null, 99)))).toBe(ErrorCode.NONODE);
    expect(errorOf(tree(OPEN_ACL, ALL_BUT(Perms.WRITE)).prep(setData('/p/n', null, 99)))).toBe(ErrorCode.NOAUTH);
    expect(errorOf(tree().prep(setData('/p/n', null, 2)))).toBe(ErrorCode.BADVERSION);
    expect(errorOf(tree().prep(setData('/zookeeper/config', null)))).toBe(ErrorCode.NOAUTH);
  });

  it('produces a SetDataTxn with the stored version + 1', () => {
    const h = tree(OPEN_ACL, [perms(Perms.WRITE, BOB)]);
    expect(h.prep(setData('/p/n', bytes('new'), 3), { authIds: [IP_ID, BOB] }).txn).toEqual({
      type: OpCode.setData,
      record: { path: '/p/n', data: bytes('new'), version: 4 },
    });
    expect(h.prep(setData('/p/n', null, -1), { authIds: [IP_ID, BOB] }).txn).toMatchObject({ record: { version: 4, data: null } });
    expect(errorOf(h.prep(setData('/p/n', null)))).toBe(ErrorCode.NOAUTH);
  });

  // Ground truth: checkAndIncVersion in 3.8.0 is `return currentVersion + 1` (bytecode), a
  // Java int: Integer.MAX_VALUE + 1 = -2147483648.
  it('wraps the version past Integer.MAX_VALUE', () => {
    const h = tree();
    h.node('/p/n').stat.version = 0x7fffffff;
    expect(h.prep(setData('/p/n', null, 0x7fffffff)).txn).toMatchObject({ record: { version: -2147483648 } });
  });
});

describe('prep setACL', () => {
  it('checks the path, then the new ACL, then NONODE, then ADMIN, then the aversion', () => {
    expect(errorOf(tree().prep(setAcl('/p//n', [])))).toBe(ErrorCode.BADARGUMENTS);
    expect(errorOf(tree().prep(setAcl('/p/missing', [], 99)))).toBe(ErrorCode.INVALIDACL);
    expect(errorOf(tree().prep(setAcl('/p/missing', CREATOR_ALL_ACL)))).toBe(ErrorCode.INVALIDACL);
    expect(errorOf(tree().prep(setAcl('/p/missing', OPEN_ACL, 99)))).toBe(ErrorCode.NONODE);
    expect(errorOf(tree(OPEN_ACL, ALL_BUT(Perms.ADMIN)).prep(setAcl('/p/n', OPEN_ACL, 99)))).toBe(ErrorCode.NOAUTH);
    expect(errorOf(tree().prep(setAcl('/p/n', OPEN_ACL, 3)))).toBe(ErrorCode.BADVERSION);
    expect(errorOf(tree().prep(setAcl('/zookeeper/config', OPEN_ACL)))).toBe(ErrorCode.NOAUTH);
  });

  it('produces a SetACLTxn with the fixed-up ACL and aversion + 1', () => {
    const h = tree();
    expect(h.prep(setAcl('/p/n', [...CREATOR_ALL_ACL, ...READ_ACL, ...READ_ACL], 2), { authIds: [IP_ID, BOB] }).txn).toEqual({
      type: OpCode.setACL,
      record: { path: '/p/n', acl: [perms(Perms.ALL, BOB), ...READ_ACL], version: 3 },
    });
    // The root can be re-ACLed.
    expect(h.prep(setAcl('/', READ_ACL)).txn).toMatchObject({ type: OpCode.setACL, record: { path: '/', version: 1 } });
  });
});

describe('prep check', () => {
  it('checks the path, then NONODE, then READ, then the version', () => {
    expect(errorOf(tree().prep(check('no-slash', 1)))).toBe(ErrorCode.BADARGUMENTS);
    expect(errorOf(tree().prep(check('/p/missing', 1)))).toBe(ErrorCode.NONODE);
    expect(errorOf(tree(OPEN_ACL, ALL_BUT(Perms.READ)).prep(check('/p/n', 99)))).toBe(ErrorCode.NOAUTH);
    expect(errorOf(tree().prep(check('/p/n', 4)))).toBe(ErrorCode.BADVERSION);
  });

  it('produces a CheckVersionTxn carrying version + 1', () => {
    expect(tree().prep(check('/p/n', 3)).txn).toEqual({ type: OpCode.check, record: { path: '/p/n', version: 4 } });
    expect(tree().prep(check('/p/n', -1)).txn).toEqual({ type: OpCode.check, record: { path: '/p/n', version: 4 } });
  });
});

describe('prep deleteContainer (sent by the container manager)', () => {
  it('needs no ACL and deletes containers and TTL nodes without children', () => {
    const h = new Harness(extendedTree());
    h.tree.createNode('/p', null, world(Perms.READ), 0n, 1, 1n, 1n);
    h.tree.createNode('/p/c', null, OPEN_ACL, CONTAINER_OWNER, 2, 3n, 3n);
    h.tree.createNode('/p/t', null, OPEN_ACL, ttlOwner(10n), 3, 4n, 4n);
    expect(h.prep(deleteContainer('/p/c')).txn).toEqual({ type: OpCode.deleteContainer, record: { path: '/p/c' } });
    expect(h.prep(deleteContainer('/p/t'), { extendedTypesEnabled: true }).txn).toEqual({ type: OpCode.deleteContainer, record: { path: '/p/t' } });
  });

  it('refuses system paths, missing nodes and containers with children', () => {
    const h = tree();
    h.tree.createNode('/p/c', null, OPEN_ACL, CONTAINER_OWNER, 2, 3n, 3n);
    h.tree.createNode('/p/c/x', null, OPEN_ACL, 0n, 1, 4n, 4n);
    expect(errorOf(h.prep(deleteContainer('/zookeeper')))).toBe(ErrorCode.BADARGUMENTS);
    expect(errorOf(h.prep(deleteContainer('/p/missing')))).toBe(ErrorCode.NONODE);
    expect(errorOf(h.prep(deleteContainer('/p/c')))).toBe(ErrorCode.NOTEMPTY);
  });

  // Ground truth (3.8.0 pRequest2Txn, case deleteContainer, bytecode offsets 218-282):
  // getParentPathAndValidate → getRecordForPath(path) → childCount > 0 ? NotEmpty →
  // EphemeralType.get(owner) == NORMAL ? BadVersion. Only a session's ephemeral is refused,
  // with BADVERSION; a persistent node (VOID) passes.
  it('answers BADVERSION for a session ephemeral and lets a persistent node through, as ZooKeeper does', () => {
    const h = tree();
    h.tree.createNode('/p/e', null, OPEN_ACL, SESSION, 2, 3n, 3n);
    expect(errorOf(h.prep(deleteContainer('/p/e')))).toBe(ErrorCode.BADVERSION);
    expect(h.prep(deleteContainer('/p/n')).txn).toEqual({ type: OpCode.deleteContainer, record: { path: '/p/n' } });
  });
});

describe('prep sessions', () => {
  it('turns createSession into a CreateSessionTxn with the timeout', () => {
    const entry = new Harness().prep({ type: OpCode.createSession, timeoutMs: 30_000 });
    expect(entry.header.type).toBe(OpCode.createSession);
    expect(entry.txn).toEqual({ type: OpCode.createSession, record: { timeOut: 30_000 } });
  });

  it('lists exactly the closing session\'s ephemerals in the CloseSessionTxn', () => {
    const h = new Harness();
    h.tree.createNode('/e1', null, OPEN_ACL, SESSION, 1, 1n, 1n);
    h.tree.createNode('/e2', null, OPEN_ACL, SESSION, 2, 2n, 2n);
    h.tree.createNode('/o', null, OPEN_ACL, OTHER_SESSION, 3, 3n, 3n);
    h.tree.createNode('/c', null, OPEN_ACL, CONTAINER_OWNER, 4, 4n, 4n);
    const entry = h.prep(closeSession());
    expect(entry.header).toMatchObject({ type: OpCode.closeSession, clientId: SESSION });
    if (entry.txn.type !== OpCode.closeSession) throw new Error('not a closeSession txn');
    expect([...entry.txn.record.paths2Delete].sort()).toEqual(['/e1', '/e2']);
    expect(h.prep(closeSession(), { sessionId: 0x1234n }).txn).toEqual({ type: OpCode.closeSession, record: { paths2Delete: [] } });
  });
});
