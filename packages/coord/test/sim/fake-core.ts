import { JuteReader } from '../../src/jute/reader.js';
import { OpCode } from '../../src/jute/opcodes.js';
import { decodeForwardedRequest, decodeProposal, encodeForwardedRequest, encodeProposal } from '../../src/quorum/wire/packets.js';
import { PacketType, ServerState, zxidOf, type ClientWrite, type PeerCoreConfig, type PeerId, type PeerInput, type PeerOutput, type RecoveredState, type ZabPhase } from '../../src/quorum/core/types.js';
import { apply, type WatchTables } from '../../src/server/apply.js';
import type { DataTree } from '../../src/server/data-tree.js';
import { prep, type WriteRequest } from '../../src/server/prep.js';
import type { TxnEntry } from '../../src/server/txn.js';
import { WatchTable } from '../../src/server/watch-table.js';
import { decodeWriteRequest } from '../../src/server/write-requests.js';
import type { CoreFactory, SimCore } from '../../src/testing/sim/types.js';

/**
 * A deliberately tiny stand-in for PeerCore, to test the simulator's plumbing: peer 1 leads
 * epoch 1 forever (no election, no sync, no recovery), followers dial it, the leader proposes,
 * commits on a quorum of durable ACKs and followers apply on COMMIT. Fault-free runs of it must
 * pass every checker; its `broken` switches break one guarantee each, for the checker tests.
 */
export interface FakeOptions {
  /** Peer 2 leads epoch 1 as well. */
  readonly twoLeaders?: boolean;
  /** The leader emits `applied` before `speculated`, so replies escape before the commit. */
  readonly replyBeforeCommit?: boolean;
  /** Peer 3 applies a different txn (bumped cxid) at every zxid. */
  readonly divergentPeer3?: boolean;
}

export function fakeCoreFactory(options: FakeOptions = {}): CoreFactory {
  return (config, recovered, now) => new FakeCore(config, recovered, now, options);
}

class FakeCore implements SimCore {
  readonly tree: DataTree;
  readonly sessions: Map<bigint, number>;
  readonly watches: WatchTables = { data: new WatchTable(), child: new WatchTable() };
  state: ServerState;
  phase: ZabPhase = 'broadcast';
  leaderId: PeerId | undefined;
  acceptedEpoch = 1n;
  currentEpoch = 1n;
  lastLoggedZxid = 0n;
  serving = false;
  private readonly leads: boolean;
  private counter = 0n;
  private readonly learners = new Set<PeerId>();
  private readonly ackedUpTo = new Map<PeerId, bigint>();
  private readonly proposals: TxnEntry[] = [];
  private readonly history: TxnEntry[] = [];
  private committedZxid = 0n;
  private readonly pending: TxnEntry[] = [];
  private readonly quorum: number;

  constructor(
    private readonly config: PeerCoreConfig,
    recovered: RecoveredState,
    _now: number,
    private readonly options: FakeOptions,
  ) {
    this.tree = recovered.tree;
    this.sessions = recovered.sessions;
    this.leads = config.self === 1 || (options.twoLeaders === true && config.self === 2);
    this.state = this.leads ? ServerState.LEADING : ServerState.FOLLOWING;
    this.leaderId = this.leads ? config.self : 1;
    this.quorum = Math.floor(config.members.filter((m) => m.role === 'participant').length / 2) + 1;
  }

  start(): PeerOutput[] {
    const state: PeerOutput = { kind: 'state', state: this.state, phase: 'broadcast', leader: this.leaderId, epoch: 1n };
    if (this.leads) {
      this.serving = true;
      return [state, { kind: 'startServing' }];
    }
    return [state, { kind: 'connect', leader: 1 }];
  }

  handle(input: PeerInput, now: number): PeerOutput[] {
    switch (input.kind) {
      case 'linkUp':
        if (this.leads) {
          // A primitive DIFF: everything so far, then COMMIT for what is committed.
          this.learners.add(input.peer);
          const out: PeerOutput[] = [];
          for (const e of this.history) out.push({ kind: 'send', to: input.peer, packet: { type: PacketType.PROPOSAL, zxid: e.header.zxid, data: encodeProposal(e), authinfo: [] } });
          if (this.committedZxid > 0n) out.push({ kind: 'send', to: input.peer, packet: { type: PacketType.COMMIT, zxid: this.committedZxid, data: null, authinfo: [] } });
          return out;
        }
        this.serving = true;
        return [{ kind: 'startServing' }];
      case 'linkDown':
        if (this.leads) {
          this.learners.delete(input.peer);
          return [];
        }
        this.serving = false;
        return [{ kind: 'stopServing', reason: 'lost the leader' }, { kind: 'connect', leader: 1 }];
      case 'write':
        if (this.leads) return this.propose(input.write, now);
        return [{ kind: 'send', to: 1, packet: { type: PacketType.REQUEST, zxid: 0n, data: encodeForwardedRequest(input.write), authinfo: [] } }];
      case 'durable':
        if (this.leads) return this.ack(this.config.self, input.zxid);
        return [{ kind: 'send', to: 1, packet: { type: PacketType.ACK, zxid: input.zxid, data: null, authinfo: [] } }];
      case 'revalidate':
        return [{ kind: 'revalidated', sessionId: input.sessionId, valid: this.sessions.has(input.sessionId) }];
      case 'packet':
        return this.packet(input.from, input.packet.type, input.packet.zxid, input.packet.data, now);
      default:
        return [];
    }
  }

