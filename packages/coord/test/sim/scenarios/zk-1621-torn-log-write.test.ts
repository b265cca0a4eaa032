import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hex } from '../../../src/quorum/core/types.js';
import { recover } from '../../../src/server/persistence/index.js';
import { makeTree, type ScriptedCluster } from '../../../src/testing/sim/scripted/index.js';
import { awaitAcked, boot, finalChecks, writeMany } from './harness.js';

/**
 * ZOOKEEPER-1621: after a disk-full crash, a txn log with an incomplete header blocked restart.
 * Torn-write fuzz: a follower's unsynced log tail (a new log file: header and three entries) is
 * cut at every byte offset by a crash; it must restart (sim recovery and the real `recover()` on
 * the same bytes), hold a prefix of what it logged, and converge with the ensemble.
 */
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface Prepared {
  c: ScriptedCluster;
  f: number;
  /** Unsynced bytes at the crash and the entries they hold (offsets from the first unsynced byte). */
  unsynced: number;
  entries: { zxid: bigint; start: number; end: number }[];
}

function prepare(): Prepared {
  const { c, leader } = boot();
  awaitAcked(c, writeMany(c, leader, 'a', 2));
  c.settle();
  const f = c.followers()[0] as number;
  // The next append opens a new log file, so its header is part of the unsynced tail too.
  c.takeSnapshot(f);
  c.fsyncDelay(f, 'manual');
  awaitAcked(c, writeMany(c, leader, 'b', 3));
  c.runFor(10);
  const disk = c.peer(f).disk;
  const recs = disk.unsyncedRecords();
  expect(recs).toHaveLength(3);
  const base = (recs[0] as { start: number }).start - 16;
  expect(base).toBe(0);
  return { c, f, unsynced: disk.unsyncedBytes, entries: recs.map((r) => ({ zxid: r.zxid, start: r.start - base, end: r.end - base })) };
}

function expectedZxid(p: Prepared, keep: number, before: bigint): bigint {
  let z = before;
  for (const e of p.entries) if (e.end <= keep) z = e.zxid;
  return z;
}

async function cutAndRestart(keep: number): Promise<void> {
  const p = prepare();
  const { c, f } = p;
  const before = c.peer(f).disk.snapshots.at(-1)?.zxid as bigint;
  c.crash(f, { keepBytes: keep });
  const want = expectedZxid(p, keep, before);
  const dir = await mkdtemp(join(tmpdir(), 'coord-1621-'));
  dirs.push(dir);
  const v2 = await c.peer(f).disk.exportTo(dir);
  const real = await recover({ snapDir: v2, logDir: v2, makeTree }).catch((err: Error) => err);
  expect(real, `real recovery with ${keep} of ${p.unsynced} unsynced bytes kept`).not.toBeInstanceOf(Error);
  expect((real as { lastZxid: bigint }).lastZxid).toBe(want);
  c.fsyncDelay(f, 2);
  expect(c.start(f), `sim recovery with ${keep} bytes kept: ${c.peer(f).refusedToStart ?? ''}`).toBe(true);
  expect(hex(c.tree(f).lastProcessedZxid)).toBe(hex(want));
  finalChecks(c);
}

describe('ZOOKEEPER-1621: a log torn at any byte recovers to a prefix', () => {
  const p = prepare();
  const last = p.entries.at(-1) as { start: number; end: number };
  const first = p.entries[0] as { start: number; end: number };

  it('every cut point of the last entry (and the entry boundaries before it)', async () => {
    const cuts = new Set<number>([first.start, first.end, (p.entries[1] as { end: number }).end]);
    for (let k = last.start; k <= last.end; k++) cuts.add(k);
    for (const k of cuts) await cutAndRestart(k);
  });

  it('cut points inside the first entry (every 5th byte)', async () => {
    for (let k = first.start + 1; k < first.end; k += 5) await cutAndRestart(k);
  });

  it('nothing of the new log survived (all of it unsynced and lost)', async () => {
    await cutAndRestart(0);
  });

  // Known bug (reported): a log whose header write was cut (ZOOKEEPER-1621's own symptom) makes
  // recovery refuse to start, in persistence/recovery.ts and in the sim disk that mirrors it.
  it('every cut point inside the new log file’s header', async () => {
    for (let k = 1; k < 16; k++) await cutAndRestart(k);
  });
});
