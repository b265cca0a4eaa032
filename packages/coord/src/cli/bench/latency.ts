/**
 * Latency samples and their summary. Pure: the caller measures, this only stores and sorts.
 */

/** Per-operation latencies in milliseconds, in a growable Float64Array (no per-sample objects). */
export class LatencyRecorder {
  private samples: Float64Array;
  private count = 0;

  constructor(initialCapacity = 4096) {
    this.samples = new Float64Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.count;
  }

  record(ms: number): void {
    if (this.count === this.samples.length) {
      const next = new Float64Array(this.samples.length * 2);
      next.set(this.samples);
      this.samples = next;
    }
    this.samples[this.count++] = ms;
  }

  /** Adds every sample of another recorder. */
  append(other: LatencyRecorder): void {
    for (let i = 0; i < other.count; i++) this.record(other.samples[i] as number);
  }

  /** A sorted copy of the samples (ascending). */
  sorted(): Float64Array {
    return this.samples.slice(0, this.count).sort();
  }
}

/**
 * The p-th percentile (0 < p <= 100) of ascending samples by the nearest-rank method: the
 * smallest sample such that at least p% of all samples are <= it. No interpolation, so the
 * result is always a latency that was really observed. NaN when there are no samples.
 */
export function percentile(sortedAscending: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const n = sortedAscending.length;
  if (n === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * n);
  return sortedAscending[Math.min(n, Math.max(1, rank)) - 1] as number;
}

export interface Summary {
  readonly ops: number;
  readonly elapsedMs: number;
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Client-process CPU time per op in microseconds (NaN when not measured). */
  readonly cpuUsPerOp: number;
  /** Throughput of each round, in the order run (one entry when there was one round). */
  readonly opsPerSecByRound: readonly number[];
}

/** Throughput over the measured wall time, the median and 99th percentile latency, CPU per op. */
export function summarize(latencies: LatencyRecorder, elapsedMs: number, cpuMs: number = Number.NaN): Summary {
  return summarizeRounds([{ latencies, elapsedMs, cpuMs }]);
}

/** One measured loop of one cell. */
export interface RoundSample {
  readonly latencies: LatencyRecorder;
  readonly elapsedMs: number;
  readonly cpuMs: number;
}

/**
 * Several rounds of the same cell, run at different times: throughput is the median of the
 * rounds' ops/s (one disturbed round, e.g. a server GC, does not move it), latency percentiles
 * are over every sample of every round, CPU per op is total CPU over total ops.
 */
export function summarizeRounds(rounds: readonly RoundSample[]): Summary {
  const pooled = new LatencyRecorder(rounds.reduce((n, r) => n + r.latencies.length, 0));
  let elapsedMs = 0;
  let cpuMs = 0;
  const perRound: number[] = [];
  for (const r of rounds) {
    pooled.append(r.latencies);
    elapsedMs += r.elapsedMs;
    cpuMs += r.cpuMs;
    perRound.push(r.elapsedMs > 0 ? (r.latencies.length * 1000) / r.elapsedMs : Number.NaN);
  }
  const sorted = pooled.sorted();
  const ops = sorted.length;
  return {
    ops,
    elapsedMs,
    opsPerSec: median(perRound),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    cpuUsPerOp: ops > 0 ? (cpuMs * 1000) / ops : Number.NaN,
    opsPerSecByRound: perRound,
  };
}

/** The median (mean of the middle two for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
