import { CreateMode, OpCode } from '../../../src/jute/opcodes.js';
import { DataTree } from '../../../src/server/data-tree.js';
import type { WriteRequest } from '../../../src/server/prep.js';
import type { TxnEntry } from '../../../src/server/txn.js';
import { bytes, check, closeSession, create, createTtl, del, deleteContainer, Harness, multi, perms, setAcl, setData, snapshot, BOB } from '../server/helpers.js';

/**
 * A scripted run through prep and apply that produces every kind of txn (sessions, every create,
 * delete, setData, setACL, check, multi that commits, multi that fails, error, closeSession with
 * ephemerals), recording after each txn the tree and the session table a recovery must rebuild.
 */
export const S1 = 0x0100_0000_0000_0001n;
export const S2 = 0x0100_0000_0000_0002n;

export interface Workload {
  readonly entries: TxnEntry[];
  /** expected[i]: comparable tree after entries[0..i]; expected[-1] is the fresh tree. */
  readonly trees: unknown[];
  readonly sessions: Array<Map<bigint, number>>;
  readonly freshTree: unknown;
  readonly tree: DataTree;
}

export const makeTree = (): DataTree => new DataTree(undefined, { extendedTypesEnabled: true });

export function buildWorkload(repeat = 1): Workload {
  const h = new Harness(makeTree());
  const entries: TxnEntry[] = [];
  const trees: unknown[] = [];
  const sessions: Array<Map<bigint, number>> = [];
  const live = new Map<bigint, number>();
  const freshTree = snapshot(h.tree);
  const run = (request: WriteRequest, sessionId = S1): void => {
    const r = h.run(request, { sessionId, extendedTypesEnabled: true });
    entries.push(r.entry);
    if (request.type === OpCode.createSession) live.set(sessionId, request.timeoutMs);
    if (request.type === OpCode.closeSession) live.delete(sessionId);
    trees.push(snapshot(h.tree));
    sessions.push(new Map(live));
  };
  run({ type: OpCode.createSession, timeoutMs: 30_000 }, S1);
  run({ type: OpCode.createSession, timeoutMs: 40_000 }, S2);
  for (let i = 0; i < repeat; i++) {
    const p = `/r${i}`;
    run(create(p, { data: bytes('alpha') }));
    run(create(`${p}/b`, { data: null }, OpCode.create2));
    run(create(`${p}/e`, { flags: CreateMode.EPHEMERAL }), S1);
    run(create(`${p}/c`, {}, OpCode.createContainer));
    run(create(`${p}/c/x`, { data: bytes('x') }));
    run(createTtl(`${p}/t`, 60_000n, { data: bytes('t') }));
    run(create(`${p}/s-`, { flags: CreateMode.PERSISTENT_SEQUENTIAL }));
    run(setData(p, bytes('alpha2')));
    run(multi(create(`${p}/m`, { data: bytes('m') }), setData(`${p}/m`, bytes('mm')), check(p, 1)));
    run(multi(create(`${p}/m2`), check(p, 99)));
    run(del(`${p}/c/x`));
    run(del(`${p}/nope`));
    run(deleteContainer(`${p}/c`));
    run(create(`${p}/e2`, { flags: CreateMode.EPHEMERAL_SEQUENTIAL, data: bytes('e2') }), S2);
    run(setAcl(p, [perms(31, BOB), perms(1, { scheme: 'world', id: 'anyone' })]));
  }
  run(closeSession(), S2);
  return { entries, trees, sessions, freshTree, tree: h.tree };
}
