import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createClient } from '../../client/client.js';
import { startApacheEnsemble, startEnsemble, type EnsembleHandle } from '../../testing/ensemble/index.js';
import { openCoord } from './adapters/coord.js';
import type { ConnectPoint, EnsembleBenchOptions } from './ensemble-options.js';
import { ensembleCells, renderEnsembleReport, type EnsembleBenchReport, type EnsembleCellKey, type EnsembleCellResult } from './ensemble-report.js';
import { summarize, summarizeRounds, type RoundSample } from './latency.js';
import { runLoop } from './loop.js';
import { benchEnvironment, CONNECT_TIMEOUT_MS, publishReport, serverVersion, type BenchOutput } from './run.js';
import type { ServerName } from './server-options.js';
import { formatMs, formatOpsPerSec } from './table.js';
import { workloadOp, type WorkloadPaths } from './workloads.js';

const SIZE = 3;
const SERVER_WARMUP_CONCURRENCY = 16;

interface Target {
  readonly name: ServerName;
  readonly ensemble: EnsembleHandle;
  readonly how: string;
  readonly version: string | undefined;
}

interface CellState extends EnsembleCellKey {
  readonly server: ServerName;
  readonly rounds: RoundSample[];
  member: number | undefined;
  error: string | undefined;
}

function how(name: ServerName): string {
  return name === 'apache'
    ? "Apache ZooKeeper, 3 members (QuorumPeerMain, one JVM each, jvm 'throughput': -Xmx1g -XX:+UseParallelGC), testing kit"
    : '3-member coord ensemble (`coord server zoo.cfg`, one Node process each), testing kit';
}

/** The member a cell's client connects to: the current leader, or the first participant that is not. */
async function memberFor(ensemble: EnsembleHandle, point: ConnectPoint): Promise<number> {
  const leader = await ensemble.waitForLeader({ timeoutMs: 30_000 });
  if (point === 'leader') return leader;
  const follower = ensemble.members.find((m) => m.role === 'participant' && m.id !== leader);
  if (follower === undefined) throw new Error('no follower');
  return follower.id;
}

/**
 * `coord bench ensemble`: a 3-member coord ensemble and a 3-member Apache ZooKeeper ensemble,
 * both on loopback, both fsyncing, both running for the whole bench, measured with coord's
 * client. Rounds interleave every cell across both ensembles (the order rotates per cell), as
 * `bench server` does; each measurement is a fresh session on one member.
 */
