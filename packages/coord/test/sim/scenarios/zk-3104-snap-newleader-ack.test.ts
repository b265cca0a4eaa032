import { describe, expect, it } from 'vitest';
import { create } from '../../../src/testing/sim/scripted/index.js';
import { newLeaderAck, proposalAck, receiving, sent } from '../../../src/testing/sim/scripted/points.js';
import { awaitAcked, rejoinSetup, turnOver } from './harness.js';

/**
 * ZOOKEEPER-3104: during a SNAP sync NEWLEADER went out too early, so a follower acknowledged it
 * before the snapshot was on disk; a crash then lost data. The follower's snapshot must be durable
 * before its NEWLEADER ACK, whatever happens to it right after.
 */
describe('ZOOKEEPER-3104: crash right after the NEWLEADER ACK of a SNAP sync', () => {
  it('crash as the ACK leaves the follower', () => {
    const s = rejoinSetup('snap');
    const { c, a, b } = s;
    const snaps = c.on(b, receiving('SNAP'), () => undefined, false);
    const fp = c.crashWhen(b, sent('ACK', newLeaderAck));
    c.start(a);
    c.start(b);
    c.runUntil(() => fp.fired > 0, 5_000, 'NEWLEADER ACK');
    expect(snaps.fired).toBe(1);
    // Restarted alone, the follower holds the snapshot it acknowledged.
    c.start(b);
    expect(c.contents(b).get('/w-5')).toBe('w:5');
    expect(c.contents(b).get('/orphan')).toBe('a only');
    turnOver(s);
  });

  it('crash as the leader counts the ACK (the new epoch is established on it)', () => {
    const s = rejoinSetup('snap');
    const { c, a, b } = s;
    c.on(a, receiving('ACK', newLeaderAck), () => c.crash(b));
    c.start(a);
    c.start(b);
    c.runUntil(() => !c.peer(b).up, 5_000, 'NEWLEADER ACK at the leader');
    turnOver(s);
  });

  it('crash after acknowledging the first proposal that follows the sync (an acknowledged write depends on it)', () => {
    const s = rejoinSetup('snap');
    const { c, a, b } = s;
    c.start(a);
    c.start(b);
    c.awaitServing(10_000, [a, b]);
    c.on(a, receiving('ACK', proposalAck), () => c.crash(b));
    const x = c.write(a, create('/x', 'acked with b'));
    awaitAcked(c, [x]);
    expect(c.peer(b).up).toBe(false);
    turnOver(s);
    expect(c.contents(b).get('/x')).toBe('acked with b');
  });
});
