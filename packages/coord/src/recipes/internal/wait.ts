import type { Clock } from '../../util/clock.js';
import { ClientClosedError, ConnectionLossError } from '../../errors/errors.js';
import type { CoordClient } from '../../client/client.js';

/** A blocking recipe call (take, waitOnBarrier, enter, leave) did not finish within its timeoutMs. */
export class WaitTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} did not finish within ${timeoutMs} ms`);
    this.name = 'WaitTimeoutError';
  }
}

export interface WaitOptions {
  /** Give up after this long (WaitTimeoutError). Measured on the recipe's clock. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * A level-triggered wake-up: `next()` hands out a promise that the next `fire()` resolves. A
 * caller takes the promise *before* the reads that set its watches, so an event that fires
 * between the read and the wait is not lost.
 */
export class Pulse {
  private resolveCurrent: () => void = () => undefined;
  private current: Promise<void> = this.renew();

  private renew(): Promise<void> {
    return new Promise<void>((resolve) => (this.resolveCurrent = resolve));
  }

  next(): Promise<void> {
    return this.current;
  }

  fire(): void {
    const resolve = this.resolveCurrent;
    this.current = this.renew();
    resolve();
  }
}

/**
 * One blocking call's cancellation: the caller's signal and its timeout (on the injected clock)
 * folded into one AbortSignal that is passed to every client call it makes, plus `race` to stop
 * waiting on a wake-up.
 */
export class WaitScope {
  private readonly controller = new AbortController();
  private readonly aborted: Promise<never>;
  private readonly cleanups: (() => void)[] = [];

  constructor(clock: Clock, options: WaitOptions, what: string) {
    const controller = this.controller;
    this.aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    this.aborted.catch(() => undefined);
    const outer = options.signal;
    if (outer !== undefined) {
      if (outer.aborted) controller.abort(outer.reason);
      const onAbort = () => controller.abort(outer.reason);
      outer.addEventListener('abort', onAbort, { once: true });
      this.cleanups.push(() => outer.removeEventListener('abort', onAbort));
    }
    const timeoutMs = options.timeoutMs;
    if (timeoutMs !== undefined && !controller.signal.aborted) {
      const timer = clock.setTimeout(() => controller.abort(new WaitTimeoutError(what, timeoutMs)), timeoutMs);
      this.cleanups.push(() => timer.cancel());
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  throwIfDone(): void {
    this.controller.signal.throwIfAborted();
  }

  /** Waits for `promise`, or rejects with the abort reason (the caller's, or a WaitTimeoutError). */
  race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.aborted]);
  }

  /** Aborts from inside (e.g. close()). */
  abort(reason: unknown): void {
    this.controller.abort(reason);
  }

  dispose(): void {
    for (const c of this.cleanups.splice(0)) c();
  }
}

/** A connection loss worth waiting out (not the final one of a closed client). */
export function isTransient(err: unknown): boolean {
  return err instanceof ConnectionLossError && !(err instanceof ClientClosedError);
}

/**
 * Deletes a node this client owns, retrying across connection losses (Curator's guaranteed
 * delete) so a recipe never leaves its own ephemeral behind while the session lives. Gives up
 * quietly when the node is gone or the client is closed.
 */
export async function deleteGuaranteed(client: CoordClient, path: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await client.delete(path, -1);
      return;
    } catch (err) {
      if (!isTransient(err)) return;
      try {
        await client.waitForConnected({ timeoutMs: 30_000 });
      } catch {
        return;
      }
    }
  }
}
