/**
 * Options of `coord bench client`, parsed from the raw strings commander hands over. Pure: no
 * I/O, so every rule is unit-tested. Defaults keep the whole default run under two minutes:
 * 3 rounds × 27 cells (3 workloads × 3 concurrencies × 3 libraries) × (0.2 s warm-up + 1 s
 * measurement) ≈ 97 s, plus server start and connects.
 */

export const CLIENT_NAMES = ['coord', 'nzc', 'zookeeper'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

export const WORKLOAD_NAMES = ['getData', 'setData', 'createDelete'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** When a measured loop stops: after a fixed time, or after a fixed number of operations. */
export type StopRule = { readonly kind: 'duration'; readonly ms: number } | { readonly kind: 'ops'; readonly count: number };

export interface ClientBenchOptions {
  readonly clients: readonly ClientName[];
  readonly workloads: readonly WorkloadName[];
  readonly concurrency: readonly number[];
  readonly stop: StopRule;
  /** Every cell is measured this many times, interleaved with the others; see summarizeRounds. */
  readonly rounds: number;
  readonly warmupMs: number;
  readonly dataBytes: number;
  readonly jsonPath: string | undefined;
  /** An existing server to measure against; undefined starts Apache ZooKeeper from the testing kit. */
  readonly connect: string | undefined;
  /** Where to load the C-binding `zookeeper` package from (a package name or a directory). */
  readonly zookeeperModule: string;
}

/** The raw option values, as commander gives them (all strings, all optional). */
export interface RawClientBenchOptions {
  readonly clients?: string;
  readonly workloads?: string;
  readonly concurrency?: string;
  readonly durationMs?: string;
  readonly ops?: string;
  readonly rounds?: string;
  readonly warmupMs?: string;
  readonly dataBytes?: string;
  readonly json?: string;
  readonly connect?: string;
  readonly zookeeperModule?: string;
}

export const DEFAULTS = {
  clients: 'coord,nzc,zookeeper',
  workloads: 'getData,setData,createDelete',
  concurrency: '1,16,256',
  durationMs: 1_000,
  rounds: 3,
  warmupMs: 200,
  dataBytes: 100,
  zookeeperModule: 'zookeeper',
} as const;

/** ZooKeeper's default jute.maxbuffer is just under 1 MiB; larger payloads are refused by the server. */
export const MAX_DATA_BYTES = 1_000_000;
export const MAX_CONCURRENCY = 10_000;
export const MAX_ROUNDS = 100;

export class BenchOptionError extends Error {
  override readonly name = 'BenchOptionError';
}

/** A comma-separated list of names from `allowed`, without duplicates, in the order given. */
export function parseNameList<T extends string>(what: string, raw: string, allowed: readonly T[]): T[] {
  const out: T[] = [];
  for (const part of splitList(what, raw)) {
    const name = allowed.find((a) => a === part);
    if (name === undefined) throw new BenchOptionError(`unknown ${what} "${part}" (choose from ${allowed.join(', ')})`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** A comma-separated list of positive integers, without duplicates, in the order given. */
export function parseIntList(what: string, raw: string, max: number): number[] {
  const out: number[] = [];
  for (const part of splitList(what, raw)) {
    const n = parsePositiveInt(what, part, max);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** A whole number in [1, max]; rejects "1e3", "2.5", "0x10", "" and the like. */
export function parsePositiveInt(what: string, raw: string, max: number = Number.MAX_SAFE_INTEGER): number {
  return parseIntInRange(what, raw, 1, max);
}

/** A whole number in [0, max] (a warm-up of 0 is allowed). */
export function parseNonNegativeInt(what: string, raw: string, max: number = Number.MAX_SAFE_INTEGER): number {
  return parseIntInRange(what, raw, 0, max);
}

function parseIntInRange(what: string, raw: string, min: number, max: number): number {
  const text = raw.trim();
  const kind = min > 0 ? 'a positive integer' : 'a whole number';
  if (!/^[0-9]+$/.test(text)) throw new BenchOptionError(`${what} must be ${kind}, got "${raw}"`);
  const n = Number(text);
  if (n < min || n > max) throw new BenchOptionError(`${what} must be between ${min} and ${max}, got ${text}`);
  return n;
}

function splitList(what: string, raw: string): string[] {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new BenchOptionError(`${what} list "${raw}" has an empty entry`);
  return parts;
}

export function parseClientBenchOptions(raw: RawClientBenchOptions): ClientBenchOptions {
  if (raw.durationMs !== undefined && raw.ops !== undefined) {
    throw new BenchOptionError('give either --duration-ms or --ops, not both');
  }
  const stop: StopRule =
    raw.ops !== undefined
      ? { kind: 'ops', count: parsePositiveInt('--ops', raw.ops) }
      : { kind: 'duration', ms: raw.durationMs === undefined ? DEFAULTS.durationMs : parsePositiveInt('--duration-ms', raw.durationMs) };
  const connect = raw.connect?.trim();
  if (connect === '') throw new BenchOptionError('--connect must not be empty');
  const zookeeperModule = (raw.zookeeperModule ?? DEFAULTS.zookeeperModule).trim();
  if (zookeeperModule === '') throw new BenchOptionError('--zookeeper-module must not be empty');
  const jsonPath = raw.json?.trim();
  if (jsonPath === '') throw new BenchOptionError('--json needs a file name');
  return {
    clients: parseNameList('client', raw.clients ?? DEFAULTS.clients, CLIENT_NAMES),
    workloads: parseNameList('workload', raw.workloads ?? DEFAULTS.workloads, WORKLOAD_NAMES),
    concurrency: parseIntList('--concurrency', raw.concurrency ?? DEFAULTS.concurrency, MAX_CONCURRENCY),
    stop,
    rounds: raw.rounds === undefined ? DEFAULTS.rounds : parsePositiveInt('--rounds', raw.rounds, MAX_ROUNDS),
    warmupMs: raw.warmupMs === undefined ? DEFAULTS.warmupMs : parseNonNegativeInt('--warmup-ms', raw.warmupMs),
    dataBytes: raw.dataBytes === undefined ? DEFAULTS.dataBytes : parseNonNegativeInt('--data-bytes', raw.dataBytes, MAX_DATA_BYTES),
    jsonPath,
    connect,
    zookeeperModule,
  };
}

/** How a stop rule reads in progress lines and the report header. */
export function describeStop(stop: StopRule): string {
  return stop.kind === 'duration' ? `${stop.ms} ms per cell` : `${stop.count} ops per cell`;
}
