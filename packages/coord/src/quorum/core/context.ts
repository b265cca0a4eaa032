import type { Replica } from './replica.js';
import type { PeerCoreConfig, PeerId, PeerOutput, QuorumPacket, ServerState, ZabPhase } from './types.js';

/** What the leader and learner roles share with the peer that runs them. */
export interface PeerContext {
  readonly config: PeerCoreConfig;
  readonly replica: Replica;
  readonly now: number;
  acceptedEpoch: bigint;
  currentEpoch: bigint;
  /** Highest zxid the disk has confirmed. */
  durable: bigint;
  emit(output: PeerOutput): void;
  send(to: PeerId, packet: QuorumPacket, snapshot?: Uint8Array): void;
  isParticipant(id: PeerId): boolean;
  /** Whether `ids` (no id twice) hold a strict majority of the participants. */
  isQuorum(ids: Iterable<PeerId>): boolean;
  reportState(state: ServerState, phase: ZabPhase, leader: PeerId | undefined, epoch: bigint): void;
  /** Leaves the current role and starts a new election. */
  goLooking(reason: string): void;
}

export const packet = (type: number, zxid: bigint, data: Uint8Array | null = null): QuorumPacket => ({ type, zxid, data, authinfo: [] });
