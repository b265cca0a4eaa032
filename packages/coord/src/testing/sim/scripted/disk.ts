import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { epochOf, hex, type RecoveredState } from '../../../quorum/core/types.js';
import { DataTree } from '../../../server/data-tree.js';
import { ACCEPTED_EPOCH_FILE, CURRENT_EPOCH_FILE, fileName, LOG_PREFIX, SNAPSHOT_PREFIX, VERSION_DIR } from '../../../server/persistence/file-names.js';
import { replayTxn } from '../../../server/persistence/replay.js';
import { looksSealed } from '../../../server/persistence/snapshot-format.js';
import { encodeTreeSnapshot, treeOfSnapshot } from '../../../server/persistence/snapshot-tree.js';
import { checkLogHeader, encodeLogEntry, encodeLogHeader, isUnwrittenLog, scanLog } from '../../../server/persistence/txn-log-format.js';
import type { TxnEntry } from '../../../server/txn.js';
import { fingerprint } from '../fingerprint.js';
import type { Fingerprint, Lineage } from '../types.js';

/**
 * A scripted peer's dataDir, byte for byte in ZooKeeper's version-2 layout but in memory:
 * `log.<zxid>` files (FileHeader then framed entries, written with the real codec), sealed
 * `snapshot.<zxid>` files, and the two epoch files. The log has a page cache: an append is in the
 * file but not durable until an fsync covers its bytes, and the test decides when fsyncs finish
 * (a delay, or by hand). A crash keeps the synced bytes plus any prefix of the unsynced ones the
 * test asks for, so a write can be torn at any byte. Recovery does what persistence/recovery.ts
 * does, with the same pure codecs, synchronously; `exportTo` writes the files to a real directory
 * so the real `recover()` can be run on the very same bytes.
 */
interface LogRecord {
  readonly zxid: bigint;
  readonly fp: Fingerprint;
  readonly entry: TxnEntry;
  readonly start: number;
  readonly end: number;
}

interface LogFile {
  /** The zxid in the file name (its first entry's). */
  readonly zxid: bigint;
  bytes: Buffer;
  /** Bytes known to be on the platter. */
  synced: number;
  records: LogRecord[];
}

export interface SnapshotFile {
  readonly zxid: bigint;
  bytes: Uint8Array;
  /** zxid → fingerprint of the txns the snapshotted tree reflects (bookkeeping, not on a real disk). */
  readonly lineage: Lineage;
}

export interface DiskRecovery {
  readonly state: RecoveredState;
  readonly lineage: Lineage;
  readonly snapshotZxid: bigint;
  /** What recovery repaired on its way (torn tails cut, empty logs removed). */
  readonly repairs: readonly string[];
}

export class RecoveryRefused extends Error {}

export type FsyncMode = { readonly kind: 'auto'; readonly delayMs: number } | { readonly kind: 'manual' };

export interface DiskHooks {
  /** Schedules `run` after `delayMs` of virtual time. */
  after(delayMs: number, run: () => void): void;
  /**
   * An fsync is about to make everything up to `zxid` durable. Returning false aborts it (the
   * peer crashed at that instant, so the bytes stay unsynced).
   */
  beforeFsync(zxid: bigint): boolean;
  /** Everything up to `zxid` is durable. */
  durable(zxid: bigint): void;
  /** A write a real log would reject or that recovery would refuse later. */
  problem(text: string): void;
}

export const makeTree = (): DataTree => new DataTree(undefined, { extendedTypesEnabled: false });

export class ScriptedDisk {
  logs: LogFile[] = [];
  snapshots: SnapshotFile[] = [];
  acceptedEpoch: bigint | undefined;
  currentEpoch: bigint | undefined;
  /** The file appends go to; undefined after a roll, a truncation or a restart (a new writer). */
  private current: LogFile | undefined;
  fsync: FsyncMode = { kind: 'auto', delayMs: 2 };
  private syncing = false;
  /** Bumped by a crash so that an fsync in flight never completes. */
  private generation = 0;
  private reported = 0n;
  fsyncs = 0;

  constructor(private readonly hooks: DiskHooks) {}

  get fresh(): boolean {
    return this.logs.length === 0 && this.snapshots.length === 0;
  }

  /** Highest zxid in the log files (0 if none). */
  get lastLoggedZxid(): bigint {
    for (let i = this.logs.length - 1; i >= 0; i--) {
      const r = (this.logs[i] as LogFile).records.at(-1);
      if (r !== undefined) return r.zxid;
    }
    return 0n;
  }

  /** Bytes written but not yet fsynced. */
  get unsyncedBytes(): number {
    let n = 0;
    for (const f of this.logs) n += f.bytes.length - f.synced;
    return n;
  }

