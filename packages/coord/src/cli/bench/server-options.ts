/**
 * Options of `coord bench server`, parsed from the raw strings commander hands over. Pure: no
 * I/O, so every rule is unit-tested. The defaults keep the whole run near 90 seconds:
 * 3 rounds × 2 servers × (9 cells + 1 watch cell) × (0.2 s warm-up + 1 s measurement) = 72 s,
 * plus 2 × 3 s of server warm-up, server start-up and connects; then the restart row, which
 * creates --restart-znodes znodes on each server and restarts it (minutes at 1,000,000).
 */
import {
  BenchOptionError,
  DEFAULTS as CLIENT_DEFAULTS,
  MAX_CONCURRENCY,
  MAX_DATA_BYTES,
  MAX_ROUNDS,
  parseIntList,
  parseNameList,
  parseNonNegativeInt,
  parsePositiveInt,
  WORKLOAD_NAMES,
  type StopRule,
  type WorkloadName,
} from './options.js';

export const SERVER_NAMES = ['coord', 'apache'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

/** The client bench's workloads plus `watch`: notification latency (one write at a time). */
export const SERVER_WORKLOAD_NAMES = [...WORKLOAD_NAMES, 'watch'] as const;
export type ServerWorkloadName = (typeof SERVER_WORKLOAD_NAMES)[number];

export interface ServerBenchOptions {
  readonly servers: readonly ServerName[];
  /** The request workloads (measured at every concurrency), in the order given. */
  readonly workloads: readonly WorkloadName[];
  /** Whether the watch-notification row is measured. */
  readonly watch: boolean;
  readonly concurrency: readonly number[];
  readonly stop: StopRule;
  readonly rounds: number;
  readonly warmupMs: number;
  /** Unmeasured load on each server before round 1, so both JITs (V8's and the JVM's) have compiled the hot paths. */
  readonly serverWarmupMs: number;
  readonly dataBytes: number;
  readonly jsonPath: string | undefined;
  /** Directory for a V8 CPU profile of the coord server process (`node --cpu-prof`); undefined for none. */
  readonly coordCpuProfDir: string | undefined;
  /**
   * true (the default): coord persists to a temporary dataDir with forceSync on and Apache runs
   * with forceSync=yes; false: coord forceSync off, Apache forceSync=no (both still write their logs).
   */
  readonly fsync: boolean;
  /** Znodes created before the restart measurement; 0 skips the restart row. */
  readonly restartZnodes: number;
}

export interface RawServerBenchOptions {
  readonly servers?: string;
  readonly workloads?: string;
  readonly concurrency?: string;
  readonly durationMs?: string;
  readonly ops?: string;
  readonly rounds?: string;
  readonly warmupMs?: string;
  readonly serverWarmupMs?: string;
  readonly dataBytes?: string;
  readonly json?: string;
  readonly coordCpuProf?: string;
  readonly fsync?: string;
  readonly restartZnodes?: string;
}

export const SERVER_DEFAULTS = {
  servers: 'coord,apache',
  workloads: 'getData,setData,createDelete,watch',
  concurrency: CLIENT_DEFAULTS.concurrency,
  durationMs: CLIENT_DEFAULTS.durationMs,
  rounds: CLIENT_DEFAULTS.rounds,
  warmupMs: CLIENT_DEFAULTS.warmupMs,
  serverWarmupMs: 3_000,
  dataBytes: CLIENT_DEFAULTS.dataBytes,
  fsync: 'on',
  restartZnodes: 1_000_000,
} as const;

/** More znodes than this would not fit Apache ZooKeeper's 1 GB bench heap. */
export const MAX_RESTART_ZNODES = 2_000_000;

/** `on` or `off` (also yes/no, true/false), case-insensitive. */
export function parseOnOff(flag: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'on' || v === 'yes' || v === 'true') return true;
  if (v === 'off' || v === 'no' || v === 'false') return false;
  throw new BenchOptionError(`${flag} must be on or off, not ${JSON.stringify(value)}`);
}

export function parseServerBenchOptions(raw: RawServerBenchOptions): ServerBenchOptions {
  if (raw.durationMs !== undefined && raw.ops !== undefined) {
    throw new BenchOptionError('give either --duration-ms or --ops, not both');
  }
  const stop: StopRule =
    raw.ops !== undefined
      ? { kind: 'ops', count: parsePositiveInt('--ops', raw.ops) }
      : { kind: 'duration', ms: raw.durationMs === undefined ? SERVER_DEFAULTS.durationMs : parsePositiveInt('--duration-ms', raw.durationMs) };
  const jsonPath = raw.json?.trim();
  if (jsonPath === '') throw new BenchOptionError('--json needs a file name');
  const coordCpuProfDir = raw.coordCpuProf?.trim();
  if (coordCpuProfDir === '') throw new BenchOptionError('--coord-cpu-prof needs a directory');
  const servers = parseNameList('server', raw.servers ?? SERVER_DEFAULTS.servers, SERVER_NAMES);
  const all = parseNameList('workload', raw.workloads ?? SERVER_DEFAULTS.workloads, SERVER_WORKLOAD_NAMES);
  const workloads = all.filter((w): w is WorkloadName => w !== 'watch');
  return {
    servers,
    workloads,
    watch: all.includes('watch'),
    concurrency: parseIntList('--concurrency', raw.concurrency ?? SERVER_DEFAULTS.concurrency, MAX_CONCURRENCY),
    stop,
    rounds: raw.rounds === undefined ? SERVER_DEFAULTS.rounds : parsePositiveInt('--rounds', raw.rounds, MAX_ROUNDS),
    warmupMs: raw.warmupMs === undefined ? SERVER_DEFAULTS.warmupMs : parseNonNegativeInt('--warmup-ms', raw.warmupMs),
    serverWarmupMs: raw.serverWarmupMs === undefined ? SERVER_DEFAULTS.serverWarmupMs : parseNonNegativeInt('--server-warmup-ms', raw.serverWarmupMs),
    dataBytes: raw.dataBytes === undefined ? SERVER_DEFAULTS.dataBytes : parseNonNegativeInt('--data-bytes', raw.dataBytes, MAX_DATA_BYTES),
    jsonPath,
    coordCpuProfDir,
    fsync: parseOnOff('--fsync', raw.fsync ?? SERVER_DEFAULTS.fsync),
    restartZnodes: raw.restartZnodes === undefined ? SERVER_DEFAULTS.restartZnodes : parseNonNegativeInt('--restart-znodes', raw.restartZnodes, MAX_RESTART_ZNODES),
  };
}
