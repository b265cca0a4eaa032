/**
 * Options of `coord drill leader-kill` and `coord drill partition`, parsed from the raw strings
 * commander hands over. Pure: no I/O.
 */
import { BenchOptionError, parsePositiveInt } from '../bench/options.js';

export const DRILL_TARGETS = ['coord', 'apache'] as const;
export type DrillTarget = (typeof DRILL_TARGETS)[number];

export interface LeaderKillOptions {
  /** In the order they run. */
  readonly targets: readonly DrillTarget[];
  readonly kills: number;
  readonly writers: number;
  readonly tickTimeMs: number;
  readonly jsonPath: string | undefined;
}

export interface PartitionOptions {
  readonly target: DrillTarget;
  readonly writers: number;
  readonly tickTimeMs: number;
  readonly syncLimit: number;
  readonly jsonPath: string | undefined;
}

export interface RawLeaderKillOptions {
  readonly target?: string;
  readonly kills?: string;
  readonly writers?: string;
  readonly tickTime?: string;
  readonly json?: string;
}

export interface RawPartitionOptions {
  readonly target?: string;
  readonly writers?: string;
  readonly tickTime?: string;
  readonly syncLimit?: string;
  readonly json?: string;
}

export const LEADER_KILL_DEFAULTS = { target: 'both', kills: 20, writers: 4, tickTimeMs: 2_000 } as const;
/** tickTime 1 s, syncLimit 2: the majority must elect within 2 × 1 s + 1 s. */
export const PARTITION_DEFAULTS = { target: 'coord', writers: 4, tickTimeMs: 1_000, syncLimit: 2 } as const;

const MAX_KILLS = 1_000;
const MAX_WRITERS = 256;
const MAX_TICK_MS = 60_000;
const MAX_SYNC_LIMIT = 100;

function parseTarget(raw: string, allowBoth: boolean): DrillTarget[] {
  const value = raw.trim().toLowerCase();
  if (allowBoth && value === 'both') return ['apache', 'coord'];
  const found = DRILL_TARGETS.find((t) => t === value);
  if (found === undefined) throw new BenchOptionError(`--target must be ${[...DRILL_TARGETS, ...(allowBoth ? ['both'] : [])].join(', ')}, not ${JSON.stringify(raw)}`);
  return [found];
}

function parseJson(raw: string | undefined): string | undefined {
  const path = raw?.trim();
  if (path === '') throw new BenchOptionError('--json needs a file name');
  return path;
}

export function parseLeaderKillOptions(raw: RawLeaderKillOptions): LeaderKillOptions {
  return {
    targets: parseTarget(raw.target ?? LEADER_KILL_DEFAULTS.target, true),
    kills: raw.kills === undefined ? LEADER_KILL_DEFAULTS.kills : parsePositiveInt('--kills', raw.kills, MAX_KILLS),
    writers: raw.writers === undefined ? LEADER_KILL_DEFAULTS.writers : parsePositiveInt('--writers', raw.writers, MAX_WRITERS),
    tickTimeMs: raw.tickTime === undefined ? LEADER_KILL_DEFAULTS.tickTimeMs : parsePositiveInt('--tick-time', raw.tickTime, MAX_TICK_MS),
    jsonPath: parseJson(raw.json),
  };
}

export function parsePartitionOptions(raw: RawPartitionOptions): PartitionOptions {
  const [target] = parseTarget(raw.target ?? PARTITION_DEFAULTS.target, false);
  return {
    target: target ?? 'coord',
    writers: raw.writers === undefined ? PARTITION_DEFAULTS.writers : parsePositiveInt('--writers', raw.writers, MAX_WRITERS),
    tickTimeMs: raw.tickTime === undefined ? PARTITION_DEFAULTS.tickTimeMs : parsePositiveInt('--tick-time', raw.tickTime, MAX_TICK_MS),
    syncLimit: raw.syncLimit === undefined ? PARTITION_DEFAULTS.syncLimit : parsePositiveInt('--sync-limit', raw.syncLimit, MAX_SYNC_LIMIT),
    jsonPath: parseJson(raw.json),
  };
}
