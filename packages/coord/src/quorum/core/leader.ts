import { OpCode } from '../../jute/opcodes.js';
import type { ApplyResult } from '../../server/apply.js';
import { SessionTracker } from '../../server/sessions.js';
import type { TxnEntry } from '../../server/txn.js';
import {
  decodeForwardedRequest,
  decodeInt,
  decodeLearnerInfo,
  decodeRevalidateRequest,
  decodeTouchTable,
  encodeInt,
  encodeProposal,
  encodeRevalidateReply,
  LEARNER_PROTOCOL_VERSION,
} from '../wire/packets.js';
import { packet, type PeerContext } from './context.js';
import { errorTxn, SERVER_SESSION, writeTxn } from '../../server/write-txn.js';
import { ErrorCode } from '../../errors/codes.js';
import { epochOf, hex, PacketType, ServerState, zxidOf, type ClientWrite, type PeerId, type QuorumPacket } from './types.js';

type LearnerStage = 'connected' | 'infoReceived' | 'epochSent' | 'epochAcked' | 'synced' | 'uptodate';

interface LearnerLink {
  readonly id: PeerId;
  stage: LearnerStage;
  observer: boolean;
  lastSeen: number;
  peerLast: bigint;
  /** Receives proposals (participants) or informs (observers) from now on. */
  forwarding: boolean;
  /** The last proposal its sync carried; its NEWLEADER ACK acknowledges everything up to it. */
  syncedThrough: bigint;
}

interface Proposal {
  readonly entry: TxnEntry;
  readonly result: ApplyResult;
  readonly acks: Set<PeerId>;
}

const MAX_COUNTER = 0xffffffffn;

/**
 * The leader role (Leader.lead + LearnerHandler): discovery (collect FOLLOWERINFO from a
 * quorum, pick the new epoch, collect ACKEPOCH), synchronisation (DIFF/TRUNC/SNAP per learner,
 * NEWLEADER, a quorum of ACKs, UPTODATE) and broadcast (PROPOSAL → ACK quorum → COMMIT/INFORM).
 * The leader applies each txn to its tree when it proposes it, so later writes are prepared
 * against it; nothing about a txn reaches a client until it commits (`speculated`/`committed`).
 */
export class LeaderRole {
  phase: 'discovery' | 'synchronization' | 'broadcast' = 'discovery';
  newEpoch: bigint | undefined;
  private readonly learners = new Map<PeerId, LearnerLink>();
  private readonly infoEpochs = new Map<PeerId, bigint>();
  private readonly epochAcks = new Set<PeerId>();
  private readonly newLeaderAcks = new Set<PeerId>();
  private readonly observerAcks = new Set<PeerId>();
  private readonly outstanding: Proposal[] = [];
  private counter = 0n;
  private lastCommitted: bigint;
  private readonly initDeadline: number;
  private nextPingAt = 0;
  private sessions: SessionTracker | undefined;
  private readonly pendingSyncs: { learner?: PeerId; token?: number; zxid: bigint }[] = [];
  /** Learners waiting for a SNAP, which is only taken with no proposal outstanding. */
  private readonly snapWaiting = new Set<PeerId>();
  /** Writes held while a SNAP waits for the outstanding proposals to drain. */
  private readonly heldWrites: ClientWrite[] = [];
  private readonly summary: { epoch: bigint; zxid: bigint };

  constructor(private readonly ctx: PeerContext) {
    this.lastCommitted = ctx.replica.lastApplied;
    this.initDeadline = ctx.now + ctx.config.initLimit * ctx.config.tickTimeMs;
    this.summary = { epoch: ctx.currentEpoch, zxid: ctx.replica.lastLogged };
    this.infoEpochs.set(ctx.config.self, ctx.acceptedEpoch);
    ctx.reportState(ServerState.LEADING, 'discovery', ctx.config.self, ctx.acceptedEpoch);
    this.tryDecideEpoch();
  }

  get deadline(): number {
    if (this.phase !== 'broadcast') return this.initDeadline;
    const sessionCheck = this.sessions?.nextCheckAtMs(this.ctx.now) ?? Infinity;
    return Math.min(this.nextPingAt, sessionCheck);
  }

  get serving(): boolean {
    return this.phase === 'broadcast';
  }

  private get tickMs(): number {
    return this.ctx.config.tickTimeMs;
  }

  // --- links -----------------------------------------------------------------------------

