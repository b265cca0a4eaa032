import { describe, expect, it } from 'vitest';
import { epochOf } from '../../../src/quorum/core/types.js';
import { awaitAcked, boot, finalChecks, writeMany } from './harness.js';

/**
 * ZOOKEEPER-582: on restart the epoch came from the newest *log* file, so a dataDir holding a
 * snapshot of a later epoch and no logs restarted logging at epoch 1, and the next restart
 * reverted data. A peer restarting from snapshots alone must take its epoch from them.
 */
describe('ZOOKEEPER-582: restart from a dataDir holding only snapshots', () => {
  it('every peer restarts from snapshots alone (no logs, no epoch files): new epoch beyond the snapshot’s, state unchanged, kept across restarts', () => {
    const { c, leader } = boot();
    awaitAcked(c, writeMany(c, leader, 'e1', 3));
    // A second epoch, so the snapshots are of epoch 2.
    c.crash(leader);
    const l2 = c.awaitServing();
    awaitAcked(c, writeMany(c, l2, 'e2', 3));
    c.start(leader);
    c.settle();
    const snapZxid = c.tree(l2).lastProcessedZxid;
    expect(epochOf(snapZxid)).toBe(2n);
    for (const id of c.ids) expect(c.takeSnapshot(id)).toBe(snapZxid);
    const before = c.contents(1);
    const digest = c.digest(1);

    c.crashAll();
    for (const id of c.ids) {
      c.peer(id).disk.removeLogs();
      c.peer(id).disk.removeEpochFiles();
    }
    c.startAll();
    for (const id of c.ids) expect(c.peer(id).core?.currentEpoch, `p${id} currentEpoch after a snapshot-only restart`).toBeGreaterThanOrEqual(2n);
    const l3 = c.awaitServing();
    for (const id of c.ids) {
      expect(c.contents(id)).toEqual(before);
      expect(c.digest(id)).toBe(digest);
    }
    const after = writeMany(c, l3, 'e3', 2);
    awaitAcked(c, after);
    for (const w of after) expect(epochOf(w.zxid as bigint), 'the new epoch is beyond the snapshot’s').toBeGreaterThan(2n);
    finalChecks(c);

    // The reverted-data half of the bug: restart again, everything is still there.
    c.crashAll();
    c.startAll();
    finalChecks(c);
    for (const [path, data] of before) expect(c.contents(1).get(path)).toBe(data);
    expect(c.contents(1).get('/e3-1')).toBe('e3:1');
  });

  it('one follower with only a snapshot rejoins without reverting anything', () => {
    const { c, leader } = boot();
    awaitAcked(c, writeMany(c, leader, 'a', 3));
    c.crash(leader);
    const l2 = c.awaitServing();
    awaitAcked(c, writeMany(c, l2, 'b', 3));
    c.start(leader);
    c.settle();
    const f = c.followers()[0] as number;
    c.takeSnapshot(f);
    c.crash(f);
    c.peer(f).disk.removeLogs();
    c.peer(f).disk.removeEpochFiles();
    c.start(f);
    expect(c.peer(f).core?.currentEpoch).toBe(2n);
    awaitAcked(c, writeMany(c, l2, 'c', 2));
    finalChecks(c);
  });
});
