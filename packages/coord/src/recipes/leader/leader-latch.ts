import { ConnectionLossError, NoNodeError, SessionExpiredError } from '../../errors/errors.js';
import { TypedEmitter } from '../../client/emitter.js';
import type { CoordClient } from '../../client/client.js';
import type { Transaction } from '../../client/transaction.js';
import type { ConnectionState, WatchEvent } from '../../client/types.js';
import { protectedCreate } from '../internal/protected-create.js';
import { decideLatch, LATCH_NODE_NAME, participantOrder, reactToState, type LeaderErrorPolicy } from './pure/latch-engine.js';

/**
 * One grant of leadership. `fencingToken` is the czxid of the latch node: it strictly increases
 * from one leader to the next, so a resource can refuse a stale leader's writes. `check` adds a
 * check op on the latch node to the caller's own multi: the transaction then commits only while
 * this node exists, i.e. while this grant still holds (a lost session deletes it).
 */
export interface LeadershipGrant {
  readonly fencingToken: bigint;
  /** The latch node that won. */
  readonly path: string;
  readonly participantId: string;
  checkOp(tx: Transaction): Transaction;
}

/** A participant as read from the latch node: its id (node data), node path and whether it leads. */
export interface Participant {
  readonly id: string;
  readonly path: string;
  readonly isLeader: boolean;
}

export interface LeaderLatchEvents {
  isLeader: (grant: LeadershipGrant) => void;
  notLeader: () => void;
  /** A ZooKeeper call failed in a way the latch cannot recover from by itself. */
  error: (error: unknown) => void;
}

export interface LeaderLatchOptions {
  /** Stored as the latch node's data; getLeader()/getParticipants() report it. Default ''. */
  readonly participantId?: string;
  /** When a connection problem ends leadership. Default 'standard' (Curator's default). */
  readonly errorPolicy?: LeaderErrorPolicy;
  /** @internal The node name after the protection prefix (LeaderSelector uses Curator's `lock-`). */
  readonly nodeName?: string;
}

export type LatchCloseMode = 'silent' | 'notifyLeader';

type LatchState = 'latent' | 'started' | 'closed';

const utf8 = new TextDecoder();

/**
 * Curator's LeaderLatch: every participant makes an EPHEMERAL_SEQUENTIAL, protected node
 * `<latchPath>/_c_<uuid>-latch-<seq>` holding its participant id; the lowest sequence leads, and
 * every other participant watches only the node just before its own, so a leader change wakes
 * exactly one process.
 *
 * Connection states:
 * - `suspended`: with `errorPolicy: 'standard'` (default) leadership is dropped at once
 *   (notLeader), as the leader cannot tell whether its session still lives; with `'session'` it is
 *   kept. The node is kept either way.
 * - `reconnected` (same session): the children are read again; a latch whose node is still the
 *   lowest becomes (or stays) leader, with a new grant if it had dropped leadership.
 * - `lost`: leadership is dropped (notLeader) and the node is forgotten (it died with the
 *   session); on the next `reconnected` (a new session) a new node is made, at the back of the line.
 * - `closed` (the client was closed): leadership is dropped.
 *
 * Every call the latch makes is serialised on one queue, so watch events, state changes and
 * start/close never interleave their reads and writes.
 */
export class LeaderLatch extends TypedEmitter<LeaderLatchEvents> {
  readonly participantId: string;
  private readonly policy: LeaderErrorPolicy;
  private readonly nodeName: string;
  private state: LatchState = 'latent';
  private ourPath: string | undefined;
  private grant: LeadershipGrant | undefined;
  private work: Promise<void> = Promise.resolve();
  private readonly stop = new AbortController();
  private readonly waiters = new Set<(leader: boolean) => void>();
  private readonly onState = (state: ConnectionState): void => this.handleState(state);

  constructor(
    private readonly client: CoordClient,
    readonly latchPath: string,
    options: LeaderLatchOptions = {},
  ) {
    super();
    this.participantId = options.participantId ?? '';
    this.policy = options.errorPolicy ?? 'standard';
    this.nodeName = options.nodeName ?? LATCH_NODE_NAME;
  }

