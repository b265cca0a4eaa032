import type { CoordClient } from '../../client/client.js';
import { Semaphore } from './semaphore.js';
import type { AcquireOptions, Lease, Lockable } from './types.js';

/**
 * A non-re-entrant mutex (Curator's InterProcessSemaphoreMutex): a {@link Semaphore} with one
 * lease. Unlike {@link Mutex}, a second acquire() on the same instance while the first lease is
 * held waits like any other contender (and deadlocks without a timeout), which is what makes it
 * safe to hand a lease from one task to another.
 */
export class SemaphoreMutex implements Lockable {
  private readonly semaphore: Semaphore;

  constructor(client: CoordClient, readonly path: string) {
    this.semaphore = new Semaphore(client, path, 1);
  }

  acquire(options: AcquireOptions = {}): Promise<Lease> {
    return this.semaphore.acquire(options);
  }
}
