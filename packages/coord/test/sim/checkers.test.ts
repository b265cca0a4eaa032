import { describe, expect, it } from 'vitest';
import { ServerState } from '../../src/quorum/core/types.js';
import { Checkers, type ReplicaView } from '../../src/testing/sim/checkers.js';
import { makeSimTree } from '../../src/testing/sim/disk.js';
import type { Lineage } from '../../src/testing/sim/types.js';

/** Each invariant, fed a history that breaks it (and one that does not): a checker that cannot fail is worthless. */
const ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

function make(durableOn: (peer: number) => boolean = () => true): Checkers {
  return new Checkers(() => 1234, [1, 2, 3], (p) => durableOn(p));
}

function replica(id: number, opts: { nodes?: [string, string, bigint?][]; sessions?: [bigint, number][]; lineage?: [bigint, string][]; zxid?: bigint } = {}): ReplicaView {
  const tree = makeSimTree();
  let z = 0n;
  for (const [path, data, owner] of opts.nodes ?? []) tree.createNode(path, Buffer.from(data), ACL, owner ?? 0n, -1, ++z, 1n);
  tree.lastProcessedZxid = opts.zxid ?? z;
  const lineage: Lineage = new Map(opts.lineage ?? []);
  return { id, tree, sessions: new Map(opts.sessions ?? []), lineage, leading: id === 1 };
}

describe('checkers catch broken histories', () => {
  it('one leader per epoch (LEADING in synchronization or broadcast)', () => {
    const c = make();
    c.onState(1, ServerState.LEADING, 'discovery', 3n, 1);
    c.onState(2, ServerState.LEADING, 'discovery', 3n, 2); // discovery does not count
    c.onState(1, ServerState.LEADING, 'broadcast', 3n, 1);
    c.onState(1, ServerState.LEADING, 'broadcast', 3n, 1);
    expect(c.violations).toEqual([]);
    c.onState(2, ServerState.LEADING, 'synchronization', 3n, 2);
    expect(c.violations).toEqual(['t=1234ms two leaders in epoch 3: p1 and p2']);
  });

  it('committed prefixes agree: two txns committed at one zxid', () => {
    const c = make();
    c.onCommitted(1, 0x100000001n, 'aaaa/10');
    c.onCommitted(2, 0x100000001n, 'aaaa/10');
    expect(c.ok).toBe(true);
    c.onCommitted(3, 0x100000001n, 'bbbb/10');
    expect(c.violations[0]).toMatch(/committed txns disagree at 0x100000001: p1 applied aaaa\/10, p3 applied bbbb\/10/);
  });

  it('zxids applied by a server increase, until it restarts or reloads', () => {
    const c = make();
    c.onApplied(1, 5n, 'x');
    c.onApplied(1, 6n, 'x');
    c.resetApplied(1);
    c.onApplied(1, 3n, 'x');
    expect(c.ok).toBe(true);
    c.onApplied(1, 3n, 'x');
    expect(c.violations[0]).toMatch(/p1 applied 0x3 after 0x3/);
  });

  it("a client's acknowledged zxids increase", () => {
    const c = make();
    c.onAck('c1', 1, 7n, 'f');
    c.onAck('c2', 1, 6n, 'f');
    expect(c.ok).toBe(true);
    c.onAck('c1', 2, 6n, 'f');
    expect(c.violations[0]).toMatch(/client c1 acknowledged 0x6 after 0x7/);
  });

  it('an acknowledged write is on a quorum of disks when it is acknowledged', () => {
    const ok = make((p) => p !== 3);
    ok.onAck('c1', 1, 7n, 'f');
    expect(ok.ok).toBe(true);
    const bad = make((p) => p === 1);
    bad.onAck('c1', 1, 7n, 'f');
    expect(bad.violations[0]).toMatch(/p1 acknowledged 0x7 to c1 while only \[p1\] had it on disk \(quorum 2\)/);
  });

  it('an acknowledged write and a committed txn survive on every replica', () => {
    const c = make();
    c.onCommitted(2, 0x11n, 'g');
    c.onAck('c1', 2, 0x11n, 'g');
    c.checkQuiescent([replica(1, { lineage: [[0x11n, 'g']] }), replica(2, { lineage: [[0x11n, 'g']] })]);
    expect(c.violations).toEqual([]);
    const lost = make();
    lost.onCommitted(2, 0x11n, 'g');
    lost.onAck('c1', 2, 0x11n, 'g');
    lost.checkQuiescent([replica(1, { lineage: [[0x11n, 'other']] }), replica(2, { lineage: [[0x11n, 'g']] })]);
    expect(lost.violations.join('\n')).toMatch(/acknowledged write 0x11 \(c1 via p2\) is replaced by other on p1 \(the leader\)/);
    expect(lost.violations.join('\n')).toMatch(/committed txn 0x11 \(applied on p2\) is replaced by other on p1/);
    const unacked = make();
    unacked.onCommitted(3, 0x12n, 'h');
    unacked.checkQuiescent([replica(1, { lineage: [] })]);
    expect(unacked.violations[0]).toMatch(/committed txn 0x12 \(applied on p3\) is missing on p1/);
  });

  it('ephemerals belong to live sessions', () => {
    const c = make();
    c.checkQuiescent([replica(1, { nodes: [['/e', 'x', 0x77n]], sessions: [[0x77n, 4000]] })]);
    expect(c.ok).toBe(true);
    c.checkQuiescent([replica(1, { nodes: [['/e', 'x', 0x77n]], sessions: [] })]);
    expect(c.violations[0]).toMatch(/p1 holds ephemerals of dead session 0x77: \/e/);
  });

  it('replica digests, positions, sessions and histories are equal after quiescence', () => {
    const same = make();
    same.checkQuiescent([replica(1, { nodes: [['/a', '1']] }), replica(2, { nodes: [['/a', '1']] })]);
    expect(same.violations).toEqual([]);
    const digest = make();
    digest.checkQuiescent([replica(1, { nodes: [['/a', '1']] }), replica(2, { nodes: [['/a', '2']] })]);
    expect(digest.violations[0]).toMatch(/tree digests differ at 0x1: .* \(first: \/a mzxid|tree digests differ at 0x1/);
    const behind = make();
    behind.checkQuiescent([replica(1, { nodes: [['/a', '1']] }), replica(2, { zxid: 0n })]);
    expect(behind.violations[0]).toMatch(/p2 is at 0x0, p1 at 0x1 after quiescence/);
    const sessions = make();
    sessions.checkQuiescent([replica(1, { sessions: [[1n, 4000]] }), replica(2, { sessions: [[1n, 3000]] })]);
    expect(sessions.violations[0]).toMatch(/session tables differ/);
    const history = make();
    history.checkQuiescent([replica(1, { lineage: [[1n, 'a']] }), replica(2, { lineage: [[1n, 'b']] })]);
    expect(history.violations[0]).toMatch(/histories differ between p1 and p2: 0x1: a vs b/);
  });

  it('stops recording after maxViolations', () => {
    const c = make();
    for (let i = 0; i < 50; i++) c.onCommitted(1, 1n, `fp${i}`);
    expect(c.violations).toHaveLength(c.maxViolations);
  });
});
