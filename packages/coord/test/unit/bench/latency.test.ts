import { describe, expect, it } from 'vitest';
import { LatencyRecorder, median, percentile, summarize, summarizeRounds } from '../../../src/cli/bench/latency.js';

function recorder(values: readonly number[], capacity = 16): LatencyRecorder {
  const r = new LatencyRecorder(capacity);
  for (const v of values) r.record(v);
  return r;
}

describe('percentile (nearest rank)', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('returns the smallest sample with at least p% of samples at or below it', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 1)).toBe(1);
    expect(percentile(hundred, 0.5)).toBe(1);
  });

  it('never interpolates: the result is an observed sample', () => {
    const samples = [1, 10];
    expect(percentile(samples, 50)).toBe(1);
    expect(percentile(samples, 51)).toBe(10);
    expect(percentile(samples, 99)).toBe(10);
  });

  it('handles one sample and no samples', () => {
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('rejects percentiles outside (0, 100]', () => {
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('p99 of 1000 samples is the 990th smallest', () => {
    const samples = Float64Array.from({ length: 1000 }, (_, i) => i);
    expect(percentile(samples, 99)).toBe(989);
  });
});

describe('LatencyRecorder', () => {
  it('grows past its initial capacity and sorts numerically, not as strings', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i * 37) % 101);
    values.push(1000, 2, 0.5);
    const r = recorder(values);
    expect(r.length).toBe(103);
    const sorted = Array.from(r.sorted());
    expect(sorted).toEqual([...values].sort((a, b) => a - b));
    expect(sorted.at(-1)).toBe(1000);
  });

  it('sorted() is a copy: recording more does not change an earlier result', () => {
    const r = recorder([3, 1, 2]);
    const before = r.sorted();
    r.record(0);
    expect(Array.from(before)).toEqual([1, 2, 3]);
    expect(Array.from(r.sorted())).toEqual([0, 1, 2, 3]);
  });

  it('append() adds every sample of another recorder', () => {
    const a = recorder([1, 2]);
    a.append(recorder([3, 4, 5]));
    expect(Array.from(a.sorted())).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
    expect(median([])).toBeNaN();
  });
});

describe('summarize', () => {
  it('computes throughput over the elapsed time, percentiles and CPU per op', () => {
    const s = summarize(recorder([1, 2, 3, 4]), 2_000, 8);
    expect(s.ops).toBe(4);
    expect(s.opsPerSec).toBe(2);
    expect(s.p50Ms).toBe(2);
    expect(s.p99Ms).toBe(4);
    expect(s.cpuUsPerOp).toBe(2_000);
    expect(s.opsPerSecByRound).toEqual([2]);
  });

  it('CPU per op is NaN when CPU was not measured, throughput NaN without elapsed time', () => {
    expect(summarize(recorder([1]), 10).cpuUsPerOp).toBeNaN();
    expect(summarize(recorder([1]), 0).opsPerSec).toBeNaN();
  });
});

describe('summarizeRounds', () => {
  it('takes the median round throughput, pooled percentiles and total CPU over total ops', () => {
    const s = summarizeRounds([
      { latencies: recorder([1, 1]), elapsedMs: 1_000, cpuMs: 1 }, // 2 ops/s
      { latencies: recorder(Array.from({ length: 10 }, () => 5)), elapsedMs: 1_000, cpuMs: 2 }, // 10 ops/s
      { latencies: recorder([9, 9, 9, 9]), elapsedMs: 1_000, cpuMs: 3 }, // 4 ops/s
    ]);
    expect(s.opsPerSecByRound).toEqual([2, 10, 4]);
    expect(s.opsPerSec).toBe(4);
    expect(s.ops).toBe(16);
    expect(s.elapsedMs).toBe(3_000);
    expect(s.p50Ms).toBe(5);
    expect(s.p99Ms).toBe(9);
    expect(s.cpuUsPerOp).toBe((6 * 1000) / 16);
  });

  it('one disturbed round does not move the median throughput', () => {
    const round = (ops: number) => ({ latencies: recorder(Array.from({ length: ops }, () => 1)), elapsedMs: 1_000, cpuMs: 0 });
    expect(summarizeRounds([round(100), round(3), round(102)]).opsPerSec).toBe(100);
  });
});