export async function runEnsembleBench(options: EnsembleBenchOptions, command: string, io: BenchOutput): Promise<EnsembleBenchReport> {
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const startedAt = performance.now();
  const targets: Target[] = [];
  const onSignal = () => {
    io.progress('interrupted: stopping the ensembles\n');
    void Promise.all(targets.map((t) => t.ensemble.stop())).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  try {
    const data = Buffer.alloc(options.dataBytes, 0x61);
    const basePath = `/coord-bench-ensemble-${process.pid}-${Date.now().toString(36)}`;
    const paths: WorkloadPaths = { basePath, dataPath: `${basePath}/data` };
    for (const name of options.servers) {
      io.progress(`starting a 3-member ${name} ensemble (fsync on, tickTime ${options.tickTimeMs} ms)...\n`);
      const settings = { size: SIZE, forceSync: true, tickTimeMs: options.tickTimeMs, startTimeoutMs: 120_000 };
      const ensemble = name === 'apache' ? await startApacheEnsemble({ ...settings, jvm: 'throughput' }) : await startEnsemble(settings);
      targets.push({ name, ensemble, how: how(name), version: await serverVersion(ensemble.connectString([1])) });
      const admin = createClient(ensemble.connectString(), { sessionTimeoutMs: 30_000 });
      try {
        await admin.waitForConnected({ timeoutMs: CONNECT_TIMEOUT_MS });
        await admin.create(basePath, null);
        await admin.create(paths.dataPath, data);
      } finally {
        await admin.close();
      }
      io.progress(`ensemble ${name}: ${ensemble.connectString()}, leader member ${await ensemble.leader()}\n`);
    }
    if (options.serverWarmupMs > 0) {
      for (const t of targets) {
        io.progress(`warming up ${t.name} for ${options.serverWarmupMs} ms\n`);
        const opened = await openCoord({ connectString: t.ensemble.connectString(), connectTimeoutMs: CONNECT_TIMEOUT_MS });
        if (!opened.ok) throw new Error(`${t.name}: ${opened.reason}`);
        try {
          for (const workload of ['setData', 'getData'] as const) {
            const loop = await runLoop(workloadOp(workload, opened.client, paths, data, 'sw'), SERVER_WARMUP_CONCURRENCY, { kind: 'duration', ms: Math.max(1, Math.round(options.serverWarmupMs / 2)) });
            if (loop.error !== undefined) throw new Error(`${t.name}: warm-up ${workload} failed: ${loop.error.message}`);
          }
        } finally {
          await opened.client.close().catch(() => undefined);
        }
      }
    }

    const cells: CellState[][] = ensembleCells(options).map((key, i) =>
      options.servers.map((_, k) => ({ ...key, server: options.servers[(k + i) % options.servers.length] as ServerName, rounds: [], member: undefined, error: undefined })),
    );
    for (let round = 1; round <= options.rounds; round++) {
      for (const cell of cells) {
        for (const state of cell) {
          const target = targets.find((t) => t.name === state.server);
          if (target !== undefined) await measure(state, target, round, paths, data, options, io);
        }
      }
    }
    const results: EnsembleCellResult[] = cells.flat().map((s) => {
      const base = { workload: s.workload, concurrency: s.concurrency, connectTo: s.connectTo, server: s.server, ...(s.member === undefined ? {} : { member: s.member }) };
      return s.error !== undefined ? { ...base, error: s.error } : { ...base, summary: summarizeRounds(s.rounds) };
    });
    const { jsonPath: _jsonPath, ...settings } = options;
    const report: EnsembleBenchReport = {
      date: new Date().toISOString(),
      command,
      environment: benchEnvironment(loadAtStart),
      servers: targets.map((t) => ({ name: t.name, how: t.how, connectString: t.ensemble.connectString(), version: t.version })),
      settings,
      results,
      elapsedSeconds: (performance.now() - startedAt) / 1000,
    };
    await publishReport(io, renderEnsembleReport(report), report, options.jsonPath);
    return report;
  } finally {
    process.off('SIGINT', onSignal);
    io.progress('stopping the ensembles\n');
    await Promise.all(targets.map((t) => t.ensemble.stop()));
  }
}

async function measure(state: CellState, target: Target, round: number, paths: WorkloadPaths, data: Buffer, options: EnsembleBenchOptions, io: BenchOutput): Promise<void> {
  if (state.error !== undefined) return;
  const label = `[round ${round}/${options.rounds}] ${state.workload} x${state.concurrency} ${state.server} (client on the ${state.connectTo}`;
  try {
    const member = await memberFor(target.ensemble, state.connectTo);
    state.member = member;
    const opened = await openCoord({ connectString: target.ensemble.connectString([member]), connectTimeoutMs: CONNECT_TIMEOUT_MS });
    if (!opened.ok) throw new Error(opened.reason);
    try {
      const tag = `${round}-${state.connectTo}-${state.concurrency}`;
      if (options.warmupMs > 0) {
        const warm = await runLoop(workloadOp(state.workload, opened.client, paths, data, `${tag}w`), state.concurrency, { kind: 'duration', ms: options.warmupMs });
        if (warm.error !== undefined) throw new Error(`during warm-up: ${warm.error.message}`);
      }
      const loop = await runLoop(workloadOp(state.workload, opened.client, paths, data, `${tag}m`), state.concurrency, { kind: 'duration', ms: options.durationMs });
      if (loop.error !== undefined) throw loop.error;
      state.rounds.push(loop);
      const s = summarize(loop.latencies, loop.elapsedMs, loop.cpuMs);
      io.progress(`${label}, member ${member}): ${formatOpsPerSec(s.opsPerSec)} ops/s, p50 ${formatMs(s.p50Ms)} ms, p99 ${formatMs(s.p99Ms)} ms (${s.ops} ops)\n`);
    } finally {
      await opened.client.close().catch(() => undefined);
    }
  } catch (err) {
    state.error = err instanceof Error ? err.message : String(err);
    io.progress(`${label}): ERROR ${state.error}\n`);
  }
}
