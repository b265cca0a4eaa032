/**
 * The pure parts of the restart row of `coord bench server` (server-restart.ts does the I/O):
 * the shape of the loaded tree, the snapCount both servers get, and reading a `version-2`
 * directory listing.
 */
import type { ServerName } from './server-options.js';

/** Children per parent znode. */
export const CHILDREN_PER_PARENT = 1_000;
/** Creates per multi while loading. */
export const CREATES_PER_MULTI = 100;
/** Multis in flight while loading. */
export const LOAD_CONCURRENCY = 16;
/** At most this many single setData txns are written after the load, so the newest snapshot is followed by a log tail. */
export const MAX_TAIL_WRITES = 1_000;
/** Bytes of data of every loaded znode. */
export const RESTART_DATA_BYTES = 16;
/** The root of the loaded tree. */
export const RESTART_ROOT = '/restart';

export interface RestartPlan {
  readonly znodes: number;
  readonly parents: number;
  /** Multis of the load, in order: each creates its parent first when it starts one. */
  readonly multis: number;
  /** snapCount for both servers: snapshots every snapCount/2..snapCount txns, so at least one is taken during the load and the last one lands near its end. */
  readonly snapCount: number;
  /** setData txns after the load: a tenth of the multis (10 to MAX_TAIL_WRITES), fewer than snapCount/2 so they add at most one snapshot. */
  readonly tailWrites: number;
}

/** The batches of one multi: parent index and the child range [from, to) under it. */
export interface LoadBatch {
  readonly parent: number;
  readonly createParent: boolean;
  readonly from: number;
  readonly to: number;
}

export function restartPlan(znodes: number): RestartPlan {
  const parents = Math.ceil(znodes / CHILDREN_PER_PARENT);
  const multis = loadBatches(znodes).length;
  // ~4 snapshots over the load; ZooKeeper's randomisation (snapCount/2 + random(snapCount/2)) applies to both.
  const snapCount = Math.max(2, Math.round(multis / 4));
  const tailWrites = Math.min(MAX_TAIL_WRITES, Math.max(10, Math.round(multis / 10)));
  return { znodes, parents, multis, snapCount, tailWrites };
}

export function loadBatches(znodes: number): LoadBatch[] {
  const batches: LoadBatch[] = [];
  for (let parent = 0; parent * CHILDREN_PER_PARENT < znodes; parent++) {
    const children = Math.min(CHILDREN_PER_PARENT, znodes - parent * CHILDREN_PER_PARENT);
    for (let from = 0; from < children; from += CREATES_PER_MULTI) {
      batches.push({ parent, createParent: from === 0, from, to: Math.min(children, from + CREATES_PER_MULTI) });
    }
  }
  return batches;
}

export function parentPath(parent: number): string {
  return `${RESTART_ROOT}/p${parent}`;
}

export function childPath(parent: number, child: number): string {
  return `${parentPath(parent)}/c${child}`;
}

/** The last znode the load creates (read after the restart). */
export function lastChildPath(znodes: number): string {
  const last = znodes - 1;
  return childPath(Math.floor(last / CHILDREN_PER_PARENT), last % CHILDREN_PER_PARENT);
}

export interface DataDirListing {
  readonly snapshots: number;
  readonly logs: number;
  /** The zxid in the newest snapshot's name (where replay starts); null with no snapshot. */
  readonly newestSnapshotZxid: bigint | null;
}

/** Counts the `snapshot.<hex>` and `log.<hex>` files of a `version-2` directory listing. */
export function listDataDir(names: readonly string[]): DataDirListing {
  let snapshots = 0;
  let logs = 0;
  let newest: bigint | null = null;
  for (const name of names) {
    const snap = /^snapshot\.([0-9a-f]+)$/i.exec(name);
    if (snap?.[1] !== undefined) {
      snapshots++;
      const zxid = BigInt(`0x${snap[1]}`);
      if (newest === null || zxid > newest) newest = zxid;
    } else if (/^log\.[0-9a-f]+$/i.test(name)) {
      logs++;
    }
  }
  return { snapshots, logs, newestSnapshotZxid: newest };
}

/** Txns to replay after the newest snapshot: the last zxid minus the snapshot's (same epoch). */
export function txnsAfterSnapshot(lastZxid: bigint, snapshotZxid: bigint | null): number | null {
  if (snapshotZxid === null) return null;
  const n = Number((lastZxid & 0xffffffffn) - (snapshotZxid & 0xffffffffn));
  return lastZxid >> 32n === snapshotZxid >> 32n && n >= 0 ? n : null;
}

export interface RestartResult {
  readonly server: ServerName;
  readonly znodes: number;
  /** Seconds to create the znodes (and the tail writes). */
  readonly loadSeconds: number | null;
  readonly snapshots: number | null;
  readonly logs: number | null;
  /** Txns after the newest snapshot, replayed on restart. */
  readonly replayedTxns: number | null;
  /** Seconds from starting the process to the first answered client read of the last znode. */
  readonly restartSeconds: number | null;
  /** Server RSS after the load, before the stop, in bytes. */
  readonly rssBeforeStopBytes: number | null;
  /** Server RSS once the restarted server has loaded the dataDir and answered, in bytes. */
  readonly rssAfterRestartBytes: number | null;
  readonly error?: string;
}

