import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createClient } from '../../client/client.js';
import { openCoord } from './adapters/coord.js';
import { BenchServers } from './bench-servers.js';
import { summarize, summarizeRounds, type RoundSample } from './latency.js';
import { REAL_CLOCKS, runLoop, type LoopResult } from './loop.js';
import { WORKLOAD_NAMES, type WorkloadName } from './options.js';
import { processCpuMs, processRssBytes } from './proc-stat.js';
import { benchEnvironment, CONNECT_TIMEOUT_MS, publishReport, serverVersion, type BenchOutput } from './run.js';
import type { ServerBenchOptions, ServerName, ServerWorkloadName } from './server-options.js';
import { runRestart, type RestartResult } from './server-restart.js';
import {
  durabilityNote,
  renderServerReport,
  rowKeys,
  serverRatioRows,
  type ServerBenchReport,
  type ServerCellResult,
  type ServerInfo,
} from './server-report.js';
import { formatMs, formatOpsPerSec } from './table.js';
import { NotificationLatch, runWatchLoop } from './watch.js';
import { workloadOp, type WorkloadPaths } from './workloads.js';

/** One server under test: where it listens, its process, and how to stop it. */
interface Target {
  readonly name: ServerName;
  readonly connectString: string;
  readonly pid: number;
  readonly how: string;
  readonly version: string | undefined;
  readonly paths: WorkloadPaths & { readonly watchPath: string };
}

interface CellState {
  readonly workload: ServerWorkloadName;
  readonly concurrency: number;
  readonly server: ServerName;
  readonly rounds: RoundSample[];
  /** Server CPU over the measured loops; NaN once a reading was not possible. */
  serverCpuMs: number;
  error: string | undefined;
}

interface Counters {
  /** Watch notifications no write was waiting for, over the whole run (expected 0). */
  strayNotifications: number;
}

const SESSION_TIMEOUT_MS = 30_000;
/** A notification later than this ends the watch cell with an error instead of hanging. */
const NOTIFY_TIMEOUT_MS = 10_000;
/** Outstanding requests during the unmeasured server warm-up. */
const SERVER_WARMUP_CONCURRENCY = 16;
const APACHE_HOW = "Apache ZooKeeper standalone, testing kit, jvm: 'throughput' (-Xmx1g -Xms1g -XX:+UseParallelGC, full JIT)";
const COORD_HOW = 'coord standalone (startServer), in its own Node process';

function apacheHow(fsync: boolean): string {
  return `${APACHE_HOW}, forceSync=${fsync ? 'yes' : 'no'}, dataDir in the kit's temporary directory`;
}

function coordHow(fsync: boolean, dataDir: string): string {
  return `${COORD_HOW}, dataDir ${dataDir}, forceSync ${fsync ? 'on' : 'off'}`;
}

/**
 * `coord bench server`: coord's own client, in this process, against coord's standalone server
 * (in a child Node process, so it has its own event loop and can take its own core, as the JVM
 * does) and against Apache ZooKeeper (a child JVM), both started by the bench and both running
 * for the whole bench. Cells are interleaved as in the client bench: round 1 of every cell for
 * every server, then round 2 ..., with the server order rotating from cell to cell. Each
 * measurement uses a fresh session. The server processes' CPU time is read from /proc around
 * each measured loop.
 * coord persists to a temporary dataDir and, with options.fsync (the default), fsyncs before
 * acknowledging; Apache then runs with forceSync=yes (forceSync=no without). After the
 * throughput rows both servers are stopped and the restart row (server-restart.ts) starts each
 * server again, one at a time, on a fresh dataDir.
 */
