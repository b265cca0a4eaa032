import type { WatchTables } from '../../server/apply.js';
import type { DataTree } from '../../server/data-tree.js';
import type { PeerContext } from './context.js';
import { FastLeaderElection, type ElectionOutput } from './election.js';
import { LeaderRole } from './leader.js';
import { LearnerRole } from './learner.js';
import { Replica } from './replica.js';
import {
  epochOf,
  hex,

  ServerState,
  type PeerCoreConfig,
  type PeerId,
  type PeerInput,
  type PeerOutput,
  type QuorumPacket,
  type RecoveredState,
  type ZabPhase,
} from './types.js';

const DEFAULT_HISTORY = 10_000;

/**
 * One quorum member as a pure state machine: leader election, then the leader or learner role
 * for the elected epoch, over a replica of the tree. Every input returns the outputs the shell
 * must carry out, in order (see types.ts); nothing here touches a socket, a file or a clock.
 */
export class PeerCore {
  private readonly replica: Replica;
  private readonly election: FastLeaderElection;
  private role: LeaderRole | LearnerRole | undefined;
  private out: PeerOutput[] = [];
  private nowMs: number;
  private lastTimer: number | undefined;
  /** A `reload` is under way: this server does not know its own last zxid until it is done. */
  private reloading = false;
  private lookAfterReload = false;
  private stateNow: { state: ServerState; phase: ZabPhase; leader: PeerId | undefined; epoch: bigint } = {
    state: ServerState.LOOKING,
    phase: 'election',
    leader: undefined,
    epoch: 0n,
  };
  private readonly ctx: PeerContext;
  private readonly participants: ReadonlySet<PeerId>;

  constructor(
    readonly config: PeerCoreConfig,
    recovered: RecoveredState,
    nowMs: number,
  ) {
    this.nowMs = nowMs;
    this.replica = new Replica(recovered, config.committedLogSize ?? DEFAULT_HISTORY, config.extendedTypesEnabled);
    this.participants = new Set(config.members.filter((m) => m.role === 'participant').map((m) => m.id));
    // A dataDir without epoch files (or older than its own log) takes the epoch of its last zxid
    // (ZOOKEEPER-582: never restart below what the snapshot and log already hold).
    const logged = epochOf(this.replica.lastLogged);
    const currentEpoch = recovered.currentEpoch > logged ? recovered.currentEpoch : logged;
    const acceptedEpoch = recovered.acceptedEpoch > currentEpoch ? recovered.acceptedEpoch : currentEpoch;
    this.election = new FastLeaderElection({
      self: config.self,
      members: config.members,
      finalizeWaitMs: config.finalizeWaitMs ?? 200,
      minNotificationIntervalMs: config.minNotificationIntervalMs ?? 200,
      maxNotificationIntervalMs: config.maxNotificationIntervalMs ?? 60_000,
    });
    const ctx: Omit<PeerContext, 'now'> = {
      config,
      replica: this.replica,
      acceptedEpoch,
      currentEpoch,
      durable: this.replica.lastLogged,
      emit: (o) => {
        if (o.kind === 'reload') this.reloading = true;
        this.out.push(o);
      },
      send: (to, p, snapshot) => void this.out.push(snapshot === undefined ? { kind: 'send', to, packet: p } : { kind: 'send', to, packet: p, snapshot }),
      isParticipant: (id) => this.participants.has(id),
      isQuorum: (ids) => {
        let n = 0;
        for (const id of ids) if (this.participants.has(id)) n++;
        return n * 2 > this.participants.size;
      },
      reportState: (state, phase, leader, epoch) => this.reportState(state, phase, leader, epoch),
      goLooking: (reason) => this.goLooking(reason),
    };
    this.ctx = Object.defineProperty(ctx, 'now', { get: () => this.nowMs, enumerable: true }) as PeerContext;
  }

  get acceptedEpoch(): bigint {
    return this.ctx.acceptedEpoch;
  }

  get currentEpoch(): bigint {
    return this.ctx.currentEpoch;
  }

  // --- what the shell and the checkers read ------------------------------------------------

  get tree(): DataTree {
    return this.replica.tree;
  }

  get watches(): WatchTables {
    return this.replica.watches;
  }

  get sessions(): ReadonlyMap<bigint, number> {
    return this.replica.sessions;
  }

  get state(): ServerState {
    return this.stateNow.state;
  }

  get phase(): ZabPhase {
    return this.stateNow.phase;
  }

  get leaderId(): PeerId | undefined {
    return this.stateNow.leader;
  }

  get lastLoggedZxid(): bigint {
    return this.replica.lastLogged;
  }

  get serving(): boolean {
    return this.role?.serving ?? false;
  }

  // --- inputs ------------------------------------------------------------------------------

  start(nowMs: number): PeerOutput[] {
    return this.run(nowMs, () => this.lookForLeader());
  }

