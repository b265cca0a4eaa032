import { InvalidArgumentError, Option, type Command } from 'commander';
import { KNOWN_FOUR_LETTER_WORDS } from '../../config/index.js';
import { flagSettings, keyOptions } from './flags.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './logger.js';
import { runServer } from './run.js';

interface ServerCommandOptions {
  readonly inMemory?: boolean;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
}

function oneOf<T extends string>(values: readonly T[]): (text: string) => T {
  return (text) => {
    const found = values.find((v) => v === text);
    if (found === undefined) throw new InvalidArgumentError(`expected one of ${values.join(', ')}`);
    return found;
  };
}

const HELP_AFTER = `
The config file is a standard ZooKeeper zoo.cfg (Java properties: key=value, # and ! comments,
backslash continues a line). Every key has a flag; flags override the file. Unknown keys are
warned about and ignored; a bad value stops the server with exit code 2 and names the line.
4lw.commands.whitelist words: ${KNOWN_FOUR_LETTER_WORDS.join(', ')}, or *.

A zoo.cfg with server.N lines (more than one participant) runs this process as that ensemble's
member whose id is in <dataDir>/myid, as ZooKeeper's QuorumPeerMain does; role changes are logged
("LEADING epoch 3", "FOLLOWING 2") and srvr reports "Mode: leader|follower|observer".

Logs are pino JSON lines on stdout ("coord server listening on host:port" once ready).
SIGTERM or SIGINT stops the server cleanly (exit 0); a second signal exits at once.

Examples:
  coord server /etc/zookeeper/conf/zoo.cfg
  coord server --in-memory --port 2181 --log-format pretty
  coord server zoo.cfg --port 2182 --4lw-commands-whitelist ruok,srvr,mntr
  echo 2 > /var/lib/zookeeper/myid; coord server zoo.cfg   # zoo.cfg lists server.1..server.3`;

/** `coord server [zoo.cfg]`: a standalone coord server or an ensemble member, configured like Apache ZooKeeper. */
export function registerServerCommand(program: Command): void {
  const command = program
    .command('server')
    .description('run a coord server (standalone, or an ensemble member when zoo.cfg has server.N lines), configured by a ZooKeeper zoo.cfg and/or flags')
    .argument('[zoo.cfg]', 'a ZooKeeper config file (default: none; flags and ZooKeeper defaults only)');
  for (const option of keyOptions()) command.addOption(option);
  command
    .option('--in-memory', 'keep everything in memory: dataDir is not required and is ignored')
    .addOption(new Option('--log-format <format>', `log format (${LOG_FORMATS.join('|')})`).argParser(oneOf(LOG_FORMATS)).default('json'))
    .addOption(new Option('--log-level <level>', `least level logged (${LOG_LEVELS.join('|')})`).argParser(oneOf(LOG_LEVELS)).default('info'))
    .addHelpText('after', HELP_AFTER)
    .action(async (configFile: string | undefined, options: ServerCommandOptions, cmd: Command) => {
      const overrides = flagSettings(cmd.opts(), (flag) => cmd.options.find((o) => o.long === flag));
      process.exitCode = await runServer({
        configFile,
        overrides,
        inMemory: options.inMemory === true,
        logFormat: options.logFormat,
        logLevel: options.logLevel,
      });
    });
}
