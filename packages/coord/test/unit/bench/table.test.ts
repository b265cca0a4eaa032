import { describe, expect, it } from 'vitest';
import type { Summary } from '../../../src/cli/bench/latency.js';
import {
  cpuRatio,
  formatCpuTable,
  formatMs,
  formatOpsPerSec,
  formatRatio,
  formatResultTable,
  ratioTargets,
  renderMarkdown,
  throughputRatio,
  type CellResult,
} from '../../../src/cli/bench/table.js';

function summary(opsPerSec: number, p50Ms: number, p99Ms: number, cpuUsPerOp = 10): Summary {
  return { ops: opsPerSec, elapsedMs: 1000, opsPerSec, p50Ms, p99Ms, cpuUsPerOp, opsPerSecByRound: [opsPerSec] };
}

const results: CellResult[] = [
  { workload: 'getData', concurrency: 1, client: 'coord', summary: summary(5000, 0.19, 0.51, 40) },
  { workload: 'getData', concurrency: 1, client: 'nzc', summary: summary(2500, 0.38, 1.2, 80) },
  { workload: 'getData', concurrency: 256, client: 'coord', summary: summary(30000, 8.4, 31.5, 11) },
  { workload: 'getData', concurrency: 256, client: 'nzc', error: 'connection lost' },
];

describe('number formatting', () => {
  it('ops/s are whole numbers', () => {
    expect(formatOpsPerSec(12345.6)).toBe('12346');
    expect(formatOpsPerSec(Number.NaN)).toBe('-');
  });

  it('milliseconds keep about three significant digits', () => {
    expect(formatMs(0.01234)).toBe('0.0123');
    expect(formatMs(0.4123)).toBe('0.412');
    expect(formatMs(4.123)).toBe('4.12');
    expect(formatMs(41.23)).toBe('41.2');
    expect(formatMs(412.3)).toBe('412');
    expect(formatMs(Number.POSITIVE_INFINITY)).toBe('-');
  });

  it('ratios have two decimals and an x', () => {
    expect(formatRatio(2)).toBe('2.00x');
    expect(formatRatio(0.456)).toBe('0.46x');
    expect(formatRatio(Number.NaN)).toBe('-');
  });
});

describe('ratios', () => {
  it('throughput ratio is coord ops/s over the other library in the same cell', () => {
    expect(throughputRatio(results, 'getData', 1, 'nzc')).toBe(2);
  });

  it('CPU ratio is the other library over coord (above 1: coord is cheaper)', () => {
    expect(cpuRatio(results, 'getData', 1, 'nzc')).toBe(2);
  });

  it('a failed or missing cell gives NaN', () => {
    expect(throughputRatio(results, 'getData', 256, 'nzc')).toBeNaN();
    expect(throughputRatio(results, 'setData', 1, 'nzc')).toBeNaN();
    expect(cpuRatio(results, 'getData', 256, 'zookeeper')).toBeNaN();
  });

  it('ratio columns exist only when coord ran, one per other library', () => {
    expect(ratioTargets(['coord', 'nzc', 'zookeeper'])).toEqual(['nzc', 'zookeeper']);
    expect(ratioTargets(['nzc', 'coord'])).toEqual(['nzc']);
    expect(ratioTargets(['nzc', 'zookeeper'])).toEqual([]);
  });
});

describe('formatResultTable', () => {
  it('renders rows workload × outstanding, per-library columns and coord/X ratios', () => {
    const table = formatResultTable({ workloads: ['getData'], concurrency: [1, 256], clients: ['coord', 'nzc'], results });
    expect(table.split('\n')).toEqual([
      '| workload | outstanding | coord ops/s | coord p50 ms | coord p99 ms | nzc ops/s | nzc p50 ms | nzc p99 ms | coord/nzc |',
      '|:---------|:------------|------------:|-------------:|-------------:|----------:|-----------:|-----------:|----------:|',
      '| getData  | 1           |        5000 |        0.190 |        0.510 |      2500 |      0.380 |       1.20 |     2.00x |',
      '| getData  | 256         |       30000 |         8.40 |         31.5 |     error |          - |          - |         - |',
    ]);
  });

  it('has no ratio columns without coord', () => {
    const table = formatResultTable({ workloads: ['getData'], concurrency: [1], clients: ['nzc'], results });
    expect(table.split('\n')[0]).toBe('| workload | outstanding | nzc ops/s | nzc p50 ms | nzc p99 ms |');
  });
});

describe('formatCpuTable', () => {
  it('renders CPU per op and X/coord CPU ratios', () => {
    const table = formatCpuTable({ workloads: ['getData'], concurrency: [1], clients: ['coord', 'nzc'], results });
    expect(table.split('\n')).toEqual([
      '| workload | outstanding | coord CPU µs/op | nzc CPU µs/op | nzc/coord CPU |',
      '|:---------|:------------|----------------:|--------------:|--------------:|',
      '| getData  | 1           |            40.0 |          80.0 |         2.00x |',
    ]);
  });
});

describe('renderMarkdown', () => {
  it('pads every column to its widest cell, names left and numbers right', () => {
    expect(renderMarkdown(['name', 'n'], [['a', '1'], ['bb', '1000']], 1).split('\n')).toEqual([
      '| name |    n |',
      '|:-----|-----:|',
      '| a    |    1 |',
      '| bb   | 1000 |',
    ]);
  });
});
