import type { CoordClient } from '../../client/client.js';
import type { Watcher } from '../../client/types.js';
import type { CommandSyntax, ParsedArgs } from './syntax.js';

/** Where commands write: `out` is stdout (results), `err` is stderr (errors, notices). One line per call. */
export interface ShellOutput {
  out(line: string): void;
  err(line: string): void;
}

/** What a command runs with. */
export interface ShellContext {
  readonly client: CoordClient;
  readonly io: ShellOutput;
  /** Aborted when the user presses Ctrl+C while the command runs. */
  readonly signal: AbortSignal;
  /** The shell's default watcher: prints `WATCHER::` and the event, as zkCli does. */
  readonly watcher: Watcher;
  /** The whole table, for `help`. */
  readonly commands: readonly CommandSpec[];
  /** Time zone for ctime/mtime; undefined is the process's local zone. */
  readonly timeZone: string | undefined;
}

/** Returned by a command that ends the shell. */
export const QUIT = 'quit';

export interface CommandSpec extends CommandSyntax {
  readonly aliases?: readonly string[];
  /** One line for `help`. */
  readonly summary: string;
  /** More lines for `help <command>` (argument formats, defaults). */
  readonly notes?: readonly string[];
  run(ctx: ShellContext, args: ParsedArgs): Promise<typeof QUIT | void>;
}
