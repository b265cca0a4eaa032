import type { Command } from 'commander';
import { parseRecipesBenchOptions, RECIPES_DEFAULTS, type RawRecipesBenchOptions, type RecipesBenchOptions } from './recipes-options.js';
import { runRecipesBench } from './recipes-run.js';

/** How command.ts turns a bad option into commander's usage error. */
export type ParseOrExit = <R, O>(raw: R, cmd: Command, parse: (raw: R) => O) => O;

/** `coord bench recipes`: lock hand-off and leader failover, coord vs Apache ZooKeeper in the same run. */
export function registerRecipesBench(bench: Command, parseOrExit: ParseOrExit): void {
  bench
    .command('recipes')
    .description('Mutex hand-off latency and LeaderLatch failover time (graceful and crash): coord standalone vs Apache ZooKeeper, both with fsync, in one table')
    .option('--rounds <n>', 'measure every hand-off row this many times, interleaved; hand-offs/s is the median', String(RECIPES_DEFAULTS.rounds))
    .option('--handoffs <n>', 'measured hand-offs per contender count and round', String(RECIPES_DEFAULTS.handoffs))
    .option('--contenders <list>', 'contender counts, one hand-off row each (each contender is its own session)', RECIPES_DEFAULTS.contenders)
    .option('--failovers <n>', 'graceful leader failovers (close of the leader latch) per server', String(RECIPES_DEFAULTS.failovers))
    .option('--crash-failovers <n>', 'crash failovers (leader cut off until its 4 s session expires) per server', String(RECIPES_DEFAULTS.crashFailovers))
    .option('--json <file>', 'also write the full results as JSON')
    .action(async (raw: RawRecipesBenchOptions, cmd: Command) => {
      const options: RecipesBenchOptions = parseOrExit(raw, cmd, parseRecipesBenchOptions);
      const command = ['coord', ...process.argv.slice(2)].join(' ');
      const report = await runRecipesBench(options, command, {
        out: (text) => process.stdout.write(text),
        progress: (text) => process.stderr.write(text),
      });
      const failed = report.results.some((r) => r.handoffs.some((h) => h.error !== undefined) || r.graceful.error !== undefined || r.crash.error !== undefined);
      if (failed) process.exitCode = 1;
    });
}
