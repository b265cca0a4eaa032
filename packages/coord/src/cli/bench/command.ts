import type { Command } from 'commander';
import { BenchOptionError, CLIENT_NAMES, DEFAULTS, parseClientBenchOptions, WORKLOAD_NAMES, type ClientBenchOptions, type RawClientBenchOptions } from './options.js';
import { runClientBench } from './run.js';

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
      const options = parseOrExit(raw, cmd);
      const command = ['coord', ...process.argv.slice(2)].join(' ');
      const report = await runClientBench(options, command, {
        out: (text) => process.stdout.write(text),
        progress: (text) => process.stderr.write(text),
      });
      if (report.results.some((r) => r.error !== undefined)) process.exitCode = 1;
    });
}

/** Bad options end the command with commander's usage error (exit code 1), not a stack trace. */
function parseOrExit(raw: RawClientBenchOptions, cmd: Command): ClientBenchOptions {
  try {
    return parseClientBenchOptions(raw);
  } catch (err) {
    if (err instanceof BenchOptionError) cmd.error(`error: ${err.message}`);
    throw err;
  }
}
