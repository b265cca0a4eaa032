import { describe, expect, it } from 'vitest';
import { parseReadyLine, parseRunnerConfig, runnerArgs, runnerConfigArgs } from '../../../src/cli/bench/server-child.js';

describe('runnerArgs', () => {
  it('runs the built runner next to the built module', () => {
    expect(runnerArgs('file:///repo/packages/coord/dist/cli/bench/server-child.js', undefined)).toEqual(['/repo/packages/coord/dist/cli/bench/server-process.js']);
  });

  it('runs the TypeScript runner through tsx when the bench runs from source', () => {
    expect(runnerArgs('file:///repo/packages/coord/src/cli/bench/server-child.ts', undefined)).toEqual(['--import', 'tsx', '/repo/packages/coord/src/cli/bench/server-process.ts']);
  });

  it('puts --cpu-prof before the script', () => {
    expect(runnerArgs('file:///r/dist/cli/bench/server-child.js', '/tmp/prof')).toEqual(['--cpu-prof', '--cpu-prof-dir', '/tmp/prof', '/r/dist/cli/bench/server-process.js']);
  });
});

describe('runner config', () => {
  it('passes the dataDir, forceSync and snapCount after the script', () => {
    expect(runnerArgs('file:///r/dist/cli/bench/server-child.js', undefined, { dataDir: '/tmp/d', forceSync: true, snapCount: 500 })).toEqual([
      '/r/dist/cli/bench/server-process.js',
      '--data-dir',
      '/tmp/d',
      '--force-sync',
      'yes',
      '--snap-count',
      '500',
    ]);
  });

  it.each([{}, { dataDir: '/tmp/d' }, { dataDir: '/tmp/d', forceSync: false }, { dataDir: '/x y', forceSync: true, snapCount: 2 }])('round-trips %o', (config) => {
    expect(parseRunnerConfig(runnerConfigArgs(config))).toEqual({ dataDir: undefined, forceSync: undefined, snapCount: undefined, ...config });
  });

  it.each([
    [['--data-dir'], /--data-dir needs a value/],
    [['--data-dir', ''], /needs a directory/],
    [['--data-dir', '/d', '--force-sync', 'on'], /--force-sync must be yes or no/],
    [['--data-dir', '/d', '--snap-count', '1'], /--snap-count must be an integer >= 2/],
    [['--data-dir', '/d', '--snap-count', '1.5'], /--snap-count must be an integer >= 2/],
    [['--force-sync', 'yes'], /need --data-dir/],
    [['--port', '1'], /unknown argument --port/],
  ])('rejects %j', (args, message) => {
    expect(() => parseRunnerConfig(args)).toThrow(message);
  });
});

describe('parseReadyLine', () => {
  it('reads the port and pid of the ready line', () => {
    expect(parseReadyLine('{"event":"ready","port":34165,"pid":21751}')).toEqual({ port: 34165, pid: 21751 });
  });

  it.each(['', 'listening on 2181', '[1,2]', 'null', '{"event":"ready","port":"2181","pid":1}', '{"event":"ready","port":0,"pid":1}', '{"event":"stopped","port":2181,"pid":1}', '{"event":"ready","port":70000,"pid":1}'])(
    'ignores %j',
    (line) => {
      expect(parseReadyLine(line)).toBeUndefined();
    },
  );
});
