import { clearLine, createInterface, cursorTo } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createCompleter } from './completer.js';
import { HISTORY_SIZE, loadHistory, saveHistory } from './history.js';
import type { ConsoleOutput } from './output.js';
import { formatPrompt } from './prompt.js';
import { runLine, type ShellEnv } from './runner.js';

export interface ReplOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** A real terminal: line editing, history, completion, prompt redraw. False for `--interactive` on a pipe. */
  readonly terminal: boolean;
  readonly historyFile: string | undefined;
  /** The shown host: the server connected to, or the connect string. */
  readonly host: () => string;
}

/**
 * The interactive loop: prompt, read a line, run it, repeat until `quit`, Ctrl+D, or Ctrl+C on
 * an empty line. Ctrl+C while a command runs aborts that command; on a half-typed line it clears
 * the line. Errors never end the loop.
 */
export async function runRepl(env: ShellEnv & { readonly io: ConsoleOutput }, options: ReplOptions): Promise<void> {
  const { input, output, terminal } = options;
  const rl = createInterface({
    input,
    output,
    terminal,
    history: terminal ? loadHistory(options.historyFile) : [],
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    ...(terminal ? { completer: createCompleter(env.client, env.commands) } : {}),
  });
  let history: string[] = [];
  rl.on('history', (h: string[]) => {
    history = h;
  });
  let running: AbortController | undefined;
  rl.on('SIGINT', () => {
    if (running !== undefined) {
      running.abort(new Error('interrupted (Ctrl+C)'));
    } else if (rl.line !== '') {
      output.write('^C\n');
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      rl.prompt();
    } else {
      rl.close();
    }
  });
  const guard = terminal
    ? {
        before: () => {
          clearLine(output, 0);
          cursorTo(output, 0);
        },
        after: () => rl.prompt(true),
      }
    : undefined;

  let commandNumber = 0;
  const prompt = () => {
    rl.setPrompt(formatPrompt(options.host(), env.client.state, commandNumber));
    rl.prompt();
    env.io.setPromptGuard(guard);
  };
  prompt();
  let quit = false;
  try {
    for await (const line of rl) {
      env.io.setPromptGuard(undefined);
      running = new AbortController();
      const result = await runLine(env, line, running.signal);
      running = undefined;
      if (result === 'quit') {
        quit = true;
        break;
      }
      if (result !== 'skipped') commandNumber++;
      prompt();
    }
    // Ctrl+D leaves the cursor after the prompt; end the line for the user's shell.
    if (!quit && terminal) output.write('\n');
  } finally {
    env.io.setPromptGuard(undefined);
    rl.close();
    if (terminal) {
      const problem = saveHistory(options.historyFile, history);
      if (problem !== undefined) env.io.err(problem);
    }
  }
}
