import { epochOf, hex, type RecoveredState } from '../../quorum/core/types.js';
import { DataTree } from '../../server/data-tree.js';
import { replayTxn } from '../../server/persistence/replay.js';
import { treeOfSnapshot } from '../../server/persistence/snapshot-tree.js';
import type { TxnEntry } from '../../server/txn.js';
import { fingerprint } from './fingerprint.js';
import type { Random } from './random.js';
import type { Scheduler } from './scheduler.js';
import type { Fingerprint, Lineage } from './types.js';

/**
 * One peer's simulated dataDir. The txn log is a list of records; an append is in the page cache
 * until a group fsync, started when the previous one finishes and taking a random time, makes
 * everything appended before it durable (reported through `onDurable`, as a `durable` input).
 * Epoch files and snapshots are durable at once (they are written to a temp file, fsynced and
 * renamed). A crash keeps the durable records and, in "page cache" mode, a random prefix of
 * the unsynced ones, the last of which may be torn (recovery cuts a torn record, so it is lost
 * too); in power-loss mode every unsynced record is lost; a killed process keeps them all. Recovery follows persistence/recovery.ts:
 * newest snapshot, then the log records after its zxid, refusing a hole inside an epoch.
 */
export interface LogRecord {
  readonly entry: TxnEntry;
  readonly zxid: bigint;
  readonly fp: Fingerprint;
  readonly seq: number;
  synced: boolean;
}

export interface SnapshotFile {
  readonly zxid: bigint;
  readonly bytes: Uint8Array;
  /** The txns the snapshotted tree reflects (the simulator's bookkeeping, not on a real disk). */
  readonly lineage: Lineage;
}

export interface DiskParams {
  /** Time one fsync takes, drawn per fsync. */
  readonly fsyncMs: (rng: Random) => number;
}

export interface CrashLoss {
  /** How many unsynced records the crash kept (before cutting a torn one). */
  readonly keptUnsynced: number;
  readonly lostUnsynced: number;
  readonly torn: boolean;
}

export interface Recovery {
  readonly state: RecoveredState;
  readonly lineage: Lineage;
  /** Why a real server would refuse to start from this disk (a hole in the log), if it would. */
  readonly refused?: string;
}

export const makeSimTree = (): DataTree => new DataTree(undefined, { extendedTypesEnabled: false });

