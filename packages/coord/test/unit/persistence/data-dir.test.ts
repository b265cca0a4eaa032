/**
 * The facade a server wires in: group commit (one batch per turn of the event loop), durable
 * notifications, automatic snapshots with log rolls, preallocation, purge and the epoch files.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSnapshot } from '../../../src/server/persistence/snapshot-format.js';
import { snapshot } from '../server/helpers.js';
import { open, tempDir, write } from './dirs.js';
import { buildWorkload } from './workload.js';

const work = buildWorkload(4);
const listing = (dataDir: string, prefix: string): string[] => readdirSync(join(dataDir, 'version-2')).filter((n) => n.startsWith(prefix));

describe('openDataDir', () => {
  it('a fresh dataDir gets snapshot.0 and recovers empty', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir);
    expect(listing(dataDir, 'snapshot.')).toEqual(['snapshot.0']);
    expect(dir.lastZxid).toBe(0n);
    expect(dir.sessions.size).toBe(0);
    await dir.close();
  });

  it('commits everything appended in one turn as one batch, then tells listeners', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir, { forceSync: true });
    const seen: bigint[] = [];
    dir.onDurable((zxid) => seen.push(zxid));
    write(dir, work.entries.slice(0, 10));
    expect(dir.durableZxid).toBe(0n);
    expect(await dir.flush()).toBe(10n);
    write(dir, work.entries.slice(10, 12));
    await dir.flush();
    expect(seen).toEqual([10n, 12n]);
    await dir.close();
  });

  it('appends made while a batch is on its way to disk form the next batch', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir, { forceSync: true });
    const seen: bigint[] = [];
    dir.onDurable((zxid) => {
      seen.push(zxid);
      if (zxid === 1n) write(dir, work.entries.slice(3, 6));
    });
    write(dir, work.entries.slice(0, 1));
    await new Promise((resolve) => setImmediate(resolve));
    write(dir, work.entries.slice(1, 3));
    await dir.flush();
    await dir.flush();
    expect(seen[0]).toBe(1n);
    expect(seen[seen.length - 1]).toBe(6n);
    expect(seen.length).toBeLessThanOrEqual(3);
    await dir.close();
  });

  it('preallocates in chunks and the zero tail reads as the end of the log', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir, { preAllocSizeBytes: 8192 });
    write(dir, work.entries);
    await dir.close();
    const [log] = listing(dataDir, 'log.');
    const size = statSync(join(dataDir, 'version-2', log as string)).size;
    expect(size % 8192).toBe(0);
    const again = await open(dataDir);
    expect(snapshot(again.tree)).toEqual(snapshot(work.tree));
    await again.close();
  });

  it('snapshots after snapCount/2 + roll txns, rolls the log, and recovers across the files', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir, { snapCount: 10, random: () => 0 });
    for (let i = 0; i < work.entries.length; i += 3) {
      write(dir, work.entries.slice(i, i + 3));
      await dir.flush();
      await new Promise((resolve) => setImmediate(resolve));
      await dir.snapshotInProgress;
    }
    await dir.close();
    expect(listing(dataDir, 'snapshot.').length).toBeGreaterThan(3);
    expect(listing(dataDir, 'log.').length).toBeGreaterThan(3);
    const again = await open(dataDir);
    expect(snapshot(again.tree)).toEqual(snapshot(work.tree));
    expect(again.sessions).toEqual(work.sessions[work.sessions.length - 1]);
    expect(again.lastZxid).toBe(BigInt(work.entries.length));
    await again.close();
  });

  it('fuzzy snapshots (txns applied between serialisation steps) recover to the same tree', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir, { snapCount: 8, random: () => 0, snapshotNodesPerStep: 2 });
    for (let i = 0; i < work.entries.length; i += 2) {
      write(dir, work.entries.slice(i, i + 2));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await dir.flush();
    await dir.snapshotInProgress;
    await dir.close();
    // A snapshot that took several steps is fuzzy: its digest section is the empty one (zxid 0).
    const fuzzy = listing(dataDir, 'snapshot.').filter((n) => n !== 'snapshot.0' && decodeSnapshot(readFileSync(join(dataDir, 'version-2', n))).digest?.zxid === 0n);
    expect(fuzzy.length).toBeGreaterThan(0);
    const again = await open(dataDir);
    expect(snapshot(again.tree)).toEqual(snapshot(work.tree));
    expect(again.sessions).toEqual(work.sessions[work.sessions.length - 1]);
    await again.close();
  });

  it('a new log after recovery continues the zxid sequence', async () => {
    const dataDir = tempDir();
    const first = await open(dataDir);
    write(first, work.entries.slice(0, 20));
    await first.close();
    const second = await open(dataDir);
    expect(second.lastZxid).toBe(20n);
    write(second, work.entries.slice(20));
    await second.close();
    expect(listing(dataDir, 'log.').sort()).toEqual(['log.1', 'log.15']);
    const third = await open(dataDir);
    expect(snapshot(third.tree)).toEqual(snapshot(work.tree));
    await third.close();
  });

  it('purge keeps the newest snapshots and the logs they need', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir, { snapCount: 10, random: () => 0, snapRetainCount: 3 });
    for (let i = 0; i < work.entries.length; i += 3) {
      write(dir, work.entries.slice(i, i + 3));
      await dir.flush();
      await new Promise((resolve) => setImmediate(resolve));
      await dir.snapshotInProgress;
    }
    await dir.close();
    expect(listing(dataDir, 'snapshot.').length).toBe(3);
    const again = await open(dataDir);
    expect(snapshot(again.tree)).toEqual(snapshot(work.tree));
    await again.close();
  });

  it('a failed write stops the log: flush rejects, listeners hear once, appends throw', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir);
    rmSync(join(dataDir, 'version-2'), { recursive: true });
    const failures: Error[] = [];
    dir.onFailure((err) => failures.push(err));
    write(dir, work.entries.slice(0, 3));
    await expect(dir.flush()).rejects.toThrow(/ENOENT/);
    expect(failures).toHaveLength(1);
    expect(dir.durableZxid).toBe(0n);
    expect(() => dir.append(work.entries[3] as (typeof work.entries)[number])).toThrow(/ENOENT/);
    await dir.close();
  });

  it('reads and writes acceptedEpoch and currentEpoch', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir);
    expect(await dir.readAcceptedEpoch()).toBeUndefined();
    await dir.writeAcceptedEpoch(7n);
    await dir.writeCurrentEpoch(6n);
    expect(await dir.readAcceptedEpoch()).toBe(7n);
    expect(await dir.readCurrentEpoch()).toBe(6n);
    await dir.close();
  });

  it('keeps logs in dataLogDir when one is given', async () => {
    const dataDir = tempDir();
    const dataLogDir = tempDir();
    const dir = await open(dataDir, { dataLogDir });
    write(dir, work.entries.slice(0, 5));
    await dir.close();
    expect(readdirSync(join(dataLogDir, 'version-2'))).toEqual(['log.1']);
    expect(listing(dataDir, 'log.')).toEqual([]);
    const again = await open(dataDir, { dataLogDir });
    expect(again.lastZxid).toBe(5n);
    await again.close();
  });
});