  handle(input: PeerInput, nowMs: number): PeerOutput[] {
    return this.run(nowMs, () => this.dispatch(input));
  }

  private run(nowMs: number, step: () => void): PeerOutput[] {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    this.out = [];
    step();
    this.scheduleTimer();
    return this.out;
  }

  private dispatch(input: PeerInput): void {
    const role = this.role;
    switch (input.kind) {
      case 'tick':
        this.lastTimer = undefined;
        this.applyElection(this.election.tick(this.nowMs));
        role?.tick();
        return;
      case 'election':
        this.applyElection(this.election.receive(input.from, input.notification, this.nowMs));
        return;
      case 'linkUp':
        if (role === undefined) this.out.push({ kind: 'disconnect', peer: input.peer });
        else role.linkUp(input.peer);
        return;
      case 'linkDown':
        role?.linkDown(input.peer);
        return;
      case 'packet':
        return this.onPacket(input.from, input.packet, input.snapshot);
      case 'durable':
        if (input.zxid > this.ctx.durable) this.ctx.durable = input.zxid;
        role?.durable();
        return;
      case 'reloaded':
        this.reloading = false;
        if (role instanceof LearnerRole) role.reloaded(input.state);
        else {
          this.replica.reset(input.state);
          this.ctx.durable = this.replica.lastLogged;
        }
        if (this.lookAfterReload) {
          this.lookAfterReload = false;
          this.lookForLeader();
        }
        return;
      case 'write':
        if (role === undefined) this.out.push({ kind: 'writeRefused', write: input.write, reason: 'looking for a leader' });
        else role.write(input.write);
        return;
      case 'touch':
        if (role instanceof LeaderRole) role.touch(input.sessionId);
        else role?.touch(input.sessionId, input.timeoutMs);
        return;
      case 'revalidate':
        if (role instanceof LeaderRole) role.revalidate(input.sessionId);
        else role?.revalidate(input.sessionId, input.timeoutMs);
        return;
      case 'sync':
        role?.sync(input.token);
        return;
    }
  }

  private onPacket(from: PeerId, p: QuorumPacket, snapshot: Uint8Array | undefined): void {
    const role = this.role;
    if (role === undefined) {
      this.out.push({ kind: 'disconnect', peer: from });
      return;
    }
    if (role instanceof LeaderRole) role.packet(from, p);
    else role.packet(from, p, snapshot);
  }

  // --- election ----------------------------------------------------------------------------

  private lookForLeader(): void {
    this.role = undefined;
    this.reportState(ServerState.LOOKING, 'election', undefined, this.currentEpoch);
    if (this.reloading) {
      // Voting with the zxid from before the cut could win an election on txns this server
      // no longer has, and then truncate committed txns elsewhere: vote once the cut is done.
      this.lookAfterReload = true;
      return;
    }
    this.applyElection(this.election.start({ zxid: this.replica.lastLogged, peerEpoch: this.currentEpoch }, this.nowMs));
  }

  private applyElection(outputs: readonly ElectionOutput[]): void {
    for (const o of outputs) {
      if (o.kind === 'sendElection') {
        this.out.push(o);
        continue;
      }
      if (this.role !== undefined) continue;
      this.out.push({ kind: 'log', level: 'info', message: `elected ${o.vote.leader} (epoch ${o.vote.peerEpoch}, zxid ${hex(o.vote.zxid)})` });
      if (o.state === ServerState.LEADING) this.role = new LeaderRole(this.ctx);
      else this.role = new LearnerRole(this.ctx, o.vote.leader, o.state === ServerState.OBSERVING);
    }
  }

  private goLooking(reason: string): void {
    const role = this.role;
    if (role === undefined) return;
    this.out.push({ kind: 'log', level: 'warn', message: `leaving ${ServerState.LEADING === this.stateNow.state ? 'leadership' : 'the leader'}: ${reason}` });
    const wasServing = role.serving;
    role.leave();
    this.role = undefined;
    if (wasServing) this.out.push({ kind: 'stopServing', reason });
    this.lookForLeader();
  }

  private reportState(state: ServerState, phase: ZabPhase, leader: PeerId | undefined, epoch: bigint): void {
    const s = this.stateNow;
    if (s.state === state && s.phase === phase && s.leader === leader && s.epoch === epoch) return;
    this.stateNow = { state, phase, leader, epoch };
    // Settled in the new epoch: late joiners are told this epoch when they ask.
    if (phase === 'broadcast') this.election.established(epoch);
    this.out.push({ kind: 'state', state, phase, leader, epoch });
  }

  private scheduleTimer(): void {
    const candidates = [this.election.deadline ?? Infinity, this.role?.deadline ?? Infinity];
    const at = Math.min(...candidates);
    if (!Number.isFinite(at)) return;
    if (at === this.lastTimer) return;
    this.lastTimer = at;
    this.out.push({ kind: 'timer', atMs: at });
  }
}

