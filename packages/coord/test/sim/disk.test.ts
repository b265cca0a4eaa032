import { describe, expect, it } from 'vitest';
import { OpCode } from '../../src/jute/opcodes.js';
import { hex, zxidOf } from '../../src/quorum/core/types.js';
import { encodeTreeSnapshot } from '../../src/server/persistence/snapshot-tree.js';
import type { TxnEntry } from '../../src/server/txn.js';
import { SimDisk } from '../../src/testing/sim/disk.js';
import { fingerprint } from '../../src/testing/sim/fingerprint.js';
import { Random } from '../../src/testing/sim/random.js';
import { Scheduler } from '../../src/testing/sim/scheduler.js';

const ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

function createTxn(zxid: bigint, path: string): TxnEntry {
  return {
    header: { clientId: 0x100n, cxid: Number(zxid & 0xffffn), zxid, time: 1000n, type: OpCode.create },
    txn: { type: OpCode.create, record: { path, data: Buffer.from(path), acl: ACL, ephemeral: false, parentCVersion: -1 } },
  };
}

function session(zxid: bigint, id: bigint): TxnEntry {
  return { header: { clientId: id, cxid: 0, zxid, time: 1000n, type: OpCode.createSession }, txn: { type: OpCode.createSession, record: { timeOut: 4000 } } };
}

function setup(fsyncMs = 10) {
  const scheduler = new Scheduler();
  const durable: bigint[] = [];
  const disk = new SimDisk(scheduler, new Random(7), { fsyncMs: () => fsyncMs }, (z) => durable.push(z));
  return { scheduler, disk, durable, run: () => void scheduler.runUntil(1e9) };
}