  linkUp(peer: PeerId): void {
    this.learners.set(peer, { id: peer, stage: 'connected', observer: !this.ctx.isParticipant(peer), lastSeen: this.ctx.now, peerLast: 0n, forwarding: false, syncedThrough: 0n });
  }

  linkDown(peer: PeerId): void {
    this.learners.delete(peer);
    this.forgetSnapWaiter(peer);
  }

  /** A learner waiting for a SNAP went away: writes held for it must not be stranded. */
  private forgetSnapWaiter(peer: PeerId): void {
    if (this.snapWaiting.delete(peer) && this.snapWaiting.size === 0) {
      for (const w of this.heldWrites.splice(0)) this.propose(w);
    }
  }

  leave(): void {
    for (const id of this.learners.keys()) this.ctx.emit({ kind: 'disconnect', peer: id });
    this.learners.clear();
  }

  packet(from: PeerId, p: QuorumPacket): void {
    let link = this.learners.get(from);
    if (link === undefined) {
      this.linkUp(from);
      link = this.learners.get(from) as LearnerLink;
    }
    link.lastSeen = this.ctx.now;
    switch (p.type) {
      case PacketType.FOLLOWERINFO:
      case PacketType.OBSERVERINFO:
        return this.onLearnerInfo(link, p);
      case PacketType.ACKEPOCH:
        return this.onAckEpoch(link, p);
      case PacketType.ACK:
        return this.onAck(link, p.zxid);
      case PacketType.PING:
        if (this.sessions !== undefined) for (const t of decodeTouchTable(p.data)) this.sessions.touch(t.sessionId, this.ctx.now);
        return;
      case PacketType.REQUEST:
        return this.onRequest(link, p);
      case PacketType.REVALIDATE: {
        const { sessionId } = decodeRevalidateRequest(p.data);
        const valid = this.sessions?.touch(sessionId, this.ctx.now) ?? false;
        this.ctx.send(from, packet(PacketType.REVALIDATE, -1n, encodeRevalidateReply(sessionId, valid)));
        return;
      }
      default:
        this.ctx.emit({ kind: 'log', level: 'warn', message: `leader: unexpected packet type ${p.type} from ${from}` });
    }
  }

  // --- discovery ---------------------------------------------------------------------------

  private onLearnerInfo(link: LearnerLink, p: QuorumPacket): void {
    const info = decodeLearnerInfo(p.data);
    if (info.serverId !== BigInt(link.id)) {
      this.ctx.emit({ kind: 'log', level: 'warn', message: `learner on link ${link.id} says it is ${info.serverId}` });
      this.drop(link.id);
      return;
    }
    link.stage = 'infoReceived';
    const epoch = epochOf(p.zxid);
    if (this.newEpoch === undefined) {
      this.infoEpochs.set(link.id, epoch);
      this.tryDecideEpoch();
    } else {
      if (epoch > this.newEpoch) {
        // A learner that accepted a later epoch cannot follow us (ZooKeeper refuses it too).
        this.ctx.goLooking(`learner ${link.id} accepted epoch ${epoch}, beyond ours ${this.newEpoch}`);
        return;
      }
      this.sendLeaderInfo(link);
    }
  }

  private tryDecideEpoch(): void {
    if (this.newEpoch !== undefined) return;
    if (!this.ctx.isQuorum(this.infoEpochs.keys())) return;
    let max = 0n;
    for (const e of this.infoEpochs.values()) if (e > max) max = e;
    this.newEpoch = max + 1n;
    this.ctx.acceptedEpoch = this.newEpoch;
    this.ctx.emit({ kind: 'writeEpoch', which: 'acceptedEpoch', epoch: this.newEpoch });
    this.epochAcks.add(this.ctx.config.self);
    this.ctx.reportState(ServerState.LEADING, 'discovery', this.ctx.config.self, this.newEpoch);
    for (const link of this.learners.values()) if (link.stage === 'infoReceived') this.sendLeaderInfo(link);
    this.tryFinishDiscovery();
  }

  private sendLeaderInfo(link: LearnerLink): void {
    link.stage = 'epochSent';
    this.ctx.send(link.id, packet(PacketType.LEADERINFO, zxidOf(this.newEpoch as bigint, 0n), encodeInt(LEARNER_PROTOCOL_VERSION)));
  }

