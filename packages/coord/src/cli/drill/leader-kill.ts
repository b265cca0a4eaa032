/**
 * `coord drill leader-kill`: a 3-node ensemble under write load; N times, find the leader,
 * kill -9 it, measure kill → new leader (srvr polled on the survivors every 10 ms) and kill →
 * first acknowledged write issued after the kill, restart the member and wait until it serves;
 * finally read every acknowledged write back from every member.
 */
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { benchEnvironment, publishReport, type BenchOutput } from '../bench/run.js';
import { describeTarget, startTarget, stopOnInterrupt, within } from './ensembles.js';
import type { DrillTarget, LeaderKillOptions } from './options.js';
import { formatKillLine, renderLeaderKillReport, type KillSample, type LeaderKillReport, type LeaderKillTargetResult } from './leader-kill-report.js';
import { verifyWrites } from './verify.js';
import { WriteLoad } from './write-load.js';

const SESSION_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 20_000;
const STEP_TIMEOUT_MS = 60_000;
/** Writes acknowledged before the first kill and between kills, so every kill lands on a loaded, caught-up ensemble. */
const STEADY_WRITES = 100;

async function runTarget(target: DrillTarget, options: LeaderKillOptions, io: BenchOutput): Promise<LeaderKillTargetResult> {
  const samples: KillSample[] = [];
  io.progress(`[${target}] starting a ${describeTarget(target)} (tickTime ${options.tickTimeMs} ms, forceSync yes)...\n`);
  const startedAt = performance.now();
  let ensemble;
  try {
    ensemble = await startTarget(target, { tickTimeMs: options.tickTimeMs });
  } catch (err) {
    return { target, how: describeTarget(target), samples, acked: 0, failed: 0, errors: {}, error: `could not start: ${err instanceof Error ? err.message : String(err)}` };
  }
  const release = stopOnInterrupt(ensemble, io.progress);
  const load = new WriteLoad({
    connectString: ensemble.connectString(),
    basePath: `/drill-leader-kill-${target}-${process.pid}-${Date.now().toString(36)}`,
    writers: options.writers,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  try {
    io.progress(`[${target}] ensemble up in ${((performance.now() - startedAt) / 1000).toFixed(1)} s at ${ensemble.connectString()}; starting ${options.writers} writers\n`);
    await load.start();
    await load.ackedMore(STEADY_WRITES, STEP_TIMEOUT_MS);
    for (let i = 1; i <= options.kills; i++) {
      const leader = await ensemble.waitForLeader({ timeoutMs: STEP_TIMEOUT_MS });
      const pid = ensemble.members.find((m) => m.id === leader)?.pid ?? -1;
      const killAt = performance.now();
      const firstWrite = load.nextAckIssuedAfter(killAt);
      await ensemble.kill(leader);
      const newLeader = await ensemble.waitForLeader({ exclude: [leader], timeoutMs: STEP_TIMEOUT_MS, intervalMs: 10 });
      const electedMs = performance.now() - killAt;
      const firstWriteMs = (await within(firstWrite, STEP_TIMEOUT_MS, `kill ${i}: first acknowledged write`)) - killAt;
      const restartAt = performance.now();
      await ensemble.restart(leader);
      const rejoinMs = performance.now() - restartAt;
      const sample: KillSample = { index: i, leader, pid, newLeader, electedMs, firstWriteMs, rejoinMs, ackedSoFar: load.acked };
      samples.push(sample);
      io.out(`${formatKillLine(target, options.kills, sample)}\n`);
      await load.ackedMore(STEADY_WRITES, STEP_TIMEOUT_MS);
    }
    await load.stop();
    io.progress(`[${target}] reading ${load.acked} acknowledged writes back from every member...\n`);
    const verify = await verifyWrites(ensemble, load);
    return { target, how: describeTarget(target), samples, acked: load.acked, failed: load.failed, errors: Object.fromEntries(load.errors), verify };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.progress(`[${target}] ERROR ${message}\n`);
    return { target, how: describeTarget(target), samples, acked: load.acked, failed: load.failed, errors: Object.fromEntries(load.errors), error: message };
  } finally {
    await load.stop().catch(() => undefined);
    await ensemble.stop();
    release();
  }
}

export async function runLeaderKillDrill(options: LeaderKillOptions, command: string, io: BenchOutput): Promise<LeaderKillReport> {
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const startedAt = performance.now();
  const results: LeaderKillTargetResult[] = [];
  for (const target of options.targets) results.push(await runTarget(target, options, io));
  const report: LeaderKillReport = {
    date: new Date().toISOString(),
    command,
    environment: benchEnvironment(loadAtStart),
    settings: { targets: options.targets, kills: options.kills, writers: options.writers, tickTimeMs: options.tickTimeMs },
    results,
    elapsedSeconds: (performance.now() - startedAt) / 1000,
  };
  await publishReport(io, renderLeaderKillReport(report), report, options.jsonPath);
  return report;
}

/** Exit status: 1 when a target failed to run or lost an acknowledged write. */
export function leaderKillFailed(report: LeaderKillReport): boolean {
  return report.results.some((r) => r.error !== undefined || r.verify === undefined || r.verify.lost > 0 || r.verify.members.some((m) => m.error !== undefined));
}
