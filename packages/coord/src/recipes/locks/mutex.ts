import type { CoordClient } from '../../client/client.js';
import { contend } from './internal/contend.js';
import { deleteNode } from './internal/wait.js';
import { HeldNode, leaseHandle } from './lease.js';
import { decideLock } from './pure/lock-engine.js';
import type { AcquireOptions, Lease, Lockable } from './types.js';

/** The node name after the protection prefix, as Curator's InterProcessMutex names it. */
export const MUTEX_NAME = 'lock-';

/**
 * A fair, re-entrant distributed lock (Curator's InterProcessMutex). Contenders queue as
 * `<path>/_c_<uuid>-lock-<seq>` EPHEMERAL_SEQUENTIAL nodes; the lowest sequence holds the lock;
 * every other contender watches only the node just before its own, so a release wakes exactly
 * one waiter (no herd).
 *
 * Re-entrancy is per Mutex instance: the instance is the owner (JavaScript has no threads to own
 * it). While an instance holds the lock, `acquire()` on it returns at once with another handle
 * on the same node; the node is deleted when every handle has been released. Give each
 * independent task its own Mutex instance (on the same client is fine) to make them exclude
 * each other.
 *
 * Connection states: on `suspended` a waiting acquire keeps waiting (its watch is re-registered
 * on reconnect) and a held lease is *probably* still held: Curator recommends treating
 * `suspended` as "may have lost it". On `lost` (session expired) or `closed` a waiting acquire
 * rejects with SessionExpiredError / ClientClosedError and a held lease reports `lost`.
 */
export class Mutex implements Lockable {
  private held: { node: HeldNode; holds: number } | undefined;
  /** An acquire of this instance in progress; a second one waits for it, then re-enters. */
  private pending: Promise<unknown> | undefined;

  constructor(
    private readonly client: CoordClient,
    readonly path: string,
  ) {}

  /** True while this instance holds the lock (and the lease was not lost). */
  get isAcquiredInThisProcess(): boolean {
    return this.held !== undefined && !this.held.node.isLost;
  }

  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    while (this.pending !== undefined) await this.pending.catch(() => undefined);
    const reentered = this.reenter();
    if (reentered !== undefined) return reentered;
    const attempt = contend(this.client, this.path, MUTEX_NAME, (children, ours) => decideLock(children, ours, MUTEX_NAME), options);
    this.pending = attempt;
    try {
      const granted = await attempt;
      const node = new HeldNode(this.client, granted.path, granted.stat.czxid, granted.stat.version, () => deleteNode(this.client, granted.path));
      this.held = { node, holds: 0 };
      return this.handle(this.held);
    } finally {
      this.pending = undefined;
    }
  }

  private reenter(): Lease | undefined {
    const held = this.held;
    if (held === undefined) return undefined;
    // A lost lease cannot be re-entered: the node is gone, start over.
    if (held.node.isLost) {
      this.held = undefined;
      return undefined;
    }
    return this.handle(held);
  }

  private handle(held: { node: HeldNode; holds: number }): Lease {
    held.holds++;
    return leaseHandle(held.node, async () => {
      if (--held.holds > 0) return;
      if (this.held === held) this.held = undefined;
      await held.node.release();
    });
  }
}
