import { InvalidArgumentError, type Command } from 'commander';
import { runEnsemble } from './run.js';

export interface EnsembleCommandOptions {
  readonly size: number;
  readonly observers: number;
  readonly tickTime: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  readonly dataDir?: string;
  readonly apache?: boolean;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
}

function integer(min: number, max: number): (text: string) => number {
  return (text) => {
    if (!/^[0-9]+$/.test(text.trim())) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    const n = Number(text.trim());
    if (n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

function level(text: string): EnsembleCommandOptions['logLevel'] {
  if (text === 'error' || text === 'warn' || text === 'info' || text === 'debug') return text;
  throw new InvalidArgumentError('expected error, warn, info or debug');
}

const HELP_AFTER = `
Starts every member as its own process (\`coord server <zoo.cfg>\`, or Apache ZooKeeper's
QuorumPeerMain with --apache) on free loopback ports, each with its own dataDir, myid and zoo.cfg
(server.N=127.0.0.1:<quorumPort>:<electionPort>[:observer];<clientPort>). Prints the connect
string, the members and who leads, then reports leader changes and members that exit, until
Ctrl-C stops every member. Without --data-dir the data lives in a temporary directory that is
removed on exit; with it, member-<N>/data/ is kept and reused by the next run.

Examples:
  coord ensemble --size 3
  coord ensemble --size 3 --observers 1 --tick-time 500
  coord ensemble --size 5 --data-dir ./ensemble-data`;

/** `coord ensemble`: a local multi-process ensemble in one command. */
export function registerEnsembleCommand(program: Command): void {
  program
    .command('ensemble')
    .description('start a local ensemble (one process per member) and keep it running until Ctrl-C')
    .option('--size <n>', 'voting members', integer(1, 15), 3)
    .option('--observers <n>', 'observers (non-voting members)', integer(0, 15), 0)
    .option('--tick-time <ms>', 'tickTime', integer(1, 60_000), 2_000)
    .option('--init-limit <ticks>', 'initLimit', integer(1, 1_000), 10)
    .option('--sync-limit <ticks>', 'syncLimit', integer(1, 1_000), 5)
    .option('--data-dir <dir>', 'keep the members\' directories here (default: a temporary directory, removed on exit)')
    .option('--apache', 'run Apache ZooKeeper members instead of coord (needs the Debian zookeeper package or ZOOKEEPER_HOME)')
    .option('--log-level <level>', 'members\' log level (error|warn|info|debug); their output is shown only when one fails', level, 'warn')
    .addHelpText('after', HELP_AFTER)
    .action(async (options: EnsembleCommandOptions) => {
      process.exitCode = await runEnsemble(options, {
        out: (text) => process.stdout.write(text),
        progress: (text) => process.stderr.write(text),
      });
    });
}