  private packet(from: PeerId, type: number, zxid: bigint, data: Uint8Array | null, now: number): PeerOutput[] {
    switch (type) {
      case PacketType.REQUEST: {
        const r = decodeForwardedRequest(data);
        return this.propose({ sessionId: r.sessionId, cxid: r.cxid, opcode: r.opcode, body: r.body, authIds: [] }, now);
      }
      case PacketType.ACK:
        return this.ack(from, zxid);
      case PacketType.PROPOSAL: {
        const entry = decodeProposal(data);
        this.pending.push(entry);
        this.lastLoggedZxid = entry.header.zxid;
        return [{ kind: 'append', entry }];
      }
      case PacketType.COMMIT: {
        const out: PeerOutput[] = [];
        while (this.pending.length > 0 && (this.pending[0] as TxnEntry).header.zxid <= zxid) {
          let entry = this.pending.shift() as TxnEntry;
          if (this.options.divergentPeer3 === true && this.config.self === 3) entry = { ...entry, header: { ...entry.header, cxid: entry.header.cxid + 1000 } };
          out.push({ kind: 'applied', entry, result: this.applyEntry(entry) });
        }
        return out;
      }
      default:
        return [];
    }
  }

  private applyEntry(entry: TxnEntry) {
    const t = entry.txn;
    if (t.type === OpCode.createSession) this.sessions.set(entry.header.clientId, t.record.timeOut);
    if (t.type === OpCode.closeSession) this.sessions.delete(entry.header.clientId);
    return apply(this.tree, this.watches, entry);
  }

  private propose(write: ClientWrite, now: number): PeerOutput[] {
    const zxid = zxidOf(1n, ++this.counter);
    let request: WriteRequest | undefined;
    if (write.opcode === OpCode.createSession) request = { type: OpCode.createSession, timeoutMs: Buffer.from(write.body).readInt32BE(0) };
    else if (write.opcode === OpCode.closeSession) request = { type: OpCode.closeSession };
    else request = decodeWriteRequest(write.opcode, new JuteReader(write.body));
    if (request === undefined) return [{ kind: 'writeRefused', write, reason: 'unsupported' }];
    const entry = prep({ tree: this.tree, sessionId: write.sessionId, cxid: write.cxid, zxid, time: BigInt(now), authIds: write.authIds, extendedTypesEnabled: false }, request);
    const result = this.applyEntry(entry);
    this.proposals.push(entry);
    this.history.push(entry);
    this.lastLoggedZxid = zxid;
    const applied: PeerOutput = { kind: 'applied', entry, result };
    const out: PeerOutput[] = [{ kind: 'append', entry }];
    if (this.options.replyBeforeCommit === true) out.push(applied, { kind: 'speculated', zxid });
    else out.push({ kind: 'speculated', zxid }, applied);
    for (const l of this.learners) out.push({ kind: 'send', to: l, packet: { type: PacketType.PROPOSAL, zxid, data: encodeProposal(entry), authinfo: [] } });
    return out;
  }

  private ack(from: PeerId, zxid: bigint): PeerOutput[] {
    if (zxid > (this.ackedUpTo.get(from) ?? 0n)) this.ackedUpTo.set(from, zxid);
    const out: PeerOutput[] = [];
    while (this.proposals.length > 0) {
      const z = (this.proposals[0] as TxnEntry).header.zxid;
      let n = 0;
      for (const upTo of this.ackedUpTo.values()) if (upTo >= z) n++;
      if (n < this.quorum) break;
      this.proposals.shift();
      this.committedZxid = z;
      out.push({ kind: 'committed', zxid: z });
      for (const l of this.learners) out.push({ kind: 'send', to: l, packet: { type: PacketType.COMMIT, zxid: z, data: null, authinfo: [] } });
    }
    return out;
  }
}