  /** The log records not yet durable, oldest first. */
  unsyncedRecords(): { zxid: bigint; start: number; end: number }[] {
    const out: { zxid: bigint; start: number; end: number }[] = [];
    for (const f of this.logs) for (const r of f.records) if (r.end > f.synced) out.push({ zxid: r.zxid, start: r.start, end: r.end });
    return out;
  }

  // --- writes ------------------------------------------------------------------------------

  append(entry: TxnEntry): void {
    const zxid = entry.header.zxid;
    const last = this.lastLoggedZxid;
    const snap = this.newestSnapshotZxid();
    const point = last > snap ? last : snap;
    if (zxid <= last) this.hooks.problem(`append ${hex(zxid)} after ${hex(last)}: log zxids must increase`);
    else if (point !== 0n && zxid > point && epochOf(zxid) === epochOf(point) && zxid !== point + 1n) {
      this.hooks.problem(`append ${hex(zxid)} after ${hex(point)}: a hole inside epoch ${epochOf(zxid)} (recovery would refuse to start)`);
    }
    let file = this.current;
    if (file === undefined) {
      file = { zxid, bytes: encodeLogHeader(), synced: 0, records: [] };
      this.logs.push(file);
      this.current = file;
    }
    const bytes = encodeLogEntry({ entry });
    const start = file.bytes.length;
    file.bytes = Buffer.concat([file.bytes, bytes]);
    file.records.push({ zxid, fp: fingerprint(entry), entry, start, end: file.bytes.length });
    if (this.fsync.kind === 'auto' && !this.syncing) this.startFsync(this.fsync.delayMs);
  }

  private startFsync(delayMs: number): void {
    this.syncing = true;
    const gen = this.generation;
    const upto = this.logs.map((f) => f.bytes.length);
    const files = [...this.logs];
    this.hooks.after(delayMs, () => {
      if (gen !== this.generation) return;
      this.syncing = false;
      this.complete(files, upto);
      if (this.fsync.kind === 'auto' && this.unsyncedBytes > 0) this.startFsync(this.fsync.delayMs);
    });
  }

  /** Manual mode: an fsync of everything written so far completes now. */
  fsyncNow(): void {
    this.complete([...this.logs], this.logs.map((f) => f.bytes.length));
  }

  private complete(files: LogFile[], upto: number[]): void {
    let last: bigint | undefined;
    files.forEach((f, i) => {
      for (const r of f.records) if (r.end <= (upto[i] as number) && r.end > f.synced) last = r.zxid;
    });
    if (last !== undefined && !this.hooks.beforeFsync(last)) return;
    this.fsyncs++;
    files.forEach((f, i) => {
      if (this.logs.includes(f)) f.synced = Math.max(f.synced, Math.min(upto[i] as number, f.bytes.length));
    });
    this.reportDurable();
  }

  private reportDurable(): void {
    let z = 0n;
    for (const f of this.logs) for (const r of f.records) if (r.end <= f.synced) z = r.zxid;
    if (z > this.reported) {
      this.reported = z;
      this.hooks.durable(z);
    }
  }

  setFsync(mode: FsyncMode): void {
    this.fsync = mode;
    if (mode.kind === 'auto' && !this.syncing && this.unsyncedBytes > 0) this.startFsync(mode.delayMs);
  }

  /** Epoch files are written to a temp file, synced and renamed: durable at once. */
  writeEpoch(which: 'acceptedEpoch' | 'currentEpoch', epoch: bigint): void {
    this[which] = epoch;
  }

  /** Waits for the log (everything written becomes durable), then the next txn starts a new file. */
  private flushAndRoll(): void {
    for (const f of this.logs) f.synced = f.bytes.length;
    this.current = undefined;
  }

  /**
   * A plain snapshot of `tree` (as SyncRequestProcessor takes every snapCount txns): the log is
   * flushed first, so the snapshot never gets ahead of it, and the next txn opens a new log.
   */
  takeSnapshot(tree: DataTree, sessions: ReadonlyMap<bigint, number>, lineage: Lineage): bigint {
    this.flushAndRoll();
    const zxid = tree.lastProcessedZxid;
    this.snapshots.push({ zxid, bytes: encodeTreeSnapshot(tree, sessions), lineage: cutLineage(lineage, zxid) });
    this.reportDurable();
    return zxid;
  }

  /**
   * A SNAP sync's snapshot (DataDir.installSnapshot): log entries after its zxid are a history
   * this peer no longer has, so they are cut first; then the snapshot is written durably.
   */
  installSnapshot(tree: DataTree, sessions: ReadonlyMap<bigint, number>, lineage: Lineage): bigint {
    const zxid = tree.lastProcessedZxid;
    this.truncate(zxid);
    return this.takeSnapshot(tree, sessions, lineage);
  }

