/**
 * Options of `coord bench recipes`, parsed from the raw strings commander hands over. Pure: no
 * I/O, so every rule is unit-tested. The defaults (600 measured hand-offs per row and server)
 * keep the whole run near a minute: the hand-off rows take a few seconds per server, the graceful
 * failovers well under one, and each crash failover waits for a 4 s session to expire (4-6 s
 * with a 2 s tick, more on a loaded machine) on each server.
 */
import { BenchOptionError, MAX_ROUNDS, parseIntList, parsePositiveInt } from './options.js';

export interface RecipesBenchOptions {
  /** Measure every hand-off row this many times, interleaved across the servers. */
  readonly rounds: number;
  /** Measured hand-offs per row and round (after an unmeasured warm-up). */
  readonly handoffs: number;
  /** The contender counts, one hand-off row each, in the order given. */
  readonly contenders: readonly number[];
  /** Graceful failovers (leader closes its latch) per server. */
  readonly failovers: number;
  /** Crash failovers (leader cut off until its 4 s session expires) per server. */
  readonly crashFailovers: number;
  readonly jsonPath: string | undefined;
}

export interface RawRecipesBenchOptions {
  readonly rounds?: string;
  readonly handoffs?: string;
  readonly contenders?: string;
  readonly failovers?: string;
  readonly crashFailovers?: string;
  readonly json?: string;
}

export const RECIPES_DEFAULTS = {
  rounds: 3,
  handoffs: 200,
  contenders: '1,10,100',
  failovers: 10,
  crashFailovers: 3,
} as const;

/** Each contender is its own session; more than this would measure connection set-up, not the lock. */
export const MAX_CONTENDERS = 1000;
export const MAX_HANDOFFS = 1_000_000;
export const MAX_FAILOVERS = 1000;
export const MAX_CRASH_FAILOVERS = 50;

export function parseRecipesBenchOptions(raw: RawRecipesBenchOptions): RecipesBenchOptions {
  const jsonPath = raw.json?.trim();
  if (jsonPath === '') throw new BenchOptionError('--json needs a file name');
  return {
    rounds: raw.rounds === undefined ? RECIPES_DEFAULTS.rounds : parsePositiveInt('--rounds', raw.rounds, MAX_ROUNDS),
    handoffs: raw.handoffs === undefined ? RECIPES_DEFAULTS.handoffs : parsePositiveInt('--handoffs', raw.handoffs, MAX_HANDOFFS),
    contenders: parseIntList('--contenders', raw.contenders ?? RECIPES_DEFAULTS.contenders, MAX_CONTENDERS),
    failovers: raw.failovers === undefined ? RECIPES_DEFAULTS.failovers : parsePositiveInt('--failovers', raw.failovers, MAX_FAILOVERS),
    crashFailovers: raw.crashFailovers === undefined ? RECIPES_DEFAULTS.crashFailovers : parsePositiveInt('--crash-failovers', raw.crashFailovers, MAX_CRASH_FAILOVERS),
    jsonPath,
  };
}
