/**
 * Options of `coord bench ensemble`, parsed from the raw strings commander hands over. Pure.
 * Defaults: 3 rounds × 2 ensembles × 2 connection points × (3 write + 2 read cells) × (0.2 s
 * warm-up + 1 s) ≈ 2.5 min, plus starting six server processes. A CI smoke run:
 * `--rounds 1 --duration-ms 200 --warmup-ms 0 --server-warmup-ms 0`.
 */
import { BenchOptionError, MAX_CONCURRENCY, MAX_DATA_BYTES, MAX_ROUNDS, parseIntList, parseNameList, parseNonNegativeInt, parsePositiveInt } from './options.js';
import { SERVER_NAMES, type ServerName } from './server-options.js';

export const CONNECT_POINTS = ['follower', 'leader'] as const;
/** Which member the measured client's connect string names. */
export type ConnectPoint = (typeof CONNECT_POINTS)[number];

export interface EnsembleBenchOptions {
  readonly servers: readonly ServerName[];
  readonly connectTo: readonly ConnectPoint[];
  /** setData cells, outstanding requests each. */
  readonly writeConcurrency: readonly number[];
  /** getData cells. */
  readonly readConcurrency: readonly number[];
  readonly durationMs: number;
  readonly rounds: number;
  readonly warmupMs: number;
  /** Unmeasured load on each ensemble before round 1 (both JITs warm). */
  readonly serverWarmupMs: number;
  readonly dataBytes: number;
  readonly tickTimeMs: number;
  readonly jsonPath: string | undefined;
}

export interface RawEnsembleBenchOptions {
  readonly servers?: string;
  readonly connectTo?: string;
  readonly writeConcurrency?: string;
  readonly readConcurrency?: string;
  readonly durationMs?: string;
  readonly rounds?: string;
  readonly warmupMs?: string;
  readonly serverWarmupMs?: string;
  readonly dataBytes?: string;
  readonly tickTime?: string;
  readonly json?: string;
}

export const ENSEMBLE_DEFAULTS = {
  servers: SERVER_NAMES.join(','),
  connectTo: CONNECT_POINTS.join(','),
  writeConcurrency: '1,16,256',
  readConcurrency: '16,256',
  durationMs: 1_000,
  rounds: 3,
  warmupMs: 200,
  serverWarmupMs: 2_000,
  dataBytes: 100,
  tickTimeMs: 2_000,
} as const;

export function parseEnsembleBenchOptions(raw: RawEnsembleBenchOptions): EnsembleBenchOptions {
  const jsonPath = raw.json?.trim();
  if (jsonPath === '') throw new BenchOptionError('--json needs a file name');
  return {
    servers: parseNameList('server', raw.servers ?? ENSEMBLE_DEFAULTS.servers, SERVER_NAMES),
    connectTo: parseNameList('connection point', raw.connectTo ?? ENSEMBLE_DEFAULTS.connectTo, CONNECT_POINTS),
    writeConcurrency: parseIntList('--write-concurrency', raw.writeConcurrency ?? ENSEMBLE_DEFAULTS.writeConcurrency, MAX_CONCURRENCY),
    readConcurrency: parseIntList('--read-concurrency', raw.readConcurrency ?? ENSEMBLE_DEFAULTS.readConcurrency, MAX_CONCURRENCY),
    durationMs: raw.durationMs === undefined ? ENSEMBLE_DEFAULTS.durationMs : parsePositiveInt('--duration-ms', raw.durationMs),
    rounds: raw.rounds === undefined ? ENSEMBLE_DEFAULTS.rounds : parsePositiveInt('--rounds', raw.rounds, MAX_ROUNDS),
    warmupMs: raw.warmupMs === undefined ? ENSEMBLE_DEFAULTS.warmupMs : parseNonNegativeInt('--warmup-ms', raw.warmupMs),
    serverWarmupMs: raw.serverWarmupMs === undefined ? ENSEMBLE_DEFAULTS.serverWarmupMs : parseNonNegativeInt('--server-warmup-ms', raw.serverWarmupMs),
    dataBytes: raw.dataBytes === undefined ? ENSEMBLE_DEFAULTS.dataBytes : parseNonNegativeInt('--data-bytes', raw.dataBytes, MAX_DATA_BYTES),
    tickTimeMs: raw.tickTime === undefined ? ENSEMBLE_DEFAULTS.tickTimeMs : parsePositiveInt('--tick-time', raw.tickTime, 60_000),
    jsonPath,
  };
}
