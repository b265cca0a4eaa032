import { describe, expect, it } from 'vitest';
import { encode } from '../../../src/jute/codec.js';
import { OpCode } from '../../../src/jute/opcodes.js';
import { CreateRequest } from '../../../src/jute/records/requests.js';
import { PeerCore } from '../../../src/quorum/core/peer.js';
import { PacketType, ServerState, zxidOf, type ElectionNotification, type PeerOutput, type QuorumPacket, type RecoveredState } from '../../../src/quorum/core/types.js';
import { DataTree } from '../../../src/server/data-tree.js';
import type { TxnEntry } from '../../../src/server/txn.js';
import { decodeProposal, encodeInt, encodeLearnerInfo, encodeProposal, LEARNER_PROTOCOL_VERSION } from '../../../src/quorum/wire/packets.js';

// Scripted Zab conversations: one real PeerCore, the other members played by the test one
// message at a time, so each ordering rule of discovery and synchronisation is pinned down.

const members = [1, 2, 3].map((id) => ({ id, role: 'participant' as const }));
const config = (self: number) => ({ self, members, tickTimeMs: 100, initLimit: 10, syncLimit: 5, minSessionTimeoutMs: 200, maxSessionTimeoutMs: 4000, extendedTypesEnabled: false });
const fresh = (): RecoveredState => ({ tree: new DataTree(undefined, { extendedTypesEnabled: false }), sessions: new Map(), acceptedEpoch: 0n, currentEpoch: 0n });

const vote = (from: number, leader: number, zxid = 0n, peerEpoch = 0n): ElectionNotification => ({
  state: ServerState.LOOKING, leader, zxid, electionEpoch: 1n, peerEpoch, version: 2, config: '',
});
const pkt = (type: number, zxid: bigint, data: Uint8Array | null = null): QuorumPacket => ({ type, zxid, data, authinfo: [] });
const sent = (outs: PeerOutput[], type: number) => outs.filter((o): o is Extract<PeerOutput, { kind: 'send' }> => o.kind === 'send' && o.packet.type === type);
const kinds = (outs: PeerOutput[]) => outs.filter((o) => o.kind !== 'timer' && o.kind !== 'log' && o.kind !== 'state').map((o) => (o.kind === 'send' ? `send:${o.packet.type}` : o.kind === 'writeEpoch' ? `writeEpoch:${o.which}` : o.kind));

const createBody = (path: string) => encode(CreateRequest, { path, data: Buffer.from('v'), acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], flags: 0 });

function txn(zxid: bigint, path: string): TxnEntry {
  return {
    header: { clientId: 5n, cxid: 1, zxid, time: 1n, type: OpCode.create },
    txn: { type: OpCode.create, record: { path, data: Buffer.from('v'), acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], ephemeral: false, parentCVersion: 0 } },
  } as TxnEntry;
}

/** Peer 1 elected leader by peer 2's vote; returns the core after finalize wait. */
function electedLeader(state = fresh()) {
  const core = new PeerCore(config(1), state, 0);
  core.start(0);
  core.handle({ kind: 'election', from: 2, notification: vote(2, 1, state.tree.lastProcessedZxid, state.currentEpoch) }, 1);
  core.handle({ kind: 'tick' }, 1000);
  expect(core.state).toBe(ServerState.LEADING);
  return core;
}

/** Peer 2 following peer 3; returns the core with its link to the leader up. */
function electedFollower(state = fresh()) {
  const core = new PeerCore(config(2), state, 0);
  core.start(0);
  core.handle({ kind: 'election', from: 3, notification: vote(3, 3) }, 1);
  const outs = core.handle({ kind: 'tick' }, 1000);
  expect(core.state).toBe(ServerState.FOLLOWING);
  expect(outs).toContainEqual({ kind: 'connect', leader: 3 });
  const info = core.handle({ kind: 'linkUp', peer: 3 }, 1001);
  expect(sent(info, PacketType.FOLLOWERINFO)).toHaveLength(1);
  return core;
}

