import { ServerState, type ElectionNotification, type PeerId, type QuorumMember, type Vote } from './types.js';

/**
 * FastLeaderElection (ZooKeeper 3.8) as a pure state machine. The shell feeds in notifications and
 * the time; the machine answers with notifications to send and, once, with the decision.
 *
 * What it follows from ZooKeeper:
 * - Votes are ordered by (peerEpoch, zxid, sid); a vote for a server of weight 0 (an observer, or
 *   a stranger) never wins.
 * - A round starts by bumping the logical clock and voting for oneself (an observer votes for
 *   nobody, counts no LOOKING votes and only follows a leader the participants established, see
 *   below). Notifications go to the voters only; observers hear answers to their own.
 * - LOOKING notifications: a newer round is joined (clock adopted, received votes dropped, the
 *   sender's vote weighed against our *initial* vote, the result broadcast); an older round is
 *   ignored; in the same round a better vote is adopted and broadcast. Every vote of the current
 *   round is tracked (our own included); once a strict majority of the voters back our proposal,
 *   we wait `finalizeWaitMs` for a better vote and then decide. A notification that is not better
 *   arriving in that window is consumed and the window starts again (ZooKeeper polls the queue
 *   with `finalizeWait` in a loop); a better one ends the window and is processed normally.
 * - FOLLOWING/LEADING notifications (ZooKeeper's "out of election" path): we follow an
 *   established leader once a quorum reports the same leader and epoch and that leader itself
 *   reports LEADING, either within our round or across rounds (late joiner).
 * - The message loop's replies: a LOOKING sender whose round is behind ours is sent our vote so
 *   it catches up; while not looking, a LOOKING sender is sent the decided vote and our state; a
 *   sender that is not a voter is answered at once (by voters) with our state and our own vote
 *   while looking, the decided vote after, and is otherwise not listened to.
 * - Notifications that arrive before the first start() are kept (the latest per sender) and
 *   handled as start() begins the round, as ZooKeeper's receive queue holds them until
 *   lookForLeader runs.
 * - When nothing arrives for the notification interval, everything is sent again and the
 *   interval doubles, from `minNotificationIntervalMs` up to `maxNotificationIntervalMs`.
 */

export interface ElectionOptions {
  readonly self: PeerId;
  readonly members: readonly QuorumMember[];
  /** ZooKeeper's finalizeWait: 200 ms. */
  readonly finalizeWaitMs: number;
  /** ZooKeeper: 200 ms (`zookeeper.fastleader.minNotificationInterval`). */
  readonly minNotificationIntervalMs: number;
  /** ZooKeeper: 60 s (`zookeeper.fastleader.maxNotificationInterval`). */
  readonly maxNotificationIntervalMs: number;
}

export type DecidedState = typeof ServerState.LEADING | typeof ServerState.FOLLOWING | typeof ServerState.OBSERVING;

export type ElectionOutput =
  | { readonly kind: 'sendElection'; readonly to: PeerId; readonly notification: ElectionNotification }
  | { readonly kind: 'decided'; readonly vote: Vote; readonly state: DecidedState; readonly electionEpoch: bigint };

/** The notification format coord sends (ZooKeeper 3.5+). */
export const ELECTION_NOTIFICATION_VERSION = 2;
/**
 * The leader an observer proposes: nobody. ZooKeeper sends Long.MIN_VALUE; coord sends -1
 * (ZooKeeper's own "no proposal yet" value) because peer ids are safe integers. Voters never read
 * an observer's proposal, so the value does not matter on the wire.
 */
export const NO_LEADER: PeerId = -1;
/** An observer's zxid and epoch in its vote (ZooKeeper: Long.MIN_VALUE). */
export const NO_ZXID = -(1n << 63n);

/** True if vote `a` beats vote `b` (FastLeaderElection.totalOrderPredicate), ignoring weights. */
export function voteBeats(a: Vote, b: Vote): boolean {
  if (a.peerEpoch !== b.peerEpoch) return a.peerEpoch > b.peerEpoch;
  if (a.zxid !== b.zxid) return a.zxid > b.zxid;
  return a.leader > b.leader;
}

/** A vote as the tracker keeps it: with the round and state it was sent in (ZooKeeper's Vote). */
interface TrackedVote extends Vote {
  readonly electionEpoch: bigint;
  readonly state: ServerState;
  readonly version: number;
}

/**
 * Vote.equals: votes of LOOKING peers match on everything; votes of peers out of election match
 * on leader and epoch only (their zxid and round may legitimately differ), or on the leader alone
 * between a pre-3.4.6 peer (version 0) and a newer one.
 */
