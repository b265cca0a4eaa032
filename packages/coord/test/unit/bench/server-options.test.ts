import { describe, expect, it } from 'vitest';
import { BenchOptionError } from '../../../src/cli/bench/options.js';
import { parseServerBenchOptions, SERVER_DEFAULTS } from '../../../src/cli/bench/server-options.js';

describe('parseServerBenchOptions', () => {
  it('fills every default when nothing is given', () => {
    expect(parseServerBenchOptions({})).toEqual({
      servers: ['coord', 'apache'],
      workloads: ['getData', 'setData', 'createDelete'],
      watch: true,
      concurrency: [1, 16, 256],
      stop: { kind: 'duration', ms: SERVER_DEFAULTS.durationMs },
      rounds: SERVER_DEFAULTS.rounds,
      warmupMs: SERVER_DEFAULTS.warmupMs,
      serverWarmupMs: SERVER_DEFAULTS.serverWarmupMs,
      dataBytes: SERVER_DEFAULTS.dataBytes,
      jsonPath: undefined,
      coordCpuProfDir: undefined,
      fsync: true,
      restartZnodes: 1_000_000,
    });
  });

  it('the default run measures for about 1 to 2 minutes', () => {
    const o = parseServerBenchOptions({});
    const cells = o.servers.length * (o.workloads.length * o.concurrency.length + (o.watch ? 1 : 0));
    const stopMs = o.stop.kind === 'duration' ? o.stop.ms : Number.NaN;
    const total = o.rounds * cells * (o.warmupMs + stopMs) + o.servers.length * o.serverWarmupMs;
    expect(total).toBeGreaterThanOrEqual(60_000);
    expect(total).toBeLessThanOrEqual(110_000);
  });

  it('parses every option', () => {
    expect(
      parseServerBenchOptions({
        servers: 'apache, coord',
        workloads: 'watch,setData',
        concurrency: '4,64',
        ops: '5000',
        rounds: '5',
        warmupMs: '0',
        serverWarmupMs: '0',
        dataBytes: '10',
        json: 'out.json',
        coordCpuProf: '/tmp/prof',
        fsync: 'off',
        restartZnodes: '0',
      }),
    ).toEqual({
      servers: ['apache', 'coord'],
      workloads: ['setData'],
      watch: true,
      concurrency: [4, 64],
      stop: { kind: 'ops', count: 5000 },
      rounds: 5,
      warmupMs: 0,
      serverWarmupMs: 0,
      dataBytes: 10,
      jsonPath: 'out.json',
      coordCpuProfDir: '/tmp/prof',
      fsync: false,
      restartZnodes: 0,
    });
  });

  it.each([
    ['on', true],
    ['ON', true],
    ['yes', true],
    ['off', false],
    [' no ', false],
    ['false', false],
  ])('--fsync %j is %s', (fsync, expected) => {
    expect(parseServerBenchOptions({ fsync }).fsync).toBe(expected);
  });

  it('watch alone leaves no request workloads; without watch there is no watch row', () => {
    expect(parseServerBenchOptions({ workloads: 'watch' })).toMatchObject({ workloads: [], watch: true });
    expect(parseServerBenchOptions({ workloads: 'getData' })).toMatchObject({ workloads: ['getData'], watch: false });
  });

  it.each([
    [{ servers: 'coord,etcd' }, /unknown server "etcd"/],
    [{ workloads: 'getChildren' }, /unknown workload "getChildren"/],
    [{ ops: '10', durationMs: '10' }, /either --duration-ms or --ops/],
    [{ concurrency: '0' }, /--concurrency must be between 1 and/],
    [{ rounds: '101' }, /--rounds must be between 1 and 100/],
    [{ serverWarmupMs: '-5' }, /--server-warmup-ms must be a whole number/],
    [{ dataBytes: '2000000' }, /--data-bytes must be between 0 and 1000000/],
    [{ json: '' }, /--json needs a file name/],
    [{ coordCpuProf: ' ' }, /--coord-cpu-prof needs a directory/],
    [{ fsync: 'maybe' }, /--fsync must be on or off, not "maybe"/],
    [{ restartZnodes: '1e6' }, /--restart-znodes must be a whole number/],
    [{ restartZnodes: '2000001' }, /--restart-znodes must be between 0 and 2000000/],
  ])('rejects %o', (raw, message) => {
    expect(() => parseServerBenchOptions(raw)).toThrow(BenchOptionError);
    expect(() => parseServerBenchOptions(raw)).toThrow(message);
  });
});
