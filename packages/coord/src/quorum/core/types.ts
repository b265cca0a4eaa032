import type { Id } from '../../jute/records/data.js';
import type { ApplyResult } from '../../server/apply.js';
import type { DataTree } from '../../server/data-tree.js';
import type { SubmittedWrite } from '../../server/write-path.js';
import type { TxnEntry } from '../../server/txn.js';

/**
 * The vocabulary of a quorum peer's pure core: what the shell (sockets, disk, clock) feeds in
 * and what the core asks the shell to do. The same core runs under `quorum/node.ts` (TCP and the
 * persistence layer) and under the deterministic simulator (`testing/sim`), so nothing here
 * may depend on how a message travels or how bytes reach a disk.
 */

/** A server's myid (the N of server.N). */
export type PeerId = number;

/** ServerState as ZooKeeper numbers it on the election wire. */
export const ServerState = { LOOKING: 0, FOLLOWING: 1, LEADING: 2, OBSERVING: 3 } as const;
export type ServerState = (typeof ServerState)[keyof typeof ServerState];

/** Zab phase of a peer (ZabState). */
export type ZabPhase = 'election' | 'discovery' | 'synchronization' | 'broadcast';

/** QuorumPacket (Leader.java constants). */
export const PacketType = {
  REQUEST: 1,
  PROPOSAL: 2,
  ACK: 3,
  COMMIT: 4,
  PING: 5,
  REVALIDATE: 6,
  SYNC: 7,
  INFORM: 8,
  COMMITANDACTIVATE: 9,
  NEWLEADER: 10,
  FOLLOWERINFO: 11,
  UPTODATE: 12,
  DIFF: 13,
  TRUNC: 14,
  SNAP: 15,
  OBSERVERINFO: 16,
  LEADERINFO: 17,
  ACKEPOCH: 18,
  INFORMANDACTIVATE: 19,
} as const;
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/** One record of the learner ↔ leader stream: `QuorumPacket{int type, long zxid, buffer data, vector<Id> authinfo}`. */
export interface QuorumPacket {
  readonly type: number;
  readonly zxid: bigint;
  readonly data: Uint8Array | null;
  readonly authinfo: readonly Id[];
}

/**
 * A leader-election notification (FastLeaderElection.buildMsg). `leader` is the proposed
 * leader's sid, `electionEpoch` the sender's logical clock, `peerEpoch` the proposed leader's epoch.
 */
export interface ElectionNotification {
  readonly state: ServerState;
  readonly leader: PeerId;
  readonly zxid: bigint;
  readonly electionEpoch: bigint;
  readonly peerEpoch: bigint;
  /** Notification format version; coord sends 2 as ZooKeeper 3.5+ does. */
  readonly version: number;
  /** The sender's quorum configuration text (QuorumVerifier.toString), often empty. */
  readonly config: string;
}

/** A vote: the proposed leader and the (epoch, zxid) it was proposed with. */
export interface Vote {
  readonly leader: PeerId;
  readonly zxid: bigint;
  readonly peerEpoch: bigint;
}

export interface QuorumMember {
  readonly id: PeerId;
  readonly role: 'participant' | 'observer';
}

export interface PeerCoreConfig {
  readonly self: PeerId;
  readonly members: readonly QuorumMember[];
  readonly tickTimeMs: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly extendedTypesEnabled: boolean;
  /** FastLeaderElection's finalizeWait (ms); ZooKeeper's is 200. */
  readonly finalizeWaitMs?: number;
  /** The notification re-send interval starts here and doubles (ZooKeeper: 200 ms … 60 s). */
  readonly minNotificationIntervalMs?: number;
  readonly maxNotificationIntervalMs?: number;
  /** How many recent txns the leader keeps for DIFF syncs (ZooKeeper's committedLog keeps 500). */
  readonly committedLogSize?: number;
}

/** What a peer recovered from its disk when it (re)started. */
export interface RecoveredState {
  readonly tree: DataTree;
  readonly sessions: Map<bigint, number>;
  readonly acceptedEpoch: bigint;
  readonly currentEpoch: bigint;
  /** Txns the disk holds after the snapshot the tree came from, oldest first (seed for DIFF syncs). */
  readonly recentTxns?: readonly TxnEntry[];
  /** The zxid `recentTxns` follow (the snapshot's zxid); without it they are not used. */
  readonly historyBase?: bigint;
}

/** A client write as the shell hands it to the core: the raw request, as a learner forwards it. */
export type ClientWrite = SubmittedWrite;

