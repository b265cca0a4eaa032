import { describe, expect, it } from 'vitest';
import { counterOf, epochOf, hex, PacketType, type PeerId } from '../../../src/quorum/core/types.js';
import type { ScriptedCluster } from '../../../src/testing/sim/scripted/index.js';
import { receiving } from '../../../src/testing/sim/scripted/points.js';
import { awaitAcked, boot, finalChecks, rejoinSetup, writeMany } from './harness.js';

/**
 * ZOOKEEPER-4925 (3.9.3): a stale follower's committedLog had a hole; once it led, it propagated
 * the hole and data was lost. Invariant: committed-log zxids are contiguous (within an epoch), and
 * a discontinuous proposal is rejected rather than logged.
 */

/** Records, per leader → learner, the zxids of the PROPOSALs a sync carried (between DIFF/TRUNC and NEWLEADER). */
function watchSyncs(c: ScriptedCluster): { leader: PeerId; to: PeerId; from: bigint; zxids: bigint[] }[] {
  const syncs: { leader: PeerId; to: PeerId; from: bigint; zxids: bigint[] }[] = [];
  const open = new Map<string, { leader: PeerId; to: PeerId; from: bigint; zxids: bigint[] }>();
  c.on(
    'any',
    (ev) => ev.kind === 'executed' && ev.output.kind === 'send',
    (ev, p) => {
      if (ev.kind !== 'executed' || ev.output.kind !== 'send') return;
      const { to, packet } = ev.output;
      const k = `${p.id}>${to}`;
      if (packet.type === PacketType.DIFF || packet.type === PacketType.TRUNC) {
        // DIFF carries the leader's last zxid; the learner's point is in its ACKEPOCH, so take it from TRUNC or leave 0.
        const s = { leader: p.id, to, from: packet.type === PacketType.TRUNC ? packet.zxid : -1n, zxids: [] as bigint[] };
        open.set(k, s);
        syncs.push(s);
      } else if (packet.type === PacketType.PROPOSAL) open.get(k)?.zxids.push(packet.zxid);
      else if (packet.type === PacketType.NEWLEADER || packet.type === PacketType.SNAP) open.delete(k);
    },
    false,
  );
  return syncs;
}

function expectContiguous(zxids: readonly bigint[]): void {
  for (let i = 1; i < zxids.length; i++) {
    const a = zxids[i - 1] as bigint;
    const b = zxids[i] as bigint;
    const ok = b > a && (epochOf(b) !== epochOf(a) || counterOf(b) === counterOf(a) + 1n);
    expect(ok, `${hex(b)} follows ${hex(a)}`).toBe(true);
  }
}

function expectLogsContiguous(c: ScriptedCluster): void {
  for (const id of c.ids) {
    const zxids = c.peer(id).disk.logs.flatMap((f) => f.records.map((r) => r.zxid));
    expectContiguous(zxids);
  }
}

describe('ZOOKEEPER-4925: no hole in the committed log, and none propagated', () => {
  it('a proposal that skips a zxid is rejected, never logged; the follower resyncs', () => {
    const { c, leader } = boot();
    const f = c.followers()[0] as PeerId;
    awaitAcked(c, writeMany(c, leader, 'a', 2));
    // The follower never sees the next proposal (as if the leader's log had a hole there)…
    const base = c.peer(leader).disk.lastLoggedZxid;
    const hole = c.dropWhen(f, receiving('PROPOSAL', (z) => z > base));
    const lookings = c.peer(f).states.length;
    awaitAcked(c, writeMany(c, leader, 'b', 3));
    expect(hole.fired).toBe(1);
    finalChecks(c);
    // …so it refused the next one, went looking and came back through a sync.
    expect(c.peer(f).states.slice(lookings).some((s) => s.phase === 'election')).toBe(true);
    expectLogsContiguous(c);
  });

  it('a follower synchronised by DIFF, then leader, DIFFs a stale member with a contiguous history', () => {
    const { c, leader: a } = boot();
    const [b, cc] = c.followers() as [PeerId, PeerId];
    const syncs = watchSyncs(c);
    awaitAcked(c, writeMany(c, a, 'w', 2));
    c.crash(b);
    awaitAcked(c, writeMany(c, a, 'x', 3));
    c.start(b);
    c.awaitServing(10_000);
    // cc goes stale (cut off: what was in flight to it is lost with the leader); b and a go on.
    c.isolate(cc);
    awaitAcked(c, writeMany(c, a, 'y', 3));
    c.crash(a);
    c.heal();
    const l = c.awaitServing(10_000, [b, cc]);
    expect(l).toBe(b);
    awaitAcked(c, writeMany(c, l, 'z', 2));
    c.start(a);
    finalChecks(c);
    expect(syncs.length).toBeGreaterThanOrEqual(2);
    for (const s of syncs) expectContiguous(s.zxids);
    expectLogsContiguous(c);
  });

  it('a follower synchronised by SNAP, then leader, SNAPs (not DIFFs with a hole) a member older than its snapshot', () => {
    // b is brought back by SNAP at a's newest txn, which cc never had; then b leads cc.
    const s = rejoinSetup('snap');
    const { c, a, b, cc } = s;
    c.start(a);
    c.start(b);
    c.awaitServing(10_000, [a, b]);
    awaitAcked(c, writeMany(c, a, 'y', 2));
    c.crash(a);
    const syncs = watchSyncs(c);
    const snaps = c.on(cc, receiving('SNAP'), () => undefined, false);
    c.start(cc);
    const l = c.awaitServing(10_000, [b, cc]);
    expect(l).toBe(b);
    expect(snaps.fired).toBe(1);
    awaitAcked(c, writeMany(c, l, 'z', 2));
    c.start(a);
    finalChecks(c);
    for (const x of syncs) expectContiguous(x.zxids);
    expectLogsContiguous(c);
  });
});
