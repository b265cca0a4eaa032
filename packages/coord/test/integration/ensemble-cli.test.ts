/**
 * Smoke runs of the ensemble commands as a user runs them (the CLI from source through tsx):
 * `coord ensemble` until Ctrl-C, a 2-kill leader-kill drill, a partition drill and a tiny
 * `coord bench ensemble`, all against Apache ZooKeeper, plus coord once its quorum peer exists.
 * They check wiring and output shape; speeds are the drills' business, not a test's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { apacheZooKeeperAvailable } from '../../src/testing/index.js';

const apacheAvailable = apacheZooKeeperAvailable();
if (!apacheAvailable) {
  if (process.env['CI'] === 'true') throw new Error('Apache ZooKeeper is required in CI: apt-get install -y zookeeper');
  console.warn('SKIPPING the Apache parts of the ensemble CLI tests: Apache ZooKeeper not installed (apt-get install -y zookeeper, or set ZOOKEEPER_HOME)');
}
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

const running = new Set<Run>();

function coord(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (run.stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (run.stderr += d));
  running.add(run);
  void run.exited.then(() => running.delete(run));
  return run;
}

afterEach(async () => {
  for (const run of running) {
    run.child.kill('SIGINT');
    await run.exited;
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('coord ensemble / drill / bench ensemble (CLI smoke)', () => {
  it('coord ensemble prints the connect string and the leader, serves clients, and Ctrl-C stops every member', async () => {
    const run = coord(['ensemble', '--size', '3', '--tick-time', '500']);
    await expect.poll(() => run.stdout, { timeout: 60_000, interval: 100 }).toMatch(/Ctrl-C stops every member/);
    const connectString = /connect string: (\S+)/.exec(run.stdout)?.[1] ?? '';
    expect(connectString.split(',')).toHaveLength(3);
    expect(run.stdout).toMatch(/leader: member [123]/);
    const pids = [...run.stdout.matchAll(/\| (\d+) \| \/\S+zoo\.cfg/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(3);
    const client = createClient(connectString, { sessionTimeoutMs: 10_000 });
    try {
      await client.waitForConnected({ timeoutMs: 20_000 });
      await client.create('/cli-smoke', 'ok');
    } finally {
      await client.close();
    }
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  for (const target of ['coord', 'apache'] as const) {
    it.skipIf(target === 'apache' && !apacheAvailable)(`coord drill leader-kill --target ${target} --kills 2 prints a timeline and a summary with 0 writes lost`, async () => { // the apache run requires Apache ZooKeeper; skips only outside CI
      const run = coord(['drill', 'leader-kill', '--target', target, '--kills', '2', '--writers', '2', '--tick-time', '500']);
      const code = await run.exited;
      expect(code, run.stderr).toBe(0);
      expect(run.stdout.match(new RegExp(`^\\[${target}\\] kill [12]/2: leader \\d .*new leader \\d after [\\d.]+ ms; first write acked after [\\d.]+ ms`, 'gm'))).toHaveLength(2);
      expect(run.stdout).toMatch(new RegExp(`\\| ${target} +\\| +2 \\|.*\\| +0 \\|\\n`));
    });

    it.skipIf(target === 'apache' && !apacheAvailable)(`coord drill partition --target ${target} checks fencing, rejoin and data`, async () => { // the apache run requires Apache ZooKeeper; skips only outside CI
      const run = coord(['drill', 'partition', '--target', target, '--writers', '2', '--tick-time', '500', '--sync-limit', '4']);
      await run.exited;
      // The election-time row is a measurement on a possibly loaded machine; these rows are not.
      expect(run.stdout, run.stderr).toMatch(/cut-off leader acknowledges no write.*\| +PASS \|/);
      expect(run.stdout).toMatch(/old leader rejoins as a follower after heal.*\| +PASS \|/);
      expect(run.stdout).toMatch(/acknowledged writes lost.*\| 0 of \d+ .*\| +PASS \|/);
    });
  }

  it.skipIf(!apacheAvailable)('coord bench ensemble runs a tiny round and prints the table with both connection points', async () => { // requires Apache ZooKeeper; skips only outside CI
    const run = coord(['bench', 'ensemble', '--servers', 'coord,apache', '--rounds', '1', '--duration-ms', '100', '--warmup-ms', '0', '--server-warmup-ms', '0', '--write-concurrency', '1,16', '--read-concurrency', '16']);
    expect(await run.exited, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\| setData +\| 1 +\| follower/);
    expect(run.stdout).toMatch(/\| getData +\| 16 +\| leader/);
    expect(run.stdout).toMatch(/coord\/apache ops\/s/);
  });
});
