import { describe, expect, it } from 'vitest';
import { epochOf, PacketType, type PeerId } from '../../../src/quorum/core/types.js';
import type { PeerEvent, ScriptedCluster } from '../../../src/testing/sim/scripted/index.js';
import { newLeaderAck, sent } from '../../../src/testing/sim/scripted/points.js';
import { awaitAcked, boot, finalChecks, Load, writeMany } from './harness.js';

/**
 * ZOOKEEPER-1264 / 1282 / 1291: the learner set currentEpoch at UPTODATE instead of NEWLEADER,
 * and the leader did not update its own acceptedEpoch; txns were lost on resync under
 * concurrency. Two halves, as the table says: the Zab 1.0 message order pinned step by step, and
 * FollowerResyncConcurrencyTest (writes while followers restart).
 */
type Step = string;

function recordSteps(c: ScriptedCluster): Map<PeerId, Step[]> {
  const steps = new Map<PeerId, Step[]>();
  const note = (id: PeerId, s: Step): void => void (steps.get(id) ?? steps.set(id, []).get(id))?.push(s);
  c.on(
    'any',
    () => true,
    (ev: PeerEvent, p) => {
      if (ev.kind === 'executed' && ev.output.kind === 'writeEpoch') note(p.id, `${ev.output.which}=${ev.output.epoch}`);
      if (ev.kind === 'executed' && ev.output.kind === 'send') note(p.id, `send ${ev.output.packet.type}/${epochOf(ev.output.packet.zxid)}`);
      if (ev.kind === 'input' && ev.input.kind === 'packet') note(p.id, `recv ${ev.input.packet.type}`);
    },
    false,
  );
  return steps;
}

const before = (list: Step[], a: Step, b: Step): boolean => {
  const i = list.indexOf(a);
  const j = list.indexOf(b);
  return i >= 0 && j >= 0 && i < j;
};

describe('ZOOKEEPER-1264/1282/1291: epochs are persisted at the right moments', () => {
  it('Zab 1.0 order on every learner and on the leader, for a fresh epoch', () => {
    const { c, leader } = boot();
    awaitAcked(c, writeMany(c, leader, 'a', 2));
    // A second election, recorded from the start.
    const steps = recordSteps(c);
    c.crash(leader);
    const l2 = c.awaitServing(10_000, c.liveIds());
    const epoch = c.peer(l2).core?.currentEpoch as bigint;
    expect(epoch).toBe(2n);
    const ls = steps.get(l2) ?? [];
    // 1282: the leader persists the new acceptedEpoch before proposing it, currentEpoch before NEWLEADER.
    expect(before(ls, `acceptedEpoch=${epoch}`, `send ${PacketType.LEADERINFO}/${epoch}`), ls.join(', ')).toBe(true);
    expect(before(ls, `currentEpoch=${epoch}`, `send ${PacketType.NEWLEADER}/${epoch}`), ls.join(', ')).toBe(true);
    expect(c.peer(l2).disk.acceptedEpoch).toBe(epoch);
    for (const f of c.followers()) {
      const s = steps.get(f) ?? [];
      // acceptedEpoch before ACKEPOCH; currentEpoch at NEWLEADER, before its ACK (1264), never at UPTODATE.
      expect(before(s, `recv ${PacketType.LEADERINFO}`, `acceptedEpoch=${epoch}`), s.join(', ')).toBe(true);
      expect(before(s, `acceptedEpoch=${epoch}`, `send ${PacketType.ACKEPOCH}/1`), s.join(', ')).toBe(true);
      expect(before(s, `recv ${PacketType.NEWLEADER}`, `currentEpoch=${epoch}`), s.join(', ')).toBe(true);
      expect(before(s, `currentEpoch=${epoch}`, `send ${PacketType.ACK}/${epoch}`), s.join(', ')).toBe(true);
      expect(before(s, `currentEpoch=${epoch}`, `recv ${PacketType.UPTODATE}`), s.join(', ')).toBe(true);
      expect(c.peer(f).disk.currentEpoch).toBe(epoch);
    }
    c.clearFailpoints();
    c.start(leader);
    finalChecks(c);
  });

  it('a follower that crashes right after acknowledging NEWLEADER of a new epoch comes back with that currentEpoch on disk', () => {
    const { c, leader } = boot();
    const [f1, f2] = c.followers() as [number, number];
    awaitAcked(c, writeMany(c, leader, 'a', 3));
    // f2 misses the change to epoch 2.
    c.crash(f2);
    c.crash(leader);
    c.start(leader);
    const l2 = c.awaitServing(10_000, [leader, f1]);
    expect(c.peer(l2).core?.currentEpoch).toBe(2n);
    awaitAcked(c, writeMany(c, l2, 'b', 2));
    expect(c.peer(f2).disk.currentEpoch).toBe(1n);
    // f2 joins epoch 2 and dies the moment its NEWLEADER ACK is out, before UPTODATE.
    const fp = c.crashWhen(f2, sent('ACK', newLeaderAck));
    c.start(f2);
    c.runUntil(() => fp.fired > 0, 5_000, 'NEWLEADER ACK');
    expect(c.peer(f2).disk.acceptedEpoch).toBe(2n);
    expect(c.peer(f2).disk.currentEpoch, 'currentEpoch is set at NEWLEADER, not at UPTODATE').toBe(2n);
    // The ensemble turns over without the epoch-2 leader: f2 must vote as an epoch-2 peer.
    const other = l2 === leader ? f1 : leader;
    c.crash(l2);
    c.start(f2);
    const l3 = c.awaitServing(10_000, [other, f2]);
    expect(c.peer(l3).core?.currentEpoch).toBe(3n);
    awaitAcked(c, writeMany(c, l3, 'c', 2));
    c.start(l2);
    finalChecks(c);
  });

  it('FollowerResyncConcurrencyTest: writes keep flowing while followers crash and resync at every sync step', () => {
    const { c, leader } = boot();
    const [f1, f2] = c.followers() as [number, number];
    const load = new Load(c, 'w', 5);
    c.runFor(100);
    const points = ['LEADERINFO', 'DIFF', 'NEWLEADER', 'UPTODATE'] as const;
    for (const [i, type] of points.entries()) {
      const f = i % 2 === 0 ? f1 : f2;
      c.crash(f);
      c.runFor(60);
      // Crash again in the middle of the resync, right after handling `type`.
      const fp = c.on(f, (ev) => ev.kind === 'handled' && ev.input.kind === 'packet' && ev.input.packet.type === PacketType[type], (_ev, p) => p.crash(`after ${type}`));
      c.start(f);
      c.run(() => fp.fired > 0, 3_000);
      c.clearFailpoints();
      c.runFor(40);
      c.start(f);
      c.awaitServing(10_000);
    }
    // And the leader itself, mid-load.
    c.crash(leader);
    c.runFor(800);
    c.start(leader);
    c.runFor(300);
    load.stop();
    expect(load.acked).toBeGreaterThan(50);
    finalChecks(c);
  });
});