/** Drives peer 1 as leader through discovery and sync with learner 2 at `learnerZxid`. */
function leaderWithLearner(learnerZxid = 0n) {
  const core = electedLeader();
  core.handle({ kind: 'linkUp', peer: 2 }, 1001);
  const info = core.handle({ kind: 'packet', from: 2, packet: pkt(PacketType.FOLLOWERINFO, 0n, encodeLearnerInfo({ serverId: 2n, protocolVersion: LEARNER_PROTOCOL_VERSION, configVersion: 0n })) }, 1002);
  const ack = core.handle({ kind: 'packet', from: 2, packet: pkt(PacketType.ACKEPOCH, learnerZxid, encodeInt(0)) }, 1003);
  return { core, info, ack };
}

describe('leader side of discovery and synchronisation', () => {
  it('persists acceptedEpoch before LEADERINFO and currentEpoch before NEWLEADER, then UPTODATE on a quorum of ACKs', () => {
    const { core, info, ack } = leaderWithLearner();
    expect(kinds(info)).toEqual(expect.arrayContaining(['writeEpoch:acceptedEpoch', `send:${PacketType.LEADERINFO}`]));
    expect(kinds(info).indexOf('writeEpoch:acceptedEpoch')).toBeLessThan(kinds(info).indexOf(`send:${PacketType.LEADERINFO}`));
    expect(sent(info, PacketType.LEADERINFO)[0]?.packet.zxid).toBe(zxidOf(1n, 0n));
    const k = kinds(ack);
    expect(k.indexOf('writeEpoch:currentEpoch')).toBeLessThan(k.indexOf(`send:${PacketType.NEWLEADER}`));
    expect(k).toContain(`send:${PacketType.DIFF}`);
    expect(core.serving).toBe(false);
    const up = core.handle({ kind: 'packet', from: 2, packet: pkt(PacketType.ACK, zxidOf(1n, 0n)) }, 1004);
    expect(sent(up, PacketType.UPTODATE)).toHaveLength(1);
    expect(up).toContainEqual({ kind: 'startServing' });
    expect(core.currentEpoch).toBe(1n);
  });

  it('steps down when a learner reports a newer history than its own (election fraud check)', () => {
    const core = electedLeader();
    core.handle({ kind: 'linkUp', peer: 2 }, 1001);
    core.handle({ kind: 'packet', from: 2, packet: pkt(PacketType.FOLLOWERINFO, 0n, encodeLearnerInfo({ serverId: 2n, protocolVersion: LEARNER_PROTOCOL_VERSION, configVersion: 0n })) }, 1002);
    const outs = core.handle({ kind: 'packet', from: 2, packet: pkt(PacketType.ACKEPOCH, zxidOf(4n, 2n), encodeInt(4)) }, 1003);
    expect(core.state).toBe(ServerState.LOOKING);
    expect(outs.some((o) => o.kind === 'sendElection')).toBe(true);
  });

  it('commits a proposal only with a quorum of ACKs that counts its own only once the txn is durable', () => {
    const { core } = leaderWithLearner();
    core.handle({ kind: 'packet', from: 2, packet: pkt(PacketType.ACK, zxidOf(1n, 0n)) }, 1004);
    const proposed = core.handle({ kind: 'write', write: { sessionId: 7n, cxid: 1, opcode: OpCode.create, body: createBody('/a'), authIds: [] } }, 1005);
    const zxid = zxidOf(1n, 1n);
    expect(kinds(proposed)).toEqual(['append', 'speculated', `send:${PacketType.PROPOSAL}`]);
    expect(decodeProposal(sent(proposed, PacketType.PROPOSAL)[0]?.packet.data ?? null).header.zxid).toBe(zxid);
    const afterAck = core.handle({ kind: 'packet', from: 2, packet: pkt(PacketType.ACK, zxid) }, 1006);
    expect(afterAck.some((o) => o.kind === 'applied')).toBe(false);
    const afterDisk = core.handle({ kind: 'durable', zxid }, 1007);
    expect(kinds(afterDisk)).toEqual([`send:${PacketType.COMMIT}`, 'applied', 'committed']);
  });

  it('sends TRUNC then the missing txns to a learner holding a txn the leader never had (ZOOKEEPER-1154)', () => {
    const tree = new DataTree(undefined, { extendedTypesEnabled: false });
    const history = [txn(zxidOf(1n, 1n), '/a'), txn(zxidOf(1n, 2n), '/b'), txn(zxidOf(2n, 1n), '/c')];
    const state: RecoveredState = { tree, sessions: new Map(), acceptedEpoch: 2n, currentEpoch: 2n, recentTxns: history, historyBase: 0n };
    // Only the zxids matter for choosing the sync; the tree's content is not inspected.
    tree.lastProcessedZxid = zxidOf(2n, 1n);
    const core = electedLeader(state);
    core.handle({ kind: 'linkUp', peer: 2 }, 1001);
    core.handle({ kind: 'packet', from: 2, packet: pkt(PacketType.FOLLOWERINFO, zxidOf(1n, 0n), encodeLearnerInfo({ serverId: 2n, protocolVersion: LEARNER_PROTOCOL_VERSION, configVersion: 0n })) }, 1002);
    // The learner logged 0x100000003 under epoch 1; the leader's history went 0x100000002 → 0x200000001.
    const outs = core.handle({ kind: 'packet', from: 2, packet: pkt(PacketType.ACKEPOCH, zxidOf(1n, 3n), encodeInt(1)) }, 1003);
    const trunc = sent(outs, PacketType.TRUNC);
    expect(trunc).toHaveLength(1);
    expect(trunc[0]?.packet.zxid).toBe(zxidOf(1n, 2n));
    expect(sent(outs, PacketType.PROPOSAL).map((o) => o.packet.zxid)).toEqual([zxidOf(2n, 1n)]);
    expect(sent(outs, PacketType.DIFF)).toHaveLength(0);
  });

  it('sends a SNAP to a learner behind its history, and a DIFF to one inside it', () => {
    const history = [txn(zxidOf(1n, 5n), '/a'), txn(zxidOf(1n, 6n), '/b')];
    const tree = new DataTree(undefined, { extendedTypesEnabled: false });
    tree.lastProcessedZxid = zxidOf(1n, 6n);
    const core = electedLeader({ tree, sessions: new Map(), acceptedEpoch: 1n, currentEpoch: 1n, recentTxns: history, historyBase: zxidOf(1n, 4n) });
    core.handle({ kind: 'linkUp', peer: 2 }, 1001);
    core.handle({ kind: 'packet', from: 2, packet: pkt(PacketType.FOLLOWERINFO, zxidOf(1n, 0n), encodeLearnerInfo({ serverId: 2n, protocolVersion: LEARNER_PROTOCOL_VERSION, configVersion: 0n })) }, 1002);
    const snap = core.handle({ kind: 'packet', from: 2, packet: pkt(PacketType.ACKEPOCH, zxidOf(1n, 2n), encodeInt(1)) }, 1003);
    const s = sent(snap, PacketType.SNAP);
    expect(s).toHaveLength(1);
    expect(s[0]?.snapshot?.length).toBeGreaterThan(0);
    core.handle({ kind: 'linkUp', peer: 3 }, 1004);
    core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.FOLLOWERINFO, zxidOf(1n, 0n), encodeLearnerInfo({ serverId: 3n, protocolVersion: LEARNER_PROTOCOL_VERSION, configVersion: 0n })) }, 1005);
    const diff = core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.ACKEPOCH, zxidOf(1n, 5n), encodeInt(1)) }, 1006);
    expect(sent(diff, PacketType.DIFF)).toHaveLength(1);
    expect(sent(diff, PacketType.PROPOSAL).map((o) => o.packet.zxid)).toEqual([zxidOf(1n, 6n)]);
  });
});

