/**
 * Replay over a fuzzy snapshot: a txn may already be (partly) in the tree. Each op is applied on
 * its own, and a create that finds its node still moves the parent's cversion and pzxid forward.
 */
import { describe, expect, it } from 'vitest';
import { OpCode } from '../../../src/jute/opcodes.js';
import { replayTxn } from '../../../src/server/persistence/replay.js';
import type { TxnEntry } from '../../../src/server/txn.js';
import { snapshot } from '../server/helpers.js';
import { buildWorkload, makeTree } from './workload.js';

const work = buildWorkload();

function replayAll(entries: readonly TxnEntry[], tree = makeTree(), sessions = new Map<bigint, number>()) {
  for (const e of entries) replayTxn(tree, sessions, e);
  return { tree, sessions };
}

describe('replayTxn', () => {
  it('rebuilds the tree and sessions the server had', () => {
    const { tree, sessions } = replayAll(work.entries);
    expect(snapshot(tree)).toEqual(snapshot(work.tree));
    expect(sessions).toEqual(work.sessions[work.sessions.length - 1]);
    expect(tree.lastProcessedZxid).toBe(BigInt(work.entries.length));
  });

  it('replaying any suffix again over a later state changes nothing (fuzzy snapshots)', () => {
    for (let from = 0; from < work.entries.length; from++) {
      const { tree, sessions } = replayAll(work.entries);
      replayAll(work.entries.slice(from), tree, sessions);
      expect(snapshot(tree), `again from ${from}`).toEqual(snapshot(work.tree));
    }
  });

  it('a create whose node is already there still moves the parent cversion and pzxid on', () => {
    const i = work.entries.findIndex((e) => e.txn.type === OpCode.create);
    const { tree, sessions } = replayAll(work.entries.slice(0, i + 1));
    const entry = work.entries[i] as TxnEntry;
    const root = tree.get('/');
    if (root === undefined || entry.txn.type !== OpCode.create) throw new Error('workload changed');
    const want = { ...root.stat };
    root.stat.cversion -= 1;
    root.stat.pzxid = 0n;
    replayTxn(tree, sessions, entry);
    expect(root.stat).toEqual(want);
  });

  it('a multi partly in the snapshot gets its other ops', () => {
    const i = work.entries.findIndex((e) => e.txn.type === OpCode.multi);
    const before = replayAll(work.entries.slice(0, i));
    const entry = work.entries[i] as TxnEntry;
    if (entry.txn.type !== OpCode.multi) throw new Error('workload changed');
    // The snapshot saw the multi's create (first op) but not its setData.
    const [first] = entry.txn.txns;
    if (first === undefined) throw new Error('empty multi');
    replayTxn(before.tree, before.sessions, { header: entry.header, txn: first });
    replayTxn(before.tree, before.sessions, entry);
    expect(snapshot(before.tree)).toEqual(work.trees[i]);
  });
});
