import { join } from 'node:path';
import { OpCode } from '../../jute/opcodes.js';
import { DataTree } from '../data-tree.js';
import type { TxnEntry } from '../txn.js';
import { readEpoch, writeEpoch } from './epoch-files.js';
import { ACCEPTED_EPOCH_FILE, CURRENT_EPOCH_FILE, SNAPSHOT_PREFIX, sortedByZxid, VERSION_DIR } from './file-names.js';
import { listDir } from './fs-util.js';
import { purge } from './purge.js';
import { recover, type Recovered } from './recovery.js';
import { serialiseSnapshot, writeSnapshot } from './snapshot-writer.js';
import { truncateDataDir } from './truncate.js';
import { TxnLog } from './txn-log.js';

/**
 * The persistence facade a server wires in: open (recover) a ZooKeeper version-2 dataDir, then
 * append every txn, learn when it is durable, and snapshot every ~snapCount txns.
 */
export interface DataDirOptions {
  /** zoo.cfg dataDir; snapshots (and logs, without dataLogDir) go in `<dataDir>/version-2`. */
  readonly dataDir: string;
  /** zoo.cfg dataLogDir; logs go in `<dataLogDir>/version-2`. */
  readonly dataLogDir?: string;
  /** fdatasync each batch (zookeeper.forceSync). Default true. */
  readonly forceSync?: boolean;
  /** Log preallocation chunk in bytes (zookeeper.preAllocSize is in KB). Default 64 MiB. */
  readonly preAllocSizeBytes?: number;
  /** zoo.cfg snapCount. Default 100000; a snapshot follows snapCount/2 + random(snapCount/2) txns. */
  readonly snapCount?: number;
  /** After each snapshot, keep this many snapshots and the logs they need; undefined = never purge. */
  readonly snapRetainCount?: number;
  readonly extendedTypesEnabled?: boolean;
  /** /zookeeper/config's data in a fresh tree. */
  readonly configData?: Uint8Array;
  /** Nodes serialised between yields to the event loop while snapshotting (default 4000). */
  readonly snapshotNodesPerStep?: number;
  /** Keep this many of the newest replayed txns in `recovery.recentTxns` (a quorum peer's DIFF history). */
  readonly keepRecentTxns?: number;
  /** [0, 1) source for the snapshot roll; default Math.random. */
  readonly random?: () => number;
  readonly log?: (level: 'info' | 'warn', message: string) => void;
}

export interface DataDir {
  /**
   * The recovered tree. The server must apply to this very object (automatic snapshots read it);
   * `truncate` and `installSnapshot` replace it.
   */
  readonly tree: DataTree;
  /** Live sessions (id → timeout ms): recovered, then kept current from appended createSession/closeSession. */
  readonly sessions: ReadonlyMap<bigint, number>;
  /** The zxid recovery reached; the server's next zxid is this + 1. */
  readonly lastZxid: bigint;
  /** The last recovery (at open, or by `truncate`). */
  readonly recovery: Recovered;
  readonly snapDir: string;
  readonly logDir: string;
  /** Highest durable zxid (starts at lastZxid). */
  readonly durableZxid: bigint;
  /** Logs a txn; call it before apply, in zxid order. May schedule a snapshot. */
  append(entry: TxnEntry): void;
  /** Resolves once everything appended is durable, with the durable zxid. */
  flush(): Promise<bigint>;
  /** After every group commit, with the highest durable zxid. Returns an unsubscribe function. */
  onDurable(listener: (zxid: bigint) => void): () => void;
  /** Called once if the log cannot write or sync; the server must stop (no later txn can be durable). */
  onFailure(listener: (err: Error) => void): () => void;
  /** Snapshots the tree now (after the txns it holds are durable). Resolves with the file name. */
  takeSnapshot(): Promise<string>;
  /**
   * A quorum peer's TRUNC (FileTxnSnapLog.truncateLog + ZKDatabase.loadDataBase): waits for the
   * log, cuts everything after `zxid` from the dataDir, and recovers again. `tree`, `sessions`
   * and `recovery` are the rebuilt ones afterwards; appends continue after the new last zxid.
   */
  truncate(zxid: bigint): Promise<Recovered>;
  /**
   * A quorum peer's SNAP sync: `tree` (at its lastProcessedZxid) and `sessions` replace the
   * dataDir's state; log entries after that zxid (a diverged history) are cut, and the state is
   * snapshotted durably. Resolves with the snapshot's file name.
   */
  installSnapshot(tree: DataTree, sessions: ReadonlyMap<bigint, number>): Promise<string>;
  /** The snapshot in progress, if any (automatic or takeSnapshot). */
  readonly snapshotInProgress: Promise<string> | undefined;
  purge(retain: number): Promise<string[]>;
  readAcceptedEpoch(): Promise<bigint | undefined>;
  writeAcceptedEpoch(epoch: bigint): Promise<void>;
  readCurrentEpoch(): Promise<bigint | undefined>;
  writeCurrentEpoch(epoch: bigint): Promise<void>;
  /** Waits for the log and any snapshot in progress, then closes the log. */
  close(): Promise<void>;
}