describe('learner side of discovery and synchronisation', () => {
  it('writes acceptedEpoch before ACKEPOCH, and ACKs NEWLEADER only after the synced txns are durable and currentEpoch is written (ZOOKEEPER-1264/3911)', () => {
    const core = electedFollower();
    const info = core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.LEADERINFO, zxidOf(1n, 0n), encodeInt(LEARNER_PROTOCOL_VERSION)) }, 1002);
    expect(kinds(info)).toEqual(['writeEpoch:acceptedEpoch', `send:${PacketType.ACKEPOCH}`]);
    core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.DIFF, zxidOf(1n, 0n)) }, 1003);
    const z = zxidOf(0n, 1n);
    core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.PROPOSAL, z, encodeProposal(txn(z, '/a'))) }, 1004);
    core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.COMMIT, z) }, 1005);
    const nl = core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.NEWLEADER, zxidOf(1n, 0n)) }, 1006);
    expect(sent(nl, PacketType.ACK)).toHaveLength(0);
    expect(core.currentEpoch).toBe(0n);
    const disk = core.handle({ kind: 'durable', zxid: z }, 1007);
    expect(kinds(disk)).toEqual(['writeEpoch:currentEpoch', `send:${PacketType.ACK}`]);
    expect(sent(disk, PacketType.ACK)[0]?.packet.zxid).toBe(zxidOf(1n, 0n));
    expect(core.serving).toBe(false);
    const up = core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.UPTODATE, -1n) }, 1008);
    expect(up).toContainEqual({ kind: 'startServing' });
    expect(core.tree.get('/a')).toBeDefined();
  });

  it('cuts its log back on TRUNC and holds later packets until the state is rebuilt', () => {
    const core = electedFollower();
    core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.LEADERINFO, zxidOf(1n, 0n), encodeInt(LEARNER_PROTOCOL_VERSION)) }, 1002);
    const t = core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.TRUNC, 0n) }, 1003);
    expect(t).toContainEqual({ kind: 'reload', truncateTo: 0n });
    const held = core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.NEWLEADER, zxidOf(1n, 0n)) }, 1004);
    expect(sent(held, PacketType.ACK)).toHaveLength(0);
    const after = core.handle({ kind: 'reloaded', state: fresh() }, 1005);
    expect(sent(after, PacketType.ACK).map((o) => o.packet.zxid)).toEqual([zxidOf(1n, 0n)]);
  });

  it('refuses a proposal that leaves a hole in its log (ZOOKEEPER-4925)', () => {
    const core = electedFollower();
    core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.LEADERINFO, zxidOf(1n, 0n), encodeInt(LEARNER_PROTOCOL_VERSION)) }, 1002);
    core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.DIFF, 0n) }, 1003);
    core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.PROPOSAL, zxidOf(1n, 1n), encodeProposal(txn(zxidOf(1n, 1n), '/a'))) }, 1004);
    const outs = core.handle({ kind: 'packet', from: 3, packet: pkt(PacketType.PROPOSAL, zxidOf(1n, 3n), encodeProposal(txn(zxidOf(1n, 3n), '/b'))) }, 1005);
    expect(outs.some((o) => o.kind === 'append')).toBe(false);
    expect(core.state).toBe(ServerState.LOOKING);
  });
});

