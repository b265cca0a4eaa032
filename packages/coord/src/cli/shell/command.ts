import { isatty } from 'node:tty';
import { InvalidArgumentError, type Command } from 'commander';
import type { CoordClient } from '../../client/client.js';
import type { WatchEvent } from '../../client/types.js';
import { startOwnApacheZooKeeper, type OwnServer } from './apache.js';
import { startOwnCoordServer } from './embedded.js';
import { COMMANDS } from './commands/index.js';
import { connect } from './connect.js';
import { DEFAULT_SERVER, DEFAULT_TIMEOUT_MS, shellHelpText } from './help-text.js';
import { historyFilePath } from './history.js';
import { formatWatchedEvent } from './messages.js';
import { ConsoleOutput } from './output.js';
import { runRepl } from './repl.js';
import { runLine, type ShellEnv } from './runner.js';
import { runScript } from './script.js';

interface ShellOptions {
  readonly server?: string;
  readonly startApache?: boolean;
  readonly startServer?: boolean;
  readonly timeout: number;
  readonly command?: string;
  readonly interactive?: boolean;
  readonly stopOnError?: boolean;
}

const EXIT_FAILED = 1;
const EXIT_CANNOT_START = 2;
const EXIT_BROKEN_PIPE = 141;
const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function parseTimeout(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive number of milliseconds');
  return n;
}

/** `coord shell`: an interactive and scriptable ZooKeeper shell in the spirit of zkCli.sh. */
export function registerShellCommand(program: Command): void {
  program
    .command('shell')
    .description('an interactive and scriptable ZooKeeper shell (zkCli.sh commands and output)')
    .option('--server <connectString>', `host:port,...[/chroot] to connect to (default: $COORD_CONNECT or ${DEFAULT_SERVER})`)
    .option('--start-server', 'start an embedded coord server (in memory, no Java) on a free port, connect to it, stop it on exit')
    .option('--start-apache', 'start a throw-away Apache ZooKeeper on a free port, connect to it, stop it on exit')
    .option('--timeout <ms>', 'session timeout; also how long to wait for a connection before giving up', parseTimeout, DEFAULT_TIMEOUT_MS)
    .option('-c, --command <command>', 'run this one command and exit (stdin is not read)')
    .option('-i, --interactive', 'prompt and keep going after errors even when stdin is not a terminal')
    .option('--stop-on-error', 'script mode: stop at the first failing line instead of running the rest')
    .addHelpText('after', shellHelpText(COMMANDS))
    .action(async (options: ShellOptions, command: Command) => {
      const sources = [options.server !== undefined && '--server', options.startApache === true && '--start-apache', options.startServer === true && '--start-server'].filter(Boolean);
      if (sources.length > 1) command.error(`error: ${sources.join(' and ')} cannot be used together`);
      process.exitCode = await runShell(options);
    });
}

async function runShell(options: ShellOptions): Promise<number> {
  const io = new ConsoleOutput(process.stdout, process.stderr);
  const interactive = options.command === undefined && (options.interactive === true || isatty(0));
  const abort = new AbortController();
  let server: OwnServer | undefined;
  let client: CoordClient | undefined;
  let released: Promise<void> | undefined;
  const release = (): Promise<void> => {
    released ??= (async () => {
      await client?.close();
      await server?.stop();
    })();
    return released;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    abort.abort(new Error(`interrupted by ${signal}`));
    io.err(`Interrupted by ${signal}; closing`);
    void release().finally(() => process.exit(SIGNAL_EXIT_CODES[signal] ?? EXIT_FAILED));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  // `coord shell < script | head -1`: stdout closes early; stop quietly, as shell pipelines expect.
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    io.silence();
    abort.abort(err);
    void release().finally(() => process.exit(err.code === 'EPIPE' ? EXIT_BROKEN_PIPE : EXIT_FAILED));
  };
  process.stdout.on('error', onStdoutError);

  try {
    if (options.startServer === true) {
      server = await startOwnCoordServer((line) => io.err(line));
    }
    if (options.startApache === true) {
      try {
        server = await startOwnApacheZooKeeper((line) => io.err(line));
      } catch (err) {
        io.err(`coord shell: could not start Apache ZooKeeper: ${err instanceof Error ? err.message : String(err)}`);
        return EXIT_CANNOT_START;
      }
    }
    const connectString = server?.connectString ?? options.server ?? process.env['COORD_CONNECT'] ?? DEFAULT_SERVER;
    if (interactive) io.err(`Connecting to ${connectString}...`);
    try {
      client = await connect({ connectString, timeoutMs: options.timeout, notice: (line) => io.err(line), announceConnect: interactive });
    } catch (err) {
      io.err(`coord shell: ${err instanceof Error ? err.message : String(err)}`);
      return EXIT_CANNOT_START;
    }
    const connected = client;
    const env: ShellEnv & { io: ConsoleOutput } = {
      client: connected,
      io,
      watcher: (event: WatchEvent) => {
        for (const line of formatWatchedEvent(event, connected.state === 'readOnly')) io.out(line);
      },
      commands: COMMANDS,
      timeZone: undefined,
    };

    if (options.command !== undefined) {
      return (await runLine(env, options.command, abort.signal)) === 'failed' ? EXIT_FAILED : 0;
    }
    if (interactive) {
      io.err('Type help for the commands, quit to leave.');
      await runRepl(env, {
        input: process.stdin,
        output: process.stdout,
        terminal: isatty(0) && isatty(1),
        historyFile: historyFilePath(process.env),
        host: () => connected.connectedHost ?? connectString,
      });
      return 0;
    }
    const result = await runScript(env, process.stdin, { stopOnError: options.stopOnError === true, signal: abort.signal });
    return result.failures > 0 ? EXIT_FAILED : 0;
  } finally {
    await release();
    for (const s of signals) process.off(s, onSignal);
    process.stdout.off('error', onStdoutError);
    // stdin may still be open (quit before the end of a piped script); it must not keep us alive.
    if (options.command === undefined) process.stdin.destroy();
  }
}