export class SimDisk {
  log: LogRecord[] = [];
  readonly byZxid = new Map<bigint, LogRecord>();
  snapshots: SnapshotFile[] = [];
  acceptedEpoch: bigint | undefined;
  currentEpoch: bigint | undefined;
  private seq = 0;
  private syncing = false;
  private generation = 0;
  private reportedDurable = 0n;
  fsyncs = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: Random,
    private readonly params: DiskParams,
    /** Everything up to this zxid is durable (fed to the core as `durable`). */
    private readonly onDurable: (zxid: bigint) => void,
  ) {}

  get lastZxid(): bigint {
    return this.log.at(-1)?.zxid ?? 0n;
  }

  /** The zxid recovery would start the log after: the newest snapshot's, or the last record's. */
  private recoveryPoint(): bigint {
    const snap = this.snapshots.at(-1)?.zxid ?? 0n;
    const last = this.lastZxid;
    return snap > last ? snap : last;
  }

  /** Appends (unsynced) and starts an fsync if none is running. Returns a problem a real log would have. */
  append(entry: TxnEntry): string | undefined {
    const zxid = entry.header.zxid;
    const point = this.recoveryPoint();
    let problem: string | undefined;
    if (zxid <= this.lastZxid) problem = `append ${hex(zxid)} after ${hex(this.lastZxid)}: log zxids must increase`;
    else if (point !== 0n && epochOf(zxid) === epochOf(point) && zxid !== point + 1n && zxid > point) {
      problem = `append ${hex(zxid)} after ${hex(point)}: a hole inside epoch ${epochOf(zxid)} (recovery would refuse to start)`;
    }
    const rec: LogRecord = { entry, zxid, fp: fingerprint(entry), seq: this.seq++, synced: false };
    this.log.push(rec);
    this.byZxid.set(zxid, rec);
    if (!this.syncing) this.startSync();
    return problem;
  }

  private startSync(): void {
    this.syncing = true;
    this.fsyncs++;
    const upto = this.seq - 1;
    const gen = this.generation;
    this.scheduler.after(this.params.fsyncMs(this.rng), () => {
      if (gen !== this.generation) return;
      this.syncing = false;
      let last: LogRecord | undefined;
      for (const rec of this.log) {
        if (rec.seq > upto) break;
        rec.synced = true;
        last = rec;
      }
      if (this.log.some((r) => !r.synced)) this.startSync();
      if (last !== undefined && last.zxid !== this.reportedDurable) {
        this.reportedDurable = last.zxid;
        this.onDurable(last.zxid);
      }
    });
  }

  writeEpoch(which: 'acceptedEpoch' | 'currentEpoch', epoch: bigint): void {
    this[which] = epoch;
  }

  snapshot(zxid: bigint, bytes: Uint8Array, lineage: Lineage): void {
    this.snapshots.push({ zxid, bytes, lineage: new Map(lineage) });
    if (this.snapshots.length > 3) this.snapshots.shift();
  }

  /** Cuts the log after `zxid` and drops newer snapshots (FileTxnSnapLog.truncateLog). */
  truncate(zxid: bigint): number {
    const before = this.log.length;
    this.log = this.log.filter((r) => r.zxid <= zxid);
    this.reindex();
    this.snapshots = this.snapshots.filter((s) => s.zxid <= zxid);
    if (this.reportedDurable > zxid) this.reportedDurable = this.lastSyncedZxid();
    return before - this.log.length;
  }

  private lastSyncedZxid(): bigint {
    let z = 0n;
    for (const r of this.log) if (r.synced) z = r.zxid;
    return z;
  }

  private reindex(): void {
    this.byZxid.clear();
    for (const r of this.log) this.byZxid.set(r.zxid, r);
  }

  /**
   * The process died: pending fsyncs never complete. `keep` says what became of the unsynced
   * records: lost (power loss), all kept (a killed process: the OS still writes its page cache)
   * or a random prefix kept (the OS had flushed part of it), the last kept one then possibly torn.
   */
  crash(pageCache: { keep: 'none' | 'prefix' | 'all'; tornProbability: number }): CrashLoss {
    this.generation++;
    this.syncing = false;
    const firstUnsynced = this.log.findIndex((r) => !r.synced);
    if (firstUnsynced < 0) return { keptUnsynced: 0, lostUnsynced: 0, torn: false };
    const unsynced = this.log.length - firstUnsynced;
    let keep = pageCache.keep === 'all' ? unsynced : pageCache.keep === 'prefix' ? this.rng.int(0, unsynced) : 0;
    let torn = false;
    if (keep > 0 && this.rng.chance(pageCache.tornProbability)) {
      keep--;
      torn = true;
    }
    this.log = this.log.slice(0, firstUnsynced + keep);
    for (const r of this.log) r.synced = true; // what survived is on the platter now
    this.reindex();
    this.reportedDurable = this.lastZxid;
    return { keptUnsynced: keep, lostUnsynced: unsynced - keep, torn };
  }

  /** True if recovery from this disk would bring back `zxid` as the txn `fp`. */
  hasDurable(zxid: bigint, fp: Fingerprint): boolean {
    const snap = this.snapshots.at(-1);
    if (snap !== undefined && zxid <= snap.zxid) return snap.lineage.get(zxid) === fp;
    const rec = this.byZxid.get(zxid);
    return rec !== undefined && rec.synced && rec.fp === fp;
  }

  /** Rebuilds tree, sessions and epochs as recovery.ts would from what is on disk now. */
  recover(): Recovery {
    const snap = this.snapshots.at(-1);
    let tree: DataTree;
    let sessions: Map<bigint, number>;
    let lineage: Lineage;
    if (snap !== undefined) {
      ({ tree, sessions } = treeOfSnapshot(snap.bytes, makeSimTree));
      tree.lastProcessedZxid = snap.zxid;
      lineage = new Map(snap.lineage);
    } else {
      tree = makeSimTree();
      sessions = new Map();
      lineage = new Map();
    }
    const recent: TxnEntry[] = [];
    let refused: string | undefined;
    for (const rec of this.log) {
      if (rec.zxid <= tree.lastProcessedZxid) continue;
      const last = tree.lastProcessedZxid;
      if (epochOf(rec.zxid) === epochOf(last) && rec.zxid !== last + 1n && last !== 0n) {
        refused = `txn ${hex(rec.zxid)} follows ${hex(last)}; txns are missing`;
        break;
      }
      replayTxn(tree, sessions, rec.entry);
      lineage.set(rec.zxid, rec.fp);
      recent.push(rec.entry);
    }
    // Without an epoch file ZooKeeper takes the epoch of the last logged zxid (QuorumPeer.loadDataBase).
    const fallback = epochOf(tree.lastProcessedZxid);
    const state: RecoveredState = {
      tree,
      sessions,
      acceptedEpoch: this.acceptedEpoch ?? fallback,
      currentEpoch: this.currentEpoch ?? fallback,
      recentTxns: recent,
    };
    return refused === undefined ? { state, lineage } : { state, lineage, refused };
  }
}