describe('epochs after a restart', () => {
  it('never restarts below the epoch its data already holds (ZOOKEEPER-582)', () => {
    const tree = new DataTree(undefined, { extendedTypesEnabled: false });
    tree.lastProcessedZxid = zxidOf(3n, 7n);
    // A dataDir with a snapshot at epoch 3 and no epoch files.
    const core = new PeerCore(config(1), { tree, sessions: new Map(), acceptedEpoch: 0n, currentEpoch: 0n }, 0);
    const outs = core.start(0);
    expect(core.currentEpoch).toBe(3n);
    const n = outs.find((o) => o.kind === 'sendElection');
    expect(n?.kind === 'sendElection' && n.notification.peerEpoch).toBe(3n);
    core.handle({ kind: 'election', from: 2, notification: vote(2, 1, zxidOf(3n, 7n), 3n) }, 1);
    core.handle({ kind: 'tick' }, 1000);
    core.handle({ kind: 'linkUp', peer: 2 }, 1001);
    const info = core.handle({ kind: 'packet', from: 2, packet: pkt(PacketType.FOLLOWERINFO, zxidOf(3n, 0n), encodeLearnerInfo({ serverId: 2n, protocolVersion: LEARNER_PROTOCOL_VERSION, configVersion: 0n })) }, 1002);
    expect(sent(info, PacketType.LEADERINFO)[0]?.packet.zxid).toBe(zxidOf(4n, 0n));
  });
});
