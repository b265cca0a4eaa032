import { TypedEmitter } from '../../client/emitter.js';
import type { CoordClient } from '../../client/client.js';
import type { Transaction } from '../../client/transaction.js';
import { LeaderLatch, type LeadershipGrant, type Participant } from './leader-latch.js';
import { SELECTOR_NODE_NAME, type LeaderErrorPolicy } from './pure/latch-engine.js';

/** Why a takeLeadership callback's signal fired (Curator's CancelLeadershipException). */
export type LeadershipCancelReason = 'interrupted' | 'lost' | 'closed';

/** The abort reason handed to a takeLeadership callback's signal. */
export class LeadershipCanceledError extends Error {
  constructor(readonly reason: LeadershipCancelReason) {
    super(`leadership ${reason === 'lost' ? 'lost' : reason === 'closed' ? 'ended: the selector was closed' : 'interrupted'}`);
    this.name = 'LeadershipCanceledError';
  }
}

/** What a takeLeadership callback gets for its turn as leader. */
export interface LeadershipContext {
  /** Fires when the turn must end: leadership lost, interruptLeadership(), or close(). */
  readonly signal: AbortSignal;
  /** The czxid of this turn's node; strictly increasing from one leader to the next. */
  readonly fencingToken: bigint;
  readonly participantId: string;
  /** Adds a check op to the caller's multi: it commits only while this turn's node exists. */
  checkOp(tx: Transaction): Transaction;
}

export type TakeLeadership = (ctx: LeadershipContext) => Promise<void> | void;

export interface LeaderSelectorOptions {
  readonly participantId?: string;
  /** Default 'standard': a `suspended` connection already cancels the turn (as Curator's LeaderSelectorListenerAdapter). */
  readonly errorPolicy?: LeaderErrorPolicy;
  /** Join the line again after each turn (autoRequeue()). Default false. */
  readonly autoRequeue?: boolean;
}

export interface LeaderSelectorEvents {
  /** The takeLeadership callback threw, or the election failed. */
  error: (error: unknown) => void;
}

/**
 * Curator's LeaderSelector: `takeLeadership(ctx)` runs while this participant leads, and
 * leadership is held until it returns; then the node is deleted and the next in line takes over.
 *
 * Curator builds it on InterProcessMutex. This one runs each turn on its own sequential-node
 * election (a LeaderLatch with Curator's selector node name `_c_<uuid>-lock-<seq>`): the same
 * layout and the same order as the mutex — lowest sequence leads, each waiter watches only its
 * predecessor, and a requeue makes a new node at the back of the line — without the mutex's
 * re-entrancy, which a selector never uses.
 *
 * Connection states (ctx.signal fires with a LeadershipCanceledError('lost')):
 * - `suspended`: with `errorPolicy: 'standard'` (default) the turn is cancelled; with `'session'`
 *   it goes on.
 * - `reconnected`: a turn already cancelled stays cancelled; the node is deleted once the
 *   callback returns, and a requeue (if asked for) waits for its own turn.
 * - `lost`: the turn is cancelled; the node died with the session.
 */
export class LeaderSelector extends TypedEmitter<LeaderSelectorEvents> {
  private readonly participantId: string;
  private readonly policy: LeaderErrorPolicy;
  private requeueAlways: boolean;
  private started = false;
  private closed = false;
  private latch: LeaderLatch | undefined;
  private turn: AbortController | undefined;
  private running: Promise<void> | undefined;
  private requeueOnce = false;

  constructor(
    private readonly client: CoordClient,
    readonly leaderPath: string,
    private readonly takeLeadership: TakeLeadership,
    options: LeaderSelectorOptions = {},
  ) {
    super();
    this.participantId = options.participantId ?? '';
    this.policy = options.errorPolicy ?? 'standard';
    this.requeueAlways = options.autoRequeue ?? false;
  }

  /** Requeue after every turn from now on. */
  autoRequeue(): this {
    this.requeueAlways = true;
    return this;
  }

  /** Joins the line once. */
  async start(): Promise<void> {
    if (this.started) throw new Error(`LeaderSelector at ${this.leaderPath} was already started`);
    this.started = true;
    await this.requeue();
  }

  /**
   * Joins the line again. During a turn, the rejoin happens once the turn ends. Resolves false
   * when already waiting in line, already due to rejoin, not started, or closed.
   */
  async requeue(): Promise<boolean> {
    if (this.closed || !this.started) return false;
    if (this.running !== undefined) {
      if (this.requeueOnce) return false;
      this.requeueOnce = true;
      return true;
    }
    if (this.latch !== undefined) return false;
    const latch = new LeaderLatch(this.client, this.leaderPath, { participantId: this.participantId, errorPolicy: this.policy, nodeName: SELECTOR_NODE_NAME });
    this.latch = latch;
    latch.on('isLeader', (grant) => this.beginTurn(latch, grant));
    latch.on('notLeader', () => this.cancelTurn(latch, 'lost'));
    latch.on('error', (err) => this.emit('error', err));
    try {
      await latch.start();
    } catch (err) {
      // The latch closed itself: out of line, so a later requeue() may try again.
      if (this.latch === latch) this.latch = undefined;
      throw err;
    }
    return true;
  }

  /** Is takeLeadership running for this participant (and not yet cancelled)? */
  hasLeadership(): boolean {
    return this.turn !== undefined && !this.turn.signal.aborted;
  }

  /** Cancels the current turn: ctx.signal fires; the turn ends when the callback returns. */
  interruptLeadership(): void {
    this.turn?.abort(new LeadershipCanceledError('interrupted'));
  }

  async getLeader(): Promise<Participant | undefined> {
    return this.probe().getLeader();
  }

  async getParticipants(): Promise<Participant[]> {
    return this.probe().getParticipants();
  }

  /**
   * Leaves the line: cancels a running turn and waits for its callback to return (the callback
   * must honour ctx.signal), then deletes the node. Safe to call more than once.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.turn?.abort(new LeadershipCanceledError('closed'));
    await this.running;
    const latch = this.latch;
    this.latch = undefined;
    await latch?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private probe(): LeaderLatch {
    return this.latch ?? new LeaderLatch(this.client, this.leaderPath, { nodeName: SELECTOR_NODE_NAME });
  }

  private beginTurn(latch: LeaderLatch, grant: LeadershipGrant): void {
    // One turn per node: a latch that regains leadership while its cancelled callback is still
    // winding down (reconnected after suspended) does not start a second, overlapping one.
    if (latch !== this.latch || this.running !== undefined || this.closed) return;
    const turn = new AbortController();
    this.turn = turn;
    const ctx: LeadershipContext = { signal: turn.signal, fencingToken: grant.fencingToken, participantId: this.participantId, checkOp: grant.checkOp };
    this.running = (async () => {
      try {
        await this.takeLeadership(ctx);
      } catch (err) {
        if (!(turn.signal.aborted && err === turn.signal.reason)) this.emit('error', err);
      } finally {
        await this.endTurn(latch);
      }
    })();
  }

  private cancelTurn(latch: LeaderLatch, reason: LeadershipCancelReason): void {
    if (latch === this.latch) this.turn?.abort(new LeadershipCanceledError(reason));
  }

  private async endTurn(latch: LeaderLatch): Promise<void> {
    this.turn = undefined;
    if (this.latch === latch) this.latch = undefined;
    await latch.close();
    this.running = undefined;
    const again = this.requeueAlways || this.requeueOnce;
    this.requeueOnce = false;
    if (again && !this.closed) await this.requeue().catch((err: unknown) => this.emit('error', err));
  }
}
