import type { Id } from '../jute/records/data.js';
import type { ApplyResult, WatchTables } from './apply.js';
import type { DataTree } from './data-tree.js';
import type { TxnEntry } from './txn.js';

/**
 * Where ServerCore's writes go. The request processor (sessions, reads, watches, replies) is
 * the same for a standalone server and a quorum member; only the write path differs:
 * standalone prepares, logs and applies each write itself (`LocalWrites`), a quorum member hands
 * it to its replicated state machine and learns the outcome when the txn is applied
 * (`quorum/replica-writes.ts`). Either way the outcome comes back through `WriteSink.applied`,
 * and ServerCore answers the client then.
 */

/** A write as the client sent it: the raw request body, as a learner forwards it to its leader. */
export interface SubmittedWrite {
  readonly sessionId: bigint;
  readonly cxid: number;
  readonly opcode: number;
  /** The request body after the RequestHeader (createSession: the int timeout; closeSession: empty). */
  readonly body: Uint8Array;
  readonly authIds: readonly Id[];
}

/** What a write path reports back to ServerCore. */
export interface WriteSink {
  /** A txn was applied to the tree, whoever sent it: answer its client if connected here, deliver its events. */
  applied(entry: TxnEntry, result: ApplyResult): void;
  /** The write was not taken (its effect is unknown here): its client must go elsewhere. */
  refused(write: SubmittedWrite, reason: string): void;
  /** Output produced from now on reveals txn `zxid`: hold it until `released` covers it. */
  held(zxid: bigint): void;
  /** Everything up to `zxid` may be revealed (durable standalone; committed in a quorum). */
  released(zxid: bigint): void;
}

export interface WritePath {
  /** The replica's tree; reads run against it. A quorum member's may be replaced by a sync. */
  readonly tree: DataTree;
  /** Reads register watches here; apply fires them. */
  readonly watches: WatchTables;
  /** Called once by ServerCore before any other method. */
  bind(sink: WriteSink): void;
  submit(write: SubmittedWrite): void;
  /** A client reconnects with an existing session: is it still alive? `done` may be called later. */
  revalidate(sessionId: bigint, timeoutMs: number, done: (valid: boolean) => void): void;
  /** A session connected here used the connection. */
  touch(sessionId: bigint, timeoutMs: number): void;
  /** A client's sync: `done` once this server has what was committed when it was asked. */
  sync(done: () => void): void;
  /** True when this server expires sessions itself (standalone); a quorum's leader does it in the core. */
  readonly expiresSessions: boolean;
  /** True when the container/TTL sweeper should submit removals from here (standalone; a quorum's leader). */
  readonly removesContainers: boolean;
}
