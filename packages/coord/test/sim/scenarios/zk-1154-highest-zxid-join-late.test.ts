import { describe, expect, it } from 'vitest';
import { create } from '../../../src/testing/sim/scripted/index.js';
import { receiving } from '../../../src/testing/sim/scripted/points.js';
import { awaitAcked, boot, finalChecks, writeMany } from './harness.js';

/**
 * ZOOKEEPER-1154 / 1156 (testHighestZxidJoinLate): the server with the highest zxid missed the
 * election and rejoined holding a txn it had logged but that never committed; the new leader sent
 * DIFF where TRUNC was needed (1154), and the truncation cut too much (1156).
 */
describe('ZOOKEEPER-1154/1156: the highest zxid joins late', () => {
  it('the late joiner is cut back to exactly the committed history (TRUNC, not DIFF) and every replica converges', () => {
    const { c, leader } = boot();
    const [f1, f2] = c.followers() as [number, number];
    awaitAcked(c, writeMany(c, leader, 'committed', 3));
    c.runFor(20);

    // Only the leader logs this one: both followers are stopped.
    c.pause(f1);
    c.pause(f2);
    const orphan = c.write(leader, create('/orphan', 'never committed'));
    c.runFor(30);
    expect(c.peer(leader).disk.lastLoggedZxid).toBeGreaterThan(c.peer(f1).disk.lastLoggedZxid);
    expect(orphan.status).toBe('pending');
    c.crashAll();
    expect(orphan.status).toBe('indeterminate');

    // The followers restart and elect among themselves; a new write commits there.
    c.start(f1);
    c.start(f2);
    const newLeader = c.awaitServing(10_000, [f1, f2]);
    expect([f1, f2]).toContain(newLeader);
    awaitAcked(c, writeMany(c, newLeader, 'epoch2', 2));

    // The old leader comes back with the highest zxid of the old epoch.
    const truncs = c.on(leader, receiving('TRUNC'), () => undefined, false);
    const diffs = c.on(leader, receiving('DIFF'), () => undefined, false);
    c.start(leader);
    finalChecks(c);
    expect(truncs.fired).toBe(1);
    expect(diffs.fired).toBe(0);
    for (const id of c.ids) {
      expect(c.contents(id).has('/orphan'), `p${id} must not hold the uncommitted txn`).toBe(false);
      // 1156: the cut kept every committed txn of the old epoch.
      for (let i = 0; i < 3; i++) expect(c.contents(id).get(`/committed-${i}`)).toBe(`committed:${i}`);
    }
    // And it stays that way across a full restart (the cut is on disk, not only in memory).
    c.crashAll();
    c.startAll();
    finalChecks(c);
    for (const id of c.ids) expect(c.contents(id).has('/orphan')).toBe(false);
  });

  it('the same with the old leader restarting first, while the others are still down', () => {
    const { c, leader } = boot();
    const [f1, f2] = c.followers() as [number, number];
    awaitAcked(c, writeMany(c, leader, 'committed', 2));
    c.runFor(20);
    c.pause(f1);
    c.pause(f2);
    c.write(leader, create('/orphan', 'x'));
    c.runFor(30);
    c.crashAll();
    c.start(leader);
    c.runFor(300); // alone: it cannot lead
    expect(c.leader()).toBeUndefined();
    c.crash(leader);
    c.start(f1);
    c.start(f2);
    const l2 = c.awaitServing(10_000, [f1, f2]);
    awaitAcked(c, writeMany(c, l2, 'epoch2', 2));
    c.start(leader);
    finalChecks(c);
    for (const id of c.ids) expect(c.contents(id).has('/orphan')).toBe(false);
  });

  it('the same with the old leader partitioned away instead of paused', () => {
    const { c, leader } = boot();
    awaitAcked(c, writeMany(c, leader, 'a', 2));
    c.isolate(leader);
    const orphan = c.write(leader, create('/orphan', 'x'));
    c.runFor(3_000);
    expect(orphan.status).not.toBe('acked');
    const l2 = c.leader();
    expect(l2).not.toBe(leader);
    awaitAcked(c, writeMany(c, l2 as number, 'b', 2));
    c.heal();
    finalChecks(c);
    for (const id of c.ids) expect(c.contents(id).has('/orphan')).toBe(false);
  });
});

