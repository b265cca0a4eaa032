import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { createClient, type CoordClient } from '../../client/client.js';
import { parseConnectString } from '../../client/connect-string.js';
import { fourLetterWord, startApacheZooKeeper, type ApacheZooKeeper } from '../../testing/index.js';
import { openCoord } from './adapters/coord.js';
import { openNzc } from './adapters/nzc.js';
import type { OpenResult } from './adapters/types.js';
import { openZookeeperNative } from './adapters/zookeeper-native.js';
import { summarize, summarizeRounds, type RoundSample } from './latency.js';
import { runLoop } from './loop.js';
import type { ClientBenchOptions, ClientName, WorkloadName } from './options.js';
import { ratioRows, renderReport, type ClientBenchReport, type SkippedClient } from './report.js';
import { formatMs, formatOpsPerSec, type CellResult } from './table.js';
import { workloadOp, type WorkloadPaths } from './workloads.js';

/** The machine a bench ran on, for every report: results on a busy 2-core box need this context. */
export function benchEnvironment(loadAtStart: number) {
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? Number.NaN },
  };
}

/** Prints a bench's report and, when asked, writes it as JSON too. */
export async function publishReport(io: BenchOutput, text: string, report: unknown, jsonPath: string | undefined): Promise<void> {
  io.out(text);
  if (jsonPath === undefined) return;
  await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  io.progress(`wrote ${jsonPath}\n`);
}

export interface BenchOutput {
  /** The result (stdout). */
  out(text: string): void;
  /** Progress while running (stderr). */
  progress(text: string): void;
}

export const CONNECT_TIMEOUT_MS = 15_000;

function open(name: ClientName, connectString: string, options: ClientBenchOptions): Promise<OpenResult> {
  const common = { connectString, connectTimeoutMs: CONNECT_TIMEOUT_MS };
  switch (name) {
    case 'coord':
      return openCoord(common);
    case 'nzc':
      return openNzc(common);
    case 'zookeeper':
      return openZookeeperNative({ ...common, moduleSpecifier: options.zookeeperModule });
  }
}

