import type { SummarySnapshot } from './stats-source.js';

/** Samples kept for quantiles: enough for stable p99s, small enough to sort on every scrape. */
const WINDOW = 1024;

/**
 * A running summary of samples (ZooKeeper's AvgMinMaxPercentileCounter): exact count, sum, min
 * and max since the last reset, and quantiles over the most recent {@link WINDOW} samples.
 */
export class Summary {
  private count = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private readonly recent: number[] = [];
  private next = 0;

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.recent.length < WINDOW) this.recent.push(value);
    else this.recent[this.next] = value;
    this.next = (this.next + 1) % WINDOW;
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    this.recent.length = 0;
    this.next = 0;
  }

  snapshot(): SummarySnapshot {
    const sorted = [...this.recent].sort((a, b) => a - b);
    const count = this.count;
    return {
      count,
      sum: this.sum,
      min: count === 0 ? 0 : this.min,
      max: count === 0 ? 0 : this.max,
      avg: count === 0 ? 0 : this.sum / count,
      quantile: (q) => quantileOf(sorted, q),
    };
  }
}

/** Nearest-rank quantile of sorted samples; NaN when there are none (as Prometheus reports it). */
export function quantileOf(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const EMPTY_SUMMARY: SummarySnapshot = new Summary().snapshot();
