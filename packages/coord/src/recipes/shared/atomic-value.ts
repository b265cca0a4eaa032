/** How an atomic operation went (Curator's AtomicStats). */
export interface AtomicStats {
  /** Optimistic compare-and-set attempts made. */
  readonly optimisticTries: number;
  /** Attempts made while holding the promoted lock (0 when not promoted). */
  readonly promotedLockTries: number;
  readonly optimisticTimeMs: number;
  readonly promotedTimeMs: number;
}

/**
 * The result of an atomic operation (Curator's AtomicValue). When `succeeded` is false nothing
 * was written: `preValue` and `postValue` are the last value read.
 */
export interface AtomicValue<T> {
  readonly succeeded: boolean;
  readonly preValue: T;
  readonly postValue: T;
  readonly stats: AtomicStats;
}

/** What a promoted lock grant must offer: a release. */
export interface LockLease {
  release(): Promise<void>;
}

/**
 * Any lock with this shape can back the promotion (the recipes' Mutex does). Kept structural so
 * that this recipe does not depend on a particular lock implementation.
 */
export interface PromotableLock {
  acquire(options?: { readonly timeoutMs?: number; readonly signal?: AbortSignal }): Promise<LockLease>;
}

/**
 * The outcome of a write is unknown: its reply was lost together with the session, so the
 * outcome marker that would tell is gone too. The value may or may not have been applied.
 */
export class AtomicOutcomeUnknownError extends Error {
  constructor(readonly path: string, cause: unknown) {
    super(`${path}: the session was lost while a write was in flight; it may or may not have been applied`, { cause });
    this.name = 'AtomicOutcomeUnknownError';
  }
}
