import { describe, expect, it } from 'vitest';
import type { Summary } from '../../../src/cli/bench/latency.js';
import { ratioRows, renderReport, type ClientBenchReport } from '../../../src/cli/bench/report.js';
import type { CellResult } from '../../../src/cli/bench/table.js';

function summary(opsPerSec: number, cpuUsPerOp: number): Summary {
  return { ops: opsPerSec, elapsedMs: 1000, opsPerSec, p50Ms: 1, p99Ms: 2, cpuUsPerOp, opsPerSecByRound: [opsPerSec] };
}

const results: CellResult[] = [
  { workload: 'setData', concurrency: 16, client: 'coord', summary: summary(9000, 20) },
  { workload: 'setData', concurrency: 16, client: 'nzc', summary: summary(3000, 50) },
];

const report: ClientBenchReport = {
  date: '2026-01-02T03:04:05.000Z',
  command: 'coord bench client --workloads setData --concurrency 16',
  environment: { node: 'v20.0.0', platform: 'linux-x64', cpus: 2, cpuModel: 'Test CPU', loadAverage: { start: 0.5, end: 1.25 } },
  server: { connectString: '127.0.0.1:2181', startedByBench: true, version: '3.8.0' },
  settings: {
    clients: ['coord', 'nzc', 'zookeeper'],
    workloads: ['setData'],
    concurrency: [16],
    stop: { kind: 'duration', ms: 1000 },
    rounds: 3,
    warmupMs: 200,
    dataBytes: 100,
    zookeeperModule: 'zookeeper',
  },
  ran: ['coord', 'nzc'],
  skipped: [{ client: 'zookeeper', reason: 'package "zookeeper" is not installed' }],
  results,
  ratios: [],
};

describe('ratioRows', () => {
  it('has one row per cell and other library, with both ratios', () => {
    expect(ratioRows(report.settings, report.ran, results)).toEqual([{ workload: 'setData', concurrency: 16, versus: 'nzc', throughputRatio: 3, cpuRatio: 2.5 }]);
  });

  it('uses null for ratios that cannot be computed (JSON has no NaN)', () => {
    const rows = ratioRows(report.settings, ['coord', 'nzc'], [results[0] as CellResult]);
    expect(rows).toEqual([{ workload: 'setData', concurrency: 16, versus: 'nzc', throughputRatio: null, cpuRatio: null }]);
  });
});

describe('renderReport', () => {
  const text = renderReport(report);

  it('starts with the context: date, command, server, host and settings', () => {
    expect(text.split('\n').slice(0, 5)).toEqual([
      'coord bench client, 2026-01-02T03:04:05.000Z',
      'command: coord bench client --workloads setData --concurrency 16',
      'server: ZooKeeper 3.8.0 at 127.0.0.1:2181 (Apache ZooKeeper started by the testing kit)',
      'host: node v20.0.0, linux-x64, 2 CPUs (Test CPU), load average 0.50 at start, 1.25 at end',
      'settings: 3 round(s) of 1000 ms per cell after a 200 ms warm-up, 100-byte data, one client (fresh session) per library per cell and round, shared by the workers',
    ]);
  });

  it('says which library was skipped and why', () => {
    expect(text).toContain('skipped: zookeeper: package "zookeeper" is not installed');
  });

  it('contains both tables and how to read their ratios', () => {
    expect(text).toContain('| setData  | 16          |        9000 |');
    expect(text).toContain('3.00x');
    expect(text).toContain('2.50x');
    expect(text).toContain('coord/X = coord ops/s divided by X ops/s');
    expect(text).toContain("X/coord CPU = X's CPU per op divided by coord's");
  });

  it('lists failed cells', () => {
    const failed = renderReport({ ...report, results: [...results, { workload: 'setData', concurrency: 16, client: 'nzc', error: 'boom' }] });
    expect(failed).toContain('error: setData x16 nzc: boom');
  });
});