describe('SimDisk', () => {
  it('group-commits: one fsync at a time, the next covering everything appended while one ran', () => {
    const { scheduler, disk, durable, run } = setup();
    disk.append(createTxn(zxidOf(1n, 1n), '/a'));
    disk.append(createTxn(zxidOf(1n, 2n), '/b'));
    scheduler.runUntil(5);
    disk.append(createTxn(zxidOf(1n, 3n), '/c'));
    run();
    // The first fsync started with /a alone; /b and /c waited for it and share the second.
    expect(durable.map(hex)).toEqual(['0x100000001', '0x100000003']);
    expect(disk.fsyncs).toBe(2);
  });

  it('a power-loss crash loses every unsynced record, and pending fsyncs never report', () => {
    const { scheduler, disk, durable, run } = setup();
    disk.append(createTxn(zxidOf(1n, 1n), '/a'));
    run();
    disk.append(createTxn(zxidOf(1n, 2n), '/b'));
    disk.append(createTxn(zxidOf(1n, 3n), '/c'));
    scheduler.runUntil(scheduler.nowMs + 5);
    const loss = disk.crash({ keep: 'none', tornProbability: 0 });
    run();
    expect(loss).toEqual({ keptUnsynced: 0, lostUnsynced: 2, torn: false });
    expect(durable.map(hex)).toEqual(['0x100000001']);
    const rec = disk.recover();
    expect(rec.state.tree.lastProcessedZxid).toBe(zxidOf(1n, 1n));
    expect(rec.state.tree.get('/a')).toBeDefined();
    expect(rec.state.tree.get('/b')).toBeUndefined();
  });

  it('a killed process keeps everything it appended (the OS still has it)', () => {
    const { disk } = setup();
    disk.append(createTxn(zxidOf(1n, 1n), '/a'));
    disk.append(createTxn(zxidOf(1n, 2n), '/b'));
    expect(disk.crash({ keep: 'all', tornProbability: 0 })).toEqual({ keptUnsynced: 2, lostUnsynced: 0, torn: false });
    expect(disk.recover().state.tree.lastProcessedZxid).toBe(zxidOf(1n, 2n));
  });

  it('a page-cache crash keeps a prefix of the unsynced records; a torn last one is cut by recovery', () => {
    let sawTorn = false;
    let sawKept = false;
    for (let seed = 1; seed <= 40; seed++) {
      const scheduler = new Scheduler();
      const disk = new SimDisk(scheduler, new Random(seed), { fsyncMs: () => 10 }, () => undefined);
      for (let i = 1n; i <= 4n; i++) disk.append(createTxn(zxidOf(1n, i), `/n${i}`));
      const loss = disk.crash({ keep: 'prefix', tornProbability: 0.5 });
      expect(loss.keptUnsynced + loss.lostUnsynced).toBe(4);
      const rec = disk.recover();
      expect(rec.state.tree.lastProcessedZxid).toBe(BigInt(loss.keptUnsynced) === 0n ? 0n : zxidOf(1n, BigInt(loss.keptUnsynced)));
      sawTorn ||= loss.torn;
      sawKept ||= loss.keptUnsynced > 0;
    }
    expect(sawTorn && sawKept).toBe(true);
  });

  it('recovers tree and sessions from the newest snapshot plus the log after it; truncate drops newer records and snapshots', () => {
    const { disk, run } = setup();
    const entries = [session(zxidOf(1n, 1n), 0x55n), createTxn(zxidOf(1n, 2n), '/a'), createTxn(zxidOf(1n, 3n), '/b')];
    for (const e of entries) disk.append(e);
    run();
    const mid = disk.recover();
    expect(mid.state.sessions.get(0x55n)).toBe(4000);
    disk.snapshot(zxidOf(1n, 3n), encodeTreeSnapshot(mid.state.tree, mid.state.sessions), mid.lineage);
    disk.append(createTxn(zxidOf(2n, 1n), '/c'));
    run();
    const full = disk.recover();
    expect([...full.state.tree.nodes.keys()].filter((p) => !p.startsWith('/zookeeper'))).toEqual(['/', '/a', '/b', '/c']);
    expect(full.state.recentTxns?.map((e) => hex(e.header.zxid))).toEqual(['0x200000001']);
    expect(full.lineage.get(zxidOf(1n, 2n))).toBe(fingerprint(entries[1] as TxnEntry));
    expect(disk.hasDurable(zxidOf(1n, 2n), fingerprint(entries[1] as TxnEntry))).toBe(true);

    expect(disk.truncate(zxidOf(1n, 2n))).toBe(2);
    expect(disk.snapshots).toHaveLength(0);
    const cut = disk.recover();
    expect(cut.state.tree.lastProcessedZxid).toBe(zxidOf(1n, 2n));
    expect(cut.state.tree.get('/b')).toBeUndefined();
  });

  it('flags a hole inside an epoch on append, and recovery refuses to start over one', () => {
    const { disk } = setup();
    expect(disk.append(createTxn(zxidOf(1n, 1n), '/a'))).toBeUndefined();
    expect(disk.append(createTxn(zxidOf(1n, 3n), '/c'))).toMatch(/hole inside epoch 1/);
    expect(disk.append(createTxn(zxidOf(1n, 2n), '/b'))).toMatch(/must increase/);
    expect(disk.recover().refused).toMatch(/txns are missing/);
    const { disk: d2 } = setup();
    d2.append(createTxn(zxidOf(1n, 1n), '/a'));
    expect(d2.append(createTxn(zxidOf(2n, 5n), '/x'))).toBeUndefined(); // a new epoch may start anywhere
  });

  it('epoch files are durable at once; without them recovery falls back to the epoch of the last zxid', () => {
    const { disk, run } = setup();
    disk.append(createTxn(zxidOf(3n, 1n), '/a'));
    run();
    expect(disk.recover().state.currentEpoch).toBe(3n);
    disk.writeEpoch('acceptedEpoch', 4n);
    disk.crash({ keep: 'none', tornProbability: 0 });
    expect(disk.recover().state.acceptedEpoch).toBe(4n);
  });
});
