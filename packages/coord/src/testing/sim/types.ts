import type { PeerCoreConfig, PeerId, PeerInput, PeerOutput, RecoveredState, ServerState, ZabPhase } from '../../quorum/core/types.js';
import type { DataTree } from '../../server/data-tree.js';

/**
 * What the simulator needs of a peer's core: PeerCore's public surface (quorum/core/peer.ts).
 * Declared structurally so that the infrastructure can be tested against small fakes.
 */
export interface SimCore {
  start(nowMs: number): PeerOutput[];
  handle(input: PeerInput, nowMs: number): PeerOutput[];
  readonly tree: DataTree;
  readonly state: ServerState;
  readonly phase: ZabPhase;
  readonly leaderId: PeerId | undefined;
  readonly acceptedEpoch: bigint;
  readonly currentEpoch: bigint;
  readonly lastLoggedZxid: bigint;
  readonly serving: boolean;
  readonly sessions: ReadonlyMap<bigint, number>;
}

export type CoreFactory = (config: PeerCoreConfig, recovered: RecoveredState, nowMs: number) => SimCore;

/** A txn's identity for the agreement checks: the zxid plus a CRC of its logged bytes. */
export type Fingerprint = string;

/** zxid → fingerprint of the txns a tree reflects (what a snapshot or a log replay brings with it). */
export type Lineage = Map<bigint, Fingerprint>;
