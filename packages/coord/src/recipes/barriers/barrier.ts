import type { CoordClient } from '../../client/client.js';
import type { ConnectionState, Watcher } from '../../client/types.js';
import { NodeExistsError, NoNodeError } from '../../errors/errors.js';
import { RealClock, type Clock } from '../../util/clock.js';
import { ensurePath } from '../internal/ensure-path.js';
import { isTransient, Pulse, WaitScope, type WaitOptions } from '../internal/wait.js';

/**
 * Curator's DistributedBarrier: the barrier is up while the node `path` exists. Waiters set an
 * exists watch on it and return once it is gone; each waiter gets one notification when it is
 * removed.
 *
 * Connection states. `suspended`: a wait continues; a read failing with a connection loss is
 * retried after the reconnect. `reconnected`: the watch is re-registered by the client and the
 * waiter looks again. `lost`: the barrier node is persistent, so it survives; the waiter looks
 * again under the new session. Nothing is held, so there is nothing to dispose.
 */
export class DistributedBarrier {
  private readonly clock: Clock;

  constructor(
    private readonly client: CoordClient,
    readonly path: string,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? RealClock;
  }

  /** Raises the barrier (creates the node, and its parents); already raised is fine. */
  async setBarrier(options: { signal?: AbortSignal } = {}): Promise<void> {
    const signal = options.signal === undefined ? {} : { signal: options.signal };
    await ensurePath(this.client, this.path, signal);
    try {
      await this.client.create(this.path, null, { mode: 'PERSISTENT', ...signal });
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
    }
  }

  /** Lowers the barrier (deletes the node); already lowered is fine. */
  async removeBarrier(options: { signal?: AbortSignal } = {}): Promise<void> {
    try {
      await this.client.delete(this.path, -1, options.signal === undefined ? {} : { signal: options.signal });
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
  }

  /** Resolves once the barrier is down; rejects with WaitTimeoutError or the abort reason. */
  async waitOnBarrier(options: WaitOptions = {}): Promise<void> {
    const scope = new WaitScope(this.clock, options, `waitOnBarrier(${this.path})`);
    const pulse = new Pulse();
    const watch: Watcher = () => pulse.fire();
    const onState = (state: ConnectionState) => {
      if (state === 'reconnected' || state === 'lost') pulse.fire();
    };
    this.client.on('state', onState);
    try {
      for (;;) {
        scope.throwIfDone();
        const woken = pulse.next();
        try {
          if ((await this.client.exists(this.path, { watch, signal: scope.signal })) === null) return;
          await scope.race(woken);
        } catch (err) {
          if (!isTransient(err)) throw err;
          await scope.race(this.client.waitForConnected({ signal: scope.signal }));
        }
      }
    } finally {
      this.client.off('state', onState);
      scope.dispose();
    }
  }
}
