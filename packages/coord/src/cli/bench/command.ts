import type { Command } from 'commander';
import { BenchOptionError, CLIENT_NAMES, DEFAULTS, parseClientBenchOptions, WORKLOAD_NAMES, type ClientBenchOptions, type RawClientBenchOptions } from './options.js';
import { runClientBench } from './run.js';
import { parseServerBenchOptions, SERVER_DEFAULTS, SERVER_NAMES, SERVER_WORKLOAD_NAMES, type RawServerBenchOptions, type ServerBenchOptions } from './server-options.js';
import { runServerBench } from './server-run.js';
import { registerRecipesBench } from './recipes-command.js';
import { registerEnsembleBench } from './ensemble-command.js';

/** `coord bench <suite>`: benchmarks that report ratios against a reference measured in the same run. */
export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('benchmarks, always as ratios against a reference measured in the same run');

  bench
    .command('client')
    .description('client throughput and latency: coord vs node-zookeeper-client vs the zookeeper C binding, against one Apache ZooKeeper')
    .option('--clients <list>', `libraries to measure (${CLIENT_NAMES.join(',')})`, DEFAULTS.clients)
    .option('--workloads <list>', `workloads (${WORKLOAD_NAMES.join(',')})`, DEFAULTS.workloads)
    .option('--concurrency <list>', 'outstanding requests per cell (workers sharing one client)', DEFAULTS.concurrency)
    .option('--duration-ms <ms>', `measure each cell for this long (default: ${DEFAULTS.durationMs})`)
    .option('--ops <n>', 'measure each cell for this many ops instead of a fixed time')
    .option('--rounds <n>', 'measure every cell this many times, interleaved; ops/s is the median', String(DEFAULTS.rounds))
    .option('--warmup-ms <ms>', 'warm-up before each measured cell', String(DEFAULTS.warmupMs))
    .option('--data-bytes <n>', 'payload size of setData and create', String(DEFAULTS.dataBytes))
    .option('--json <file>', 'also write the full results as JSON')
    .option('--connect <hosts>', 'use this running server instead of starting Apache ZooKeeper')
    .option('--zookeeper-module <name|dir>', 'where to load the C-binding "zookeeper" package from', DEFAULTS.zookeeperModule)
    .action(async (raw: RawClientBenchOptions, cmd: Command) => {
      const options: ClientBenchOptions = parseOrExit(raw, cmd, parseClientBenchOptions);
      const command = ['coord', ...process.argv.slice(2)].join(' ');
      const report = await runClientBench(options, command, {
        out: (text) => process.stdout.write(text),
        progress: (text) => process.stderr.write(text),
      });
      if (report.results.some((r) => r.error !== undefined)) process.exitCode = 1;
    });

  bench
    .command('server')
    .description("server throughput and latency: coord standalone (own process) vs Apache ZooKeeper standalone, both driven by coord's client")
    .option('--servers <list>', `servers to measure (${SERVER_NAMES.join(',')})`, SERVER_DEFAULTS.servers)
    .option('--workloads <list>', `workloads (${SERVER_WORKLOAD_NAMES.join(',')}; watch = notification latency)`, SERVER_DEFAULTS.workloads)
    .option('--concurrency <list>', 'outstanding requests per cell (workers sharing one client)', SERVER_DEFAULTS.concurrency)
    .option('--duration-ms <ms>', `measure each cell for this long (default: ${SERVER_DEFAULTS.durationMs})`)
    .option('--ops <n>', 'measure each cell for this many ops (watch: this many notifications) instead of a fixed time')
    .option('--rounds <n>', 'measure every cell this many times, interleaved; ops/s is the median', String(SERVER_DEFAULTS.rounds))
    .option('--warmup-ms <ms>', 'warm-up before each measured cell', String(SERVER_DEFAULTS.warmupMs))
    .option('--server-warmup-ms <ms>', 'unmeasured load on each server before the first round', String(SERVER_DEFAULTS.serverWarmupMs))
    .option('--data-bytes <n>', 'payload size of setData and create', String(SERVER_DEFAULTS.dataBytes))
    .option('--json <file>', 'also write the full results as JSON')
    .option('--coord-cpu-prof <dir>', 'write a V8 CPU profile of the coord server process (node --cpu-prof) to this directory')
    .option('--fsync <on|off>', 'on: coord forceSync on and Apache forceSync=yes; off: coord forceSync off and Apache forceSync=no', SERVER_DEFAULTS.fsync)
    .option('--restart-znodes <n>', 'znodes to create before the restart measurement (0 skips it)', String(SERVER_DEFAULTS.restartZnodes))
    .action(async (raw: RawServerBenchOptions, cmd: Command) => {
      const options: ServerBenchOptions = parseOrExit(raw, cmd, parseServerBenchOptions);
      const command = ['coord', ...process.argv.slice(2)].join(' ');
      const report = await runServerBench(options, command, {
        out: (text) => process.stdout.write(text),
        progress: (text) => process.stderr.write(text),
      });
      if (report.results.some((r) => r.error !== undefined) || report.restarts.some((r) => r.error !== undefined)) process.exitCode = 1;
    });

  registerRecipesBench(bench, parseOrExit);
  registerEnsembleBench(bench, parseOrExit);
}

/** Bad options end the command with commander's usage error (exit code 1), not a stack trace. */
function parseOrExit<R, O>(raw: R, cmd: Command, parse: (raw: R) => O): O {
  try {
    return parse(raw);
  } catch (err) {
    if (err instanceof BenchOptionError) cmd.error(`error: ${err.message}`);
    throw err;
  }
}
