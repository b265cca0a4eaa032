import type { CoordClient } from '../../client/client.js';
import { contend } from './internal/contend.js';
import { deleteNode } from './internal/wait.js';
import { HeldNode, leaseHandle } from './lease.js';
import { Mutex } from './mutex.js';
import type { AcquireOptions, Lease } from './types.js';

/** The lease node name after the protection prefix, as Curator's InterProcessSemaphoreV2 names it. */
export const LEASE_NAME = 'lease-';

/**
 * N leases shared across processes (Curator's InterProcessSemaphoreV2, same layout):
 * `<path>/locks` is a Mutex that serialises contenders, `<path>/leases/_c_<uuid>-lease-<seq>`
 * are the leases (EPHEMERAL_SEQUENTIAL). A contender takes the mutex, creates its lease node and,
 * while more than `maxLeases` exist, watches the leases' children; then it releases the mutex.
 *
 * Herd-aware: only the one contender holding the inner mutex watches the leases; every other
 * waiter waits on its predecessor in the mutex queue. A returned lease wakes one process.
 *
 * Not fair across sizes (acquireMany takes its leases one by one). Leases are not re-entrant.
 * Connection states as for {@link Mutex}: `suspended` keeps waiting, `lost` fails a waiting
 * acquire with SessionExpiredError and marks held leases lost.
 */
export class Semaphore {
  readonly leasesPath: string;
  private readonly mutexPath: string;

  constructor(
    private readonly client: CoordClient,
    readonly path: string,
    readonly maxLeases: number,
  ) {
    if (!Number.isInteger(maxLeases) || maxLeases < 1) throw new RangeError(`maxLeases must be a positive integer, got ${maxLeases}`);
    this.leasesPath = `${path}/leases`;
    this.mutexPath = `${path}/locks`;
  }

  /** One lease. */
  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
    return this.acquireOne(options.signal, deadline);
  }

  /**
   * `qty` leases (at most maxLeases). On failure the leases already taken are returned, in
   * reverse, before the error is rethrown. The timeout covers all of them.
   */
  async acquireMany(qty: number, options: AcquireOptions = {}): Promise<Lease[]> {
    if (!Number.isInteger(qty) || qty < 1 || qty > this.maxLeases) throw new RangeError(`qty must be 1..${this.maxLeases}, got ${qty}`);
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
    const leases: Lease[] = [];
    try {
      while (leases.length < qty) leases.push(await this.acquireOne(options.signal, deadline));
      return leases;
    } catch (err) {
      for (const l of leases.reverse()) await l.release().catch(() => undefined);
      throw err;
    }
  }

  private async acquireOne(signal: AbortSignal | undefined, deadline: number | undefined): Promise<Lease> {
    const remaining = (): AcquireOptions => ({
      ...(signal === undefined ? {} : { signal }),
      ...(deadline === undefined ? {} : { timeoutMs: Math.max(0, deadline - Date.now()) }),
    });
    // A fresh Mutex per attempt: the inner lock must never re-enter across concurrent acquires.
    const inner = await new Mutex(this.client, this.mutexPath).acquire(remaining());
    try {
      const max = this.maxLeases;
      const granted = await contend(
        this.client,
        this.leasesPath,
        LEASE_NAME,
        (children) => ({ acquired: children.filter((c) => c.includes(LEASE_NAME)).length <= max, watch: undefined }),
        remaining(),
        'children',
      );
      const node = new HeldNode(this.client, granted.path, granted.stat.czxid, granted.stat.version, () => deleteNode(this.client, granted.path));
      return leaseHandle(node, () => node.release());
    } finally {
      await inner.release();
    }
  }
}