function sameVote(a: TrackedVote, b: TrackedVote): boolean {
  if (a.state === ServerState.LOOKING || b.state === ServerState.LOOKING) {
    return a.leader === b.leader && a.zxid === b.zxid && a.electionEpoch === b.electionEpoch && a.peerEpoch === b.peerEpoch;
  }
  if (a.version > 0 !== b.version > 0) return a.leader === b.leader;
  return a.leader === b.leader && a.peerEpoch === b.peerEpoch;
}

const tracked = (n: ElectionNotification): TrackedVote => ({
  leader: n.leader,
  zxid: n.zxid,
  peerEpoch: n.peerEpoch,
  electionEpoch: n.electionEpoch,
  state: n.state,
  version: n.version,
});

const voteOf = (v: Vote): Vote => ({ leader: v.leader, zxid: v.zxid, peerEpoch: v.peerEpoch });

export interface ElectionDecision {
  readonly vote: Vote;
  readonly state: DecidedState;
  readonly electionEpoch: bigint;
}

export class FastLeaderElection {
  readonly #self: PeerId;
  readonly #members: ReadonlySet<PeerId>;
  readonly #voters: ReadonlySet<PeerId>;
  readonly #isVoter: boolean;
  readonly #finalizeWaitMs: number;
  readonly #minIntervalMs: number;
  readonly #maxIntervalMs: number;

  #phase: 'idle' | 'looking' | 'decided' = 'idle';
  #clock = 0n;
  #initialVote: Vote | undefined;
  #proposal: Vote | undefined;
  #decision: ElectionDecision | undefined;
  /** Votes of the current round (ZooKeeper's recvset), ours included. */
  readonly #received = new Map<PeerId, TrackedVote>();
  /** Votes of peers out of election, any round (ZooKeeper's outofelection). */
  readonly #outOfElection = new Map<PeerId, TrackedVote>();
  /** Notifications that arrived before the first start(), latest per sender (ZooKeeper queues them). */
  readonly #early = new Map<PeerId, ElectionNotification>();
  #intervalMs: number;
  #resendAt: number | undefined;
  #finalizeAt: number | undefined;

  constructor(options: ElectionOptions) {
    const { self, members, finalizeWaitMs, minNotificationIntervalMs, maxNotificationIntervalMs } = options;
    const ids = new Set<PeerId>();
    for (const m of members) {
      if (!Number.isSafeInteger(m.id) || m.id < 0) throw new RangeError(`member id ${m.id} is not a non-negative integer`);
      if (ids.has(m.id)) throw new RangeError(`member ${m.id} is listed twice`);
      ids.add(m.id);
    }
    if (!ids.has(self)) throw new RangeError(`self ${self} is not a member`);
    const voters = new Set(members.filter((m) => m.role === 'participant').map((m) => m.id));
    if (voters.size === 0) throw new RangeError('an ensemble needs at least one participant');
    if (!(finalizeWaitMs >= 0)) throw new RangeError(`finalizeWaitMs must be >= 0, got ${finalizeWaitMs}`);
    if (!(minNotificationIntervalMs > 0) || !(maxNotificationIntervalMs >= minNotificationIntervalMs)) {
      throw new RangeError(`notification interval must satisfy 0 < min <= max, got ${minNotificationIntervalMs}..${maxNotificationIntervalMs}`);
    }
    this.#self = self;
    this.#members = ids;
    this.#voters = voters;
    this.#isVoter = voters.has(self);
    this.#finalizeWaitMs = finalizeWaitMs;
    this.#minIntervalMs = minNotificationIntervalMs;
    this.#maxIntervalMs = maxNotificationIntervalMs;
    this.#intervalMs = minNotificationIntervalMs;
  }

  /** True between start() and the decision. */
  get looking(): boolean {
    return this.#phase === 'looking';
  }

  get logicalClock(): bigint {
    return this.#clock;
  }

