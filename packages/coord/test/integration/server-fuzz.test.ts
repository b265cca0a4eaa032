/**
 * Robustness fuzz of the standalone server (ONE server, in this process): 200,000 random and
 * mutated frames by default (plus a warm-up round) over thousands of connections, from five generator families
 * (test/fuzz/generators.ts). The server must never throw into the process, must close every
 * connection it has to close (test/fuzz/oracle.ts) and only those, must come back to its
 * baseline state and heap, and a well-behaved client with watches must not notice.
 * FUZZ_SEED and FUZZ_FRAMES override the fixed defaults; `npm run fuzz` runs longer campaigns.
 */
import { describe, expect, it } from 'vitest';
import { formatReport, runCampaign } from '../fuzz/campaign.js';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
}

const seed = intFromEnv('FUZZ_SEED', 0x5eed);
const frames = intFromEnv('FUZZ_FRAMES', 200_000);

describe('server fuzz', () => {
  it(
    `survives ${frames} random and mutated frames (seed ${seed}) and returns to baseline`,
    async () => {
      console.log(`server fuzz: seed ${seed}, ${frames} frames (FUZZ_SEED / FUZZ_FRAMES to change)`);
      const report = await runCampaign({ seed, frames, log: (line) => console.log(line) });
      console.log(formatReport(report));
      for (const f of report.fuzz.failures) console.log(`failure in block ${f.block} scenario ${f.index} (${f.kind}): ${f.message}\n  writes: ${f.chunksHex.join(' | ')}`);
      expect(report.fuzz.failures.map((f) => `${f.kind} ${f.block}:${f.index} ${f.message}`)).toEqual([]);
      expect(report.violations).toEqual([]);
      expect(report.fuzz.frames - report.warmupFrames).toBeGreaterThanOrEqual(frames);
    },
    120_000 + frames,
  );
});
