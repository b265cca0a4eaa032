import type { Transaction } from '../../client/transaction.js';
import type { AcquireOptions, Lease, LeaseLostReason, Lockable } from './types.js';

/** The leases of a MultiLock, held together and released together (in reverse). */
export interface MultiLease extends AsyncDisposable {
  /** In acquisition order. */
  readonly leases: readonly Lease[];
  /** Resolves when the first of the leases is lost. */
  readonly lost: Promise<LeaseLostReason>;
  /** Adds every lease's check op to `tx`. */
  checkOp(tx: Transaction): Transaction;
  /** Releases every lease in reverse order; the first error is rethrown after all were tried. */
  release(): Promise<void>;
}

/**
 * Several locks taken as one (Curator's InterProcessMultiLock): acquired in the given order
 * (give every caller the same order, or two of them can deadlock); when one fails (timeout,
 * abort, lost session), those already held are released in reverse and the error is rethrown.
 * The timeout covers the whole list.
 */
export class MultiLock {
  constructor(private readonly locks: readonly Lockable[]) {}

  async acquire(options: AcquireOptions = {}): Promise<MultiLease> {
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
    const held: Lease[] = [];
    try {
      for (const lock of this.locks) {
        held.push(
          await lock.acquire({
            ...(options.signal === undefined ? {} : { signal: options.signal }),
            ...(deadline === undefined ? {} : { timeoutMs: Math.max(0, deadline - Date.now()) }),
          }),
        );
      }
    } catch (err) {
      await releaseAll(held);
      throw err;
    }
    return multiLease(held);
  }
}

function multiLease(leases: readonly Lease[]): MultiLease {
  let released: Promise<void> | undefined;
  return {
    leases,
    lost: Promise.race(leases.map((l) => l.lost)),
    checkOp: (tx) => {
      for (const l of leases) l.checkOp(tx);
      return tx;
    },
    release() {
      released ??= releaseAll(leases);
      return released;
    },
    [Symbol.asyncDispose]() {
      return this.release();
    },
  };
}

async function releaseAll(leases: readonly Lease[]): Promise<void> {
  const errors: unknown[] = [];
  for (const l of [...leases].reverse()) await l.release().catch((err: unknown) => errors.push(err));
  if (errors.length > 0) throw errors[0];
}
