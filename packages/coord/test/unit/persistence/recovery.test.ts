/**
 * Recovery from coord-written dataDirs: a clean reopen, a torn tail cut at every byte offset of the
 * last entries (always a prefix), damage in the middle refused with file and offset, and the
 * snapshot fallbacks.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecoveryRefusedError } from '../../../src/server/persistence/errors.js';
import { recover } from '../../../src/server/persistence/recovery.js';
import { scanLog } from '../../../src/server/persistence/txn-log-format.js';
import { snapshot } from '../server/helpers.js';
import { open, tempDir, write } from './dirs.js';
import { buildWorkload, makeTree } from './workload.js';

const work = buildWorkload(2);

async function writtenDir(extra: Parameters<typeof open>[1] = {}): Promise<{ dataDir: string; logFile: string }> {
  const dataDir = tempDir();
  const dir = await open(dataDir, extra);
  // In bursts, as a server sees them: each burst is one group commit and may trigger a snapshot.
  for (let i = 0; i < work.entries.length; i += 4) {
    write(dir, work.entries.slice(i, i + 4));
    await dir.flush();
    await new Promise((resolve) => setImmediate(resolve));
    await dir.snapshotInProgress;
  }
  await dir.close();
  const v2 = join(dataDir, 'version-2');
  const logs = readdirSync(v2).filter((n) => n.startsWith('log.')).sort();
  return { dataDir, logFile: join(v2, logs[logs.length - 1] as string) };
}

const recoverDir = (dataDir: string) => recover({ snapDir: join(dataDir, 'version-2'), logDir: join(dataDir, 'version-2'), makeTree });

describe('recovery', () => {
  it('reopens to the same tree, sessions and zxid', async () => {
    const { dataDir } = await writtenDir();
    const dir = await open(dataDir);
    expect(snapshot(dir.tree)).toEqual(snapshot(work.tree));
    expect(dir.sessions).toEqual(work.sessions[work.sessions.length - 1]);
    expect(dir.lastZxid).toBe(BigInt(work.entries.length));
    expect(dir.recovery.txnsReplayed).toBe(work.entries.length);
    await dir.close();
  });

  it('a log cut at every byte offset of its last three entries recovers to a prefix', async () => {
    const { dataDir, logFile } = await writtenDir();
    const original = readFileSync(logFile);
    const scan = scanLog(original);
    const ends = scan.entries.map((e) => e.end);
    const from = (scan.entries[scan.entries.length - 3] as { offset: number }).offset;
    const to = scan.tail.offset;
    for (let cut = from; cut <= to; cut++) {
      for (const variant of ['cut', 'zeroed', 'garbage'] as const) {
        const damaged = Buffer.from(original);
        if (variant === 'cut') writeFileSync(logFile, damaged.subarray(0, cut));
        else {
          damaged.fill(variant === 'zeroed' ? 0 : 0xa5, cut, to);
          writeFileSync(logFile, damaged);
        }
        const whole = ends.filter((e) => e <= cut).length;
        const r = await recoverDir(dataDir);
        const label = `${variant} at ${cut}`;
        expect(r.lastZxid, label).toBe(BigInt(whole));
        expect(snapshot(r.tree), label).toEqual(work.trees[whole - 1]);
        expect(r.sessions, label).toEqual(work.sessions[whole - 1]);
        // A second recovery sees a clean log: the torn tail was cut.
        expect((await recoverDir(dataDir)).truncated, label).toEqual([]);
      }
    }
  });

  it('drops a newest log that was created and preallocated but never got its header (kill -9 right after a roll)', async () => {
    const { dataDir } = await writtenDir();
    const v2 = join(dataDir, 'version-2');
    const orphan = join(v2, `log.${(BigInt(work.entries.length) + 1n).toString(16)}`);
    writeFileSync(orphan, Buffer.alloc(64 * 1024));
    const recovered = await recoverDir(dataDir);
    expect(snapshot(recovered.tree)).toEqual(snapshot(work.tree));
    expect(recovered.lastZxid).toBe(BigInt(work.entries.length));
    expect(readdirSync(v2)).not.toContain(orphan.slice(v2.length + 1));
  });

  it('refuses an all-zero log that is not the newest: txns after it would be cut off', async () => {
    const { dataDir } = await writtenDir();
    const v2 = join(dataDir, 'version-2');
    const logs = readdirSync(v2).filter((n) => n.startsWith('log.')).sort((a, b) => Number(BigInt(`0x${a.slice(4)}`) - BigInt(`0x${b.slice(4)}`)));
    expect(logs.length).toBeGreaterThan(0);
    // Zero a log that a later log follows.
    const middle = join(v2, 'log.1');
    writeFileSync(middle, Buffer.alloc(4096));
    writeFileSync(join(v2, `log.${(BigInt(work.entries.length) + 100n).toString(16)}`), readFileSync(join(v2, logs[logs.length - 1] as string)));
    await expect(recoverDir(dataDir)).rejects.toBeInstanceOf(RecoveryRefusedError);
  });

  it('refuses a corrupt entry in the middle, naming the file and the byte offset', async () => {
    const { dataDir, logFile } = await writtenDir();
    const bytes = readFileSync(logFile);
    const victim = scanLog(bytes).entries[5] as { offset: number };
    bytes.writeUInt8((bytes.readUInt8(victim.offset + 20) ^ 0xff) & 0xff, victim.offset + 20);
    writeFileSync(logFile, bytes);
    const err = await recoverDir(dataDir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecoveryRefusedError);
    const refused = err as RecoveryRefusedError;
    expect(refused.file).toBe(logFile);
    expect(refused.offset).toBe(victim.offset);
    expect(refused.message).toContain(logFile);
    expect(refused.message).toContain(`byte offset ${victim.offset}`);
    // And the file is left as it was: nothing is cut on a refusal.
    expect(readFileSync(logFile)).toEqual(bytes);
  });

  it('falls back to an older snapshot when the newest does not verify', async () => {
    const { dataDir } = await writtenDir({ snapCount: 8, random: () => 0 });
    const v2 = join(dataDir, 'version-2');
    const snaps = readdirSync(v2).filter((n) => n.startsWith('snapshot.')).sort((a, b) => parseInt(a.slice(9), 16) - parseInt(b.slice(9), 16));
    expect(snaps.length).toBeGreaterThan(2);
    const newest = join(v2, snaps[snaps.length - 1] as string);
    const bytes = readFileSync(newest);
    bytes.writeUInt8(bytes.readUInt8(40) ^ 0x01, 40);
    writeFileSync(newest, bytes);
    const r = await recoverDir(dataDir);
    expect(r.snapshot).toBe(join(v2, snaps[snaps.length - 2] as string));
    expect(snapshot(r.tree)).toEqual(snapshot(work.tree));
  });

  it('refuses when every snapshot is invalid but logs exist', async () => {
    const { dataDir } = await writtenDir();
    const v2 = join(dataDir, 'version-2');
    for (const n of readdirSync(v2).filter((x) => x.startsWith('snapshot.'))) writeFileSync(join(v2, n), Buffer.alloc(0));
    await expect(recoverDir(dataDir)).rejects.toThrow(/no snapshot is valid .* but txn logs exist/);
  });

  it('refuses when the only snapshots are invalid, even without logs', async () => {
    const dataDir = tempDir();
    const dir = await open(dataDir);
    await dir.close();
    const v2 = join(dataDir, 'version-2');
    writeFileSync(join(v2, 'snapshot.0'), Buffer.from('not a snapshot'));
    await expect(recoverDir(dataDir)).rejects.toThrow(/snapshot\.0: .*no txn logs/);
  });

  it('recovers a multi all or nothing', async () => {
    const { dataDir, logFile } = await writtenDir();
    const scan = scanLog(readFileSync(logFile));
    const multiIndex = work.entries.findIndex((e) => e.txn.type === 14);
    const entry = scan.entries[multiIndex] as { offset: number; end: number };
    writeFileSync(logFile, readFileSync(logFile).subarray(0, entry.end - 1));
    const r = await recoverDir(dataDir);
    expect(snapshot(r.tree)).toEqual(work.trees[multiIndex - 1]);
  });
});
