import { describe, expect, it } from 'vitest';
import {
  BenchOptionError,
  DEFAULTS,
  describeStop,
  parseClientBenchOptions,
  parseIntList,
  parseNameList,
  parseNonNegativeInt,
  parsePositiveInt,
  WORKLOAD_NAMES,
} from '../../../src/cli/bench/options.js';

describe('parseClientBenchOptions', () => {
  it('fills every default when nothing is given', () => {
    expect(parseClientBenchOptions({})).toEqual({
      clients: ['coord', 'nzc', 'zookeeper'],
      workloads: ['getData', 'setData', 'createDelete'],
      concurrency: [1, 16, 256],
      stop: { kind: 'duration', ms: DEFAULTS.durationMs },
      rounds: DEFAULTS.rounds,
      warmupMs: DEFAULTS.warmupMs,
      dataBytes: DEFAULTS.dataBytes,
      jsonPath: undefined,
      connect: undefined,
      zookeeperModule: 'zookeeper',
    });
  });

  it('the default run stays within two minutes of measuring', () => {
    const o = parseClientBenchOptions({});
    const cells = o.clients.length * o.workloads.length * o.concurrency.length;
    const stopMs = o.stop.kind === 'duration' ? o.stop.ms : Number.NaN;
    expect(o.rounds * cells * (o.warmupMs + stopMs)).toBeLessThanOrEqual(110_000);
  });

  it('parses every option', () => {
    const o = parseClientBenchOptions({
      clients: 'nzc, coord',
      workloads: 'createDelete',
      concurrency: '4,64',
      durationMs: '1500',
      rounds: '5',
      warmupMs: '0',
      dataBytes: '0',
      json: 'out.json',
      connect: '127.0.0.1:2181',
      zookeeperModule: '/opt/zk/node_modules/zookeeper',
    });
    expect(o).toEqual({
      clients: ['nzc', 'coord'],
      workloads: ['createDelete'],
      concurrency: [4, 64],
      stop: { kind: 'duration', ms: 1500 },
      rounds: 5,
      warmupMs: 0,
      dataBytes: 0,
      jsonPath: 'out.json',
      connect: '127.0.0.1:2181',
      zookeeperModule: '/opt/zk/node_modules/zookeeper',
    });
  });

  it('--ops switches to a fixed number of ops per cell', () => {
    expect(parseClientBenchOptions({ ops: '20000' }).stop).toEqual({ kind: 'ops', count: 20_000 });
  });

  it('refuses --duration-ms together with --ops', () => {
    expect(() => parseClientBenchOptions({ ops: '10', durationMs: '10' })).toThrow(/either --duration-ms or --ops/);
  });

  it.each([
    [{ clients: 'coord,kazoo' }, /unknown client "kazoo"/],
    [{ workloads: 'getChildren' }, /unknown workload "getChildren"/],
    [{ concurrency: '0' }, /--concurrency must be between 1 and/],
    [{ concurrency: '1,,2' }, /empty entry/],
    [{ concurrency: '' }, /empty entry/],
    [{ durationMs: '1.5' }, /--duration-ms must be a positive integer/],
    [{ ops: '-1' }, /--ops must be a positive integer/],
    [{ rounds: '0' }, /--rounds must be between 1 and 100/],
    [{ rounds: '101' }, /--rounds must be between 1 and 100/],
    [{ dataBytes: '2000000' }, /--data-bytes must be between 0 and 1000000/],
    [{ json: ' ' }, /--json needs a file name/],
    [{ connect: '' }, /--connect must not be empty/],
    [{ zookeeperModule: '' }, /--zookeeper-module must not be empty/],
  ])('rejects %o', (raw, message) => {
    expect(() => parseClientBenchOptions(raw)).toThrow(BenchOptionError);
    expect(() => parseClientBenchOptions(raw)).toThrow(message);
  });
});

describe('list and number parsers', () => {
  it('name lists keep the given order, trim, and drop duplicates', () => {
    expect(parseNameList('workload', ' setData ,getData,setData', WORKLOAD_NAMES)).toEqual(['setData', 'getData']);
  });

  it('int lists keep the given order and drop duplicates', () => {
    expect(parseIntList('--concurrency', '256,1,16,1', 1000)).toEqual([256, 1, 16]);
  });

  it('positive ints reject anything that is not plain digits', () => {
    for (const bad of ['', ' ', '1e3', '0x10', '2.5', '+3', '-0', 'ten']) {
      expect(() => parsePositiveInt('n', bad)).toThrow(BenchOptionError);
    }
    expect(parsePositiveInt('n', ' 42 ')).toBe(42);
    expect(() => parsePositiveInt('n', '11', 10)).toThrow(/between 1 and 10/);
  });

  it('non-negative ints allow 0', () => {
    expect(parseNonNegativeInt('n', '0')).toBe(0);
    expect(parseNonNegativeInt('n', '7')).toBe(7);
    expect(() => parseNonNegativeInt('n', '-1')).toThrow(/must be a whole number/);
  });

  it('describes stop rules', () => {
    expect(describeStop({ kind: 'duration', ms: 1000 })).toBe('1000 ms per cell');
    expect(describeStop({ kind: 'ops', count: 5 })).toBe('5 ops per cell');
  });
});