  private onAckEpoch(link: LearnerLink, p: QuorumPacket): void {
    if (link.stage !== 'epochSent') return;
    link.stage = 'epochAcked';
    link.peerLast = p.zxid;
    if (this.phase === 'discovery') {
      const peerEpoch = BigInt(decodeInt(p.data, 'ACKEPOCH'));
      if (peerEpoch > this.summary.epoch || (peerEpoch === this.summary.epoch && p.zxid > this.summary.zxid)) {
        this.ctx.goLooking(`learner ${link.id} is ahead of this leader (epoch ${peerEpoch}, zxid ${hex(p.zxid)})`);
        return;
      }
      if (this.ctx.isParticipant(link.id)) this.epochAcks.add(link.id);
      this.tryFinishDiscovery();
    } else {
      this.syncLearner(link);
    }
  }

  private tryFinishDiscovery(): void {
    if (this.phase !== 'discovery' || !this.ctx.isQuorum(this.epochAcks)) return;
    // currentEpoch makes this history the one every later election prefers: it may only be
    // written once that history is on disk, or a crash could leave the epoch without the txns.
    if (this.ctx.durable < this.ctx.replica.lastLogged) return;
    const epoch = this.newEpoch as bigint;
    this.ctx.currentEpoch = epoch;
    this.ctx.emit({ kind: 'writeEpoch', which: 'currentEpoch', epoch });
    this.phase = 'synchronization';
    this.ctx.reportState(ServerState.LEADING, 'synchronization', this.ctx.config.self, epoch);
    for (const link of this.learners.values()) if (link.stage === 'epochAcked') this.syncLearner(link);
    this.tryFinishSync();
  }

  // --- synchronisation ---------------------------------------------------------------------

  private syncLearner(link: LearnerLink): void {
    const replica = this.ctx.replica;
    const plan = replica.planSync(link.peerLast);
    if (plan.kind === 'snap' && this.outstanding.length > 0) {
      // A snapshot of a tree holding uncommitted proposals could hand a learner txns that
      // are later abandoned; take it once they have drained (new writes wait meanwhile).
      this.snapWaiting.add(link.id);
      return;
    }
    const last = replica.lastApplied;
    if (plan.kind === 'snap') {
      this.ctx.send(link.id, packet(PacketType.SNAP, last), replica.snapshotImage());
      this.ctx.emit({ kind: 'log', level: 'info', message: `sync ${link.id}: SNAP at ${hex(last)} (learner at ${hex(link.peerLast)})` });
    } else {
      if (plan.truncateTo !== undefined) this.ctx.send(link.id, packet(PacketType.TRUNC, plan.truncateTo));
      else this.ctx.send(link.id, packet(PacketType.DIFF, last));
      for (const entry of plan.txns) {
        const zxid = entry.header.zxid;
        const committed = zxid <= this.lastCommitted;
        // Observers learn of outstanding txns through INFORM when they commit.
        if (!committed && link.observer) continue;
        this.ctx.send(link.id, packet(PacketType.PROPOSAL, zxid, encodeProposal(entry)));
        if (committed) this.ctx.send(link.id, packet(PacketType.COMMIT, zxid));
      }
      const how = plan.truncateTo !== undefined ? `TRUNC to ${hex(plan.truncateTo)} then ${plan.txns.length} txns` : `DIFF of ${plan.txns.length} txns`;
      this.ctx.emit({ kind: 'log', level: 'info', message: `sync ${link.id}: ${how} (learner at ${hex(link.peerLast)})` });
    }
    link.forwarding = true;
    link.syncedThrough = this.lastProposed;
    link.stage = 'synced';
    this.ctx.send(link.id, packet(PacketType.NEWLEADER, zxidOf(this.newEpoch as bigint, 0n)));
  }

  private onAck(link: LearnerLink, zxid: bigint): void {
    const newLeaderZxid = zxidOf(this.newEpoch ?? -1n, 0n);
    if (zxid === newLeaderZxid) {
      if (link.stage !== 'synced') return;
      if (this.phase === 'broadcast') {
        link.stage = 'uptodate';
        this.ctx.send(link.id, packet(PacketType.UPTODATE, -1n));
        if (!link.observer) {
          for (const p of this.outstanding) if (p.entry.header.zxid <= link.syncedThrough) p.acks.add(link.id);
          this.tryCommit();
        }
        return;
      }
      // Observers' acks do not count toward the quorum, but they are sent UPTODATE with the rest.
      if (this.ctx.isParticipant(link.id)) this.newLeaderAcks.add(link.id);
      else this.observerAcks.add(link.id);
      this.tryFinishSync();
      return;
    }
    if (link.observer || !link.forwarding) return;
    const p = this.outstanding.find((o) => o.entry.header.zxid === zxid);
    if (p === undefined) return;
    p.acks.add(link.id);
    this.tryCommit();
  }

