import type { CoordClient } from '../../client/client.js';
import type { Watcher } from '../../client/types.js';
import { findCommand } from './help.js';
import { describeError } from './messages.js';
import { QUIT, type CommandSpec, type ShellOutput } from './spec.js';
import { parseArgs, usageLine } from './syntax.js';
import { UsageError } from './usage-error.js';
import { isBlankOrComment, splitWords } from './words.js';

/** What the shell holds between commands. */
export interface ShellEnv {
  readonly client: CoordClient;
  readonly io: ShellOutput;
  readonly watcher: Watcher;
  readonly commands: readonly CommandSpec[];
  readonly timeZone: string | undefined;
}

/** `skipped`: blank or comment. `failed`: the error (and, for a usage error, the usage) went to stderr. */
export type LineResult = 'ok' | 'failed' | 'quit' | 'skipped';

/**
 * Runs one command line. Never throws: every failure is printed as one line on stderr
 * (prefixed with `errorPrefix`, e.g. `line 3: `), followed by the command's usage when the
 * user typed it wrong.
 */
export async function runLine(env: ShellEnv, line: string, signal: AbortSignal, errorPrefix = ''): Promise<LineResult> {
  if (isBlankOrComment(line)) return 'skipped';
  let command: CommandSpec | undefined;
  try {
    const [name, ...words] = splitWords(line);
    if (name === undefined) return 'skipped';
    command = findCommand(env.commands, name.text);
    if (command === undefined) {
      env.io.err(`${errorPrefix}Command not found: ${name.text} (type help for the list)`);
      return 'failed';
    }
    const args = parseArgs(command, words);
    const outcome = await command.run({ ...env, signal }, args);
    return outcome === QUIT ? 'quit' : 'ok';
  } catch (err) {
    if (err instanceof UsageError && command !== undefined) {
      env.io.err(`${errorPrefix}${command.name}: ${err.message}`);
      env.io.err(`Usage: ${usageLine(command)}`);
    } else {
      env.io.err(`${errorPrefix}${describeError(err)}`);
    }
    return 'failed';
  }
}
