import { describe, expect, it } from 'vitest';
import { create } from '../../../src/testing/sim/scripted/index.js';
import { newLeaderAck, proposalAck, received, receiving, sent } from '../../../src/testing/sim/scripted/points.js';
import { rejoinSetup, turnOver } from './harness.js';

/**
 * ZOOKEEPER-2678 → 3911 / 3023: skipping the snapshot in a DIFF sync left the DIFF's proposals
 * persisted only after UPTODATE (3911), and async logging was not durable at the NEWLEADER ACK
 * (3023); a crash of the whole quorum then lost committed txns. DIFFSyncConsistencyTest-style:
 * crash everything right after UPTODATE, in power-loss mode (unsynced bytes are gone).
 */
describe('ZOOKEEPER-2678/3911/3023: a DIFF sync is durable at the NEWLEADER ACK', () => {
  it('power loss of every node right after the follower handles UPTODATE', () => {
    const s = rejoinSetup('diff');
    const { c, a, b } = s;
    const diffs = c.on(b, receiving('DIFF'), () => undefined, false);
    // Slow disks widen the window between appending the DIFF's txns and their fsync.
    c.fsyncDelay(b, 40);
    const fp = c.on(b, received('UPTODATE'), () => c.crashAll());
    c.start(a);
    c.start(b);
    c.runUntil(() => fp.fired > 0, 5_000, 'UPTODATE');
    expect(diffs.fired).toBe(1);
    c.fsyncDelay(b, 2);
    turnOver(s);
    expect(c.contents(b).get('/orphan'), 'committed by the NEWLEADER quorum, so it must survive').toBe('a only');
  });

  it('power loss of every node right after the NEWLEADER ACK leaves', () => {
    const s = rejoinSetup('diff');
    const { c, a, b } = s;
    c.fsyncDelay(b, 40);
    const fp = c.on(b, sent('ACK', newLeaderAck), () => c.crashAll());
    c.start(a);
    c.start(b);
    c.runUntil(() => fp.fired > 0, 5_000, 'NEWLEADER ACK');
    c.fsyncDelay(b, 2);
    turnOver(s);
  });

  it('power loss right after a post-sync write is acknowledged', () => {
    const s = rejoinSetup('diff');
    const { c, a, b } = s;
    c.fsyncDelay(b, 40);
    c.start(a);
    c.start(b);
    c.awaitServing(10_000, [a, b]);
    c.on(a, received('ACK', proposalAck), () => c.crashAll());
    const x = c.write(a, create('/x', 'x'));
    c.runUntil(() => !c.peer(a).up, 5_000, 'proposal ACK');
    c.fsyncDelay(b, 2);
    turnOver(s);
    if (x.status === 'acked') expect(c.contents(b).get('/x')).toBe('x');
  });
});
