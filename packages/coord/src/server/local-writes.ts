import type { Clock } from '../util/clock.js';
import { apply, type WatchTables } from './apply.js';
import { DataTree } from './data-tree.js';
import type { SessionTracker } from './sessions.js';
import type { TxnEntry } from './txn.js';
import { WatchTable } from './watch-table.js';
import type { SubmittedWrite, WritePath, WriteSink } from './write-path.js';
import { writeTxn } from './write-txn.js';

export interface LocalWritesOptions {
  readonly clock: Clock;
  readonly extendedTypesEnabled: boolean;
  /** The tree recovered from disk; a fresh one without. */
  readonly tree?: DataTree;
  /**
   * Where txns go before they are applied. A log that is not durable at once reports it through
   * ServerCore.markDurable; without one, every txn is durable at once.
   */
  readonly txnLog?: { append(entry: TxnEntry): void };
  /** The standalone session table: revalidation is a touch of it. */
  readonly sessions: () => SessionTracker;
}

/**
 * The standalone write path (PrepRequestProcessor → SyncRequestProcessor → FinalRequestProcessor):
 * each write is prepared, logged and applied at once, in arrival order. Refusals that ZooKeeper
 * logs as ErrorTxns (a body that does not decode, reconfig while disabled, deleteContainer from a
 * client) take a zxid here too.
 */
export class LocalWrites implements WritePath {
  readonly tree: DataTree;
  readonly watches: WatchTables = { data: new WatchTable(), child: new WatchTable() };
  readonly expiresSessions = true;
  readonly removesContainers = true;
  private zxid: bigint;
  private sink: WriteSink | undefined;

  constructor(private readonly options: LocalWritesOptions) {
    this.tree = options.tree ?? new DataTree(undefined, { extendedTypesEnabled: options.extendedTypesEnabled });
    this.zxid = this.tree.lastProcessedZxid;
  }

  bind(sink: WriteSink): void {
    this.sink = sink;
    sink.held(this.zxid);
    sink.released(this.zxid);
  }

  submit(write: SubmittedWrite): void {
    const sink = this.sink as WriteSink;
    const zxid = ++this.zxid;
    const entry = writeTxn(this.tree, write, zxid, this.options.clock.now(), this.options.extendedTypesEnabled);
    sink.held(zxid);
    if (this.options.txnLog === undefined) sink.released(zxid);
    else this.options.txnLog.append(entry);
    sink.applied(entry, apply(this.tree, this.watches, entry));
  }

  revalidate(sessionId: bigint, _timeoutMs: number, done: (valid: boolean) => void): void {
    done(this.options.sessions().touch(sessionId, this.options.clock.now()));
  }

  touch(): void {
    // ServerCore touches its own session table; nothing else to tell.
  }

  sync(done: () => void): void {
    done();
  }
}
