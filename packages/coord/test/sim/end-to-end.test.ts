import { describe, expect, it } from 'vitest';
import { runSeed, type SimOptions } from '../../src/testing/sim/run.js';
import { fakeCoreFactory } from './fake-core.js';

/**
 * The whole simulator against a tiny fixed-leader fake core (fake-core.ts): fault-free it keeps
 * every invariant; each deliberately broken variant trips the checker meant for it.
 */
const base = (options: Partial<SimOptions> = {}): SimOptions => ({ makeCore: fakeCoreFactory(), faults: 'none', faultPhaseMs: 3_000, quiesceBoundMs: 5_000, ...options });

describe('simulator end to end (fake core)', () => {
  it('a correct core passes every checker, with writes acknowledged and replicas converged', () => {
    for (const seed of [1, 2, 3]) {
      let converged = false;
      const r = runSeed(seed, {
        ...base(),
        inspect: (hosts) => {
          const zxids = new Set([...hosts.values()].map((h) => h.core?.tree.lastProcessedZxid));
          converged = zxids.size === 1;
        },
      });
      expect(r.violations, r.trace.slice(-20).join('\n')).toEqual([]);
      expect(r.stats.writesAcked).toBeGreaterThan(20);
      expect(converged).toBe(true);
    }
  });

  it('two leaders in one epoch are caught', () => {
    const r = runSeed(1, base({ makeCore: fakeCoreFactory({ twoLeaders: true }) }));
    expect(r.violations[0]).toMatch(/two leaders in epoch 1: p1 and p2|two leaders in epoch 1: p2 and p1/);
  });

  it('a reply released before its txn is on a quorum of disks is caught', () => {
    const r = runSeed(1, base({ makeCore: fakeCoreFactory({ replyBeforeCommit: true }) }));
    expect(r.violations.join('\n')).toMatch(/p1 acknowledged 0x1[0-9a-f]* to c\d+ while only \[(p1)?\] had it on disk/);
  });

  it('a replica applying a different txn at a committed zxid is caught', () => {
    const r = runSeed(1, base({ makeCore: fakeCoreFactory({ divergentPeer3: true }) }));
    expect(r.violations.join('\n')).toMatch(/committed txns disagree at 0x1/);
  });

  it('the same seed gives the same trace, line for line; another seed does not', () => {
    const a = runSeed(5, { ...base(), trace: 'full' });
    const b = runSeed(5, { ...base(), trace: 'full' });
    const c = runSeed(6, { ...base(), trace: 'full' });
    expect(a.trace.length).toBeGreaterThan(100);
    expect(b.trace).toEqual(a.trace);
    expect(c.trace).not.toEqual(a.trace);
  });
});
