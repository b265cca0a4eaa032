import type { CoordClient } from '../../client/client.js';
import type { ConnectionState, Data, Watcher } from '../../client/types.js';
import { BadVersionError, NodeExistsError, NoNodeError } from '../../errors/errors.js';
import { RealClock, type Clock } from '../../util/clock.js';
import { ensurePath } from '../internal/ensure-path.js';
import { protectedCreate } from '../internal/protected-create.js';
import { QueueClosedError, QueueLockLostError, QueueTakeUnknownError } from './errors.js';
import { availability, itemBaseName, sortItems, type QueueOrdering } from './pure/item-names.js';
import { decideWaiter, WAITER_MARKER } from './pure/waiter-line.js';
import { deleteGuaranteed, isTransient, Pulse, WaitScope, type WaitOptions } from '../internal/wait.js';

/** What lock-safe mode does with an item whose handler threw (Curator's ErrorMode). */
export const ErrorMode = { requeue: 'requeue', delete: 'delete' } as const;
export type ErrorMode = (typeof ErrorMode)[keyof typeof ErrorMode];

export interface QueueOptions {
  /** The node whose children are the items. Created (with its parents) on first use. */
  readonly path: string;
  /**
   * Lock-safe mode (Curator's lockPath): a consumer locks an item with an EPHEMERAL
   * `<lockPath>/<itemName>`, runs its handler, and only then deletes item and lock in one
   * multi. If the consumer's session ends mid-item the lock vanishes and another consumer gets
   * the item: delivery is at-least-once, never lost.
   */
  readonly lockPath?: string;
  /** Where blocked consumers queue up (EPHEMERAL_SEQUENTIAL). Default `<path>-waiters`. */
  readonly waitersPath?: string;
  /** Lock-safe mode: what happens to an item whose handler throws. Default 'requeue'. */
  readonly errorMode?: ErrorMode;
  /** Time for delay items and for timeouts; inject a ManualClock in tests. */
  readonly clock?: Clock;
}

/** An item handed to a consumer. */
export interface QueueItem {
  /** The item node's name, e.g. `queue-0000000007`. */
  readonly name: string;
  readonly data: Uint8Array;
}

export type QueueHandler<T> = (item: QueueItem) => T | Promise<T>;

/** Counters for observing the herd behaviour. */
export interface QueueStats {
  /** Watch notifications this consumer received (items changed, predecessor left, lock released). */
  wakeups: number;
}

interface Claimed extends QueueItem {
  /** Lock-safe mode: our lock node and the session that owns it. */
  readonly lock?: { readonly path: string; readonly sessionId: bigint };
}

/**
 * The machinery shared by the FIFO, priority and delay queues: producing names differs, taking
 * does not.
 *
 * Herd behaviour. A consumer that finds an item takes it at once (getData + delete(version), or
 * a lock in lock-safe mode); competing consumers race and the losers move to the next item. A
 * consumer that finds nothing joins a line of waiters (`<waitersPath>/_c_<uuid>-waiter-<seq>`,
 * EPHEMERAL_SEQUENTIAL). Only the head of the line watches the items; everyone else watches the
 * waiter before it. A put wakes the head only; when the head leaves the line with its item,
 * its successor wakes, finds the queue empty and becomes the new watcher of the items. So one
 * put costs two notifications (head + successor) with any number of idle consumers, instead of
 * one per consumer with a "watch the children" design. The price is hand-off latency: items
 * put in a burst are taken by the line one after another, while consumers not yet waiting take
 * them directly. A head whose connection is suspended holds up the line (not the queue: consumers
 * not yet waiting still take items) until it reconnects or its session expires, when its node
 * vanishes and its successor takes over.
 *
 * Connection states. `suspended`: waits continue; reads that fail with a connection loss are
 * retried after the reconnect. `reconnected`: the client re-registers the watches; the consumer
 * also looks again. `lost`: the waiter node (and, in lock-safe mode, a held lock) vanished with
 * the session; a waiting consumer joins the line again under the new session, and a consumer
 * mid-item gets QueueLockLostError when it tries to finish (the item went back to the queue).
 */
export class QueueEngine {
  readonly stats: QueueStats = { wakeups: 0 };
  protected readonly clock: Clock;
  private readonly pulse = new Pulse();
  private readonly scopes = new Set<WaitScope>();
  private ensured: Promise<void> | undefined;
  private closed = false;
  private readonly waitersPath: string;
  private readonly errorMode: ErrorMode;

