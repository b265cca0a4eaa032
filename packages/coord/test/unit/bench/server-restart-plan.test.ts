import { describe, expect, it } from 'vitest';
import {
  CHILDREN_PER_PARENT,
  childPath,
  CREATES_PER_MULTI,
  lastChildPath,
  listDataDir,
  loadBatches,
  MAX_TAIL_WRITES,
  restartPlan,
  txnsAfterSnapshot,
} from '../../../src/cli/bench/server-restart-plan.js';

describe('restart plan', () => {
  it('1,000,000 znodes: 1,000 parents × 1,000 children in 10,000 multis, ~4 snapshots, a 1,000-txn tail', () => {
    expect(restartPlan(1_000_000)).toEqual({ znodes: 1_000_000, parents: 1_000, multis: 10_000, snapCount: 2_500, tailWrites: MAX_TAIL_WRITES });
  });

  it('the tail is shorter than half a snapCount, so it adds at most one snapshot', () => {
    for (const n of [1, 150, 20_000, 200_000, 1_000_000, 2_000_000]) {
      const plan = restartPlan(n);
      expect(plan.tailWrites).toBeGreaterThanOrEqual(10);
      expect(plan.snapCount).toBeGreaterThanOrEqual(2);
      if (n >= 200_000) expect(plan.tailWrites).toBeLessThan(plan.snapCount / 2);
    }
  });

  it('batches cover every child once, each parent created by its first multi', () => {
    const batches = loadBatches(2_250);
    expect(batches.length).toBe(restartPlan(2_250).multis);
    expect(batches.reduce((n, b) => n + b.to - b.from, 0)).toBe(2_250);
    expect(batches.filter((b) => b.createParent).map((b) => b.parent)).toEqual([0, 1, 2]);
    expect(batches.every((b) => b.to - b.from <= CREATES_PER_MULTI && b.to <= CHILDREN_PER_PARENT)).toBe(true);
    expect(batches.at(-1)).toEqual({ parent: 2, createParent: false, from: 200, to: 250 });
    for (const b of batches) expect(b.createParent).toBe(b.from === 0);
  });

  it('the last child is the one the last batch creates', () => {
    expect(lastChildPath(2_250)).toBe(childPath(2, 249));
    expect(lastChildPath(1_000_000)).toBe('/restart/p999/c999');
    expect(lastChildPath(1)).toBe('/restart/p0/c0');
  });
});

describe('dataDir listing', () => {
  it('counts snapshots and logs and finds the newest snapshot', () => {
    expect(listDataDir(['log.1', 'snapshot.0', 'snapshot.1a2b', 'log.1a2c', 'snapshot.ff', 'acceptedEpoch', 'snapshot.x', 'log.2.tmp'])).toEqual({
      snapshots: 3,
      logs: 2,
      newestSnapshotZxid: 0x1a2bn,
    });
    expect(listDataDir(['log.1'])).toEqual({ snapshots: 0, logs: 1, newestSnapshotZxid: null });
  });

  it('txns after the snapshot: same epoch only', () => {
    expect(txnsAfterSnapshot(0x1_0000_2710n, 0x1_0000_2000n)).toBe(0x710);
    expect(txnsAfterSnapshot(0x2_0000_0010n, 0x1_0000_2000n)).toBeNull();
    expect(txnsAfterSnapshot(0x10n, null)).toBeNull();
    expect(txnsAfterSnapshot(0x10n, 0x20n)).toBeNull();
  });
});