const DEFAULT_PREALLOC_BYTES = 64 * 1024 * 1024;
const DEFAULT_SNAP_COUNT = 100_000;
/** About 20 ms of serialisation between yields to the event loop (measured: ~5 µs a node). */
const DEFAULT_NODES_PER_STEP = 4_000;

export async function openDataDir(options: DataDirOptions): Promise<DataDir> {
  const snapDir = join(options.dataDir, VERSION_DIR);
  const logDir = join(options.dataLogDir ?? options.dataDir, VERSION_DIR);
  const makeTree = (): DataTree => new DataTree(options.configData, { extendedTypesEnabled: options.extendedTypesEnabled ?? false });
  const recoverDir = (): Promise<Recovered> =>
    recover({ snapDir, logDir, makeTree, keepTxns: options.keepRecentTxns ?? 0, ...(options.log === undefined ? {} : { log: options.log }) });
  let recovery = await recoverDir();
  const forceSync = options.forceSync ?? true;
  let tree = recovery.tree;
  let sessions = recovery.sessions;
  // The facade owns the listeners so they survive a new log writer (after truncate/installSnapshot).
  const durableListeners = new Set<(zxid: bigint) => void>();
  const failureListeners = new Set<(err: Error) => void>();
  const openLog = (lastZxid: bigint): TxnLog => {
    const writer = new TxnLog({ dir: logDir, forceSync, preAllocSizeBytes: options.preAllocSizeBytes ?? DEFAULT_PREALLOC_BYTES }, lastZxid);
    writer.onDurable((zxid) => {
      for (const listener of durableListeners) listener(zxid);
    });
    writer.onFailure((err) => {
      for (const listener of failureListeners) listener(err);
    });
    return writer;
  };
  let log = openLog(recovery.lastZxid);
  /** Closes the log writer and opens a new one once `reset` has rewritten the dataDir. */
  const reopen = async (reset: () => Promise<bigint>): Promise<void> => {
    await inProgress?.catch(() => undefined);
    await log.close();
    if (log.failed !== undefined) throw log.failed;
    log = openLog(await reset());
    logCount = 0;
  };

  const snapCount = Math.max(2, options.snapCount ?? DEFAULT_SNAP_COUNT);
  const random = options.random ?? Math.random;
  const newRoll = (): number => Math.floor(random() * (snapCount / 2));
  let roll = newRoll();
  let logCount = 0;
  let inProgress: Promise<string> | undefined;
  /** A snapshot is scheduled for after the current txn's apply (one per trigger, never two at once). */
  let snapshotDue = false;

  const snapshot = (): Promise<string> => {
    const run = (async () => {
      const image = await serialiseSnapshot(tree, sessions, options.snapshotNodesPerStep ?? DEFAULT_NODES_PER_STEP);
      // The tree may hold txns not yet on disk (servers apply eagerly); never let a snapshot
      // get ahead of the log, or a crash could resurrect unacknowledged writes.
      await log.flush();
      await writeSnapshot(snapDir, image, forceSync);
      if (options.snapRetainCount !== undefined) await purge(snapDir, logDir, options.snapRetainCount);
      return image.name;
    })();
    inProgress = run;
    void run.then(
      () => {
        if (inProgress === run) inProgress = undefined;
      },
      (err: unknown) => {
        if (inProgress === run) inProgress = undefined;
        options.log?.('warn', `snapshot failed: ${(err as Error).message}`);
      },
    );
    return run;
  };

  // A fresh dataDir gets snapshot.0 at once, as ZooKeeper does, so logs never exist without one.
  if (sortedByZxid(await listDir(snapDir), SNAPSHOT_PREFIX).length === 0) await snapshot();

  const dir: DataDir = {
    get tree() {
      return tree;
    },
    get sessions() {
      return sessions;
    },
    get lastZxid() {
      return recovery.lastZxid;
    },
    get recovery() {
      return recovery;
    },
    snapDir,
    logDir,
    get durableZxid() {
      return log.durableZxid;
    },
    get snapshotInProgress() {
      return inProgress;
    },
    append(entry) {
      log.append({ entry });
      if (entry.txn.type === OpCode.createSession) sessions.set(entry.header.clientId, entry.txn.record.timeOut);
      else if (entry.txn.type === OpCode.closeSession) sessions.delete(entry.header.clientId);
      // SyncRequestProcessor.shouldSnapshot: roll the log now, snapshot once this txn is applied.
      if (++logCount > snapCount / 2 + roll) {
        logCount = 0;
        roll = newRoll();
        log.roll();
        if (inProgress !== undefined || snapshotDue) options.log?.('warn', 'too busy to snapshot, skipping');
        else {
          snapshotDue = true;
          setImmediate(() => {
            snapshotDue = false;
            void snapshot().catch(() => undefined);
          });
        }
      }
    },
    flush: () => log.flush(),
    onDurable: (listener) => {
      durableListeners.add(listener);
      return () => durableListeners.delete(listener);
    },
    onFailure: (listener) => {
      failureListeners.add(listener);
      return () => failureListeners.delete(listener);
    },
    takeSnapshot: () => snapshot(),
    async truncate(zxid) {
      await reopen(async () => {
        const cut = await truncateDataDir(snapDir, logDir, zxid);
        options.log?.('info', `truncated the dataDir after 0x${zxid.toString(16)}${cut.cut === undefined ? '' : ` (${cut.cut.file} at byte ${cut.cut.offset})`}${cut.removed.length === 0 ? '' : `; removed ${cut.removed.join(', ')}`}`);
        recovery = await recoverDir();
        tree = recovery.tree;
        sessions = recovery.sessions;
        return recovery.lastZxid;
      });
      return recovery;
    },
    async installSnapshot(newTree, newSessions) {
      await reopen(async () => {
        await truncateDataDir(snapDir, logDir, newTree.lastProcessedZxid);
        tree = newTree;
        sessions = new Map(newSessions);
        return newTree.lastProcessedZxid;
      });
      return snapshot();
    },
    purge: (retain) => purge(snapDir, logDir, retain),
    readAcceptedEpoch: () => readEpoch(snapDir, ACCEPTED_EPOCH_FILE),
    writeAcceptedEpoch: (epoch) => writeEpoch(snapDir, ACCEPTED_EPOCH_FILE, epoch),
    readCurrentEpoch: () => readEpoch(snapDir, CURRENT_EPOCH_FILE),
    writeCurrentEpoch: (epoch) => writeEpoch(snapDir, CURRENT_EPOCH_FILE, epoch),
    async close() {
      await inProgress?.catch(() => undefined);
      await log.close();
    },
  };
  return dir;
}
