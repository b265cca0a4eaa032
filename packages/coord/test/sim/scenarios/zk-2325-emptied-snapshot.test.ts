import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recover, RecoveryRefusedError } from '../../../src/server/persistence/index.js';
import { makeTree, type ScriptedCluster } from '../../../src/testing/sim/scripted/index.js';
import { receiving } from '../../../src/testing/sim/scripted/points.js';
import { awaitAcked, boot, finalChecks, writeMany } from './harness.js';

/**
 * ZOOKEEPER-2325 (EmptiedSnapshotRecoveryTest): every snapshot empty or missing and no log, so the
 * server started with an empty tree and rejoined as if at zxid 0, silently. A 0-byte or corrupt
 * snapshot must make the member refuse to start (or take a full SNAP), never serve an empty tree.
 */
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function realRecovery(c: ScriptedCluster, id: number): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'coord-2325-'));
  dirs.push(dir);
  const v2 = await c.peer(id).disk.exportTo(dir);
  try {
    return await recover({ snapDir: v2, logDir: v2, makeTree });
  } catch (err) {
    return err;
  }
}

function setup(committedLogSize?: number): { c: ScriptedCluster; f: number } {
  const { c, leader } = boot(committedLogSize === undefined ? {} : { committedLogSize });
  awaitAcked(c, writeMany(c, leader, 'a', 4));
  c.settle();
  const f = c.followers()[0] as number;
  c.takeSnapshot(f);
  awaitAcked(c, writeMany(c, leader, 'b', 2));
  c.settle();
  c.crash(f);
  return { c, f };
}

describe('ZOOKEEPER-2325: an emptied or corrupt snapshot never yields a member serving an empty tree', () => {
  for (const how of ['empty', 'garbage'] as const) {
    it(`${how} snapshots with logs: the member refuses to start (sim and real recovery agree)`, async () => {
      const { c, f } = setup();
      c.peer(f).disk.corruptSnapshots(how);
      expect(c.start(f)).toBe(false);
      expect(c.peer(f).refusedToStart).toMatch(/no valid snapshot/);
      expect(await realRecovery(c, f)).toBeInstanceOf(RecoveryRefusedError);
      // The ensemble carries on without it.
      awaitAcked(c, writeMany(c, c.leader() as number, 'c', 2));
    });

    it(`${how} snapshots and no log: refuses too, rather than start at zxid 0`, async () => {
      const { c, f } = setup();
      c.peer(f).disk.corruptSnapshots(how);
      c.peer(f).disk.removeLogs();
      expect(c.start(f)).toBe(false);
      expect(await realRecovery(c, f)).toBeInstanceOf(RecoveryRefusedError);
    });
  }

  it('an operator wipes the dataDir: the member starts empty but takes a full SNAP before it serves', () => {
    // The leader keeps a short history, so a member at zxid 0 can only be brought back by SNAP.
    const { c, f } = setup(3);
    c.peer(f).disk.corruptSnapshots('empty');
    expect(c.start(f)).toBe(false);
    // Wiping is explicit: a fresh dataDir, as after `rm -rf version-2`.
    const disk = c.peer(f).disk;
    disk.snapshots = [];
    disk.removeLogs();
    disk.removeEpochFiles();
    const snaps = c.on(f, receiving('SNAP'), () => undefined, false);
    const servedWith: Map<string, string>[] = [];
    c.on(f, (ev) => ev.kind === 'executed' && ev.output.kind === 'startServing', () => servedWith.push(c.contents(f)), false);
    expect(c.start(f)).toBe(true);
    finalChecks(c);
    expect(snaps.fired).toBe(1);
    expect(servedWith.length).toBeGreaterThan(0);
    for (const contents of servedWith) expect(contents.get('/b-1'), 'the member served only once it had the data').toBe('b:1');
  });

  it('only the newest snapshot is corrupt: recovery falls back to an older one plus the log', async () => {
    const { c, f } = setup();
    c.start(f);
    c.settle();
    c.takeSnapshot(f);
    c.crash(f);
    c.peer(f).disk.corruptSnapshots('garbage', 'newest');
    const real = (await realRecovery(c, f)) as { lastZxid: bigint };
    expect(real).not.toBeInstanceOf(Error);
    expect(c.start(f)).toBe(true);
    expect(c.tree(f).lastProcessedZxid).toBe(real.lastZxid);
    expect(c.contents(f).get('/b-1')).toBe('b:1');
    finalChecks(c);
  });
});