export async function runServerBench(options: ServerBenchOptions, command: string, io: BenchOutput): Promise<ServerBenchReport> {
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const startedAt = performance.now();
  const running = new BenchServers(io);
  try {
    const targets: Target[] = [];
    const counters: Counters = { strayNotifications: 0 };
    const data = Buffer.alloc(options.dataBytes, 0x61);
    const basePath = `/coord-bench-${process.pid}-${Date.now().toString(36)}`;
    const paths = { basePath, dataPath: `${basePath}/data`, watchPath: `${basePath}/watched` };
    for (const name of options.servers) {
      let connectString: string;
      let pid: number;
      if (name === 'coord') {
        ({ connectString, pid } = await running.startCoord('coord-bench-server-', { cpuProfDir: options.coordCpuProfDir, forceSync: options.fsync }));
      } else {
        io.progress(`starting Apache ZooKeeper (testing kit, throughput JVM, forceSync=${options.fsync ? 'yes' : 'no'})...\n`);
        const apache = await running.startApache({ tickTimeMs: 2_000, logLevel: 'warn', jvm: 'throughput', extraConfig: { forceSync: options.fsync ? 'yes' : 'no' } });
        ({ connectString, pid } = apache);
      }
      const version = await serverVersion(connectString);
      const admin = createClient(connectString, { sessionTimeoutMs: SESSION_TIMEOUT_MS });
      running.admins.push(admin);
      await admin.waitForConnected({ timeoutMs: CONNECT_TIMEOUT_MS });
      await admin.create(basePath, null);
      await admin.create(paths.dataPath, data);
      await admin.create(paths.watchPath, data);
      targets.push({ name, connectString, pid, how: name === 'coord' ? coordHow(options.fsync, running.coordDataDir ?? '?') : apacheHow(options.fsync), version, paths });
      io.progress(`server ${name}: ${connectString}, pid ${pid}${version === undefined ? '' : `, version ${version}`}\n`);
    }
    // The admin sessions stay open but idle for the whole run (they hold the nodes' creator).
    const byName = new Map(targets.map((t) => [t.name, t]));

    if (options.serverWarmupMs > 0) {
      for (const target of targets) await warmUpServer(target, data, options, io);
    }

    const cells: CellState[][] = rowKeys(options).map(({ workload, concurrency }, i) =>
      options.servers.map((_, k) => ({
        workload,
        concurrency,
        server: options.servers[(k + i) % options.servers.length] as ServerName,
        rounds: [],
        serverCpuMs: 0,
        error: undefined,
      })),
    );
    for (let round = 1; round <= options.rounds; round++) {
      for (const [index, cell] of cells.entries()) {
        for (const state of cell) {
          const target = byName.get(state.server);
          if (target !== undefined) await measure(state, target, `${round}-${index}`, round, data, options, counters, io);
        }
      }
    }

    const results: ServerCellResult[] = cells.flat().map((s) => {
      if (s.error !== undefined) return { workload: s.workload, concurrency: s.concurrency, server: s.server, serverCpuUsPerOp: null, error: s.error };
      const summary = summarizeRounds(s.rounds);
      const serverCpuUsPerOp = Number.isFinite(s.serverCpuMs) && summary.ops > 0 ? (s.serverCpuMs * 1000) / summary.ops : null;
      return { workload: s.workload, concurrency: s.concurrency, server: s.server, summary, serverCpuUsPerOp };
    });
    const servers: ServerInfo[] = targets.map((t) => ({
      name: t.name,
      connectString: t.connectString,
      pid: t.pid,
      version: t.version,
      how: t.how,
      rssBytesAtEnd: processRssBytes(t.pid) ?? null,
    }));
    // The throughput servers are done; the restart row starts its own servers, one at a time, on fresh dataDirs.
    await running.stop();
    const restarts: RestartResult[] = [];
    if (options.restartZnodes > 0) {
      for (const server of options.servers) restarts.push(await runRestart(server, options.restartZnodes, { fsync: options.fsync, progress: io.progress }));
    }
    const settings = {
      servers: options.servers,
      workloads: options.workloads,
      watch: options.watch,
      concurrency: options.concurrency,
      stop: options.stop,
      rounds: options.rounds,
      warmupMs: options.warmupMs,
      serverWarmupMs: options.serverWarmupMs,
      dataBytes: options.dataBytes,
      coordCpuProfDir: options.coordCpuProfDir,
      fsync: options.fsync,
      restartZnodes: options.restartZnodes,
    };
    const report: ServerBenchReport = {
      date: new Date().toISOString(),
      command,
      environment: benchEnvironment(loadAtStart),
      servers,
      durability: durabilityNote(options.fsync),
      settings,
      results,
      ratios: serverRatioRows(settings, results),
      strayNotifications: counters.strayNotifications,
      restarts,
      elapsedSeconds: (performance.now() - startedAt) / 1000,
    };
    await publishReport(io, renderServerReport(report), report, options.jsonPath);
    return report;
  } finally {
    await running.dispose();
    if (options.coordCpuProfDir !== undefined) io.progress(`coord server CPU profile: ${options.coordCpuProfDir}/*.cpuprofile\n`);
  }
}

/** Unmeasured load before round 1: every request workload in turn, so both servers' JITs have compiled the hot paths. */
async function warmUpServer(target: Target, data: Buffer, options: ServerBenchOptions, io: BenchOutput): Promise<void> {
  io.progress(`warming up ${target.name} for ${options.serverWarmupMs} ms\n`);
  const opened = await openCoord({ connectString: target.connectString, connectTimeoutMs: CONNECT_TIMEOUT_MS });
  if (!opened.ok) throw new Error(`server ${target.name}: ${opened.reason}`);
  try {
    const each = Math.max(1, Math.round(options.serverWarmupMs / WORKLOAD_NAMES.length));
    for (const workload of WORKLOAD_NAMES) {
      const loop = await runLoop(workloadOp(workload, opened.client, target.paths, data, `${target.name}-sw`), SERVER_WARMUP_CONCURRENCY, { kind: 'duration', ms: each });
      if (loop.error !== undefined) throw new Error(`server ${target.name}: warm-up ${workload} failed: ${loop.error.message}`);
    }
  } finally {
    await opened.client.close().catch(() => undefined);
  }
}