  /** TRUNC (truncateDataDir): nothing after `zxid` stays in the dataDir. Returns how many txns went. */
  truncate(zxid: bigint): number {
    let dropped = 0;
    const kept: LogFile[] = [];
    for (const f of this.logs) {
      if (f.zxid > zxid) {
        dropped += f.records.length;
        continue;
      }
      const scan = scanLog(f.bytes);
      const firstAfter = scan.entries.find((e) => e.logged.entry.header.zxid > zxid);
      const cutAt = firstAfter?.offset ?? (scan.tail.kind === 'torn' ? scan.tail.offset : undefined);
      if (cutAt !== undefined) {
        dropped += f.records.filter((r) => r.start >= cutAt).length;
        f.bytes = f.bytes.subarray(0, cutAt);
        f.records = f.records.filter((r) => r.end <= cutAt);
      }
      f.synced = f.bytes.length;
      kept.push(f);
    }
    this.logs = kept;
    this.snapshots = this.snapshots.filter((s) => s.zxid <= zxid);
    this.current = undefined;
    this.reported = this.lastLoggedZxid;
    return dropped;
  }

  private newestSnapshotZxid(): bigint {
    return this.snapshots.at(-1)?.zxid ?? 0n;
  }

  // --- faults ------------------------------------------------------------------------------

  /**
   * The machine died. Synced bytes survive; of the unsynced ones only the first `keepBytes`
   * (counted across the files in order) do, so a write can be cut anywhere. What survived is on
   * the platter afterwards. Returns a description of what was lost.
   */
  crash(keepBytes: number): string {
    this.generation++;
    this.syncing = false;
    let budget = Math.max(0, keepBytes);
    let lost = 0;
    let torn = false;
    for (const f of this.logs) {
      const unsynced = f.bytes.length - f.synced;
      if (unsynced === 0) continue;
      const keep = Math.min(unsynced, budget);
      budget -= keep;
      const len = f.synced + keep;
      lost += f.records.filter((r) => r.end > len).length;
      if (f.records.some((r) => r.start < len && r.end > len) || (len > 0 && len < 16)) torn = true;
      f.bytes = f.bytes.subarray(0, len);
      f.records = f.records.filter((r) => r.end <= len);
      f.synced = len;
    }
    this.current = undefined;
    this.reported = 0n;
    return lost === 0 && !torn ? '' : `${lost} unsynced txns lost${torn ? ', the last write torn' : ''}`;
  }

  /** Damages every snapshot: `empty` (0 bytes) or `garbage` (the seal kept, the body overwritten). */
  corruptSnapshots(how: 'empty' | 'garbage', which: 'all' | 'newest' = 'all'): void {
    const targets = which === 'all' ? this.snapshots : this.snapshots.slice(-1);
    for (const s of targets) {
      if (how === 'empty') s.bytes = new Uint8Array(0);
      else {
        const b = Buffer.from(s.bytes);
        for (let i = 0; i < b.length - 5; i++) b[i] = 0xa5;
        s.bytes = b;
      }
    }
  }

  /** Removes every log file (a dataDir holding only snapshots). */
  removeLogs(): void {
    this.logs = [];
    this.current = undefined;
  }

  removeEpochFiles(): void {
    this.acceptedEpoch = undefined;
    this.currentEpoch = undefined;
  }

  // --- recovery ----------------------------------------------------------------------------

  /** True if a restart now would bring back `zxid` as the txn `fp`. */
  hasDurable(zxid: bigint, fp: Fingerprint): boolean {
    const snap = this.snapshots.at(-1);
    if (snap !== undefined && zxid <= snap.zxid) return snap.lineage.get(zxid) === fp;
    for (const f of this.logs) for (const r of f.records) if (r.zxid === zxid) return r.end <= f.synced && r.fp === fp;
    return false;
  }

