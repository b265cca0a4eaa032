import { ClientClosedError, SessionExpiredError } from '../../../errors/errors.js';
import type { CoordClient } from '../../../client/client.js';
import type { ConnectionState } from '../../../client/types.js';
import { LockTimeoutError } from '../errors.js';
import type { AcquireOptions } from '../types.js';

/**
 * One AbortSignal for everything that ends an acquire early: the caller's signal, the timeout,
 * the session being lost (the node we queue with died with it, so waiting on is pointless) and the
 * client being closed. `suspended` does not abort: the watch survives the reconnect (SetWatches),
 * so waiting simply continues.
 */
export class AcquireGuard implements Disposable {
  private readonly controller = new AbortController();
  private readonly cleanups: (() => void)[] = [];

  constructor(client: CoordClient, path: string, options: AcquireOptions) {
    const { signal, timeoutMs } = options;
    if (signal !== undefined) {
      if (signal.aborted) this.controller.abort(signal.reason);
      const onAbort = (): void => this.controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.cleanups.push(() => signal.removeEventListener('abort', onAbort));
    }
    if (timeoutMs !== undefined) {
      const timer = setTimeout(() => this.controller.abort(new LockTimeoutError(path, timeoutMs)), timeoutMs);
      this.cleanups.push(() => clearTimeout(timer));
    }
    const onState = (state: ConnectionState): void => {
      if (state === 'lost') this.controller.abort(new SessionExpiredError({ path, message: `session lost while acquiring ${path}` }));
      if (state === 'closed') this.controller.abort(new ClientClosedError({ path }));
    };
    if (client.state === 'closed') this.controller.abort(new ClientClosedError({ path }));
    client.on('state', onState);
    this.cleanups.push(() => client.off('state', onState));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  throwIfAborted(): void {
    this.controller.signal.throwIfAborted();
  }

  [Symbol.dispose](): void {
    for (const c of this.cleanups.splice(0)) c();
  }
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as unknown);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
