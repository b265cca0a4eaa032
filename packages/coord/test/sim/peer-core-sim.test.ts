import { describe, expect, it } from 'vitest';
import { peerCoreFactory } from '../../src/testing/sim/core-factory.js';
import { runSeed, type SeedResult, type SimOptions } from '../../src/testing/sim/run.js';

/**
 * The real PeerCore under the simulator: replays are exact, and a fixed budget of seeds (sized
 * for a shared 2-core CI box; `npm run sim -- --seeds 1000` runs more) keeps every invariant.
 * A failure names the seeds; `npm run sim -- --seed N` replays one with its full trace.
 */
const BUDGET: ReadonlyArray<{ readonly label: string; readonly seeds: number; readonly options: Omit<SimOptions, 'makeCore'> }> = [
  { label: '3 participants', seeds: 600, options: { peers: 3 } },
  { label: '5 participants + 1 observer', seeds: 200, options: { peers: 5, observers: 1 } },
];

describe('PeerCore under deterministic simulation', () => {
  it('replays a seed exactly: same seed, same trace', () => {
    const a = runSeed(17, { makeCore: peerCoreFactory, trace: 'full' });
    const b = runSeed(17, { makeCore: peerCoreFactory, trace: 'full' });
    expect(a.trace.length).toBeGreaterThan(200);
    expect(b.trace).toEqual(a.trace);
    expect(b.stats).toEqual(a.stats);
  });

  for (const { label, seeds, options } of BUDGET) {
    it(`${seeds} seeds, ${label}: no invariant broken`, { timeout: 120_000 }, () => {
      const failed: SeedResult[] = [];
      let acked = 0;
      for (let seed = 1; seed <= seeds; seed++) {
        const r = runSeed(seed, { makeCore: peerCoreFactory, ...options, trace: 'tail' });
        acked += r.stats.writesAcked;
        if (r.violations.length > 0) failed.push(r);
      }
      const flags = `${options.peers !== undefined && options.peers !== 3 ? ` --peers ${options.peers}` : ''}${options.observers ? ` --observers ${options.observers}` : ''}`;
      console.log(`sim: ${seeds} seeds (${label}), ${acked} writes acknowledged, ${failed.length} failing`);
      const report = failed
        .slice(0, 5)
        .map((r) => `seed ${r.seed}: ${r.violations.slice(0, 3).join(' | ')}\n  replay: npm run sim -- --seed ${r.seed}${flags}`)
        .join('\n');
      expect(failed.map((r) => r.seed), report).toEqual([]);
    });
  }
});