/** One round of one server in one cell: fresh session(s), a warm-up loop (discarded), the measured loop with the server's CPU read around it. */
async function measure(
  state: CellState,
  target: Target,
  tag: string,
  round: number,
  data: Buffer,
  options: ServerBenchOptions,
  counters: Counters,
  io: BenchOutput,
): Promise<void> {
  if (state.error !== undefined) return;
  const label = `[round ${round}/${options.rounds}] ${state.workload} x${state.concurrency} ${state.server}`;
  let loop: LoopResult;
  let serverCpuMs: number;
  try {
    const measured = state.workload === 'watch' ? await measureWatch(target, data, options, counters) : await measureRequests(state.workload, state.concurrency, target, tag, data, options);
    ({ loop, serverCpuMs } = measured);
  } catch (err) {
    state.error = err instanceof Error ? err.message : String(err);
    io.progress(`${label}: ERROR ${state.error}\n`);
    return;
  }
  state.rounds.push(loop);
  state.serverCpuMs += serverCpuMs;
  const s = summarize(loop.latencies, loop.elapsedMs, loop.cpuMs);
  const serverCpu = Number.isFinite(serverCpuMs) && s.ops > 0 ? `, server ${((serverCpuMs * 1000) / s.ops).toFixed(1)} µs CPU/op` : '';
  io.progress(`${label}: ${formatOpsPerSec(s.opsPerSec)} ops/s, p50 ${formatMs(s.p50Ms)} ms, p99 ${formatMs(s.p99Ms)} ms${serverCpu}, client ${s.cpuUsPerOp.toFixed(1)} µs CPU/op (${s.ops} ops)\n`);
}

/** Runs `body` with the server process's CPU time read just before and after; NaN when /proc cannot be read. */
async function withServerCpu(pid: number, body: () => Promise<LoopResult>): Promise<{ loop: LoopResult; serverCpuMs: number }> {
  const before = processCpuMs(pid);
  const loop = await body();
  const after = processCpuMs(pid);
  return { loop, serverCpuMs: before === undefined || after === undefined ? Number.NaN : after - before };
}

async function measureRequests(
  workload: WorkloadName,
  concurrency: number,
  target: Target,
  tag: string,
  data: Buffer,
  options: ServerBenchOptions,
): Promise<{ loop: LoopResult; serverCpuMs: number }> {
  const opened = await openCoord({ connectString: target.connectString, connectTimeoutMs: CONNECT_TIMEOUT_MS });
  if (!opened.ok) throw new Error(opened.reason);
  const client = opened.client;
  try {
    if (options.warmupMs > 0) {
      const warm = await runLoop(workloadOp(workload, client, target.paths, data, `${tag}w`), concurrency, { kind: 'duration', ms: options.warmupMs });
      if (warm.error !== undefined) throw new Error(`during warm-up: ${warm.error.message}`);
    }
    const measured = await withServerCpu(target.pid, () => runLoop(workloadOp(workload, client, target.paths, data, `${tag}m`), concurrency, options.stop));
    if (measured.loop.error !== undefined) throw measured.loop.error;
    return measured;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** A watcher session with a persistent watch on the node and a writer session that sets its data. */
async function measureWatch(target: Target, data: Buffer, options: ServerBenchOptions, counters: Counters): Promise<{ loop: LoopResult; serverCpuMs: number }> {
  const watcher = createClient(target.connectString, { sessionTimeoutMs: SESSION_TIMEOUT_MS });
  const writer = createClient(target.connectString, { sessionTimeoutMs: SESSION_TIMEOUT_MS });
  const latch = new NotificationLatch();
  try {
    await Promise.all([watcher.waitForConnected({ timeoutMs: CONNECT_TIMEOUT_MS }), writer.waitForConnected({ timeoutMs: CONNECT_TIMEOUT_MS })]);
    const path = target.paths.watchPath;
    await watcher.addWatch(path, 'PERSISTENT', (event) => {
      const at = REAL_CLOCKS.now();
      if (event.type === 'NodeDataChanged') latch.fire(at);
    });
    const write = () => writer.setData(path, data);
    if (options.warmupMs > 0) {
      const warm = await runWatchLoop(write, latch, { kind: 'duration', ms: options.warmupMs }, NOTIFY_TIMEOUT_MS);
      if (warm.error !== undefined) throw new Error(`during warm-up: ${warm.error.message}`);
    }
    const measured = await withServerCpu(target.pid, () => runWatchLoop(write, latch, options.stop, NOTIFY_TIMEOUT_MS));
    if (measured.loop.error !== undefined) throw measured.loop.error;
    return measured;
  } finally {
    counters.strayNotifications += latch.stray;
    await Promise.all([watcher.close().catch(() => undefined), writer.close().catch(() => undefined)]);
  }
}
