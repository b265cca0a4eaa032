import { OpCode } from '../../jute/opcodes.js';
import type { TxnEntry } from '../../server/txn.js';
import {
  decodeProposal,
  decodeRevalidateReply,
  encodeForwardedRequest,
  encodeInt,
  encodeLearnerInfo,
  encodeRevalidateRequest,
  encodeTouchTable,
  LEARNER_PROTOCOL_VERSION,
} from '../wire/packets.js';
import { packet, type PeerContext } from './context.js';
import { counterOf, epochOf, hex, PacketType, ServerState, zxidOf, type ClientWrite, type PeerId, type QuorumPacket, type RecoveredState } from './types.js';

const LEADER_CONNECT_RETRY_MS = 100;

type LearnerPhase = 'connecting' | 'discovery' | 'synchronization' | 'broadcast';

/** Output that waits for the log to reach a zxid: a proposal's ACK, or NEWLEADER's. */
type AwaitingDisk = { readonly kind: 'ack'; readonly zxid: bigint } | { readonly kind: 'newLeader'; readonly zxid: bigint; readonly newLeaderZxid: bigint };

/**
 * The follower and observer role (Learner/Follower/Observer): connect to the elected leader,
 * register (FOLLOWERINFO/OBSERVERINFO), accept its epoch (acceptedEpoch written before ACKEPOCH),
 * sync (DIFF, TRUNC or SNAP), persist everything the sync brought and set currentEpoch before
 * acknowledging NEWLEADER, then follow the broadcast: log and ACK each PROPOSAL once it is on
 * disk, apply on COMMIT (observers: on INFORM), forward client writes as REQUEST.
 */
export class LearnerRole {
  phase: LearnerPhase = 'connecting';
  private newEpoch: bigint | undefined;
  private readonly connectDeadline: number;
  private retryAt: number | undefined;
  private lastHeard: number;
  /** Logged proposals not yet committed, in zxid order. */
  private readonly pending: TxnEntry[] = [];
  private readonly awaitingDisk: AwaitingDisk[] = [];
  private newLeaderSeen = false;
  /** Packets that arrived while the log was being cut back (TRUNC); replayed after `reloaded`. */
  private inbox: { p: QuorumPacket; snapshot: Uint8Array | undefined }[] | undefined;
  private readonly touches = new Map<bigint, number>();
  /** The zxid a TRUNC asked for, until the rebuilt state is checked against it. */
  private truncatedTo: bigint | undefined;
  private readonly syncTokens: number[] = [];

  constructor(
    private readonly ctx: PeerContext,
    readonly leader: PeerId,
    readonly observer: boolean,
  ) {
    this.connectDeadline = ctx.now + ctx.config.initLimit * ctx.config.tickTimeMs;
    this.lastHeard = ctx.now;
    this.report();
    ctx.emit({ kind: 'connect', leader });
  }

  private get role(): typeof ServerState.FOLLOWING | typeof ServerState.OBSERVING {
    return this.observer ? ServerState.OBSERVING : ServerState.FOLLOWING;
  }

  private report(): void {
    const phase = this.phase === 'connecting' ? 'discovery' : this.phase;
    this.ctx.reportState(this.role, phase, this.leader, this.newEpoch ?? this.ctx.acceptedEpoch);
  }

  get serving(): boolean {
    return this.phase === 'broadcast';
  }

  get deadline(): number {
    return Math.min(this.deadlineWithoutRetry(), this.retryAt ?? Infinity);
  }

  tick(): void {
    const now = this.ctx.now;
    if (now >= this.deadlineWithoutRetry()) {
      this.ctx.goLooking(this.phase === 'connecting' ? `could not reach leader ${this.leader}` : `nothing from leader ${this.leader} in time`);
      return;
    }
    if (this.retryAt !== undefined && now >= this.retryAt) {
      this.retryAt = undefined;
      this.ctx.emit({ kind: 'connect', leader: this.leader });
    }
  }

  private deadlineWithoutRetry(): number {
    const limit = this.phase === 'broadcast' ? this.ctx.config.syncLimit : this.ctx.config.initLimit;
    const silence = this.lastHeard + limit * this.ctx.config.tickTimeMs;
    return this.phase === 'connecting' ? Math.min(silence, this.connectDeadline) : silence;
  }

  linkUp(peer: PeerId): void {
    if (peer !== this.leader || this.phase !== 'connecting') return;
    this.phase = 'discovery';
    this.lastHeard = this.ctx.now;
    const info = encodeLearnerInfo({ serverId: BigInt(this.ctx.config.self), protocolVersion: LEARNER_PROTOCOL_VERSION, configVersion: 0n });
    this.ctx.send(this.leader, packet(this.observer ? PacketType.OBSERVERINFO : PacketType.FOLLOWERINFO, zxidOf(this.ctx.acceptedEpoch, 0n), info));
    this.report();
  }

