import { describe, expect, it } from 'vitest';
import type { Summary } from '../../../src/cli/bench/latency.js';
import type { RestartResult } from '../../../src/cli/bench/server-restart-plan.js';
import {
  durabilityNote,
  formatRestartTable,
  formatServerCpuTable,
  formatServerResultTable,
  renderServerReport,
  rowKeys,
  restartRatio,
  rowRatios,
  safeRatio,
  serverRatioRows,
  type ServerBenchReport,
  type ServerCellResult,
} from '../../../src/cli/bench/server-report.js';

function summary(opsPerSec: number, p50Ms: number, p99Ms: number, cpuUsPerOp = 10): Summary {
  return { ops: opsPerSec, elapsedMs: 1000, opsPerSec, p50Ms, p99Ms, cpuUsPerOp, opsPerSecByRound: [opsPerSec] };
}

const results: ServerCellResult[] = [
  { workload: 'setData', concurrency: 16, server: 'coord', summary: summary(30000, 0.5, 2, 6), serverCpuUsPerOp: 10 },
  { workload: 'setData', concurrency: 16, server: 'apache', summary: summary(10000, 1, 8, 12), serverCpuUsPerOp: 40 },
  { workload: 'watch', concurrency: 1, server: 'coord', summary: summary(5000, 0.1, 0.4, 70), serverCpuUsPerOp: 50 },
  { workload: 'watch', concurrency: 1, server: 'apache', summary: summary(2500, 0.25, 1.6, 75), serverCpuUsPerOp: 200 },
  { workload: 'setData', concurrency: 256, server: 'coord', summary: summary(40000, 6, 20, 5), serverCpuUsPerOp: null },
  { workload: 'setData', concurrency: 256, server: 'apache', serverCpuUsPerOp: null, error: 'connection lost' },
];

const settings = {
  servers: ['coord', 'apache'] as const,
  workloads: ['setData'] as const,
  watch: true,
  concurrency: [16, 256],
  stop: { kind: 'duration', ms: 1000 } as const,
  rounds: 3,
  warmupMs: 200,
  serverWarmupMs: 3000,
  dataBytes: 100,
  coordCpuProfDir: undefined,
  fsync: true,
  restartZnodes: 1000,
};

describe('rows and ratios', () => {
  it('rows are workload × outstanding, then one watch row', () => {
    expect(rowKeys(settings)).toEqual([
      { workload: 'setData', concurrency: 16 },
      { workload: 'setData', concurrency: 256 },
      { workload: 'watch', concurrency: 1 },
    ]);
    expect(rowKeys({ ...settings, watch: false })).toHaveLength(2);
  });

  it('every ratio reads "above 1, coord is better": throughput coord/apache, latency and CPU apache/coord', () => {
    expect(rowRatios(results, 'setData', 16)).toEqual({ throughput: 3, p50: 2, p99: 4, serverCpu: 4 });
    expect(rowRatios(results, 'watch', 1)).toEqual({ throughput: 2, p50: 2.5, p99: 4, serverCpu: 4 });
  });

  it('a failed or unmeasured side gives NaN, and null in the JSON rows', () => {
    const r = rowRatios(results, 'setData', 256);
    expect(r.throughput).toBeNaN();
    expect(r.serverCpu).toBeNaN();
    expect(serverRatioRows(settings, results)[1]).toEqual({ workload: 'setData', concurrency: 256, throughputRatio: null, p50Ratio: null, p99Ratio: null, serverCpuRatio: null });
  });

  it('no ratio rows when only one server ran', () => {
    expect(serverRatioRows({ ...settings, servers: ['coord'] }, results)).toEqual([]);
  });

  it('safeRatio refuses missing, zero and non-finite denominators', () => {
    expect(safeRatio(6, 3)).toBe(2);
    expect(safeRatio(6, 0)).toBeNaN();
    expect(safeRatio(null, 3)).toBeNaN();
    expect(safeRatio(6, undefined)).toBeNaN();
    expect(safeRatio(Number.NaN, 3)).toBeNaN();
  });
});

describe('tables', () => {
  it('result table: columns per server, then the three ratios', () => {
    expect(formatServerResultTable(settings, results).split('\n')).toEqual([
      '| workload     | outstanding | coord ops/s | coord p50 ms | coord p99 ms | apache ops/s | apache p50 ms | apache p99 ms | coord/apache ops/s | apache/coord p50 | apache/coord p99 |',
      '|:-------------|:------------|------------:|-------------:|-------------:|-------------:|--------------:|--------------:|-------------------:|-----------------:|-----------------:|',
      '| setData      | 16          |       30000 |        0.500 |         2.00 |        10000 |          1.00 |          8.00 |              3.00x |            2.00x |            4.00x |',
      '| setData      | 256         |       40000 |         6.00 |         20.0 |        error |             - |             - |                  - |                - |                - |',
      '| watch notify | 1           |        5000 |        0.100 |        0.400 |         2500 |         0.250 |          1.60 |              2.00x |            2.50x |            4.00x |',
    ]);
  });

  it('CPU table: server CPU per op, the apache/coord ratio, and the client process per op', () => {
    expect(formatServerCpuTable(settings, results).split('\n')).toEqual([
      '| workload     | outstanding | coord server µs/op | apache server µs/op | apache/coord server CPU | client µs/op vs coord | client µs/op vs apache |',
      '|:-------------|:------------|-------------------:|--------------------:|------------------------:|----------------------:|-----------------------:|',
      '| setData      | 16          |               10.0 |                40.0 |                   4.00x |                   6.0 |                   12.0 |',
      '| setData      | 256         |                  - |                   - |                       - |                   5.0 |                      - |',
      '| watch notify | 1           |               50.0 |               200.0 |                   4.00x |                  70.0 |                   75.0 |',
    ]);
  });

  it('without apache there are no ratio columns', () => {
    const header = formatServerResultTable({ ...settings, servers: ['coord'] }, results).split('\n')[0];
    expect(header).toBe('| workload     | outstanding | coord ops/s | coord p50 ms | coord p99 ms |');
  });
});