  private readonly onWatch: Watcher = () => {
    this.stats.wakeups++;
    this.pulse.fire();
  };

  private readonly onState = (state: ConnectionState): void => {
    if (state === 'reconnected' || state === 'lost' || state === 'connected') this.pulse.fire();
  };

  constructor(
    protected readonly client: CoordClient,
    private readonly ordering: QueueOrdering,
    protected readonly options: QueueOptions,
  ) {
    this.clock = options.clock ?? RealClock;
    this.waitersPath = options.waitersPath ?? `${options.path}-waiters`;
    this.errorMode = options.errorMode ?? 'requeue';
    client.on('state', this.onState);
  }

  /** Creates `<path>/<name><seq>` PERSISTENT_SEQUENTIAL; returns its path. */
  protected async putNamed(name: string, item: Data, signal?: AbortSignal): Promise<string> {
    this.throwIfClosed();
    await this.ensure(signal);
    const opts = { mode: 'PERSISTENT_SEQUENTIAL', ...(signal === undefined ? {} : { signal }) } as const;
    try {
      return await this.client.create(`${this.options.path}/${name}`, item, opts);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      this.ensured = undefined;
      await this.ensure(signal);
      return this.client.create(`${this.options.path}/${name}`, item, opts);
    }
  }

  /**
   * Takes the first available item, waiting while there is none. In lock-safe mode the item is
   * locked, read and deleted (with its lock) as one consumption.
   */
  async take(options: WaitOptions = {}): Promise<Uint8Array> {
    if (this.options.lockPath !== undefined) return this.consume((item) => item.data, options);
    return (await this.acquire(options, 'take')).data;
  }

  /** Takes the first available item if there is one, without waiting; null otherwise. */
  async poll(options: { signal?: AbortSignal } = {}): Promise<Uint8Array | null> {
    this.throwIfClosed();
    const scope = new WaitScope(this.clock, options, 'poll');
    try {
      const claimed = await this.attempt(scope, false);
      if (claimed === undefined || typeof claimed === 'number') return null;
      if (claimed.lock !== undefined) await this.finish(claimed, 'done');
      return claimed.data;
    } finally {
      scope.dispose();
    }
  }

  /**
   * Takes an item and runs `handler` on it. In lock-safe mode the item is deleted only after the
   * handler succeeded; when it throws, the item is requeued (to the tail) or deleted per
   * `errorMode`, and the handler's error is rethrown. Without a lockPath the item is deleted
   * before the handler runs (Curator's default, at-most-once).
   */
  async consume<T>(handler: QueueHandler<T>, options: WaitOptions = {}): Promise<T> {
    const claimed = await this.acquire(options, 'consume');
    if (claimed.lock === undefined) return handler({ name: claimed.name, data: claimed.data });
    let result: T;
    try {
      result = await handler({ name: claimed.name, data: claimed.data });
    } catch (err) {
      await this.finish(claimed, 'failed');
      throw err;
    }
    await this.finish(claimed, 'done');
    return result;
  }

  /** The data of the item a consumer would take next, or null; nothing is removed. */
  async peek(options: { signal?: AbortSignal } = {}): Promise<Uint8Array | null> {
    this.throwIfClosed();
    const signal = options.signal;
    const { available } = await this.available(false, signal);
    for (const name of available) {
      try {
        return (await this.client.getData(`${this.options.path}/${name}`, signal === undefined ? {} : { signal })).data;
      } catch (err) {
        if (!(err instanceof NoNodeError)) throw err;
      }
    }
    return null;
  }

  /** Items in the queue, including locked and not-yet-due ones. */
  async size(options: { signal?: AbortSignal } = {}): Promise<number> {
    return sortItems(await this.itemChildren(undefined, options.signal), this.ordering).length;
  }

