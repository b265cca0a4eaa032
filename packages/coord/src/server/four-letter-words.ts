import { coreStatsSource } from './admin/core-source.js';
import { FOUR_LETTER_COMMANDS, runFourLetterCommand, type FourLetterCommand } from './admin/four-letter.js';
import type { ServerStatsSource } from './admin/stats-source.js';
import type { ServerCore } from './zk-server.js';

/**
 * Four-letter words on the client port (FourLetterCommands), in Apache's output format so
 * health checks and monitoring scripts parse them. Gated by a whitelist as
 * `4lw.commands.whitelist` does: `srvr` is always allowed (zkServer.sh needs it), everything
 * else only when listed or with `*`. Each command's formatting lives in ./admin/.
 */
export const FOUR_LETTER_WORDS = FOUR_LETTER_COMMANDS;
export type FourLetterWord = FourLetterCommand;

export { SERVER_VERSION } from './admin/version.js';

export interface FourLetterWordContext {
  readonly core: ServerCore;
  readonly startedAtMs: number;
  readonly nowMs: () => number;
  readonly whitelist: ReadonlySet<string> | '*';
  readonly clients: () => string[];
  /** The server's statistics; built from the fields above when absent. */
  readonly source?: ServerStatsSource;
}

// One adapter per server, so the counters it keeps (and resets) persist between commands.
const sources = new WeakMap<FourLetterWordContext, ServerStatsSource>();

function sourceOf(ctx: FourLetterWordContext): ServerStatsSource {
  if (ctx.source !== undefined) return ctx.source;
  let source = sources.get(ctx);
  if (source === undefined) {
    source = coreStatsSource({ core: ctx.core, startedAtMs: ctx.startedAtMs, nowMs: ctx.nowMs, clients: ctx.clients });
    sources.set(ctx, source);
  }
  return source;
}

/** Whether `word` may run under `whitelist` (FourLetterCommands.isEnabled). */
export function fourLetterWordEnabled(whitelist: ReadonlySet<string> | '*', word: FourLetterWord): boolean {
  return whitelist === '*' || whitelist.has('*') || word === 'srvr' || whitelist.has(word);
}

/** The answer to `word`, or undefined when it is not a four-letter word at all. */
export function answerFourLetterWord(ctx: FourLetterWordContext, word: string): string | undefined {
  if (!isFourLetterWord(word)) return undefined;
  if (!fourLetterWordEnabled(ctx.whitelist, word)) return `${word} is not executed because it is not in the whitelist.\n`;
  return runFourLetterCommand(sourceOf(ctx), word);
}

function isFourLetterWord(word: string): word is FourLetterWord {
  return (FOUR_LETTER_WORDS as readonly string[]).includes(word);
}
