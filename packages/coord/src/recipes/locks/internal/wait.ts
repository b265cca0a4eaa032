import { ClientClosedError, ConnectionLossError, NoNodeError, SessionExpiredError } from '../../../errors/errors.js';
import type { CoordClient } from '../../../client/client.js';
import type { Watcher } from '../../../client/types.js';
import { raceAbort } from './acquire-guard.js';

/**
 * Runs a read, retrying after a dropped connection: the client reconnects with the same session,
 * and a read is safe to repeat. ClientClosedError (a ConnectionLossError no retry fixes) and an
 * aborted signal end it.
 */
export async function retryRead<T>(client: CoordClient, signal: AbortSignal | undefined, read: () => Promise<T>): Promise<T> {
  for (;;) {
    signal?.throwIfAborted();
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof ConnectionLossError) || err instanceof ClientClosedError) throw err;
      signal?.throwIfAborted();
      await client.waitForConnected(signal === undefined ? {} : { signal });
    }
  }
}

/**
 * Resolves once a one-shot watch set by `arm` fires (or at once when `arm` reports the change
 * already happened, e.g. `exists` found nothing). A watch survives reconnects, so a drop while
 * waiting only re-arms when the arming read itself was cut off.
 */
export async function waitForChange(client: CoordClient, signal: AbortSignal, arm: (watch: Watcher) => Promise<boolean>): Promise<void> {
  let fired!: () => void;
  const changed = new Promise<void>((resolve) => (fired = resolve));
  const alreadyChanged = await retryRead(client, signal, () => arm(() => fired()));
  if (alreadyChanged) return;
  await raceAbort(changed, signal);
}

/** Waits until `path` is gone: an exists watch on it, the only watch a herd-free waiter sets. */
export function waitForDeletion(client: CoordClient, path: string, signal: AbortSignal): Promise<void> {
  return waitForChange(client, signal, async (watch) => (await client.exists(path, { watch, signal })) === null);
}

/**
 * Deletes a contender node; one already gone is fine. Retried across a dropped connection; once
 * the session is lost (or the client closed) the ephemeral is gone with it. Other errors throw.
 */
export async function deleteNode(client: CoordClient, path: string): Promise<void> {
  for (;;) {
    try {
      await client.delete(path, -1);
      return;
    } catch (err) {
      if (err instanceof NoNodeError || err instanceof SessionExpiredError || err instanceof ClientClosedError) return;
      if (!(err instanceof ConnectionLossError)) throw err;
      try {
        await client.waitForConnected();
      } catch {
        return;
      }
    }
  }
}

/** deleteNode for cleanup paths, where a failure has nowhere better to go than the void. */
export function deleteQuietly(client: CoordClient, path: string): Promise<void> {
  return deleteNode(client, path).catch(() => undefined);
}