  /** The proposal while looking, the decided vote after; undefined before the first start(). */
  get currentVote(): Vote | undefined {
    if (this.#phase === 'decided') return this.#decision?.vote;
    return this.#proposal;
  }

  /** What was decided (and what we tell LOOKING peers), until the next start(). */
  get decision(): ElectionDecision | undefined {
    return this.#phase === 'decided' ? this.#decision : undefined;
  }

  /** The earliest time tick() has work, undefined if none. */
  get deadline(): number | undefined {
    if (this.#phase !== 'looking') return undefined;
    return this.#finalizeAt ?? this.#resendAt;
  }

  /**
   * Start a round: bump the logical clock, vote for self (an observer votes for nobody) and
   * notify every voter. Also used to look again after leaving a decided role.
   */
  start(own: { readonly zxid: bigint; readonly peerEpoch: bigint }, nowMs: number): ElectionOutput[] {
    this.#phase = 'looking';
    this.#decision = undefined;
    this.#clock += 1n;
    this.#received.clear();
    this.#outOfElection.clear();
    this.#finalizeAt = undefined;
    this.#intervalMs = this.#minIntervalMs;
    this.#resendAt = nowMs + this.#intervalMs;
    this.#initialVote = this.#isVoter ? { leader: this.#self, zxid: own.zxid, peerEpoch: own.peerEpoch } : { leader: NO_LEADER, zxid: NO_ZXID, peerEpoch: NO_ZXID };
    this.#proposal = this.#initialVote;
    const out = this.#broadcast();
    // Our own vote alone may be a quorum (a one-voter ensemble).
    this.#checkQuorum(nowMs);
    const early = [...this.#early];
    this.#early.clear();
    for (const [from, n] of early) if (this.#phase === 'looking') out.push(...this.receive(from, n, nowMs));
    return out;
  }

  /**
   * The leader or learner established itself in `peerEpoch` (ZooKeeper's updateElectionVote): the
   * vote we show LOOKING peers carries the new epoch from now on, so late joiners match it with
   * what the rest of the ensemble reports.
   */
  established(peerEpoch: bigint): void {
    const d = this.#decision;
    if (this.#phase !== 'decided' || d === undefined) return;
    this.#decision = { ...d, vote: { ...d.vote, peerEpoch } };
  }

  receive(from: PeerId, n: ElectionNotification, nowMs: number): ElectionOutput[] {
    if (from === this.#self || !this.#members.has(from)) return [];
    if (this.#phase === 'idle') {
      if (this.#voters.has(from)) {
        this.#early.delete(from);
        this.#early.set(from, n);
      }
      return [];
    }
    const out: ElectionOutput[] = [];

    // A non-voter is answered at once and not listened to.
    if (!this.#voters.has(from)) {
      if (this.#isVoter) out.push(this.#phase === 'decided' ? this.#reply(from, true) : this.#replyToNonVoter(from));
      return out;
    }

    if (this.#phase === 'decided') {
      if (n.state === ServerState.LOOKING) out.push(this.#reply(from, true));
      return out;
    }

    // Looking. A LOOKING voter behind our round gets our vote so it catches up. (An observer does
    // not bother: voters never listen to it.)
    if (n.state === ServerState.LOOKING && n.electionEpoch < this.#clock && this.#isVoter) out.push(this.#reply(from, false));
    // An observer only looks for an established leader: LOOKING votes are not for it to count.
    if (!this.#isVoter && n.state === ServerState.LOOKING) return out;
    // Votes for a non-voter are dropped.
    if (!this.#voters.has(n.leader)) {
      if (this.#finalizeAt !== undefined) this.#finalizeAt = nowMs + this.#finalizeWaitMs;
      else this.#resendAt = nowMs + this.#intervalMs;
      return out;
    }

    if (this.#finalizeAt !== undefined) {
      if (!this.#beatsProposal(n)) {
        // Consumed while waiting; the wait starts again.
        this.#finalizeAt = nowMs + this.#finalizeWaitMs;
        return out;
      }
      this.#finalizeAt = undefined;
    }
    this.#resendAt = nowMs + this.#intervalMs;

    switch (n.state) {
      case ServerState.LOOKING:
        this.#onLooking(from, n, nowMs, out);
        break;
      case ServerState.FOLLOWING:
      case ServerState.LEADING:
        this.#onOutOfElection(from, n, out);
        break;
      case ServerState.OBSERVING:
        break;
    }
    return out;
  }

  tick(nowMs: number): ElectionOutput[] {
    if (this.#phase !== 'looking') return [];
    if (this.#finalizeAt !== undefined) {
      if (nowMs < this.#finalizeAt) return [];
      const proposal = this.#proposal as Vote;
      return [this.#decide(proposal, this.#clock)];
    }
    if (this.#resendAt === undefined || nowMs < this.#resendAt) return [];
    const out = this.#broadcast();
    this.#intervalMs = Math.min(this.#intervalMs * 2, this.#maxIntervalMs);
    this.#resendAt = nowMs + this.#intervalMs;
    return out;
  }

  #onLooking(from: PeerId, n: ElectionNotification, nowMs: number, out: ElectionOutput[]): void {
    const initial = this.#initialVote as Vote;
    // ZooKeeper skips LOOKING votes while either side's zxid is -1 (a peer mid-reconfig).
    if (initial.zxid === -1n || n.zxid === -1n) return;
    if (n.electionEpoch > this.#clock) {
      this.#clock = n.electionEpoch;
      this.#received.clear();
      this.#proposal = this.#beats(n, initial) ? voteOf(n) : initial;
      out.push(...this.#broadcast());
    } else if (n.electionEpoch < this.#clock) {
      return;
    } else if (this.#beatsProposal(n)) {
      this.#proposal = voteOf(n);
      out.push(...this.#broadcast());
    }
    this.#received.set(from, tracked(n));
    this.#checkQuorum(nowMs);
  }

  #onOutOfElection(from: PeerId, n: ElectionNotification, out: ElectionOutput[]): void {
    const vote = tracked(n);
    // Within our round: counted with the LOOKING votes.
    if (n.electionEpoch === this.#clock) {
      this.#received.set(from, vote);
      if (this.#hasQuorum(this.#received, vote) && this.#leaderConfirmed(this.#received, n.leader, n.electionEpoch)) {
        out.push(this.#decide(n, n.electionEpoch));
        return;
      }
    }
    // Any round: do a quorum of the peers out of election agree, and does the leader say so too?
    this.#outOfElection.set(from, vote);
    if (this.#hasQuorum(this.#outOfElection, vote) && this.#leaderConfirmed(this.#outOfElection, n.leader, n.electionEpoch)) {
      this.#clock = n.electionEpoch;
      out.push(this.#decide(n, n.electionEpoch));
    }
  }

  /** checkLeader: someone else must itself report LEADING; we may lead only from our own round. */
  #leaderConfirmed(votes: ReadonlyMap<PeerId, TrackedVote>, leader: PeerId, electionEpoch: bigint): boolean {
    if (leader !== this.#self) return votes.get(leader)?.state === ServerState.LEADING;
    return this.#clock === electionEpoch;
  }

  #checkQuorum(nowMs: number): void {
    const proposal = this.#proposal as Vote;
    const mine: TrackedVote = { ...proposal, electionEpoch: this.#clock, state: ServerState.LOOKING, version: ELECTION_NOTIFICATION_VERSION };
    if (this.#hasQuorum(this.#received, mine)) this.#finalizeAt = nowMs + this.#finalizeWaitMs;
  }

  /** A strict majority of the voters sent a vote equal to `target`. */
  #hasQuorum(votes: ReadonlyMap<PeerId, TrackedVote>, target: TrackedVote): boolean {
    let acks = 0;
    for (const [sid, v] of votes) if (this.#voters.has(sid) && sameVote(v, target)) acks += 1;
    return acks > Math.floor(this.#voters.size / 2);
  }

  #beats(v: Vote, than: Vote): boolean {
    return this.#voters.has(v.leader) && voteBeats(v, than);
  }

  #beatsProposal(v: Vote): boolean {
    return this.#beats(v, this.#proposal as Vote);
  }

  #decide(v: Vote, electionEpoch: bigint): ElectionOutput {
    const state: DecidedState = v.leader === this.#self ? ServerState.LEADING : this.#isVoter ? ServerState.FOLLOWING : ServerState.OBSERVING;
    const vote = voteOf(v);
    this.#phase = 'decided';
    this.#decision = { vote, state, electionEpoch };
    this.#received.clear();
    this.#outOfElection.clear();
    this.#finalizeAt = undefined;
    this.#resendAt = undefined;
    return { kind: 'decided', vote, state, electionEpoch };
  }

  /** Our proposal to every other voter; our own copy goes straight into the tracked votes. */
  #broadcast(): ElectionOutput[] {
    const proposal = this.#proposal as Vote;
    const notification = this.#notification(ServerState.LOOKING, proposal, this.#clock);
    if (this.#isVoter) this.#received.set(this.#self, tracked(notification));
    const out: ElectionOutput[] = [];
    for (const to of this.#voters) if (to !== this.#self) out.push({ kind: 'sendElection', to, notification });
    return out;
  }

  /** What the message loop answers with: the decided vote and state, or the current proposal. */
  #reply(to: PeerId, decided: boolean): ElectionOutput {
    const d = this.#decision;
    const notification =
      decided && d !== undefined
        ? this.#notification(d.state, d.vote, d.electionEpoch)
        : this.#notification(ServerState.LOOKING, this.#proposal as Vote, this.#clock);
    return { kind: 'sendElection', to, notification };
  }

  /**
   * While looking, a non-voter is shown our own initial vote (ZooKeeper answers with the peer's
   * current vote, which during a fresh round is its vote for itself), never our proposal: a quorum
   * of proposals is not a leader yet.
   */
  #replyToNonVoter(to: PeerId): ElectionOutput {
    return { kind: 'sendElection', to, notification: this.#notification(ServerState.LOOKING, this.#initialVote as Vote, this.#clock) };
  }

  #notification(state: ServerState, v: Vote, electionEpoch: bigint): ElectionNotification {
    return { state, leader: v.leader, zxid: v.zxid, electionEpoch, peerEpoch: v.peerEpoch, version: ELECTION_NOTIFICATION_VERSION, config: '' };
  }
}
