import type { Command } from 'commander';
import { BenchOptionError } from '../bench/options.js';
import type { BenchOutput } from '../bench/run.js';
import { leaderKillFailed, runLeaderKillDrill } from './leader-kill.js';
import { LEADER_KILL_DEFAULTS, PARTITION_DEFAULTS, parseLeaderKillOptions, parsePartitionOptions, type RawLeaderKillOptions, type RawPartitionOptions } from './options.js';
import { partitionFailed, runPartitionDrill } from './partition.js';

const IO: BenchOutput = {
  out: (text) => process.stdout.write(text),
  progress: (text) => process.stderr.write(text),
};

function parseOrExit<R, O>(raw: R, cmd: Command, parse: (raw: R) => O): O {
  try {
    return parse(raw);
  } catch (err) {
    if (err instanceof BenchOptionError) cmd.error(`error: ${err.message}`);
    throw err;
  }
}

const LEADER_KILL_HELP = `
Each target gets a fresh 3-member ensemble of separate processes on loopback (fsync on), and
--writers sessions of coord's client writing with one write outstanding each (sequential creates
and setData, unique values, every acknowledgement recorded). Each kill: find the leader (srvr),
kill -9 it, time kill -> new leader and kill -> first acknowledged write, restart the member and
wait until it serves. At the end every member is read back; an acknowledged write that is missing
anywhere is lost. Prints a timeline line per kill, a summary table per target and, with both
targets, the ratio of the medians. Exit code 1 if a write was lost or a target failed.

Examples:
  coord drill leader-kill                       # 20 kills, Apache then coord
  coord drill leader-kill --target apache --kills 2`;

const PARTITION_HELP = `
A 3-member ensemble whose peer links run through in-process TCP proxies (no root needed). Under
write load, the leader is cut off from both followers. Checks: the majority elects a new leader
within syncLimit x tickTime + 1 s; a client pinned to the old leader gets no write acknowledged
while it is cut off; after the heal the old leader rejoins as a follower (the sync mode, DIFF,
TRUNC or SNAP, is reported when the members log it); no acknowledged write is lost. Exit code 1
if any check fails.

Example:
  coord drill partition --target apache`;

/** `coord drill <name>`: failure drills against real multi-process ensembles, with measured timelines. */
export function registerDrillCommand(program: Command): void {
  const drill = program.command('drill').description('failure drills against local multi-process ensembles (coord and Apache ZooKeeper), with measured timelines');

  drill
    .command('leader-kill')
    .description('kill -9 the leader of a 3-node ensemble under write load, repeatedly; time re-election and the first write; count lost writes')
    .option('--target <coord|apache|both>', 'which ensemble(s) to drill', LEADER_KILL_DEFAULTS.target)
    .option('--kills <n>', 'leader kills per target', String(LEADER_KILL_DEFAULTS.kills))
    .option('--writers <n>', 'concurrent writer sessions', String(LEADER_KILL_DEFAULTS.writers))
    .option('--tick-time <ms>', 'tickTime of the ensembles', String(LEADER_KILL_DEFAULTS.tickTimeMs))
    .option('--json <file>', 'also write the full results as JSON')
    .addHelpText('after', LEADER_KILL_HELP)
    .action(async (raw: RawLeaderKillOptions, cmd: Command) => {
      const options = parseOrExit(raw, cmd, parseLeaderKillOptions);
      const report = await runLeaderKillDrill(options, ['coord', ...process.argv.slice(2)].join(' '), IO);
      if (leaderKillFailed(report)) process.exitCode = 1;
    });

  drill
    .command('partition')
    .description('cut the leader of a 3-node ensemble off from its followers through a TCP proxy mesh; check re-election, fencing, rejoin and data')
    .option('--target <coord|apache>', 'which ensemble to drill', PARTITION_DEFAULTS.target)
    .option('--writers <n>', 'concurrent writer sessions', String(PARTITION_DEFAULTS.writers))
    .option('--tick-time <ms>', 'tickTime of the ensemble', String(PARTITION_DEFAULTS.tickTimeMs))
    .option('--sync-limit <ticks>', 'syncLimit of the ensemble', String(PARTITION_DEFAULTS.syncLimit))
    .option('--json <file>', 'also write the full results as JSON')
    .addHelpText('after', PARTITION_HELP)
    .action(async (raw: RawPartitionOptions, cmd: Command) => {
      const options = parseOrExit(raw, cmd, parsePartitionOptions);
      const report = await runPartitionDrill(options, ['coord', ...process.argv.slice(2)].join(' '), IO);
      if (partitionFailed(report)) process.exitCode = 1;
    });
}