  /**
   * Joins the election: makes the latch node (and missing parents, as containers). Resolves once
   * the node is in line. A failure other than a connection problem (NoAuthError, say) closes the
   * latch and rejects; a connection problem is retried on the next `reconnected`.
   */
  async start(): Promise<void> {
    if (this.state !== 'latent') throw new Error(`LeaderLatch at ${this.latchPath} cannot be started: it is ${this.state}`);
    this.state = 'started';
    this.client.on('state', this.onState);
    let failure: { error: unknown } | undefined;
    await this.enqueue(async () => {
      try {
        await this.reset();
      } catch (err) {
        if (this.isTransient(err)) throw err;
        failure = { error: err };
      }
    });
    if (failure !== undefined) {
      await this.close();
      throw failure.error;
    }
  }

  /**
   * Leaves the election: deletes the node (the next participant takes over) and stops listening.
   * `silent` (default, as Curator): no notLeader for this close; `notifyLeader`: a leader emits it.
   * Reads in flight are cancelled; a create in flight is let finish so its node can be deleted
   * (while the client has no connection that waits for one). The delete itself gives up after
   * the session timeout: the ephemeral node ends with the session anyway. Safe to call more than once.
   */
  async close(options: { mode?: LatchCloseMode } = {}): Promise<void> {
    if (this.state === 'closed') return this.work;
    const wasStarted = this.state === 'started';
    this.state = 'closed';
    this.client.off('state', this.onState);
    this.stop.abort(new Error(`LeaderLatch at ${this.latchPath} closed`));
    for (const w of [...this.waiters]) w(false);
    if (!wasStarted) return;
    this.setLeadership(undefined, options.mode === 'notifyLeader');
    await this.enqueue(async () => {
      const path = this.ourPath;
      this.ourPath = undefined;
      if (path === undefined) return;
      // Bounded: a client cut off from every server must not hold close() forever; the
      // ephemeral node goes with the session anyway.
      const timeoutMs = Math.max(1000, this.client.negotiatedTimeoutMs);
      await this.client.delete(path, -1, { timeoutMs }).catch(() => undefined);
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  hasLeadership(): boolean {
    return this.state === 'started' && this.grant !== undefined;
  }

  /** The current grant (fencing token and check op), or undefined when not leader. */
  get leadership(): LeadershipGrant | undefined {
    return this.state === 'started' ? this.grant : undefined;
  }

  /** This participant's node, once made. */
  get path(): string | undefined {
    return this.ourPath;
  }

  /**
   * Resolves true once this latch leads (at once if it does), false when `timeoutMs` passes first
   * or the latch is (or gets) closed; rejects with the signal's reason when `signal` aborts.
   */
  await(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<boolean> {
    if (this.hasLeadership()) return Promise.resolve(true);
    if (this.state === 'closed') return Promise.resolve(false);
    const signal = options.signal;
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return new Promise<boolean>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (leader: boolean): void => {
        cleanup();
        resolve(leader);
      };
      const onAbort = (): void => {
        cleanup();
        reject(signal?.reason);
      };
      const cleanup = (): void => {
        this.waiters.delete(done);
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.waiters.add(done);
      if (options.timeoutMs !== undefined) timer = setTimeout(() => done(false), options.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The current leader (the lowest node), or undefined when nobody takes part. */
  async getLeader(): Promise<Participant | undefined> {
    for (const p of await this.getParticipants()) if (p.isLeader) return p;
    return undefined;
  }

  /** Every participant in line order, the leader first. */
  async getParticipants(): Promise<Participant[]> {
    let children: string[];
    try {
      children = await this.client.getChildren(this.latchPath);
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
    const out: Participant[] = [];
    for (const name of participantOrder(children, this.nodeName)) {
      const path = `${this.latchPath}/${name}`;
      try {
        const { data } = await this.client.getData(path);
        out.push({ id: utf8.decode(data), path, isLeader: out.length === 0 });
      } catch (err) {
        // Left between the two reads: the next one in line is the leader now.
        if (!(err instanceof NoNodeError)) throw err;
      }
    }
    return out;
  }

  // --- the election -------------------------------------------------------------------------

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.work.then(step).catch((err: unknown) => this.fail(err));
    this.work = next;
    return next;
  }

  private fail(err: unknown): void {
    if (this.state !== 'started' || this.isTransient(err)) return;
    this.emit('error', err);
  }

  /**
   * A call cut off by a dropped connection or a lost session: the state change that caused it
   * schedules the recheck (or the new node), so there is nothing to report.
   */
  private isTransient(err: unknown): boolean {
    if (this.state !== 'started') return true;
    if (this.client.state === 'suspended' || this.client.state === 'lost' || this.client.state === 'connecting') return true;
    return err instanceof ConnectionLossError || err instanceof SessionExpiredError;
  }

  /** Drops any old node and makes a new one, then takes our place in line. */
  private async reset(): Promise<void> {
    if (this.state !== 'started') return;
    this.setLeadership(undefined, true);
    const old = this.ourPath;
    this.ourPath = undefined;
    if (old !== undefined) await this.client.delete(old, -1, { signal: this.stop.signal }).catch(() => undefined);
    // Not aborted by close(): a create cut short might still happen on the server; letting it
    // finish means close() can delete the node it made.
    const path = await protectedCreate(this.client, this.latchPath, this.nodeName, { mode: 'EPHEMERAL_SEQUENTIAL', data: this.participantId });
    this.ourPath = path;
    if (this.state !== 'started') return;
    await this.check();
  }

  /** Reads the children: leader, or watch the predecessor. */
  private async check(): Promise<void> {
    const ours = this.ourPath;
    if (this.state !== 'started') return;
    if (ours === undefined) return this.reset();
    const signal = this.stop.signal;
    const children = await this.client.getChildren(this.latchPath, { signal }).catch((err: unknown) => {
      if (err instanceof NoNodeError) return [];
      throw err;
    });
    const decision = decideLatch(children, ours.slice(this.latchPath.length + 1), this.nodeName);
    if (decision.kind === 'missing') return this.reset();
    if (decision.kind === 'leader') {
      if (this.grant !== undefined) return;
      const stat = await this.client.exists(ours, { signal });
      // Gone, or left over from a session the client has since lost (a client-side `lost` can
      // come before the server expires the session): never lead on a node that is not ours.
      if (stat === null || stat.ephemeralOwner !== this.client.sessionId) return this.reset();
      if (this.state !== 'started' || this.ourPath !== ours) return;
      this.setLeadership(this.makeGrant(ours, stat.czxid, stat.version), true);
      return;
    }
    this.setLeadership(undefined, true);
    const predecessor = `${this.latchPath}/${decision.watch}`;
    const watch = (event: WatchEvent): void => {
      // A stale watch (we have moved on to another node) or a close: nothing to do.
      if (this.state !== 'started' || this.ourPath !== ours) return;
      if (event.type === 'NodeDeleted' || event.type === 'NodeDataChanged') void this.enqueue(() => this.check());
    };
    try {
      await this.client.getData(predecessor, { watch, signal });
    } catch (err) {
      // Gone between the two reads: look again.
      if (err instanceof NoNodeError) return this.check();
      throw err;
    }
  }

  private makeGrant(path: string, czxid: bigint, version: number): LeadershipGrant {
    return {
      fencingToken: czxid,
      path,
      participantId: this.participantId,
      checkOp: (tx) => tx.check(path, version),
    };
  }

  private handleState(state: ConnectionState): void {
    if (this.state !== 'started') return;
    const reaction = reactToState(state, this.policy);
    if (reaction.dropLeadership) this.setLeadership(undefined, true);
    if (reaction.forgetNode) this.ourPath = undefined;
    if (reaction.recheck) void this.enqueue(() => this.check());
  }

  private setLeadership(grant: LeadershipGrant | undefined, notify: boolean): void {
    const was = this.grant;
    this.grant = grant;
    if (grant !== undefined && was === undefined) {
      for (const w of [...this.waiters]) w(true);
      this.emit('isLeader', grant);
    } else if (grant === undefined && was !== undefined && notify) {
      this.emit('notLeader');
    }
  }
}
