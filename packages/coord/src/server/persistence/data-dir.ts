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
  /** [0, 1) source for the snapshot roll; default Math.random. */
  readonly random?: () => number;
  readonly log?: (level: 'info' | 'warn', message: string) => void;
}

export interface DataDir {
  /** The recovered tree. The server must apply to this very object (automatic snapshots read it). */
  readonly tree: DataTree;
  /** Live sessions (id → timeout ms): recovered, then kept current from appended createSession/closeSession. */
  readonly sessions: ReadonlyMap<bigint, number>;
  /** The zxid recovery reached; the server's next zxid is this + 1. */
  readonly lastZxid: bigint;
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
  const recovery = await recover({ snapDir, logDir, makeTree, ...(options.log === undefined ? {} : { log: options.log }) });
  const forceSync = options.forceSync ?? true;
  const { tree } = recovery;
  const sessions = recovery.sessions;
  const log = new TxnLog({ dir: logDir, forceSync, preAllocSizeBytes: options.preAllocSizeBytes ?? DEFAULT_PREALLOC_BYTES }, recovery.lastZxid);

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
    tree,
    sessions,
    lastZxid: recovery.lastZxid,
    recovery,
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
    onDurable: (listener) => log.onDurable(listener),
    onFailure: (listener) => log.onFailure(listener),
    takeSnapshot: () => snapshot(),
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
