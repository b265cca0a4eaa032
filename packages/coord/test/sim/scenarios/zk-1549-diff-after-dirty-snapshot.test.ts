import { describe, expect, it } from 'vitest';
import type { PeerId } from '../../../src/quorum/core/types.js';
import { create } from '../../../src/testing/sim/scripted/index.js';
import { received, receiving, syncBoundaries, type NamedPoint } from '../../../src/testing/sim/scripted/points.js';
import { awaitAcked, boot, finalChecks, rejoinSetup, turnOver, writeMany } from './harness.js';

/**
 * ZOOKEEPER-1549 ("Data inconsistency when follower is receiving a DIFF with a dirty snapshot"),
 * the family that 2678/3911/3023/2846 keep revisiting: a snapshot holding txns that were not (yet)
 * committed, followed by a DIFF or TRUNC. The snapshot must never bring back a txn the ensemble
 * dropped, and a DIFF on top of it must converge.
 */
describe('ZOOKEEPER-1549: DIFF/TRUNC after a dirty snapshot', () => {
  it('the leader snapshots a tree holding an uncommitted txn, loses the election, and is cut back below its snapshot', () => {
    const { c, leader: a } = boot();
    const [b, cc] = c.followers() as [PeerId, PeerId];
    awaitAcked(c, writeMany(c, a, 'w', 3));
    c.runFor(20);
    c.pause(b);
    c.pause(cc);
    c.write(a, create('/dirty', 'uncommitted'));
    c.runFor(20);
    // The leader's tree already has it (applied at proposal time): the snapshot is dirty.
    const snapZxid = c.takeSnapshot(a);
    expect(c.peer(a).disk.snapshots.at(-1)?.zxid).toBe(snapZxid);
    c.crashAll();
    c.start(b);
    c.start(cc);
    const l = c.awaitServing(10_000, [b, cc]);
    awaitAcked(c, writeMany(c, l, 'e2', 2));
    const truncs = c.on(a, receiving('TRUNC'), () => undefined, false);
    c.start(a);
    finalChecks(c);
    expect(truncs.fired).toBe(1);
    for (const id of c.ids) expect(c.contents(id).has('/dirty')).toBe(false);
    // The dirty snapshot went with the cut: a full restart does not resurrect it.
    expect(c.peer(a).disk.snapshots.every((s) => s.zxid < snapZxid)).toBe(true);
    c.crashAll();
    c.startAll();
    finalChecks(c);
    for (const id of c.ids) expect(c.contents(id).has('/dirty')).toBe(false);
  });

  it('a follower snapshots in the middle of its DIFF (before NEWLEADER), then crashes at each later boundary', () => {
    const later = syncBoundaries().filter((p) => /NEWLEADER|UPTODATE|currentEpoch|fsync/.test(p.name));
    const fired: string[] = [];
    for (const point of later) {
      const s = rejoinSetup('diff', 3);
      const { c, a, b } = s;
      // Mid-sync snapshot, right after the DIFF's last COMMIT (the one of a's uncommitted txn).
      c.on(b, received('COMMIT', (z) => z === s.orphanZxid), () => c.takeSnapshot(b));
      const fp = c.crashWhen(b, point.when, {}, point.name);
      c.start(a);
      c.start(b);
      c.run(() => fp.fired > 0, 2_000);
      if (fp.fired > 0) fired.push(point.name);
      try {
        turnOver(s);
      } catch (err) {
        (err as Error).message = `crash ${point.name}: ${(err as Error).message}`;
        throw err;
      }
      const orphan = c.contents(b).get('/orphan');
      for (const id of c.ids) expect(c.contents(id).get('/orphan')).toBe(orphan);
    }
    expect(fired.length).toBeGreaterThanOrEqual(6);
  });

  it('a follower with a snapshot newer than the leader’s history start gets a DIFF on top of it after a crash', () => {
    const named: NamedPoint = { name: 'after the first proposal ACK', when: (ev) => ev.kind === 'executed' && ev.output.kind === 'send' && ev.output.packet.type === 3 };
    const { c, leader } = boot();
    const f = c.followers()[0] as PeerId;
    awaitAcked(c, writeMany(c, leader, 'w', 4));
    c.settle();
    c.takeSnapshot(f);
    awaitAcked(c, writeMany(c, leader, 'x', 2));
    c.crashWhen(f, named.when, { keepBytes: 0 }, named.name);
    awaitAcked(c, writeMany(c, leader, 'y', 2));
    const diffs = c.on(f, receiving('DIFF'), () => undefined, false);
    c.runFor(50);
    if (!c.peer(f).up) c.start(f);
    finalChecks(c);
    expect(diffs.fired).toBe(1);
  });
});