  private tryFinishSync(): void {
    if (this.phase !== 'synchronization') return;
    const acks = new Set(this.newLeaderAcks);
    if (this.ctx.durable >= this.ctx.replica.lastLogged) acks.add(this.ctx.config.self);
    if (!this.ctx.isQuorum(acks)) return;
    this.phase = 'broadcast';
    const now = this.ctx.now;
    this.sessions = new SessionTracker(this.ctx.config.self, now, this.tickMs);
    for (const [id, timeout] of this.ctx.replica.sessions) this.sessions.add(id, timeout, now);
    this.nextPingAt = now + this.tickMs / 2;
    this.ctx.reportState(ServerState.LEADING, 'broadcast', this.ctx.config.self, this.newEpoch as bigint);
    for (const link of this.learners.values()) {
      if (link.stage === 'synced' && (this.newLeaderAcks.has(link.id) || this.observerAcks.has(link.id))) {
        link.stage = 'uptodate';
        this.ctx.send(link.id, packet(PacketType.UPTODATE, -1n));
      }
    }
    this.ctx.emit({ kind: 'startServing' });
  }

  // --- broadcast ---------------------------------------------------------------------------

  write(write: ClientWrite): void {
    if (this.phase !== 'broadcast') {
      this.ctx.emit({ kind: 'writeRefused', write, reason: 'the leader is not serving yet' });
      return;
    }
    if (this.snapWaiting.size > 0) {
      this.heldWrites.push(write);
      return;
    }
    this.propose(write);
  }

  private propose(write: ClientWrite): void {
    if (this.counter >= MAX_COUNTER) {
      this.ctx.goLooking('zxid counter rolled over; a new epoch is needed');
      return;
    }
    const zxid = zxidOf(this.newEpoch as bigint, ++this.counter);
    const entry = this.sessionAlive(write)
      ? writeTxn(this.ctx.replica.tree, write, zxid, this.ctx.now, this.ctx.config.extendedTypesEnabled)
      : errorTxn(write, zxid, this.ctx.now, ErrorCode.SESSIONEXPIRED);
    if (entry.txn.type === OpCode.createSession) this.sessions?.add(write.sessionId, entry.txn.record.timeOut, this.ctx.now);
    if (entry.txn.type === OpCode.closeSession) this.sessions?.setClosing(write.sessionId);
    this.ctx.emit({ kind: 'append', entry });
    const result = this.ctx.replica.applyEntry(entry);
    this.outstanding.push({ entry, result, acks: new Set() });
    this.ctx.emit({ kind: 'speculated', zxid });
    const data = encodeProposal(entry);
    for (const link of this.learners.values()) {
      if (link.forwarding && !link.observer) this.ctx.send(link.id, packet(PacketType.PROPOSAL, zxid, data));
    }
    this.tryCommit();
  }

  /**
   * PrepRequestProcessor.checkSession: a write from a session the leader no longer tracks (it
   * expired, or is closing) must not take effect — an ephemeral created for it would never go.
   */
  private sessionAlive(write: ClientWrite): boolean {
    if (write.opcode === OpCode.createSession || write.opcode === OpCode.closeSession || write.sessionId === SERVER_SESSION) return true;
    const s = this.sessions?.get(write.sessionId);
    return s !== undefined && !s.closing;
  }

  private onRequest(link: LearnerLink, p: QuorumPacket): void {
    const req = decodeForwardedRequest(p.data);
    if (req.opcode === OpCode.sync) {
      if (this.outstanding.length === 0) this.ctx.send(link.id, packet(PacketType.SYNC, this.lastCommitted));
      else this.pendingSyncs.push({ learner: link.id, zxid: this.lastProposed });
      return;
    }
    this.write({ ...req, authIds: p.authinfo });
  }

  sync(token: number): void {
    if (this.outstanding.length === 0) this.ctx.emit({ kind: 'synced', token });
    else this.pendingSyncs.push({ token, zxid: this.lastProposed });
  }