  /** Stops waiting calls (they reject with QueueClosedError) and detaches from the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.off('state', this.onState);
    for (const scope of this.scopes) scope.abort(new QueueClosedError());
    this.pulse.fire();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // --- taking -----------------------------------------------------------------------------

  private async acquire(options: WaitOptions, what: string): Promise<Claimed> {
    this.throwIfClosed();
    const scope = new WaitScope(this.clock, options, what);
    this.scopes.add(scope);
    let waiter: string | undefined;
    try {
      await this.ensure(scope.signal);
      // Fast path: take without joining the line.
      const first = await this.retrying(scope, () => this.attempt(scope, false));
      if (first !== undefined && typeof first !== 'number') return first;
      for (;;) {
        scope.throwIfDone();
        const woken = this.pulse.next();
        let dueTimer: { cancel(): void } | undefined;
        try {
          waiter ??= await this.joinLine(scope);
          const line = await this.lineChildren(scope.signal);
          const decision = decideWaiter(line, waiter.slice(this.waitersPath.length + 1));
          if (decision.kind === 'gone') {
            waiter = undefined;
            continue;
          }
          if (decision.kind === 'behind') {
            const stat = await this.client.exists(`${this.waitersPath}/${decision.predecessor}`, { watch: this.onWatch, signal: scope.signal });
            if (stat === null) continue;
          } else {
            // Head: look without a watch first, so taking an item does not fire our own watch.
            let got = await this.attempt(scope, false);
            if (got === undefined || typeof got === 'number') got = await this.attempt(scope, true);
            if (got !== undefined && typeof got !== 'number') return got;
            if (typeof got === 'number') dueTimer = this.clock.setTimeout(() => this.pulse.fire(), Math.max(0, got - this.clock.now()));
          }
          await scope.race(woken);
        } catch (err) {
          if (!isTransient(err)) throw err;
          await scope.race(this.client.waitForConnected({ signal: scope.signal }));
        } finally {
          dueTimer?.cancel();
        }
      }
    } finally {
      scope.dispose();
      this.scopes.delete(scope);
      if (waiter !== undefined) await deleteGuaranteed(this.client, waiter);
    }
  }

  /**
   * Creates our waiter node. The create is not given the abort signal: an aborted request may
   * still be executed by the server, and a waiter node nobody knows about would sit at the head
   * of the line, watching nothing, for as long as our session lives. So an abandoned create is
   * awaited in the background and its node deleted.
   */
  private async joinLine(scope: WaitScope): Promise<string> {
    const creating = protectedCreate(this.client, this.waitersPath, WAITER_MARKER, { mode: 'EPHEMERAL_SEQUENTIAL' });
    try {
      return await scope.race(creating);
    } catch (err) {
      creating.then((path) => deleteGuaranteed(this.client, path)).catch(() => undefined);
      throw err;
    }
  }