  linkDown(peer: PeerId): void {
    if (peer !== this.leader) return;
    // A leader still finishing its election is not listening yet, or accepts and then closes:
    // either way, before LEADERINFO, dial again until the connect deadline.
    const beforeLeaderInfo = this.phase === 'connecting' || (this.phase === 'discovery' && this.newEpoch === undefined);
    if (beforeLeaderInfo && this.ctx.now < this.connectDeadline) {
      this.phase = 'connecting';
      // ZooKeeper's leaderConnectDelayDuringRetryMs.
      this.retryAt = this.ctx.now + LEADER_CONNECT_RETRY_MS;
      return;
    }
    this.ctx.goLooking(`lost the link to leader ${this.leader}`);
  }

  /** Leaving the role: everything logged but not committed is applied, so the tree matches the log (fastForwardDataBase). */
  leave(): void {
    this.ctx.emit({ kind: 'disconnect', peer: this.leader });
    for (const entry of this.pending.splice(0)) {
      if (entry.header.zxid > this.ctx.replica.lastApplied) this.ctx.replica.applyEntry(entry);
    }
  }

  packet(from: PeerId, p: QuorumPacket, snapshot?: Uint8Array): void {
    if (from !== this.leader) {
      this.ctx.emit({ kind: 'disconnect', peer: from });
      return;
    }
    this.lastHeard = this.ctx.now;
    if (this.inbox !== undefined) {
      this.inbox.push({ p, snapshot });
      return;
    }
    this.handle(p, snapshot);
  }

  private handle(p: QuorumPacket, snapshot?: Uint8Array): void {
    switch (p.type) {
      case PacketType.LEADERINFO:
        return this.onLeaderInfo(p.zxid);
      case PacketType.DIFF:
        this.enterSync();
        return;
      case PacketType.TRUNC:
        this.enterSync();
        this.truncatedTo = p.zxid;
        this.inbox = [];
        this.ctx.emit({ kind: 'reload', truncateTo: p.zxid });
        return;
      case PacketType.SNAP:
        return this.onSnap(p.zxid, snapshot);
      case PacketType.PROPOSAL:
        return this.onProposal(decodeProposal(p.data));
      case PacketType.COMMIT:
        return this.onCommit(p.zxid);
      case PacketType.INFORM:
        return this.onInform(decodeProposal(p.data));
      case PacketType.NEWLEADER:
        return this.onNewLeader(p.zxid);
      case PacketType.UPTODATE:
        return this.onUpToDate();
      case PacketType.PING:
        this.ctx.send(this.leader, packet(PacketType.PING, this.ctx.replica.lastLogged, encodeTouchTable([...this.touches].map(([sessionId, timeoutMs]) => ({ sessionId, timeoutMs })))));
        this.touches.clear();
        return;
      case PacketType.SYNC: {
        const token = this.syncTokens.shift();
        if (token !== undefined) this.ctx.emit({ kind: 'synced', token });
        return;
      }
      case PacketType.REVALIDATE: {
        const { sessionId, valid } = decodeRevalidateReply(p.data);
        this.ctx.emit({ kind: 'revalidated', sessionId, valid });
        return;
      }
      default:
        this.ctx.emit({ kind: 'log', level: 'warn', message: `learner: unexpected packet type ${p.type}` });
    }
  }

  private onLeaderInfo(zxid: bigint): void {
    if (this.phase !== 'discovery') return;
    const epoch = epochOf(zxid);
    let reported: number;
    if (epoch > this.ctx.acceptedEpoch) {
      reported = Number(this.ctx.currentEpoch);
      this.ctx.acceptedEpoch = epoch;
      this.ctx.emit({ kind: 'writeEpoch', which: 'acceptedEpoch', epoch });
    } else if (epoch === this.ctx.acceptedEpoch) {
      reported = -1;
    } else {
      this.ctx.goLooking(`leader ${this.leader} proposes epoch ${epoch}, below the accepted ${this.ctx.acceptedEpoch}`);
      return;
    }
    this.newEpoch = epoch;
    this.ctx.send(this.leader, packet(PacketType.ACKEPOCH, this.ctx.replica.lastLogged, encodeInt(reported)));
  }

  private enterSync(): void {
    if (this.phase === 'discovery') {
      this.phase = 'synchronization';
      this.report();
    }
  }

  /** The log was cut back after a TRUNC and the state rebuilt from disk. */
  reloaded(state: RecoveredState): void {
    this.ctx.replica.reset(state);
    this.ctx.durable = this.ctx.replica.lastLogged;
    const wanted = this.truncatedTo;
    this.truncatedTo = undefined;
    if (wanted !== undefined && this.ctx.replica.lastLogged < wanted) {
      // The txns up to the cut lived only in a snapshot the cut removed: carrying on would
      // skip them. Register again; the leader then sees where this server really is.
      this.inbox = undefined;
      this.ctx.goLooking(`TRUNC to ${hex(wanted)} left the disk at ${hex(this.ctx.replica.lastLogged)}`);
      return;
    }
    const queued = this.inbox ?? [];
    this.inbox = undefined;
    this.ctx.emit({ kind: 'log', level: 'info', message: `log cut back to ${hex(this.ctx.replica.lastLogged)}` });
    for (const q of queued) this.packet(this.leader, q.p, q.snapshot);
  }