const restarts: RestartResult[] = [
  { server: 'coord', znodes: 1000, loadSeconds: 1.5, snapshots: 3, logs: 2, replayedTxns: 7, restartSeconds: 0.5, rssBeforeStopBytes: 100 * 1024 * 1024, rssAfterRestartBytes: 90 * 1024 * 1024 },
  { server: 'apache', znodes: 1000, loadSeconds: 2, snapshots: 4, logs: 1, replayedTxns: 5, restartSeconds: 1, rssBeforeStopBytes: null, rssAfterRestartBytes: 300 * 1024 * 1024 },
];

describe('restart row', () => {
  it('ratio is apache seconds ÷ coord seconds', () => {
    expect(restartRatio(restarts)).toBe(2);
    expect(restartRatio(restarts.slice(0, 1))).toBeNaN();
    expect(restartRatio([{ ...restarts[0]!, restartSeconds: null, error: 'boom' }, restarts[1]!])).toBeNaN();
  });

  it('one row per server, errors shown', () => {
    const lines = formatRestartTable([restarts[0]!, { ...restarts[1]!, restartSeconds: null, error: 'boom' }]).split('\n');
    expect(lines[0]).toMatch(/^\| server +\| znodes +\| restart s +\| snapshots +\| txns replayed +\| RSS after restart +\| RSS before stop +\| load s +\|$/);
    expect(lines[2]?.split('|').map((c) => c.trim())).toEqual(['', 'coord', '1000', '0.50', '3', '7', '90 MiB', '100 MiB', '1.50', '']);
    expect(lines[3]?.split('|').map((c) => c.trim())).toEqual(['', 'apache', '1000', 'error', '4', '5', '300 MiB', '-', '2.00', '']);
  });
});

describe('renderServerReport', () => {
  const report: ServerBenchReport = {
    date: '2026-01-02T03:04:05.000Z',
    command: 'coord bench server --workloads setData,watch --concurrency 16,256',
    environment: { node: 'v20.0.0', platform: 'linux-x64', cpus: 2, cpuModel: 'Test CPU', loadAverage: { start: 0.5, end: 1.25 } },
    servers: [
      { name: 'coord', connectString: '127.0.0.1:1111', pid: 11, version: '3.8.0-coordlab', how: 'coord standalone', rssBytesAtEnd: 80 * 1024 * 1024 },
      { name: 'apache', connectString: '127.0.0.1:2222', pid: 22, version: undefined, how: 'Apache ZooKeeper', rssBytesAtEnd: null },
    ],
    durability: durabilityNote(true),
    settings,
    results,
    ratios: serverRatioRows(settings, results),
    strayNotifications: 0,
    restarts,
    elapsedSeconds: 150,
  };
  const text = renderServerReport(report);

  it('starts with the context: date, command, servers, durability, client, host and settings', () => {
    const lines = text.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'coord bench server, 2026-01-02T03:04:05.000Z',
      'command: coord bench server --workloads setData,watch --concurrency 16,256',
      'server coord: coord standalone, version 3.8.0-coordlab, at 127.0.0.1:1111, pid 11, RSS at end 80 MiB',
      'server apache: Apache ZooKeeper, version unknown, at 127.0.0.1:2222, pid 22, RSS at end unknown',
    ]);
    expect(lines[7]).toBe('host: node v20.0.0, linux-x64, 2 CPUs (Test CPU), load average 0.50 at start, 1.25 at end');
  });

  it('says plainly which fsync mode ran, for both servers', () => {
    expect(text).toContain('fsync: ON — coord forceSync on, Apache ZooKeeper forceSync=yes');
    expect(text).toContain('durability: fsync ON for both');
    expect(durabilityNote(false)).toContain('fsync OFF for both (--fsync off): coord persists to a temporary dataDir with forceSync off; Apache ZooKeeper runs with forceSync=no');
  });

  it('has the restart table, its ratio and the run time', () => {
    expect(text).toContain('Restart with 1000 znodes (snapshot load + log replay), fsync on:');
    expect(text).toContain('apache/coord restart time: 2.00x (above 1.00x coord restarts faster)');
    expect(text).toContain('run took 2.5 min');
  });

  it('explains the watch row and the direction of every ratio', () => {
    expect(text).toContain('latency = from the setData call to the watcher callback');
    expect(text).toContain('above 1.00x coord is faster');
    expect(text).toContain('above 1.00x the coord server spends less CPU per op');
  });

  it('lists failed cells and stray notifications', () => {
    expect(text).toContain('error: setData x256 apache: connection lost');
    expect(text).not.toContain('warning:');
    expect(renderServerReport({ ...report, strayNotifications: 2 })).toContain('warning: 2 watch notification(s) arrived with no setData waiting for them');
  });
});