export type PeerInput =
  /** Time passed; the core checks its deadlines (the shell calls this at the last `timer` asked for). */
  | { readonly kind: 'tick' }
  | { readonly kind: 'election'; readonly from: PeerId; readonly notification: ElectionNotification }
  /** The quorum-port link to `peer` is up (learner: to its leader; leader: a learner dialled in). */
  | { readonly kind: 'linkUp'; readonly peer: PeerId }
  | { readonly kind: 'linkDown'; readonly peer: PeerId }
  /** One packet from the quorum-port link; a SNAP packet comes with the snapshot that follows it. */
  | { readonly kind: 'packet'; readonly from: PeerId; readonly packet: QuorumPacket; readonly snapshot?: Uint8Array }
  /** Everything appended up to `zxid` is on disk. */
  | { readonly kind: 'durable'; readonly zxid: bigint }
  /** The shell finished a `reload` (the log was cut back and the tree rebuilt from disk). */
  | { readonly kind: 'reloaded'; readonly state: RecoveredState }
  | { readonly kind: 'write'; readonly write: ClientWrite }
  /** A client on this server used its session (fed to the leader in PING replies). */
  | { readonly kind: 'touch'; readonly sessionId: bigint; readonly timeoutMs: number }
  /** A client reconnects here with an existing session: is it still valid? */
  | { readonly kind: 'revalidate'; readonly sessionId: bigint; readonly timeoutMs: number }
  /** A client's `sync`: answered once this server has everything the leader had committed. */
  | { readonly kind: 'sync'; readonly token: number };

export type PeerOutput =
  | { readonly kind: 'sendElection'; readonly to: PeerId; readonly notification: ElectionNotification }
  /** Learner: dial the leader's quorum port (answered with linkUp or linkDown). */
  | { readonly kind: 'connect'; readonly leader: PeerId }
  | { readonly kind: 'send'; readonly to: PeerId; readonly packet: QuorumPacket; readonly snapshot?: Uint8Array }
  /** Drop the quorum-port link to `peer` (no linkDown follows). */
  | { readonly kind: 'disconnect'; readonly peer: PeerId }
  /** Append to the txn log, in zxid order; a `durable` input follows once it is on disk. */
  | { readonly kind: 'append'; readonly entry: TxnEntry }
  /** Write an epoch file durably before anything after this output is done. */
  | { readonly kind: 'writeEpoch'; readonly which: 'acceptedEpoch' | 'currentEpoch'; readonly epoch: bigint }
  /** Durably snapshot the core's tree as it is now (after a SNAP sync), before anything after this output. */
  | { readonly kind: 'snapshot' }
  /** Cut the log back to `zxid`, rebuild the state from disk and answer with `reloaded`. */
  | { readonly kind: 'reload'; readonly truncateTo: bigint }
  /** Call `tick` at `atMs` (replaces any earlier request). */
  | { readonly kind: 'timer'; readonly atMs: number }
  | { readonly kind: 'state'; readonly state: ServerState; readonly phase: ZabPhase; readonly leader: PeerId | undefined; readonly epoch: bigint }
  /**
   * A txn was applied to the tree. Clients see it from now on; `result` answers the client who
   * sent it if that client is connected here, and carries the watch events to deliver.
   */
  | { readonly kind: 'applied'; readonly entry: TxnEntry; readonly result: ApplyResult }
  /**
   * Leader only: a txn was applied to the tree ahead of its commit (so later writes are prepared
   * against it). Nothing about it may reach a client until `committed` reaches its zxid.
   */
  | { readonly kind: 'speculated'; readonly zxid: bigint }
  /** Everything up to `zxid` is committed: output held for the leader's speculative txns may go. */
  | { readonly kind: 'committed'; readonly zxid: bigint }
  /** A write this server cannot take now (not serving, or the leader went away): the client retries. */
  | { readonly kind: 'writeRefused'; readonly write: ClientWrite; readonly reason: string }
  | { readonly kind: 'revalidated'; readonly sessionId: bigint; readonly valid: boolean }
  | { readonly kind: 'synced'; readonly token: number }
  /** This server stopped serving (lost its leader or its quorum): drop client connections. */
  | { readonly kind: 'stopServing'; readonly reason: string }
  /** This server serves clients from now on. */
  | { readonly kind: 'startServing' }
  | { readonly kind: 'log'; readonly level: 'debug' | 'info' | 'warn'; readonly message: string };

export const zxidOf = (epoch: bigint, counter: bigint): bigint => (epoch << 32n) | counter;
export const epochOf = (zxid: bigint): bigint => zxid >> 32n;
export const counterOf = (zxid: bigint): bigint => zxid & 0xffffffffn;
export const hex = (zxid: bigint): string => `0x${zxid.toString(16)}`;
