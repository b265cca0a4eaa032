/**
 * The ensemble kit (testing/ensemble) against real multi-process ensembles: Apache ZooKeeper
 * always; coord as soon as its quorum peer (src/quorum/node.ts) exists. Leader election, kill -9
 * and restart, partitions through the proxy mesh, observers, peer-traffic recording, and that
 * stop() leaves no process behind.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type CoordClient } from '../../src/index.js';
import { apacheZooKeeperAvailable, startApacheEnsemble, startEnsemble, type EnsembleHandle, type StartEnsembleOptions } from '../../src/testing/index.js';

const apacheAvailable = apacheZooKeeperAvailable();
if (!apacheAvailable) {
  if (process.env['CI'] === 'true') throw new Error('Apache ZooKeeper is required in CI: apt-get install -y zookeeper');
  console.warn('SKIPPING Apache ensemble tests: Apache ZooKeeper not installed (apt-get install -y zookeeper, or set ZOOKEEPER_HOME)');
}
// The coord quorum peer is being written; these variants turn on by themselves when it lands.

/** A short tick keeps partition detection (syncLimit × tickTime) near 2 s. */
const FAST: Omit<StartEnsembleOptions, 'size'> = { tickTimeMs: 500, initLimit: 10, syncLimit: 4 };
const SESSION_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function connected(connectString: string): Promise<CoordClient> {
  const client = createClient(connectString, { sessionTimeoutMs: SESSION_MS, reconnectBackoff: { baseMs: 10, maxMs: 100 } });
  await client.waitForConnected({ timeoutMs: 20_000 });
  return client;
}

/** The node's data as the given member serves it, after a sync so it is caught up. */
async function readOn(ensemble: EnsembleHandle, id: number, path: string): Promise<string> {
  const client = await connected(ensemble.connectString([id]));
  try {
    await client.sync(path);
    return Buffer.from((await client.getData(path)).data).toString();
  } finally {
    await client.close();
  }
}

function suite(name: string, skip: boolean, start: (options: StartEnsembleOptions) => Promise<EnsembleHandle>): void {
  describe.skipIf(skip)(`ensemble kit: ${name}`, () => { // Apache's suite requires Apache ZooKeeper; skips only outside CI
    let ensemble: EnsembleHandle;

    beforeAll(async () => {
      ensemble = await start({ size: 3, proxied: true, record: true, ...FAST });
    });
    afterAll(async () => {
      await ensemble?.stop();
    });

    it('starts three members that elect exactly one leader', async () => {
      expect(ensemble.members.map((m) => m.id)).toEqual([1, 2, 3]);
      const modes = [...(await ensemble.modes()).values()].sort();
      expect(modes).toEqual(['follower', 'follower', 'leader']);
      expect(ensemble.connectString().split(',')).toHaveLength(3);
      for (const m of ensemble.members) expect(m.pid).toBeGreaterThan(0);
    });

    it('elects a new leader after kill -9 of the leader, and the restarted member rejoins as a follower with the data', async () => {
      const writer = await connected(ensemble.connectString());
      try {
        await writer.create('/kit-kill', 'before');
        const old = await ensemble.waitForLeader();
        const oldPid = ensemble.members.find((m) => m.id === old)?.pid as number;
        await ensemble.kill(old);
        expect(alive(oldPid)).toBe(false);
        expect(ensemble.members.find((m) => m.id === old)?.pid).toBeUndefined();
        const next = await ensemble.waitForLeader({ timeoutMs: 20_000 });
        expect(next).not.toBe(old);
        await writer.setData('/kit-kill', 'after');
        await ensemble.restart(old);
        expect((await ensemble.modes()).get(old)).toBe('follower');
        expect(await readOn(ensemble, old, '/kit-kill')).toBe('after');
      } finally {
        await writer.close();
      }
    });

    it('partitions the leader away: the majority elects a new one, and after heal() the old leader follows with the data', async () => {
      const old = await ensemble.waitForLeader();
      const majority = ensemble.members.map((m) => m.id).filter((id) => id !== old);
      const writer = await connected(ensemble.connectString(majority));
      try {
        const cutAt = Date.now();
        ensemble.isolate(old);
        const next = await ensemble.waitForLeader({ exclude: [old], timeoutMs: 20_000 });
        const electedMs = Date.now() - cutAt;
        expect(majority).toContain(next);
        // A leaking partition would let the old leader keep its quorum: no new leader at all. The
        // time bound itself (syncLimit × tickTime + 1 s) is the partition drill's check; on a
        // loaded CI box a test must not depend on a speed, so here it only has to be sane.
        expect(electedMs, ensemble.members.map((m) => `--- member ${m.id}\n${ensemble.recentOutput(m.id).split('\n').slice(-40).join('\n')}`).join('\n')).toBeLessThan(15_000);
        await writer.create('/kit-partition', 'written during the partition');
        ensemble.heal();
        await expect.poll(async () => (await ensemble.modes()).get(old), { timeout: 20_000, interval: 100 }).toBe('follower');
        expect(await readOn(ensemble, old, '/kit-partition')).toBe('written during the partition');
      } finally {
        await writer.close();
      }
    });

    it('refuses a member that is in no partition group', () => {
      expect(() => ensemble.partition([[1], [2]])).toThrow(/no partition group/);
    });

    it('records the raw bytes of every peer link: election connections open with the protocol version and sid', () => {
      const recordings = ensemble.recordings();
      expect(recordings).toHaveLength(3 * 2 * 2);
      const election = recordings.filter((r) => r.channel === 'election').flatMap((r) => r.connections.map((c) => ({ ...r, c })));
      const opened = election.filter(({ c }) => c.sent.length >= 16);
      expect(opened.length).toBeGreaterThan(0);
      for (const { from, c } of opened) {
        expect([-65536n, -65535n]).toContain(c.sent.readBigInt64BE(0));
        expect(c.sent.readBigInt64BE(8)).toBe(BigInt(from));
      }
      const quorumBytes = recordings.filter((r) => r.channel === 'quorum').reduce((n, r) => n + r.connections.reduce((m, c) => m + c.sent.length + c.received.length, 0), 0);
      expect(quorumBytes).toBeGreaterThan(0);
    });

    it('stop() kills every member process', async () => {
      const pids = ensemble.members.map((m) => m.pid).filter((p): p is number => p !== undefined);
      expect(pids).toHaveLength(3);
      await ensemble.stop();
      for (const pid of pids) expect(alive(pid)).toBe(false);
      expect(ensemble.members.every((m) => m.pid === undefined)).toBe(true);
      expect(existsSync(ensemble.members[0]?.dataDir ?? '/nonexistent')).toBe(false);
    });
  });

  describe.skipIf(skip)(`ensemble kit: ${name} with an observer`, () => { // Apache's suite requires Apache ZooKeeper; skips only outside CI
    it('serves the observer, which does not vote', async () => {
      await using ensemble = await start({ size: 3, observers: 1, ...FAST });
      const modes = await ensemble.modes();
      expect(modes.get(4)).toBe('observer');
      expect(ensemble.members.find((m) => m.id === 4)?.role).toBe('observer');
      const client = await connected(ensemble.connectString([4]));
      try {
        await client.create('/kit-observer', 'via the observer');
      } finally {
        await client.close();
      }
      expect(await readOn(ensemble, 1, '/kit-observer')).toBe('via the observer');
    });
  });
}

suite('Apache ZooKeeper', !apacheAvailable, startApacheEnsemble);
suite('coord', false, startEnsemble);