/** The version `srvr` reports, or undefined when it cannot be read. */
export async function serverVersion(connectString: string): Promise<string | undefined> {
  try {
    const first = parseConnectString(connectString).hosts[0];
    if (first === undefined) return undefined;
    const srvr = await fourLetterWord(first.host, first.port, 'srvr', 2_000);
    return /version: ([^,\n]+)/i.exec(srvr)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/** The rounds measured so far for one library in one cell, or the error that ended them. */
interface CellState {
  readonly workload: WorkloadName;
  readonly concurrency: number;
  readonly client: ClientName;
  readonly rounds: RoundSample[];
  error: string | undefined;
}

type Opener = () => Promise<OpenResult>;

/**
 * `coord bench client`: one server; every library's client connected to it; every cell
 * (workload × outstanding requests) measured for every library in the same run, so ratios
 * compare like with like. Rounds interleave everything (round 1 of all cells, then round 2 ...)
 * and the library order rotates from cell to cell, so slow drift of the shared machine or the
 * server (GC, JIT, log rolls) spreads over all libraries instead of landing on one.
 *
 * Each library is connected only while it is measured (a fresh session per cell and round, set
 * up before the warm-up): an idle client is not free (an idle C-binding client used about
 * 3% of a core), and the CPU column must hold only the measured library's work.
 */
export async function runClientBench(options: ClientBenchOptions, command: string, io: BenchOutput): Promise<ClientBenchReport> {
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  let server: ApacheZooKeeper | undefined;
  let admin: CoordClient | undefined;
  const onSignal = () => {
    io.progress('interrupted: stopping the server\n');
    void (server?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  try {
    let connectString: string;
    if (options.connect === undefined) {
      io.progress('starting Apache ZooKeeper (testing kit)...\n');
      server = await startApacheZooKeeper({ tickTimeMs: 2_000, logLevel: 'warn', jvm: 'throughput' });
      connectString = server.connectString;
    } else {
      connectString = options.connect;
    }
    const version = await serverVersion(connectString);
    io.progress(`server ${connectString}${version === undefined ? '' : ` (ZooKeeper ${version})`}\n`);

    admin = createClient(connectString, { sessionTimeoutMs: 30_000 });
    await admin.waitForConnected({ timeoutMs: CONNECT_TIMEOUT_MS });
    const data = Buffer.alloc(options.dataBytes, 0x61);
    const basePath = `/coord-bench-${process.pid}-${Date.now().toString(36)}`;
    const paths: WorkloadPaths = { basePath, dataPath: `${basePath}/data` };
    await admin.create(basePath, null);
    await admin.create(paths.dataPath, data);

    // Probe every library once: the ones that cannot load or connect are skipped, with the reason.
    const skipped: SkippedClient[] = [];
    const ran: ClientName[] = [];
    const openers = new Map<ClientName, Opener>();
    for (const name of options.clients) {
      const opener: Opener = () => open(name, connectString, options);
      const result = await opener();
      if (result.ok) {
        await result.client.close();
        ran.push(name);
        openers.set(name, opener);
        io.progress(`client ${name}: ok\n`);
      } else {
        skipped.push({ client: name, reason: result.reason });
        io.progress(`client ${name}: SKIPPED: ${result.reason}\n`);
      }
    }

    const cells: CellState[][] = [];
    for (const workload of options.workloads) {
      for (const concurrency of options.concurrency) {
        const i = cells.length;
        // Rotate the library order per cell so none is always first or last.
        cells.push(ran.map((_, k) => ({ workload, concurrency, client: ran[(k + i) % ran.length] as ClientName, rounds: [], error: undefined })));
      }
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (const [index, cell] of cells.entries()) {
        for (const state of cell) {
          const opener = openers.get(state.client);
          if (opener !== undefined) await measure(state, opener, `${round}-${index}`, round, paths, data, options, io);
        }
      }
    }

    await admin.delete(paths.dataPath).catch(() => undefined);
    await admin.delete(basePath).catch((err: unknown) => io.progress(`cleanup: could not delete ${basePath}: ${err instanceof Error ? err.message : String(err)}\n`));

    const results: CellResult[] = cells.flat().map((s) =>
      s.error !== undefined
        ? { workload: s.workload, concurrency: s.concurrency, client: s.client, error: s.error }
        : { workload: s.workload, concurrency: s.concurrency, client: s.client, summary: summarizeRounds(s.rounds) },
    );
    const settings = {
      clients: options.clients,
      workloads: options.workloads,
      concurrency: options.concurrency,
      stop: options.stop,
      rounds: options.rounds,
      warmupMs: options.warmupMs,
      dataBytes: options.dataBytes,
      zookeeperModule: options.zookeeperModule,
    };
    const report: ClientBenchReport = {
      date: new Date().toISOString(),
      command,
      environment: benchEnvironment(loadAtStart),
      server: { connectString, startedByBench: server !== undefined, version },
      settings,
      ran,
      skipped,
      results,
      ratios: ratioRows(settings, ran, results),
    };
    await publishReport(io, renderReport(report), report, options.jsonPath);
    return report;
  } finally {
    process.off('SIGINT', onSignal);
    await admin?.close().catch(() => undefined);
    if (server !== undefined) {
      io.progress('stopping Apache ZooKeeper\n');
      await server.stop();
    }
  }
}

/** One round of one library in one cell: connect, a warm-up loop (discarded), the measured loop, close. */
async function measure(
  state: CellState,
  opener: Opener,
  tag: string,
  round: number,
  paths: WorkloadPaths,
  data: Buffer,
  options: ClientBenchOptions,
  io: BenchOutput,
): Promise<void> {
  if (state.error !== undefined) return;
  const { workload, concurrency } = state;
  const label = `[round ${round}/${options.rounds}] ${workload} x${concurrency} ${state.client}`;
  const fail = (message: string) => {
    state.error = message;
    io.progress(`${label}: ERROR ${message}\n`);
  };
  const opened = await opener();
  if (!opened.ok) {
    fail(`could not connect: ${opened.reason}`);
    return;
  }
  const client = opened.client;
  try {
    if (options.warmupMs > 0) {
      const warm = await runLoop(workloadOp(workload, client, paths, data, `${tag}w`), concurrency, { kind: 'duration', ms: options.warmupMs });
      if (warm.error !== undefined) {
        fail(`during warm-up: ${warm.error.message}`);
        return;
      }
    }
    const loop = await runLoop(workloadOp(workload, client, paths, data, `${tag}m`), concurrency, options.stop);
    if (loop.error !== undefined) {
      fail(loop.error.message);
      return;
    }
    state.rounds.push(loop);
    const s = summarize(loop.latencies, loop.elapsedMs, loop.cpuMs);
    io.progress(`${label}: ${formatOpsPerSec(s.opsPerSec)} ops/s, p50 ${formatMs(s.p50Ms)} ms, p99 ${formatMs(s.p99Ms)} ms, ${s.cpuUsPerOp.toFixed(1)} µs CPU/op (${s.ops} ops)\n`);
  } finally {
    await client.close().catch(() => undefined);
  }
}
