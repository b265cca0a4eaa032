import type { CoordClient } from '../../client/client.js';
import { ConnectionLossError, NoNodeError } from '../../errors/errors.js';
import { RetryPolicy } from '../../client/retry.js';
import { ensurePath } from '../internal/ensure-path.js';
import { protectedCreate } from '../internal/protected-create.js';
import { sequenceOf } from '../internal/sequence.js';

export interface IdGeneratorOptions {
  /** Node name prefix before the sequence. Default 'id-'. */
  readonly prefix?: string;
  /** Retries the clean-up delete after connection loss. Default 5 retries. */
  readonly retryPolicy?: RetryPolicy;
}

/**
 * A naming service: unique ids from ZooKeeper's sequential nodes. next() creates
 * `<path>/_c_<uuid>-id-<seq>` (EPHEMERAL_SEQUENTIAL, protected), deletes it again and returns
 * the sequence.
 *
 * Guarantees, from how the server numbers children (the parent's cversion at create time, and
 * creates are totally ordered):
 * - **unique**: no two next() calls on the same `path` ever return the same id, across clients;
 * - **monotonic**: ids are strictly increasing in commit order, so one caller awaiting each
 *   next() before the next call sees them increase; concurrent callers interleave.
 * - ids are **not dense** (every create and delete advances the counter) and are int32: the
 *   server's counter wraps after 2^31 - 1 creates under one parent, where next() throws.
 * - the parent is PERSISTENT (not a container: a reaped, re-created parent would restart the
 *   counter at 0). Deleting the parent by hand breaks monotonicity the same way.
 *
 * Connection states: a create whose reply is lost with the connection is found again by its
 * protected prefix, so a drop never yields two ids for one call (nor a leaked node). While
 * `suspended` next() waits for the connection; after `lost` the pending call fails with the
 * client's error, and a node it may have made vanishes with the old session.
 */
export class IdGenerator {
  private readonly prefix: string;
  private readonly retry: RetryPolicy;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly client: CoordClient,
    readonly path: string,
    options: IdGeneratorOptions = {},
  ) {
    this.prefix = options.prefix ?? 'id-';
    this.retry = options.retryPolicy ?? new RetryPolicy({ baseSleepMs: 20, maxRetries: 5 });
  }

  /** A new id: unique per path, greater than every id already returned on it. */
  async next(): Promise<number> {
    this.ready ??= ensurePath(this.client, this.path, { includeSelf: true, containers: false }).catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    await this.ready;
    const created = await protectedCreate(this.client, this.path, this.prefix, { mode: 'EPHEMERAL_SEQUENTIAL' });
    const id = sequenceOf(created);
    await this.retry
      .run(() => this.client.delete(created))
      .catch((err: unknown) => {
        // Gone already, or it goes with the session: the id is valid either way.
        if (!(err instanceof NoNodeError) && !(err instanceof ConnectionLossError)) throw err;
      });
    if (!Number.isInteger(id) || id < 0) throw new RangeError(`${this.path}: the sequence counter wrapped (${created}); use a new parent`);
    return id;
  }
}