  private onSnap(zxid: bigint, snapshot: Uint8Array | undefined): void {
    if (snapshot === undefined) {
      this.ctx.goLooking('SNAP without its snapshot');
      return;
    }
    this.enterSync();
    this.ctx.replica.loadSnapshot(snapshot, zxid);
    // The snapshot replaces this server's history: it must be on disk before NEWLEADER is
    // acknowledged (ZOOKEEPER-3104), and log entries after it are no longer ours.
    this.ctx.emit({ kind: 'snapshot' });
    this.ctx.durable = zxid;
  }

  private onProposal(entry: TxnEntry): void {
    const zxid = entry.header.zxid;
    const last = this.ctx.replica.lastLogged;
    // committedLog holes lose data (ZOOKEEPER-4925): within an epoch zxids must be contiguous.
    const contiguous = zxid > last && (epochOf(zxid) !== epochOf(last) || counterOf(zxid) === counterOf(last) + 1n);
    if (!contiguous) {
      this.ctx.goLooking(`proposal ${hex(zxid)} does not follow ${hex(last)}`);
      return;
    }
    this.ctx.emit({ kind: 'append', entry });
    this.ctx.replica.lastLogged = zxid;
    this.pending.push(entry);
    if (this.newLeaderSeen) this.awaitDisk({ kind: 'ack', zxid });
  }

  private onCommit(zxid: bigint): void {
    const head = this.pending[0];
    if (head === undefined || head.header.zxid !== zxid) {
      if (zxid <= this.ctx.replica.lastApplied) return;
      this.ctx.goLooking(`COMMIT ${hex(zxid)} for a txn not next in line (${head === undefined ? 'none pending' : hex(head.header.zxid)})`);
      return;
    }
    this.pending.shift();
    const result = this.ctx.replica.applyEntry(head);
    this.ctx.emit({ kind: 'applied', entry: head, result });
  }

  private onInform(entry: TxnEntry): void {
    const zxid = entry.header.zxid;
    if (zxid <= this.ctx.replica.lastApplied) return;
    this.ctx.emit({ kind: 'append', entry });
    const result = this.ctx.replica.applyEntry(entry);
    this.ctx.emit({ kind: 'applied', entry, result });
  }

  private onNewLeader(newLeaderZxid: bigint): void {
    if (this.newEpoch === undefined || epochOf(newLeaderZxid) !== this.newEpoch) {
      this.ctx.goLooking(`NEWLEADER for epoch ${epochOf(newLeaderZxid)} while accepting ${this.newEpoch ?? 'none'}`);
      return;
    }
    this.newLeaderSeen = true;
    // Everything the sync brought must be durable, and currentEpoch set, before the ACK
    // (ZOOKEEPER-1264/3911/4643): the leader counts this ACK as our copy of its history.
    this.awaitDisk({ kind: 'newLeader', zxid: this.ctx.replica.lastLogged, newLeaderZxid });
  }

  private onUpToDate(): void {
    if (!this.newLeaderSeen || this.phase === 'broadcast') return;
    this.phase = 'broadcast';
    this.report();
    this.ctx.emit({ kind: 'startServing' });
  }

  private awaitDisk(item: AwaitingDisk): void {
    this.awaitingDisk.push(item);
    this.durable();
  }

  /** The disk caught up: send the ACKs that waited for it, in order. */
  durable(): void {
    while (this.awaitingDisk.length > 0) {
      const item = this.awaitingDisk[0] as AwaitingDisk;
      if (item.zxid > this.ctx.durable) return;
      this.awaitingDisk.shift();
      if (item.kind === 'ack') {
        if (!this.observer) this.ctx.send(this.leader, packet(PacketType.ACK, item.zxid));
      } else {
        const epoch = epochOf(item.newLeaderZxid);
        this.ctx.currentEpoch = epoch;
        this.ctx.emit({ kind: 'writeEpoch', which: 'currentEpoch', epoch });
        this.ctx.send(this.leader, packet(PacketType.ACK, item.newLeaderZxid));
      }
    }
  }

  // --- client side ------------------------------------------------------------------------

  write(write: ClientWrite): void {
    if (this.phase !== 'broadcast') {
      this.ctx.emit({ kind: 'writeRefused', write, reason: 'not following a leader' });
      return;
    }
    this.ctx.send(this.leader, { type: PacketType.REQUEST, zxid: -1n, data: encodeForwardedRequest(write), authinfo: write.authIds });
  }

  touch(sessionId: bigint, timeoutMs: number): void {
    this.touches.set(sessionId, timeoutMs);
  }

  revalidate(sessionId: bigint, timeoutMs: number): void {
    if (this.phase !== 'broadcast') return;
    this.ctx.send(this.leader, packet(PacketType.REVALIDATE, -1n, encodeRevalidateRequest({ sessionId, timeoutMs })));
  }

  sync(token: number): void {
    if (this.phase !== 'broadcast') return;
    this.syncTokens.push(token);
    this.ctx.send(this.leader, packet(PacketType.REQUEST, -1n, encodeForwardedRequest({ sessionId: 0n, cxid: token, opcode: OpCode.sync, body: new Uint8Array(0) })));
  }
}
