import type { Command } from 'commander';
import { ENSEMBLE_DEFAULTS, parseEnsembleBenchOptions, type RawEnsembleBenchOptions } from './ensemble-options.js';
import { runEnsembleBench } from './ensemble-run.js';
import type { ParseOrExit } from './recipes-command.js';

/** `coord bench ensemble`: 3-member coord vs 3-member Apache ZooKeeper on loopback, same client, fsync on. */
export function registerEnsembleBench(bench: Command, parseOrExit: ParseOrExit): void {
  bench
    .command('ensemble')
    .description('3-member coord ensemble vs 3-member Apache ZooKeeper ensemble on loopback, fsync on, coord\'s client on a follower and on the leader: setData and getData throughput and latency, as ratios')
    .option('--servers <list>', 'ensembles to measure (coord,apache)', ENSEMBLE_DEFAULTS.servers)
    .option('--connect-to <list>', 'where the measured client connects (follower,leader)', ENSEMBLE_DEFAULTS.connectTo)
    .option('--write-concurrency <list>', 'outstanding setData requests per write cell', ENSEMBLE_DEFAULTS.writeConcurrency)
    .option('--read-concurrency <list>', 'outstanding getData requests per read cell', ENSEMBLE_DEFAULTS.readConcurrency)
    .option('--duration-ms <ms>', 'measure each cell for this long', String(ENSEMBLE_DEFAULTS.durationMs))
    .option('--rounds <n>', 'measure every cell this many times, interleaved; ops/s is the median', String(ENSEMBLE_DEFAULTS.rounds))
    .option('--warmup-ms <ms>', 'warm-up before each measured cell', String(ENSEMBLE_DEFAULTS.warmupMs))
    .option('--server-warmup-ms <ms>', 'unmeasured load on each ensemble before round 1', String(ENSEMBLE_DEFAULTS.serverWarmupMs))
    .option('--data-bytes <n>', 'payload size of setData', String(ENSEMBLE_DEFAULTS.dataBytes))
    .option('--tick-time <ms>', 'tickTime of both ensembles', String(ENSEMBLE_DEFAULTS.tickTimeMs))
    .option('--json <file>', 'also write the full results as JSON')
    .addHelpText('after', '\nA tiny run (CI): coord bench ensemble --rounds 1 --duration-ms 200 --warmup-ms 0 --server-warmup-ms 0')
    .action(async (raw: RawEnsembleBenchOptions, cmd: Command) => {
      const options = parseOrExit(raw, cmd, parseEnsembleBenchOptions);
      const report = await runEnsembleBench(options, ['coord', ...process.argv.slice(2)].join(' '), {
        out: (text) => process.stdout.write(text),
        progress: (text) => process.stderr.write(text),
      });
      if (report.results.some((r) => r.error !== undefined)) process.exitCode = 1;
    });
}