  /**
   * FileTxnSnapLog.restore, as persistence/recovery.ts does it: the newest snapshot that
   * verifies, then the logs after it; a torn tail of the newest log is cut, anything else that
   * does not verify refuses the start. Throws RecoveryRefused.
   */
  recover(): DiskRecovery {
    const repairs: string[] = [];
    let tree: DataTree | undefined;
    let sessions: Map<bigint, number> | undefined;
    let lineage: Lineage = new Map();
    let snapZxid = 0n;
    const rejected: string[] = [];
    for (const snap of [...this.snapshots].reverse()) {
      try {
        if (!looksSealed(snap.bytes)) throw new Error('does not end with the "/" seal');
        ({ tree, sessions } = treeOfSnapshot(snap.bytes, makeTree));
        tree.lastProcessedZxid = snap.zxid;
        lineage = new Map(snap.lineage);
        snapZxid = snap.zxid;
        break;
      } catch (err) {
        rejected.push(`${fileName(SNAPSHOT_PREFIX, snap.zxid)}: ${(err as Error).message}`);
      }
    }
    if (tree === undefined && this.logs.length > 0) {
      throw new RecoveryRefused(`there is no valid snapshot (${rejected.join('; ') || 'none'}) but txn logs exist`);
    }
    if (tree === undefined && rejected.length > 0) throw new RecoveryRefused(`no snapshot is valid (${rejected.join('; ')}) and there are no logs`);
    tree ??= makeTree();
    sessions ??= new Map();
    const recent: TxnEntry[] = [];
    // FileTxnLog.getLogFiles: the newest log starting at or before the snapshot, and all later ones.
    let first = 0;
    this.logs.forEach((f, i) => {
      if (f.zxid <= snapZxid) first = i;
    });
    const toRead = this.logs.slice(first);
    for (let i = 0; i < toRead.length; i++) {
      const f = toRead[i] as LogFile;
      const isLast = i === toRead.length - 1;
      const name = fileName(LOG_PREFIX, f.zxid);
      const headerProblem = checkLogHeader(f.bytes);
      if (headerProblem !== undefined) {
        if (isLast && isUnwrittenLog(f.bytes)) {
          this.logs = this.logs.filter((x) => x !== f);
          repairs.push(`removed ${name}: ${headerProblem}`);
          continue;
        }
        throw new RecoveryRefused(`${name} is not a txn log: ${headerProblem}`);
      }
      const scan = scanLog(f.bytes);
      if (scan.tail.kind === 'corrupt' || (scan.tail.kind === 'torn' && !isLast)) {
        throw new RecoveryRefused(`txn log ${name} is corrupt at byte offset ${scan.tail.offset} (${scan.tail.reason})`);
      }
      for (const { logged } of scan.entries) {
        const zxid = logged.entry.header.zxid;
        if (zxid <= tree.lastProcessedZxid) continue;
        const last = tree.lastProcessedZxid;
        if (epochOf(zxid) === epochOf(last) && zxid !== last + 1n && last !== 0n) {
          throw new RecoveryRefused(`txn ${hex(zxid)} in ${name} follows ${hex(last)}; txns are missing`);
        }
        replayTxn(tree, sessions, logged.entry);
        lineage.set(zxid, fingerprint(logged.entry));
        recent.push(logged.entry);
      }
      if (scan.tail.kind === 'torn') {
        repairs.push(`cut the torn tail of ${name} at byte ${scan.tail.offset} (${scan.tail.reason})`);
        if (scan.entries.length === 0) this.logs = this.logs.filter((x) => x !== f);
        else {
          f.bytes = f.bytes.subarray(0, scan.tail.offset);
          f.records = f.records.filter((r) => r.end <= scan.tail.offset);
          f.synced = Math.min(f.synced, f.bytes.length);
        }
      }
    }
    this.current = undefined;
    this.reported = tree.lastProcessedZxid;
    // QuorumPeer.loadDataBase: a missing epoch file defaults to the epoch of the last zxid.
    const fallback = epochOf(tree.lastProcessedZxid);
    const state: RecoveredState = {
      tree,
      sessions,
      acceptedEpoch: this.acceptedEpoch ?? fallback,
      currentEpoch: this.currentEpoch ?? fallback,
      recentTxns: recent,
      historyBase: snapZxid,
    };
    return { state, lineage, snapshotZxid: snapZxid, repairs };
  }

  /** Writes the dataDir as files (`<dir>/version-2/…`), for the real recovery to read. */
  async exportTo(dir: string): Promise<string> {
    const v2 = join(dir, VERSION_DIR);
    await mkdir(v2, { recursive: true });
    for (const s of this.snapshots) await writeFile(join(v2, fileName(SNAPSHOT_PREFIX, s.zxid)), s.bytes);
    for (const f of this.logs) await writeFile(join(v2, fileName(LOG_PREFIX, f.zxid)), f.bytes);
    if (this.acceptedEpoch !== undefined) await writeFile(join(v2, ACCEPTED_EPOCH_FILE), this.acceptedEpoch.toString());
    if (this.currentEpoch !== undefined) await writeFile(join(v2, CURRENT_EPOCH_FILE), this.currentEpoch.toString());
    return v2;
  }
}

function cutLineage(lineage: Lineage, zxid: bigint): Lineage {
  const out: Lineage = new Map();
  for (const [z, fp] of lineage) if (z <= zxid) out.set(z, fp);
  return out;
}
