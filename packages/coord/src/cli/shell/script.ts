import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { runLine, type ShellEnv } from './runner.js';

export interface ScriptResult {
  /** Commands that failed. */
  readonly failures: number;
}

/**
 * Runs commands read line by line (stdin that is not a terminal): no prompt and no echo, only
 * each command's output. Blank lines and `#` comments are skipped; errors are prefixed with their
 * line number. Every line runs unless `stopOnError`; `quit` ends the script early.
 */
export async function runScript(env: ShellEnv, input: Readable, options: { stopOnError: boolean; signal: AbortSignal }): Promise<ScriptResult> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  let lineNumber = 0;
  let failures = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (options.signal.aborted) break;
      const result = await runLine(env, line, options.signal, `line ${lineNumber}: `);
      if (result === 'quit') break;
      if (result === 'failed') {
        failures++;
        if (options.stopOnError) {
          env.io.err(`Stopped at line ${lineNumber} (--stop-on-error); later lines were not run`);
          break;
        }
      }
    }
  } finally {
    lines.close();
  }
  return { failures };
}
