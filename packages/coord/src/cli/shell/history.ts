import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const HISTORY_SIZE = 1000;

/** `$COORD_HISTORY` if set (empty: no history file), else `~/.coord_history`. */
export function historyFilePath(env: NodeJS.ProcessEnv): string | undefined {
  const configured = env['COORD_HISTORY'];
  if (configured !== undefined) return configured === '' ? undefined : configured;
  return join(homedir(), '.coord_history');
}

/** The saved history, newest first as readline wants it; empty when there is none or it cannot be read. */
export function loadHistory(file: string | undefined): string[] {
  if (file === undefined) return [];
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(-HISTORY_SIZE)
      .reverse();
  } catch {
    return [];
  }
}

/** Saves readline's history (newest first) oldest first, one command a line. Returns an error message if it could not. */
export function saveHistory(file: string | undefined, newestFirst: readonly string[]): string | undefined {
  if (file === undefined) return undefined;
  try {
    writeFileSync(file, [...newestFirst].slice(0, HISTORY_SIZE).reverse().map((l) => `${l}\n`).join(''), { mode: 0o600 });
    return undefined;
  } catch (err) {
    return `could not save history to ${file}: ${err instanceof Error ? err.message : String(err)}`;
  }
}
