import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/codes.js';
import { CreateMode, OpCode, Perms } from '../../../src/jute/opcodes.js';
import type { MultiOp } from '../../../src/jute/records/multi.js';
import type { Txn } from '../../../src/server/txn.js';
import { Harness, OPEN_ACL, SESSION, bytes, check, create, del, errorOf, multi, perms, setData, snapshot, subTxns } from './helpers.js';

const SEED = 0x3417_1f00;
const err = (code: number): Txn => ({ type: OpCode.error, record: { err: code } });

describe('prep multi: later ops see earlier ones', () => {
  it('creates a parent and its child in one multi, the child counting from the new parent', () => {
    const h = new Harness();
    const entry = h.prep(multi(create('/a'), create('/a/b'), create('/a/s-', { flags: CreateMode.PERSISTENT_SEQUENTIAL })));
    expect(entry.header).toMatchObject({ type: OpCode.multi, zxid: 1n, clientId: SESSION });
    expect(subTxns(entry)).toEqual([
      { type: OpCode.create, record: { path: '/a', data: bytes(''), acl: OPEN_ACL, ephemeral: false, parentCVersion: 1 } },
      { type: OpCode.create, record: { path: '/a/b', data: bytes(''), acl: OPEN_ACL, ephemeral: false, parentCVersion: 1 } },
      { type: OpCode.create, record: { path: '/a/s-0000000001', data: bytes(''), acl: OPEN_ACL, ephemeral: false, parentCVersion: 2 } },
    ]);
  });

  it('deletes and re-creates the same path', () => {
    const h = new Harness();
    h.tree.createNode('/x', bytes('old'), OPEN_ACL, 0n, 1, 1n, 1n);
    expect(subTxns(h.prep(multi(del('/x'), create('/x', { data: bytes('new') })))).map((t) => t.type)).toEqual([OpCode.delete, OpCode.create]);
    // ... and the reverse order fails on the create.
    expect(subTxns(h.prep(multi(create('/x'), del('/x'))))).toEqual([err(ErrorCode.NODEEXISTS), err(ErrorCode.RUNTIMEINCONSISTENCY)]);
  });

  it('sees versions, children and ACLs set by earlier ops', () => {
    const h = new Harness();
    h.tree.createNode('/v', null, OPEN_ACL, 0n, 1, 1n, 1n);
    const ok = subTxns(h.prep(multi(setData('/v', bytes('1'), 0), setData('/v', bytes('2'), 1), check('/v', 2))));
    expect(ok).toEqual([
      { type: OpCode.setData, record: { path: '/v', data: bytes('1'), version: 1 } },
      { type: OpCode.setData, record: { path: '/v', data: bytes('2'), version: 2 } },
      { type: OpCode.check, record: { path: '/v', version: 3 } },
    ]);
    expect(subTxns(h.prep(multi(create('/v/c'), del('/v'))))).toEqual([expect.objectContaining({ type: OpCode.create }), err(ErrorCode.NOTEMPTY)]);
    expect(subTxns(h.prep(multi(create('/v/c'), del('/v/c'), del('/v')))).map((t) => t.type)).toEqual([OpCode.create, OpCode.delete, OpCode.delete]);
    // A node created in the multi carries its ACL to the next op.
    const locked = subTxns(h.prep(multi(create('/l', { acl: [perms(Perms.READ, { scheme: 'world', id: 'anyone' })] }), create('/l/x'))));
    expect(locked[1]).toEqual(err(ErrorCode.NOAUTH));
    // And an ephemeral created in it refuses children.
    const eph = subTxns(h.prep(multi(create('/e', { flags: CreateMode.EPHEMERAL }), create('/e/x'))));
    expect(eph[1]).toEqual(err(ErrorCode.NOCHILDRENFOREPHEMERALS));
  });
});

