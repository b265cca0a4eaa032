import { counterOf, PacketType, type PeerInput, type PeerOutput, type QuorumPacket } from '../../../quorum/core/types.js';
import type { PeerEvent } from './peer.js';

/**
 * Failpoint predicates over a peer's steps (PeerEvent), named after the protocol points they
 * stand for: `sent('ACK', newLeaderAck)` is "right after sending the NEWLEADER ACK",
 * `receiving('SNAP')` "right before handling SNAP", `fsyncCovering(z)` "just before the fsync
 * that makes z durable".
 */
export type EventPredicate = (ev: PeerEvent) => boolean;
export type PacketName = keyof typeof PacketType;
type ZxidTest = (zxid: bigint) => boolean;

const packetOfInput = (input: PeerInput): QuorumPacket | undefined => (input.kind === 'packet' ? input.packet : undefined);
const packetOfOutput = (output: PeerOutput): QuorumPacket | undefined => (output.kind === 'send' ? output.packet : undefined);

function matches(p: QuorumPacket | undefined, type: PacketName, zxid?: ZxidTest): boolean {
  return p !== undefined && p.type === PacketType[type] && (zxid === undefined || zxid(p.zxid));
}

/** The ACK of NEWLEADER (its zxid is the new epoch's zxid 0), as opposed to a proposal's ACK. */
export const newLeaderAck: ZxidTest = (z) => counterOf(z) === 0n;
export const proposalAck: ZxidTest = (z) => counterOf(z) !== 0n;

/** Right before the peer handles a packet of this type. */
export const receiving =
  (type: PacketName, zxid?: ZxidTest): EventPredicate =>
  (ev) =>
    ev.kind === 'input' && matches(packetOfInput(ev.input), type, zxid);

/** Right after the peer handled a packet of this type (and carried out what it asked for). */
export const received =
  (type: PacketName, zxid?: ZxidTest): EventPredicate =>
  (ev) =>
    ev.kind === 'handled' && matches(packetOfInput(ev.input), type, zxid);

/** Right before the peer sends a packet of this type. */
export const sending =
  (type: PacketName, zxid?: ZxidTest): EventPredicate =>
  (ev) =>
    ev.kind === 'output' && matches(packetOfOutput(ev.output), type, zxid);

/** Right after the peer put a packet of this type on the wire. */
export const sent =
  (type: PacketName, zxid?: ZxidTest): EventPredicate =>
  (ev) =>
    ev.kind === 'executed' && matches(packetOfOutput(ev.output), type, zxid);

export const writingEpoch =
  (which: 'acceptedEpoch' | 'currentEpoch'): EventPredicate =>
  (ev) =>
    ev.kind === 'output' && ev.output.kind === 'writeEpoch' && ev.output.which === which;

export const wroteEpoch =
  (which: 'acceptedEpoch' | 'currentEpoch'): EventPredicate =>
  (ev) =>
    ev.kind === 'executed' && ev.output.kind === 'writeEpoch' && ev.output.which === which;

/** Right before the fsync that would make `zxid` durable completes. */
export const fsyncCovering =
  (zxid: bigint): EventPredicate =>
  (ev) =>
    ev.kind === 'fsync' && ev.zxid >= zxid;

export const appending =
  (zxid?: ZxidTest): EventPredicate =>
  (ev) =>
    ev.kind === 'output' && ev.output.kind === 'append' && (zxid === undefined || zxid(ev.output.entry.header.zxid));

export const appended =
  (zxid?: ZxidTest): EventPredicate =>
  (ev) =>
    ev.kind === 'executed' && ev.output.kind === 'append' && (zxid === undefined || zxid(ev.output.entry.header.zxid));

/** Right before the peer logs a txn of this op type (OpCode, e.g. closeSession). */
export const appendingOp =
  (type: number): EventPredicate =>
  (ev) =>
    ev.kind === 'output' && ev.output.kind === 'append' && ev.output.entry.header.type === type;

/** After the SNAP sync's snapshot is on disk. */
export const snapshotWritten: EventPredicate = (ev) => ev.kind === 'executed' && ev.output.kind === 'snapshot';

export const reloading: EventPredicate = (ev) => ev.kind === 'output' && ev.output.kind === 'reload';

/** Right after the peer applied a txn (a follower on COMMIT; the leader at commit time). */
export const appliedTxn =
  (zxid?: ZxidTest): EventPredicate =>
  (ev) =>
    ev.kind === 'executed' && ev.output.kind === 'applied' && (zxid === undefined || zxid(ev.output.entry.header.zxid));

/** The n-th (1-based) time `pred` holds. */
export function nth(n: number, pred: EventPredicate): EventPredicate {
  let seen = 0;
  return (ev) => pred(ev) && ++seen === n;
}

/** A label for a predicate, shown in traces and test names. */
export interface NamedPoint {
  readonly name: string;
  readonly when: EventPredicate;
}

/** Every message boundary of the learner side of synchronisation, plus the epoch writes and the fsync. */
export function syncBoundaries(): NamedPoint[] {
  const out: NamedPoint[] = [];
  for (const type of ['LEADERINFO', 'DIFF', 'TRUNC', 'SNAP', 'PROPOSAL', 'COMMIT', 'NEWLEADER', 'UPTODATE'] as const) {
    out.push({ name: `before handling ${type}`, when: receiving(type) });
    out.push({ name: `after handling ${type}`, when: received(type) });
  }
  for (const [type, zxid, label] of [
    ['FOLLOWERINFO', undefined, 'FOLLOWERINFO'],
    ['ACKEPOCH', undefined, 'ACKEPOCH'],
    ['ACK', newLeaderAck, 'ACK of NEWLEADER'],
    ['ACK', proposalAck, 'ACK of a proposal'],
  ] as const) {
    out.push({ name: `before sending ${label}`, when: sending(type, zxid) });
    out.push({ name: `after sending ${label}`, when: sent(type, zxid) });
  }
  for (const which of ['acceptedEpoch', 'currentEpoch'] as const) {
    out.push({ name: `before writing ${which}`, when: writingEpoch(which) });
    out.push({ name: `after writing ${which}`, when: wroteEpoch(which) });
  }
  out.push({ name: 'after the SNAP snapshot is written', when: snapshotWritten });
  out.push({ name: 'before TRUNC reload', when: reloading });
  out.push({ name: 'before the first fsync', when: (ev) => ev.kind === 'fsync' });
  return out;
}
