/**
 * Cutting a dataDir back to a zxid (a quorum peer's TRUNC, FileTxnSnapLog.truncateLog) and
 * installing a leader's snapshot (SNAP): recovery afterwards sees exactly the history up to
 * the cut, across several log files and snapshots, and appends carry on after it.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apply } from '../../../src/server/apply.js';
import { zxidOfName } from '../../../src/server/persistence/file-names.js';
import { recover } from '../../../src/server/persistence/recovery.js';
import { truncateDataDir } from '../../../src/server/persistence/truncate.js';
import { WatchTable } from '../../../src/server/watch-table.js';
import { snapshot } from '../server/helpers.js';
import { open, tempDir, write } from './dirs.js';
import { buildWorkload, makeTree } from './workload.js';

const work = buildWorkload(4);
/** The tree as the helpers compare it, with the ephemeral owners in a fixed order (a snapshot load may list them in another). */
const comparable = (tree: unknown): unknown => {
  const t = tree as { ephemerals: Array<[unknown, unknown]> };
  return { ...t, ephemerals: [...t.ephemerals].sort((a, b) => String(a[0]).localeCompare(String(b[0]))) };
};
const N = work.entries.length;
const versionDir = (dataDir: string): string => join(dataDir, 'version-2');
const zxidsOf = (dataDir: string, prefix: 'log' | 'snapshot'): bigint[] =>
  readdirSync(versionDir(dataDir))
    .map((n) => zxidOfName(n, prefix))
    .filter((z): z is bigint => z !== undefined);

/** A dataDir holding the whole workload in several log files and snapshots. */
async function fullDataDir(): Promise<string> {
  const dataDir = tempDir();
  const dir = await open(dataDir, { snapCount: 10, random: () => 0 });
  for (let i = 0; i < N; i += 4) {
    write(dir, work.entries.slice(i, i + 4));
    await dir.flush();
    await new Promise((resolve) => setImmediate(resolve));
    await dir.snapshotInProgress;
  }
  await dir.close();
  return dataDir;
}

describe('truncateDataDir', () => {
  it('leaves exactly the history up to the cut, whatever file the cut falls in', async () => {
    const source = await fullDataDir();
    expect(zxidsOf(source, 'log').length).toBeGreaterThan(2);
    expect(zxidsOf(source, 'snapshot').length).toBeGreaterThan(2);
    for (const k of [1, 7, 13, 21, N - 1, N]) {
      const dataDir = tempDir();
      // A copy per cut: the same files, cut back to k.
      cpSync(source, dataDir, { recursive: true });
      const cut = await truncateDataDir(versionDir(dataDir), versionDir(dataDir), BigInt(k));
      expect(zxidsOf(dataDir, 'snapshot').every((z) => z <= BigInt(k)), `snapshots after ${k} are gone`).toBe(true);
      expect(zxidsOf(dataDir, 'log').every((z) => z <= BigInt(k)), `logs starting after ${k} are gone`).toBe(true);
      if (k === N) expect(cut.removed).toEqual([]);
      const r = await recover({ snapDir: versionDir(dataDir), logDir: versionDir(dataDir), makeTree });
      expect(r.lastZxid).toBe(BigInt(k));
      expect(comparable(snapshot(r.tree)), `tree after cutting to ${k}`).toEqual(comparable(work.trees[k - 1]));
      expect(r.sessions).toEqual(work.sessions[k - 1]);
    }
  });

  it('refuses to cut a log that is corrupt before the cut point', async () => {
    const dataDir = await fullDataDir();
    const [first] = zxidsOf(dataDir, 'log').sort((a, b) => (a < b ? -1 : 1));
    const file = join(versionDir(dataDir), `log.${(first as bigint).toString(16)}`);
    const bytes = readFileSync(file);
    bytes[40] = (bytes[40] as number) ^ 0xff;
    writeFileSync(file, bytes);
    await expect(truncateDataDir(versionDir(dataDir), versionDir(dataDir), BigInt(N))).rejects.toThrow(/corrupt at byte offset/);
  });
});

describe('DataDir.truncate and installSnapshot', () => {
  it('truncate rebuilds the state, keeps the durable listeners, and appends carry on after the cut', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir, { snapCount: 10, random: () => 0 });
    const durable: bigint[] = [];
    dir.onDurable((z) => durable.push(z));
    write(dir, work.entries);
    await dir.flush();
    await dir.snapshotInProgress;
    const recovered = await dir.truncate(9n);
    expect(recovered.lastZxid).toBe(9n);
    expect(dir.lastZxid).toBe(9n);
    expect(comparable(snapshot(dir.tree))).toEqual(comparable(work.trees[8]));
    expect(new Map(dir.sessions)).toEqual(work.sessions[8]);
    // The same history again after the cut: recovery must see it once, in order.
    write(dir, work.entries.slice(9));
    expect(await dir.flush()).toBe(BigInt(N));
    expect(durable.at(-1)).toBe(BigInt(N));
    await dir.close();
    const again = await open(dataDir);
    expect(again.lastZxid).toBe(BigInt(N));
    expect(comparable(snapshot(again.tree))).toEqual(comparable(work.trees[N - 1]));
    await again.close();
  });

  it('installSnapshot replaces the state, drops a diverged log tail, and later appends recover on top', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir);
    // This peer logged the whole workload, but the leader's history stops at 6 (then goes on).
    write(dir, work.entries);
    await dir.flush();
    const tree = makeTree();
    const watches = { data: new WatchTable(), child: new WatchTable() };
    for (const e of work.entries.slice(0, 6)) apply(tree, watches, e);
    const name = await dir.installSnapshot(tree, work.sessions[5] as Map<bigint, number>);
    expect(name).toBe('snapshot.6');
    expect(dir.tree).toBe(tree);
    write(dir, work.entries.slice(6, 12));
    await dir.close();
    const again = await open(dataDir);
    expect(again.lastZxid).toBe(12n);
    expect(comparable(snapshot(again.tree))).toEqual(comparable(work.trees[11]));
    await again.close();
  });

  it('keeps the newest replayed txns for a quorum peer when asked', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir);
    write(dir, work.entries);
    await dir.close();
    const again = await open(dataDir, { keepRecentTxns: 5 });
    expect(again.recovery.recentTxns.map((e) => e.header.zxid)).toEqual(work.entries.slice(-5).map((e) => e.header.zxid));
    expect(again.recovery.recentBase).toBe(BigInt(N - 5));
    await again.close();
  });
});