describe('prep multi: failure', () => {
  it('keeps the real txns before the failure, then error(code), then error(-2) for the rest, unchecked', () => {
    const h = new Harness();
    const before = snapshot(h.tree);
    const entry = h.prep(multi(create('/a'), setData('/missing', null), create('relative'), del('/zookeeper'), check('/a', 7)));
    expect(entry.header).toMatchObject({ type: OpCode.multi, zxid: 1n });
    expect(subTxns(entry)).toEqual([
      expect.objectContaining({ type: OpCode.create }),
      err(ErrorCode.NONODE),
      err(ErrorCode.RUNTIMEINCONSISTENCY),
      err(ErrorCode.RUNTIMEINCONSISTENCY),
      err(ErrorCode.RUNTIMEINCONSISTENCY),
    ]);
    expect(snapshot(h.tree)).toEqual(before);
  });

  it('fails on the first op too', () => {
    expect(subTxns(new Harness().prep(multi(del('/nope'), create('/a'))))).toEqual([err(ErrorCode.NONODE), err(ErrorCode.RUNTIMEINCONSISTENCY)]);
  });

  it('accepts an empty multi', () => {
    expect(subTxns(new Harness().prep(multi()))).toEqual([]);
  });

  // Ground truth (3.8.0): MultiOperationRecord.deserialize refuses a multi that mixes read ops
  // (getData, getChildren) with writes: IOException "Mixing different kind of ops" (bytecode
  // offsets 426-437). pRequestHelper's multi case then sets a TxnHeader(type multi, next zxid)
  // and rethrows; the outer catch (Exception) makes the header type error and the txn
  // ErrorTxn(MARSHALLINGERROR). A multi of reads only fails the same way (pRequest2Txn has no
  // case for them and the null txn cannot be serialized). The client's reply carries err -5.
  it('turns a write multi holding read ops into one error txn, MARSHALLINGERROR', () => {
    const h = new Harness();
    const reads: MultiOp[] = [
      { type: OpCode.getData, request: { path: '/', watch: false } },
      { type: OpCode.getChildren, request: { path: '/', watch: false } },
    ];
    for (const read of reads) {
      for (const ops of [[create('/a'), read], [read, create('/a')], [read]]) {
        const entry = h.prep(multi(...ops));
        expect(entry.header.type).toBe(OpCode.error);
        expect(entry.txn).toEqual(err(ErrorCode.MARSHALLINGERROR));
      }
    }
  });
});

describe('prep multi: properties', () => {
  const paths = ['/a', '/a/b', '/a/b/c', '/x'];
  const op: fc.Arbitrary<MultiOp> = fc.oneof(
    fc.constantFrom(...paths).map((p) => create(p)),
    fc.constantFrom(...paths).map((p) => create(`${p}-`, { flags: CreateMode.PERSISTENT_SEQUENTIAL })),
    fc.tuple(fc.constantFrom(...paths), fc.integer({ min: -1, max: 1 })).map(([p, v]) => del(p, v)),
    fc.tuple(fc.constantFrom(...paths), fc.integer({ min: -1, max: 1 })).map(([p, v]) => setData(p, bytes('d'), v)),
    fc.tuple(fc.constantFrom(...paths), fc.integer({ min: -1, max: 1 })).map(([p, v]) => check(p, v)),
  );

  it('either prepares every op, or keeps a prefix, one error and -2 after it; never touching the tree', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 8 }), fc.boolean(), (ops, seedTree) => {
        const h = new Harness();
        if (seedTree) {
          h.tree.createNode('/a', null, OPEN_ACL, 0n, 1, 1n, 1n);
          h.tree.createNode('/a/b', null, OPEN_ACL, 0n, 1, 2n, 2n);
        }
        const before = snapshot(h.tree);
        const entry = h.prep(multi(...ops));
        expect(snapshot(h.tree)).toEqual(before);
        expect(entry.header.type).toBe(OpCode.multi);
        const txns = subTxns(entry);
        expect(txns).toHaveLength(ops.length);
        const failedAt = txns.findIndex((t) => t.type === OpCode.error);
        if (failedAt < 0) {
          txns.forEach((t, i) => expect(t.type).toBe(ops[i]!.type));
          return;
        }
        txns.slice(0, failedAt).forEach((t, i) => expect(t.type).toBe(ops[i]!.type));
        const code = errorOf({ header: entry.header, txn: txns[failedAt]! });
        expect(code).toBeLessThan(0);
        expect(code).not.toBe(ErrorCode.RUNTIMEINCONSISTENCY);
        for (const t of txns.slice(failedAt + 1)) expect(t).toEqual(err(ErrorCode.RUNTIMEINCONSISTENCY));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('prepares each op of a successful multi as the same ops would prepare one by one', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 6 }), (ops) => {
        const together = new Harness();
        const entry = together.prep(multi(...ops));
        if (subTxns(entry).some((t) => t.type === OpCode.error)) return;
        // Apply the ops one at a time, each with the multi's zxid and time so records compare.
        const alone = new Harness();
        const records = ops.map((o) => {
          alone.zxid = entry.header.zxid - 1n;
          alone.time = entry.header.time - 10n;
          const r = alone.run(o);
          expect(r.err).toBe(0);
          return r.entry.txn;
        });
        expect(subTxns(entry)).toEqual(records);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
