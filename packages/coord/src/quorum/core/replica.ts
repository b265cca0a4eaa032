import { OpCode } from '../../jute/opcodes.js';
import { apply, type ApplyResult, type WatchTables } from '../../server/apply.js';
import { DataTree } from '../../server/data-tree.js';
import { encodeTreeSnapshot, treeOfSnapshot } from '../../server/persistence/snapshot-tree.js';
import type { TxnEntry } from '../../server/txn.js';
import { WatchTable } from '../../server/watch-table.js';
import { hex, type RecoveredState } from './types.js';

/**
 * One server's copy of the replicated state: the tree (with the watches registered on it), the
 * global sessions, and the recent txns a leader replays to learners that are a little behind
 * (ZooKeeper's committedLog). Applying a txn here is the only way the tree changes.
 */
export class Replica {
  tree: DataTree;
  readonly watches: WatchTables = { data: new WatchTable(), child: new WatchTable() };
  sessions: Map<bigint, number>;
  /** Txns after `historyBase`, oldest first, all applied to the tree. */
  private history: TxnEntry[] = [];
  /** The zxid the tree had before history[0]. */
  private historyBase: bigint;
  /** Highest zxid handed to the log (or recovered from it). */
  lastLogged: bigint;

  constructor(
    state: RecoveredState,
    private readonly historyLimit: number,
    private readonly extendedTypesEnabled: boolean,
  ) {
    this.tree = state.tree;
    this.sessions = state.sessions;
    this.lastLogged = state.tree.lastProcessedZxid;
    this.historyBase = this.lastLogged;
    this.adoptHistory(state);
  }

  /** Takes the txns recovery replayed after its snapshot as the start of the history. */
  private adoptHistory(state: RecoveredState): void {
    const recent = (state.recentTxns ?? []).filter((e) => e.header.zxid <= this.lastLogged);
    if (recent.length === 0 || state.historyBase === undefined) return;
    const kept = recent.slice(-this.historyLimit);
    const dropped = recent.length - kept.length;
    this.history = kept;
    this.historyBase = dropped > 0 ? (recent[dropped - 1] as TxnEntry).header.zxid : state.historyBase;
  }

  /** Resets to a state rebuilt from disk (after a TRUNC). Connections were closed, so no watch survives. */
  reset(state: RecoveredState): void {
    this.tree = state.tree;
    this.sessions = state.sessions;
    this.lastLogged = state.tree.lastProcessedZxid;
    this.history = [];
    this.historyBase = this.lastLogged;
    this.adoptHistory(state);
  }

  get lastApplied(): bigint {
    return this.tree.lastProcessedZxid;
  }

  /** Applies a txn (in zxid order), keeping the session table and the history current. */
  applyEntry(entry: TxnEntry): ApplyResult {
    const { header, txn } = entry;
    if (header.zxid <= this.tree.lastProcessedZxid) {
      throw new Error(`txn ${hex(header.zxid)} applied out of order after ${hex(this.tree.lastProcessedZxid)}`);
    }
    if (txn.type === OpCode.createSession) this.sessions.set(header.clientId, txn.record.timeOut);
    else if (txn.type === OpCode.closeSession) this.sessions.delete(header.clientId);
    const result = apply(this.tree, this.watches, entry);
    this.history.push(entry);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.shift() as TxnEntry;
      this.historyBase = dropped.header.zxid;
    }
    if (header.zxid > this.lastLogged) this.lastLogged = header.zxid;
    return result;
  }

  /** The state as a ZooKeeper snapshot file image (what a SNAP sync sends). */
  snapshotImage(): Buffer {
    return encodeTreeSnapshot(this.tree, this.sessions);
  }

  /** Replaces the state with a snapshot received from the leader at `zxid`. */
  loadSnapshot(image: Uint8Array, zxid: bigint): void {
    const { tree, sessions } = treeOfSnapshot(image, () => new DataTree(undefined, { extendedTypesEnabled: this.extendedTypesEnabled }));
    tree.lastProcessedZxid = zxid;
    this.tree = tree;
    this.sessions = sessions;
    this.history = [];
    this.historyBase = zxid;
    this.lastLogged = zxid;
  }

  /**
   * How to bring a learner whose last logged zxid is `peerLast` to this replica's state
   * (LearnerHandler.syncFollower): nothing to send, cut it back, replay txns, or a snapshot.
   * A learner holding a txn this history does not have (it logged it under an older leader
   * that never committed it) is cut back to the newest zxid both share, then replayed forward
   * — the case DIFF alone got wrong in ZOOKEEPER-1154.
   */
  planSync(peerLast: bigint): { kind: 'diff'; truncateTo?: bigint; txns: TxnEntry[] } | { kind: 'snap' } {
    const last = this.tree.lastProcessedZxid;
    if (peerLast === last) return { kind: 'diff', txns: [] };
    if (peerLast > last) return { kind: 'diff', truncateTo: last, txns: [] };
    if (peerLast < this.historyBase) return { kind: 'snap' };
    if (peerLast === this.historyBase) return { kind: 'diff', txns: this.history.slice() };
    const at = this.indexOf(peerLast);
    if (at >= 0) return { kind: 'diff', txns: this.history.slice(at + 1) };
    // peerLast is inside our range but is not one of our txns: cut back to the newest zxid below it.
    let below = -1;
    for (let i = this.history.length - 1; i >= 0; i--) {
      if ((this.history[i] as TxnEntry).header.zxid < peerLast) {
        below = i;
        break;
      }
    }
    const truncateTo = below >= 0 ? (this.history[below] as TxnEntry).header.zxid : this.historyBase;
    return { kind: 'diff', truncateTo, txns: this.history.slice(below + 1) };
  }

  private indexOf(zxid: bigint): number {
    let lo = 0;
    let hi = this.history.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const z = (this.history[mid] as TxnEntry).header.zxid;
      if (z === zxid) return mid;
      if (z < zxid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
