import { describe, expect, it } from 'vitest';
import type { PeerId } from '../../../src/quorum/core/types.js';
import { create, type WriteHandle } from '../../../src/testing/sim/scripted/index.js';
import { fsyncCovering, newLeaderAck } from '../../../src/testing/sim/scripted/points.js';
import { awaitAcked, boot, finalChecks, writeMany } from './harness.js';

/**
 * ZOOKEEPER-4785 (DIFFSyncTest): a race in Learner.syncWithLeader() lost txns during a DIFF sync:
 * proposals the DIFF carried without their COMMIT (outstanding at the leader) were not yet written
 * when the follower acknowledged, and a bounce lost them. Here the leader has outstanding
 * proposals when the follower syncs (the other follower's disk is stalled, so nothing commits
 * without the syncing one); the syncing follower is bounced before those txns reach its disk.
 */
function setup() {
  const { c, leader } = boot();
  const [f, stalled] = c.followers() as [PeerId, PeerId];
  awaitAcked(c, writeMany(c, leader, 'a', 2));
  c.crash(f);
  awaitAcked(c, writeMany(c, leader, 'b', 3));
  // Nothing commits from now on until f is back: the other follower's fsyncs never finish.
  c.fsyncDelay(stalled, 'manual');
  const outstanding: WriteHandle[] = [c.write(leader, create('/u-0', 'u0')), c.write(leader, create('/u-1', 'u1'))];
  c.runFor(20);
  expect(outstanding.map((w) => w.status)).toEqual(['pending', 'pending']);
  return { c, leader, f, stalled, outstanding };
}

describe('ZOOKEEPER-4785: a DIFF carrying uncommitted proposals', () => {
  it('the follower is bounced right before the fsync that would make them durable', () => {
    const { c, leader, f, stalled, outstanding } = setup();
    const last = c.peer(leader).disk.lastLoggedZxid;
    const fp = c.crashWhen(f, fsyncCovering(last), { keepBytes: 0 }, 'bounce before the outstanding txns are durable');
    c.fsyncDelay(f, 30);
    c.start(f);
    c.runUntil(() => fp.fired > 0, 3_000, 'the fsync');
    // Not acknowledged: they were on disk only at the leader.
    expect(outstanding.map((w) => w.status)).toEqual(['pending', 'pending']);
    c.fsyncDelay(f, 2);
    c.start(f);
    awaitAcked(c, outstanding);
    c.fsyncDelay(stalled, 2);
    finalChecks(c);
    for (const id of c.ids) expect(c.contents(id).get('/u-1')).toBe('u1');
  });

  it('the follower is bounced right after its NEWLEADER ACK; the outstanding proposals are acknowledged only once durable on a quorum', () => {
    const { c, leader, f, stalled, outstanding } = setup();
    c.fsyncDelay(f, 30);
    // The ACK reaches the leader (which counts it for the outstanding proposals); then f dies.
    c.on(leader, (ev) => ev.kind === 'input' && ev.input.kind === 'packet' && ev.input.from === f && ev.input.packet.type === 3 && newLeaderAck(ev.input.packet.zxid), () => {
      c.crash(f, { keepBytes: 0 });
    });
    c.start(f);
    c.runUntil(() => !c.peer(f).up, 3_000, 'the NEWLEADER ACK');
    c.runFor(50);
    // Acknowledged on the strength of f's ACK: the checker verified at that moment that f had them on disk.
    expect(c.checkers.violations).toEqual([]);
    c.fsyncDelay(f, 2);
    c.start(f);
    c.fsyncDelay(stalled, 2);
    awaitAcked(c, outstanding);
    // Now the leader dies as well; f and the stalled follower must still have them.
    c.crash(leader);
    c.awaitServing(10_000, [f, stalled]);
    c.start(leader);
    finalChecks(c);
    for (const id of c.ids) expect(c.contents(id).get('/u-0')).toBe('u0');
  });

  it('crash points through the DIFF: after each PROPOSAL the follower logs', () => {
    for (let n = 1; n <= 5; n++) {
      const { c, leader, f, stalled, outstanding } = setup();
      let seen = 0;
      c.fsyncDelay(f, 10);
      c.on(f, (ev) => ev.kind === 'executed' && ev.output.kind === 'append' && ++seen === n, () => c.crash(f, { keepBytes: 0 }));
      c.start(f);
      c.runFor(200);
      c.fsyncDelay(f, 2);
      if (!c.peer(f).up) c.start(f);
      c.fsyncDelay(stalled, 2);
      awaitAcked(c, outstanding);
      c.crash(leader);
      c.awaitServing(10_000, [f, stalled]);
      c.start(leader);
      finalChecks(c);
    }
  });
});
