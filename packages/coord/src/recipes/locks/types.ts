import type { Transaction } from '../../client/transaction.js';

/** Options of every `acquire`. */
export interface AcquireOptions {
  /** Give up after this long: acquire rejects with LockTimeoutError and the node is removed. */
  readonly timeoutMs?: number;
  /** Abort waiting: acquire rejects with `signal.reason` and the node is removed. */
  readonly signal?: AbortSignal;
}

/** Why a held lease stopped being held without release(). */
export type LeaseLostReason = 'session-expired' | 'client-closed';

/**
 * A granted lock (or one semaphore lease). `await using lease = await lock.acquire()` releases it
 * at scope exit.
 *
 * Connection states while held:
 * - `suspended`: the lease is probably still held (the session may live), but nothing can be
 *   proven until the client reconnects. Curator's advice applies: treat `suspended` as "may have
 *   lost it" and stop work that must not run twice; guard writes with {@link Lease.checkOp}, which
 *   fails the caller's multi if the node is gone.
 * - `reconnected`: same session, the node is still there: still held.
 * - `lost` (session expired) or `closed`: the ephemeral node vanished with the session; the lease
 *   is gone. {@link Lease.lost} resolves and {@link Lease.onLost} listeners run.
 */
export interface Lease extends AsyncDisposable {
  /** The contender node that holds the lease. */
  readonly path: string;
  /**
   * The node's czxid. Grants of one lock are made in sequence order, and sequence order is
   * creation order, so every later grant of the same lock carries a strictly larger token: a
   * resource that remembers the largest token it has seen can refuse a stale holder.
   */
  readonly fencingToken: bigint;
  /** Resolves (never rejects) when the lease is lost without release(). */
  readonly lost: Promise<LeaseLostReason>;
  /** True once the lease was lost (not when released). */
  readonly isLost: boolean;
  /** True once released (or lost). */
  readonly isReleased: boolean;
  /** Runs `listener` when the lease is lost; returns an unsubscribe function. */
  onLost(listener: (reason: LeaseLostReason) => void): () => void;
  /**
   * Adds `check(path, version)` of the lease's node to `tx`, so the caller's own multi commits
   * only while the node (hence the lease) exists. Returns `tx` for chaining.
   */
  checkOp(tx: Transaction): Transaction;
  /**
   * Deletes the node (for a re-entrant lease: once the last hold is released). Idempotent.
   * While disconnected it waits for the reconnect and retries, since until the node goes the next
   * contender waits; it resolves without a delete once the session is lost (the node went with it).
   */
  release(): Promise<void>;
}

/** Anything that hands out a lease: Mutex, SemaphoreMutex, the halves of a ReadWriteLock. */
export interface Lockable {
  acquire(options?: AcquireOptions): Promise<Lease>;
}
