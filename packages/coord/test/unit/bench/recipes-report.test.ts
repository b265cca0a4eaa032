import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../../../src/cli/bench/latency.js';
import {
  formatRecipesTable,
  handoffSummary,
  recipesRows,
  renderRecipesReport,
  rowRatio,
  summarizeFailovers,
  type RecipesBenchReport,
  type RecipesServerResult,
} from '../../../src/cli/bench/recipes-report.js';

function recorder(values: readonly number[]): LatencyRecorder {
  const r = new LatencyRecorder();
  for (const v of values) r.record(v);
  return r;
}

function result(server: 'coord' | 'apache', handoffMs: number, gracefulMs: readonly number[], crashMs: readonly number[]): RecipesServerResult {
  return {
    server,
    handoffs: [
      { contenders: 1, summary: handoffSummary([{ latencies: recorder(Array.from({ length: 100 }, () => handoffMs)), elapsedMs: 100 * handoffMs, cpuMs: Number.NaN }]) },
      { contenders: 10, error: 'session expired' },
    ],
    graceful: { summary: summarizeFailovers(gracefulMs) },
    crash: { summary: summarizeFailovers(crashMs), negotiatedTimeoutMs: 4000 },
  };
}

describe('summarizeFailovers', () => {
  it('gives the nearest-rank p50, the median and the max', () => {
    expect(summarizeFailovers([5, 1, 3, 2])).toEqual({ count: 4, p50Ms: 2, medianMs: 2.5, maxMs: 5, samplesMs: [5, 1, 3, 2] });
  });

  it('is NaN without samples', () => {
    const s = summarizeFailovers([]);
    expect(s.count).toBe(0);
    expect(s.p50Ms).toBeNaN();
    expect(s.medianMs).toBeNaN();
    expect(s.maxMs).toBeNaN();
  });
});

describe('rowRatio', () => {
  it('is apache/coord for times and coord/apache for rates, so above 1 coord is better', () => {
    expect(rowRatio('time', 2, 6)).toBe(3);
    expect(rowRatio('rate', 600, 200)).toBe(3);
  });

  it('is NaN when a side is missing or zero', () => {
    expect(rowRatio('time', Number.NaN, 1)).toBeNaN();
    expect(rowRatio('time', 0, 1)).toBeNaN();
    expect(rowRatio('rate', 1, 0)).toBeNaN();
  });
});

describe('recipesRows', () => {
  const results = [result('coord', 1, [1, 2, 3], [4100, 4300, 4200]), result('apache', 4, [2, 2, 8], [5900, 5800, 6000])];
  const rows = recipesRows([1, 10], results);

  it('has p50, p99 and hand-offs/s per contender count, then graceful p50/max and crash median/max', () => {
    expect(rows.map((r) => r.label)).toEqual([
      'lock hand-off, 1 contender: p50 ms',
      'lock hand-off, 1 contender: p99 ms',
      'lock hand-off, 1 contender: hand-offs/s',
      'lock hand-off, 10 contenders: p50 ms',
      'lock hand-off, 10 contenders: p99 ms',
      'lock hand-off, 10 contenders: hand-offs/s',
      'leader failover, graceful close: p50 ms',
      'leader failover, graceful close: max ms',
      'leader failover, crash (4 s session): median ms',
      'leader failover, crash (4 s session): max ms',
    ]);
  });

  it('puts the numbers in the right columns with the right ratio', () => {
    expect(rows[0]).toEqual({ label: 'lock hand-off, 1 contender: p50 ms', kind: 'time', coord: 1, apache: 4, ratio: 4 });
    expect(rows[2]).toMatchObject({ kind: 'rate', coord: 1000, apache: 250, ratio: 4 });
    expect(rows[6]).toMatchObject({ coord: 2, apache: 2, ratio: 1 });
    expect(rows[7]).toMatchObject({ coord: 3, apache: 8 });
    expect(rows[8]).toMatchObject({ coord: 4200, apache: 5900 });
    expect(rows[9]).toMatchObject({ coord: 4300, apache: 6000 });
  });

  it('leaves a failed cell empty', () => {
    expect(rows[3]?.coord).toBeNaN();
    expect(rows[3]?.ratio).toBeNaN();
    expect(formatRecipesTable(rows)).toMatch(/^\| lock hand-off, 10 contenders: p50 ms +\| +- \| +- \| +- \|$/m);
  });

  it('renders one table with the ratio direction in the header, the load average and the errors', () => {
    const report: RecipesBenchReport = {
      date: '2026-11-27T00:00:00.000Z',
      command: 'coord bench recipes',
      environment: { node: 'v20', platform: 'linux-x64', cpus: 2, cpuModel: 'cpu', loadAverage: { start: 1.5, end: 2.25 } },
      servers: [{ name: 'coord', how: 'coord standalone', version: undefined }],
      settings: { rounds: 1, handoffs: 100, contenders: [1, 10], failovers: 3, crashFailovers: 3 },
      results,
      rows,
      elapsedSeconds: 61,
    };
    const text = renderRecipesReport(report);
    expect(text).toContain('| measurement ');
    expect(text).toContain('ratio (>1 = coord better)');
    expect(text).toMatch(/^\| lock hand-off, 1 contender: hand-offs\/s +\| +1000 \| +250 \| +4\.00x \|$/m);
    expect(text).toContain('load average 1.50 at start, 2.25 at end');
    expect(text).toContain('error: coord hand-off x10: session expired');
    expect(text.match(/^\|:-/gm)).toHaveLength(1);
  });
});