  private async retrying<T>(scope: WaitScope, fn: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        if (!isTransient(err)) throw err;
        await scope.race(this.client.waitForConnected({ signal: scope.signal }));
      }
    }
  }

  /**
   * One look at the queue: the claimed item, or the time the earliest hidden delay item is due
   * (a number), or undefined when there is nothing to take. `watch` sets the watches a waiting
   * head needs: on the items, and on the locks when every item is locked.
   */
  private async attempt(scope: WaitScope, watch: boolean): Promise<Claimed | number | undefined> {
    const { available, nextDueMs } = await this.available(watch, scope.signal);
    for (const name of available) {
      const claimed = await this.claim(name, scope.signal);
      if (claimed !== undefined) return claimed;
    }
    return nextDueMs;
  }

  private async available(watch: boolean, signal: AbortSignal | undefined): Promise<ReturnType<typeof availability>> {
    const children = await this.itemChildren(watch ? this.onWatch : undefined, signal);
    const lockPath = this.options.lockPath;
    if (lockPath === undefined) return availability(children, this.ordering, this.clock.now());
    const unlockedView = availability(children, this.ordering, this.clock.now());
    if (unlockedView.available.length === 0) return unlockedView;
    const locks = await this.children(lockPath, watch ? this.onWatch : undefined, signal);
    return availability(children, this.ordering, this.clock.now(), new Set(locks));
  }

  private async claim(name: string, signal: AbortSignal | undefined): Promise<Claimed | undefined> {
    const itemPath = `${this.options.path}/${name}`;
    const opts = signal === undefined ? {} : { signal };
    const lockPath = this.options.lockPath;
    if (lockPath === undefined) {
      let version: number;
      let data: Uint8Array;
      try {
        const read = await this.client.getData(itemPath, opts);
        version = read.stat.version;
        data = read.data;
      } catch (err) {
        if (err instanceof NoNodeError) return undefined;
        throw err;
      }
      try {
        // No abort signal on writes: an aborted delete may still run on the server, and the
        // item would be gone without anyone having it.
        await this.client.delete(itemPath, version);
        return { name, data };
      } catch (err) {
        if (err instanceof NoNodeError || err instanceof BadVersionError) return undefined;
        if (isTransient(err)) throw new QueueTakeUnknownError(itemPath, { cause: err });
        throw err;
      }
    }
    const lock = `${lockPath}/${name}`;
    const sessionId = await this.createLock(lock);
    if (sessionId === undefined) return undefined;
    try {
      const { data } = await this.client.getData(itemPath, opts);
      return { name, data, lock: { path: lock, sessionId } };
    } catch (err) {
      // Finished by another consumer between our listing and our lock: let go.
      await deleteGuaranteed(this.client, lock);
      if (err instanceof NoNodeError) return undefined;
      throw err;
    }
  }

  /**
   * Creates our EPHEMERAL lock; the owning session, or undefined when another consumer holds it.
   * Not abortable: an aborted create may still run on the server and leave a lock that hides the
   * item until our session ends.
   */
  private async createLock(lock: string): Promise<bigint | undefined> {
    const opts = { mode: 'EPHEMERAL' } as const;
    for (let attempt = 0; ; attempt++) {
      const sessionId = this.client.sessionId;
      try {
        await this.client.create(lock, null, opts);
        return sessionId;
      } catch (err) {
        if (err instanceof NodeExistsError) {
          // Ours if an earlier create's reply was lost; otherwise another consumer's.
          const stat = await this.client.exists(lock);
          return stat !== null && stat.ephemeralOwner === this.client.sessionId ? stat.ephemeralOwner : undefined;
        }
        if (!(err instanceof NoNodeError) || attempt > 0) throw err;
        this.ensured = undefined;
        await this.ensure();
      }
    }
  }

  /**
   * Lock-safe mode: deletes the item (or requeues it) and our lock in one multi. The lock is
   * deleted by path, which is only safe while the session that made it is ours: a lock at the
   * same path made by another consumer after our session died must not be touched. So the
   * session is compared right before the multi goes out on the live connection; a session lost
   * while it is in flight makes the server reject it.
   */
  private async finish(claimed: Claimed, outcome: 'done' | 'failed'): Promise<void> {
    const lock = claimed.lock;
    if (lock === undefined) return;
    const itemPath = `${this.options.path}/${claimed.name}`;
    for (;;) {
      await this.client.waitForConnected();
      if (this.client.sessionId !== lock.sessionId) throw new QueueLockLostError(itemPath);
      const tx = this.client.multi().delete(itemPath);
      if (outcome === 'failed' && this.errorMode === 'requeue') {
        tx.create(`${this.options.path}/${itemBaseName(claimed.name)}`, claimed.data, { mode: 'PERSISTENT_SEQUENTIAL' });
      }
      tx.delete(lock.path);
      try {
        await tx.commit();
        return;
      } catch (err) {
        if (err instanceof NoNodeError) throw new QueueLockLostError(itemPath, { cause: err });
        if (!isTransient(err)) throw err;
      }
      // The reply was lost. Only we delete our lock, so if it is gone (same session) we committed.
      await this.client.waitForConnected();
      if (this.client.sessionId !== lock.sessionId) throw new QueueLockLostError(itemPath);
      if ((await this.client.exists(lock.path)) === null) return;
    }
  }

  // --- reads and setup -----------------------------------------------------------------------

  private itemChildren(watch: Watcher | undefined, signal: AbortSignal | undefined): Promise<string[]> {
    return this.children(this.options.path, watch, signal);
  }

  private async lineChildren(signal: AbortSignal): Promise<string[]> {
    try {
      return await this.client.getChildren(this.waitersPath, { signal });
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
  }

  private async children(path: string, watch: Watcher | undefined, signal: AbortSignal | undefined): Promise<string[]> {
    const opts = { ...(watch === undefined ? {} : { watch }), ...(signal === undefined ? {} : { signal }) };
    try {
      return await this.client.getChildren(path, opts);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      this.ensured = undefined;
      await this.ensure(signal);
      return this.client.getChildren(path, opts);
    }
  }

  /** Creates the queue, line and lock nodes (PERSISTENT, so they are not reaped as containers). */
  private ensure(signal?: AbortSignal): Promise<void> {
    if (this.ensured === undefined) {
      const paths = [this.options.path, this.waitersPath, ...(this.options.lockPath === undefined ? [] : [this.options.lockPath])];
      const run = (async () => {
        for (const p of paths) await ensurePath(this.client, p, { includeSelf: true, containers: false, ...(signal === undefined ? {} : { signal }) });
      })();
      this.ensured = run;
      run.catch(() => {
        if (this.ensured === run) this.ensured = undefined;
      });
    }
    return this.ensured;
  }

  private throwIfClosed(): void {
    if (this.closed) throw new QueueClosedError();
  }
}
