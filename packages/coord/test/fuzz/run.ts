/**
 * Standalone fuzz runner: the campaign of test/integration/server-fuzz.test.ts, for longer runs.
 *
 *   npx tsx packages/coord/test/fuzz/run.ts --frames 2000000 --seed 7
 *   npx tsx packages/coord/test/fuzz/run.ts --seed 7 --replay 123:45     (one scenario, verbosely)
 *
 * Prints progress every few seconds and a summary; exits 1 on any failure or violation.
 */
import { parseArgs } from 'node:util';
import { startServer } from '../../src/server/server.js';
import { MAX_FRAME_BYTES, formatReport, runCampaign } from './campaign.js';
import { hexOf, replayScenario, runScenario, type FuzzSummary } from './driver.js';
import { mib } from './harness.js';

const USAGE = 'usage: run.ts [--frames N] [--seed N] [--concurrency N] [--close-deadline-ms N] [--replay BLOCK:INDEX]';

function intOption(values: Record<string, string | boolean | undefined>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !Number.isSafeInteger(value)) throw new Error(`--${name} must be an integer\n${USAGE}`);
  return value;
}

async function replay(seed: number, spec: string, closeDeadlineMs: number): Promise<number> {
  const [block, index] = spec.split(':').map(Number);
  if (block === undefined || index === undefined || !Number.isSafeInteger(block) || !Number.isSafeInteger(index)) throw new Error(`--replay wants BLOCK:INDEX\n${USAGE}`);
  const scenario = replayScenario(MAX_FRAME_BYTES, seed, block, index);
  console.log(`replaying seed ${seed} block ${block} scenario ${index}: ${scenario.kind}, ${scenario.frames} frames`);
  scenario.chunks.forEach((c, i) => console.log(`  write ${i}: ${hexOf(c, 1 << 20)}`));
  const server = await startServer({ tickTimeMs: 100, maxSessionTimeoutMs: 10_000, maxFrameBytes: MAX_FRAME_BYTES, fourLetterWords: '*', log: (level, message) => console.log(`  server ${level}: ${message}`) });
  try {
    const target = { host: server.host, port: server.port, maxFrameBytes: MAX_FRAME_BYTES, lastZxid: () => server.core.lastZxid, hasSession: (id: bigint) => server.core.sessions.get(id) !== undefined };
    const result = await runScenario(target, scenario, { closeDeadlineMs });
    console.log(`ok: ${JSON.stringify(result)}`);
    return 0;
  } catch (err) {
    console.log(`FAILED: ${(err as Error).message}`);
    return 1;
  } finally {
    await server.stop();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      frames: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      'close-deadline-ms': { type: 'string' },
      replay: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const seed = intOption(values, 'seed', 0x5eed);
  const frames = intOption(values, 'frames', 1_000_000);
  const closeDeadlineMs = intOption(values, 'close-deadline-ms', 10_000);
  if (values.replay !== undefined) return replay(seed, values.replay, closeDeadlineMs);

  console.log(`fuzz: seed ${seed}, ${frames} frames; replay a failure with --seed ${seed} --replay BLOCK:INDEX`);
  const started = Date.now();
  let lastPrint = 0;
  const progress = (phase: string, s: FuzzSummary) => {
    const now = Date.now();
    if (now - lastPrint < 2000) return;
    lastPrint = now;
    const rate = Math.round(s.frames / Math.max(1, (now - started) / 1000));
    console.log(`  ${phase}: ${s.frames} frames, ${s.connections} connections, ${s.failureCount} failures, ~${rate} frames/s, heapUsed ${mib(process.memoryUsage().heapUsed)} MiB`);
  };
  const report = await runCampaign({
    seed,
    frames,
    concurrency: intOption(values, 'concurrency', 24),
    closeDeadlineMs,
    log: (line) => console.log(line),
    onProgress: progress,
  });
  console.log(formatReport(report));
  for (const f of report.fuzz.failures) {
    console.log(`failure in block ${f.block} scenario ${f.index} (${f.kind}): ${f.message}`);
    console.log(`  replay: npx tsx packages/coord/test/fuzz/run.ts --seed ${seed} --replay ${f.block}:${f.index}`);
  }
  for (const v of report.violations) console.log(`violation: ${v}`);
  return report.fuzz.failureCount === 0 && report.violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 2;
  },
);
