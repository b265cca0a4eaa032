/**
 * `coord drill partition`: a proxied 3-node ensemble under write load; the leader is cut off
 * from both followers (both directions, both peer channels) while a client pinned to it keeps
 * writing. Timeline: cut → new leader among the majority, cut → first acknowledged write, cut →
 * old leader stops claiming leadership; then heal → old leader follows again. Checks: election
 * within syncLimit × tickTime + 1 s, no write acknowledged by the cut-off leader, rejoin, 0 lost.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { benchEnvironment, publishReport, type BenchOutput } from '../bench/run.js';
import type { EnsembleHandle } from '../../testing/ensemble/index.js';
import { describeTarget, startTarget, stopOnInterrupt, within } from './ensembles.js';
import type { PartitionOptions } from './options.js';
import { renderPartitionReport, type PartitionReport, type PartitionResult } from './partition-report.js';
import { PinnedWriter } from './pinned-writer.js';
import { verifyWrites } from './verify.js';
import { WriteLoad } from './write-load.js';

const STEP_TIMEOUT_MS = 60_000;
const STEADY_WRITES = 100;
/** Writes the majority must acknowledge while the old leader is cut off, before the heal. */
const WRITES_DURING_PARTITION = 200;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function drill(ensemble: EnsembleHandle, options: PartitionOptions, io: BenchOutput, result: PartitionResult): Promise<void> {
  const say = (text: string) => io.out(`[${options.target}] ${text}\n`);
  const t = (from: number) => performance.now() - from;
  const base = `/drill-partition-${process.pid}-${Date.now().toString(36)}`;
  const load = new WriteLoad({ connectString: ensemble.connectString(), basePath: base, writers: options.writers, sessionTimeoutMs: 30_000, requestTimeoutMs: 20_000 });
  const old = await ensemble.waitForLeader({ timeoutMs: STEP_TIMEOUT_MS });
  const bound = options.syncLimit * options.tickTimeMs + 1_000;
  const pinned = new PinnedWriter(ensemble.connectString([old]), `${base}-pinned`, bound);
  try {
    await load.start();
    await pinned.open();
    await load.ackedMore(STEADY_WRITES, STEP_TIMEOUT_MS);
    say(`leader is member ${old}; ${options.writers} writers running (${load.acked} writes acked), pinned client on member ${old} acknowledged a write`);

    const cutAt = performance.now();
    const cutWall = Date.now();
    const firstWrite = load.nextAckIssuedAfter(cutAt);
    ensemble.isolate(old);
    pinned.start();
    // Watched from the cut on: the old leader may give up before or after the majority elects.
    const steppedDown = until(async () => (await ensemble.modes()).get(old) !== 'leader', STEP_TIMEOUT_MS, `member ${old} giving up leadership`).then(() => t(cutAt));
    steppedDown.catch(() => undefined);
    say(`t=0: member ${old} cut off from both followers (election and quorum links, both directions)`);

    result.newLeader = await ensemble.waitForLeader({ exclude: [old], timeoutMs: STEP_TIMEOUT_MS, intervalMs: 10 });
    result.electedMs = t(cutAt);
    say(`t=${Math.round(result.electedMs)} ms: member ${result.newLeader} leads the majority (bound syncLimit × tickTime + 1 s = ${bound} ms)`);
    result.firstWriteMs = (await within(firstWrite, STEP_TIMEOUT_MS, 'first write after the cut')) - cutAt;
    say(`t=${Math.round(result.firstWriteMs)} ms: first write issued after the cut acknowledged`);
    result.steppedDownMs = await steppedDown;
    say(`t=${Math.round(result.steppedDownMs)} ms: member ${old} no longer says it leads (srvr: ${(await ensemble.modes()).get(old)})`);
    await load.ackedMore(WRITES_DURING_PARTITION, STEP_TIMEOUT_MS);
    await pinned.stop();
    const afterCut = pinned.outcomes.filter((o) => o.issuedAt >= cutAt);
    result.pinnedAcked = afterCut.filter((o) => o.ok).length;
    result.pinnedFailed = afterCut.length - result.pinnedAcked;
    result.pinnedErrors = Object.fromEntries([...countBy(afterCut.filter((o) => !o.ok).map((o) => o.error ?? 'Error'))]);
    say(`t=${Math.round(t(cutAt))} ms: pinned client on member ${old}: ${result.pinnedAcked} writes acknowledged, ${result.pinnedFailed} failed or timed out during the cut; majority acked ${load.acked} so far`);

    const healAt = performance.now();
    const healWall = Date.now();
    ensemble.heal();
    say(`t=${Math.round(healAt - cutAt)} ms: healed`);
    await until(async () => (await ensemble.modes()).get(old) === 'follower', STEP_TIMEOUT_MS, `member ${old} rejoining as a follower`);
    result.rejoinMs = t(healAt);
    result.rejoined = true;
    const events = ensemble.syncEvents().filter((e) => e.atMs >= healWall);
    const learnerSide = events.find((e) => e.member === old && e.side === 'learner') ?? events.find((e) => e.side === 'leader' && e.learner === old);
    result.syncMode = learnerSide?.mode;
    result.syncLine = learnerSide?.line.trim();
    say(
      `heal + ${Math.round(result.rejoinMs)} ms: member ${old} follows member ${result.newLeader} again; ` +
        (learnerSide === undefined ? 'resync mode not visible in the members\' logs' : `resynced by ${learnerSide.mode} (${learnerSide.side === 'learner' ? `member ${old}` : 'the leader'} logged it)`),
    );
    result.cutWallMs = cutWall;
    await load.ackedMore(STEADY_WRITES, STEP_TIMEOUT_MS);
    await load.stop();
    io.progress(`[${options.target}] reading ${load.acked} acknowledged writes back from every member (including ${old})...\n`);
    result.verify = await verifyWrites(ensemble, load);
  } finally {
    result.acked = load.acked;
    result.failed = load.failed;
    result.errors = Object.fromEntries(load.errors);
    await pinned.close();
    await load.stop().catch(() => undefined);
  }
}

