import type { CoordClient } from '../../client/client.js';
import { contend, type Decide } from './internal/contend.js';
import { deleteNode } from './internal/wait.js';
import { HeldNode, leaseHandle } from './lease.js';
import { decideRead, decideWrite, READ_MARKER, WRITE_MARKER } from './pure/rw-engine.js';
import type { AcquireOptions, Lease, Lockable } from './types.js';

/**
 * A shared/exclusive lock without the herd effect (Curator's InterProcessReadWriteLock layout:
 * `<path>/_c_<uuid>-__READ__<seq>` and `…-__WRIT__<seq>`, ordered by sequence). A read request
 * waits only on the last write request queued before it; a write request waits only on the
 * request just before it. Fair: requests are granted in queue order, so a stream of readers
 * cannot starve a queued writer.
 *
 * Fencing tokens (czxid) increase in queue order; reads granted together are concurrent, so a
 * read's token orders it against writes, not against the reads it shares the lock with.
 *
 * The halves are not re-entrant and there is no write-to-read downgrade: each acquire() queues a
 * new request. Connection states as for {@link Mutex}.
 */
export class ReadWriteLock {
  readonly readLock: Lockable;
  readonly writeLock: Lockable;

  constructor(
    private readonly client: CoordClient,
    readonly path: string,
  ) {
    this.readLock = { acquire: (options) => this.acquire(READ_MARKER, decideRead, options) };
    this.writeLock = { acquire: (options) => this.acquire(WRITE_MARKER, decideWrite, options) };
  }

  private async acquire(marker: string, decide: Decide, options: AcquireOptions = {}): Promise<Lease> {
    const granted = await contend(this.client, this.path, marker, decide, options);
    const node = new HeldNode(this.client, granted.path, granted.stat.czxid, granted.stat.version, () => deleteNode(this.client, granted.path));
    return leaseHandle(node, () => node.release());
  }
}
