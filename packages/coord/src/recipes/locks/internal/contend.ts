import { SessionExpiredError } from '../../../errors/errors.js';
import type { CoordClient } from '../../../client/client.js';
import type { Stat } from '../../../client/types.js';
import type { AcquireOptions } from '../types.js';
import { AcquireGuard, raceAbort } from './acquire-guard.js';
import { createContenderNode } from './protected-node.js';
import { deleteQuietly, retryRead, waitForDeletion } from './wait.js';

/** A pure decision over the lock node's children: acquired, or the one sibling to watch. */
export type Decide = (children: readonly string[], ours: string) => { readonly acquired: boolean; readonly watch: string | undefined };

/**
 * What a waiting contender watches: its predecessor only (locks: one release wakes one waiter),
 * or the directory's children (the Semaphore's lease count, where the inner mutex already makes
 * sure only one contender at a time is watching).
 */
export type WaitOn = 'predecessor' | 'children';

export interface Granted {
  readonly path: string;
  readonly stat: Stat;
}

/**
 * The shared contender loop of Mutex, ReadWriteLock and the Semaphore's inner mutex:
 * 1. protected EPHEMERAL_SEQUENTIAL create of `<dir>/_c_<uuid>-<name><seq>` (a lost reply is
 *    found again by its uuid, never duplicated);
 * 2. list the children, let `decide` say acquired or whom to watch;
 * 3. set an exists watch on that one node only and wait for it to go; repeat from 2.
 * Ends early (timeout, abort, session lost, client closed) by deleting our node, so an abandoned
 * contender never blocks the queue; a create still in flight then is cleaned up when it settles.
 */
export async function contend(client: CoordClient, dir: string, name: string, decide: Decide, options: AcquireOptions = {}, waitOn: WaitOn = 'predecessor'): Promise<Granted> {
  using guard = new AcquireGuard(client, dir, options);
  guard.throwIfAborted();
  const creating = createContenderNode(client, dir, name);
  let path: string;
  try {
    path = await raceAbort(creating, guard.signal);
  } catch (err) {
    creating.then((p) => deleteQuietly(client, p), () => undefined);
    throw err;
  }
  try {
    return await waitForGrant(client, dir, path, decide, guard.signal, waitOn);
  } catch (err) {
    // Remove our node before reporting, so a caller that retries at once is not queued behind
    // it; but not while disconnected: a timeout must not wait for the network to come back.
    const cleanup = deleteQuietly(client, path);
    if (isConnected(client)) await cleanup;
    throw err;
  }
}

function isConnected(client: CoordClient): boolean {
  return client.state === 'connected' || client.state === 'reconnected' || client.state === 'readOnly';
}

async function waitForGrant(client: CoordClient, dir: string, path: string, decide: Decide, signal: AbortSignal, waitOn: WaitOn): Promise<Granted> {
  const ours = path.slice(dir.length + 1);
  // The stat gives the fencing token (czxid) and the owning session, checked again on grant.
  const stat = await retryRead(client, signal, () => client.exists(path, { signal }));
  if (stat === null || stat.ephemeralOwner !== client.sessionId) throw expired(path);
  for (;;) {
    let fired!: () => void;
    const changed = new Promise<void>((resolve) => (fired = resolve));
    const watch = waitOn === 'children' ? { watch: () => fired() } : {};
    const children = await retryRead(client, signal, () => client.getChildren(dir, { signal, ...watch }));
    if (!children.includes(ours)) throw expired(path);
    const decision = decide(children, ours);
    if (decision.acquired || (waitOn === 'predecessor' && decision.watch === undefined)) {
      if (client.sessionId !== stat.ephemeralOwner) throw expired(path);
      return { path, stat };
    }
    if (waitOn === 'children') await raceAbort(changed, signal);
    else await waitForDeletion(client, `${dir}/${decision.watch}`, signal);
  }
}

function expired(path: string): SessionExpiredError {
  return new SessionExpiredError({ path, message: `lock node ${path} vanished: its session was lost` });
}