function countBy(values: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}

export async function runPartitionDrill(options: PartitionOptions, command: string, io: BenchOutput): Promise<PartitionReport> {
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const startedAt = performance.now();
  const result: PartitionResult = { target: options.target, how: describeTarget(options.target), boundMs: options.syncLimit * options.tickTimeMs + 1_000, rejoined: false, acked: 0, failed: 0, errors: {}, pinnedAcked: 0, pinnedFailed: 0, pinnedErrors: {} };
  io.progress(`[${options.target}] starting a proxied ${describeTarget(options.target)} (tickTime ${options.tickTimeMs} ms, syncLimit ${options.syncLimit}, forceSync yes)...\n`);
  let ensemble: EnsembleHandle | undefined;
  try {
    ensemble = await startTarget(options.target, { tickTimeMs: options.tickTimeMs, syncLimit: options.syncLimit, proxied: true, logLevel: 'info' });
    io.progress(`[${options.target}] ensemble up at ${ensemble.connectString()}\n`);
    const release = stopOnInterrupt(ensemble, io.progress);
    try {
      await drill(ensemble, options, io, result);
    } finally {
      release();
    }
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    io.progress(`[${options.target}] ERROR ${result.error}\n`);
  } finally {
    await ensemble?.stop();
  }
  const report: PartitionReport = {
    date: new Date().toISOString(),
    command,
    environment: benchEnvironment(loadAtStart),
    settings: { target: options.target, writers: options.writers, tickTimeMs: options.tickTimeMs, syncLimit: options.syncLimit },
    result,
    elapsedSeconds: (performance.now() - startedAt) / 1000,
  };
  await publishReport(io, renderPartitionReport(report), report, options.jsonPath);
  return report;
}

export { partitionFailed } from './partition-report.js';