  touch(sessionId: bigint): void {
    this.sessions?.touch(sessionId, this.ctx.now);
  }

  revalidate(sessionId: bigint): void {
    // Before broadcast there is no session table to answer from; the client waits and retries.
    if (this.sessions === undefined) return;
    const valid = this.sessions.touch(sessionId, this.ctx.now);
    this.ctx.emit({ kind: 'revalidated', sessionId, valid });
  }

  private get lastProposed(): bigint {
    const last = this.outstanding[this.outstanding.length - 1];
    return last === undefined ? this.lastCommitted : last.entry.header.zxid;
  }

  durable(): void {
    this.tryFinishDiscovery();
    this.tryCommit();
    this.tryFinishSync();
  }

  private tryCommit(): void {
    const self = this.ctx.config.self;
    let committedAny = false;
    for (;;) {
      const head = this.outstanding[0];
      if (head === undefined) break;
      // Our own ACK counts once the txn is on our disk.
      if (this.ctx.durable >= head.entry.header.zxid) head.acks.add(self);
      if (!this.ctx.isQuorum(head.acks)) break;
      this.outstanding.shift();
      this.commit(head);
      committedAny = true;
    }
    if (!committedAny) return;
    this.ctx.emit({ kind: 'committed', zxid: this.lastCommitted });
    while (this.pendingSyncs.length > 0 && (this.pendingSyncs[0] as { zxid: bigint }).zxid <= this.lastCommitted) {
      const s = this.pendingSyncs.shift() as { learner?: PeerId; token?: number };
      if (s.learner !== undefined) this.ctx.send(s.learner, packet(PacketType.SYNC, this.lastCommitted));
      if (s.token !== undefined) this.ctx.emit({ kind: 'synced', token: s.token });
    }
    if (this.outstanding.length === 0 && this.snapWaiting.size > 0) {
      for (const id of this.snapWaiting) {
        const link = this.learners.get(id);
        if (link !== undefined) this.syncLearner(link);
      }
      this.snapWaiting.clear();
      for (const w of this.heldWrites.splice(0)) this.propose(w);
    }
  }

  private commit(p: Proposal): void {
    const zxid = p.entry.header.zxid;
    this.lastCommitted = zxid;
    let informData: Uint8Array | undefined;
    for (const link of this.learners.values()) {
      if (!link.forwarding) continue;
      if (link.observer) {
        informData ??= encodeProposal(p.entry);
        this.ctx.send(link.id, packet(PacketType.INFORM, zxid, informData));
      } else {
        this.ctx.send(link.id, packet(PacketType.COMMIT, zxid));
      }
    }
    if (p.entry.txn.type === OpCode.closeSession) this.sessions?.remove(p.entry.header.clientId);
    this.ctx.emit({ kind: 'applied', entry: p.entry, result: p.result });
  }

  // --- time --------------------------------------------------------------------------------

  tick(): void {
    const now = this.ctx.now;
    if (this.phase !== 'broadcast') {
      if (now >= this.initDeadline) this.ctx.goLooking(`no quorum synchronised within initLimit (${this.ctx.config.initLimit} ticks)`);
      return;
    }
    if (now >= this.nextPingAt) {
      this.nextPingAt = now + this.tickMs / 2;
      const limit = this.ctx.config.syncLimit * this.tickMs;
      const alive = new Set<PeerId>([this.ctx.config.self]);
      for (const link of this.learners.values()) {
        if (link.stage === 'uptodate' || link.stage === 'synced') {
          this.ctx.send(link.id, packet(PacketType.PING, this.lastProposed));
          if (now - link.lastSeen <= limit) alive.add(link.id);
        }
      }
      if (!this.ctx.isQuorum(alive)) {
        this.ctx.goLooking(`lost the quorum: only ${[...alive].join(', ')} heard from within syncLimit`);
        return;
      }
    }
    for (const id of this.sessions?.expired(now) ?? []) {
      this.ctx.emit({ kind: 'log', level: 'info', message: `expiring session 0x${BigInt.asUintN(64, id).toString(16)}` });
      this.write({ sessionId: id, cxid: 0, opcode: OpCode.closeSession, body: new Uint8Array(0), authIds: [] });
    }
  }

  private drop(peer: PeerId): void {
    this.learners.delete(peer);
    this.forgetSnapWaiter(peer);
    this.ctx.emit({ kind: 'disconnect', peer });
  }
}
