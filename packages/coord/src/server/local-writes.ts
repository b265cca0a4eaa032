import { ErrorCode } from '../errors/codes.js';
import { MarshallingError } from '../errors/errors.js';
import { OpCode } from '../jute/opcodes.js';
import { JuteReader } from '../jute/reader.js';
import { DeleteRequest } from '../jute/records/requests.js';
import type { Clock } from '../util/clock.js';
import { apply, type WatchTables } from './apply.js';
import { DataTree } from './data-tree.js';
import { prep, type WriteRequest } from './prep.js';
import type { SessionTracker } from './sessions.js';
import type { TxnEntry } from './txn.js';
import { WatchTable } from './watch-table.js';
import { decodeWriteRequest } from './write-requests.js';
import type { SubmittedWrite, WritePath, WriteSink } from './write-path.js';

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
    const entry = this.prepare(write, zxid);
    sink.held(zxid);
    if (this.options.txnLog === undefined) sink.released(zxid);
    else this.options.txnLog.append(entry);
    sink.applied(entry, apply(this.tree, this.watches, entry));
  }

  private prepare(write: SubmittedWrite, zxid: bigint): TxnEntry {
    const time = BigInt(this.options.clock.now());
    const header = { clientId: write.sessionId, cxid: write.cxid, zxid, time };
    const refuse = (err: number): TxnEntry => ({ header: { ...header, type: OpCode.error }, txn: { type: OpCode.error, record: { err } } });
    let request: WriteRequest | undefined;
    try {
      request = decodeWrite(write);
    } catch (err) {
      if (!(err instanceof MarshallingError)) throw err;
      return refuse(ErrorCode.MARSHALLINGERROR);
    }
    // Reconfiguration is disabled, as in a default Apache ZooKeeper; deleteContainer comes only
    // from the server's own sweeper, which has no session.
    if (request === undefined) return refuse(write.opcode === OpCode.reconfig ? ErrorCode.RECONFIGDISABLED : ErrorCode.BADARGUMENTS);
    return prep({ tree: this.tree, sessionId: write.sessionId, cxid: write.cxid, zxid, time, authIds: write.authIds, extendedTypesEnabled: this.options.extendedTypesEnabled }, request);
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

/**
 * A raw write as prep takes it; undefined for writes refused before prep (reconfig, a client's
 * deleteContainer). Throws MarshallingError for a body that does not decode.
 */
export function decodeWrite(write: SubmittedWrite): WriteRequest | undefined {
  const reader = new JuteReader(write.body);
  switch (write.opcode) {
    case OpCode.createSession:
      return { type: OpCode.createSession, timeoutMs: reader.int() };
    case OpCode.closeSession:
      return { type: OpCode.closeSession };
    case OpCode.deleteContainer: {
      const request = DeleteRequest.read(reader);
      return write.sessionId === 0n ? { type: OpCode.deleteContainer, request } : undefined;
    }
    default:
      return decodeWriteRequest(write.opcode, reader);
  }
}
