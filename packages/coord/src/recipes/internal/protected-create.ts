import { randomUUID } from 'node:crypto';
import { ClientClosedError, ConnectionLossError, NoNodeError } from '../../errors/errors.js';
import type { CoordClient } from '../../client/client.js';
import type { CreateModeName, Data } from '../../client/types.js';
import { ensurePath, withSignal } from './ensure-path.js';

/** The prefix Curator's protection mode gives a node: `_c_<uuid>-`. */
export const PROTECTED_PREFIX = '_c_';

export function protectedPrefix(id: string): string {
  return `${PROTECTED_PREFIX}${id}-`;
}

export interface ProtectedCreateOptions {
  readonly mode: CreateModeName;
  readonly data?: Data | null;
  readonly signal?: AbortSignal;
  /** Creates attempted after lost replies before giving up (Infinity: until a path, a lost session or a closed client). Default 10. */
  readonly maxAttempts?: number;
}

/**
 * Creates `<parent>/_c_<uuid>-<name>` (Curator's protection mode). When the connection drops
 * before the reply, the create may or may not have happened: the parent's children are searched
 * for the uuid, so the node is found again rather than created twice. An ephemeral found under a
 * different session (the create happened in a session since lost) is deleted and made again.
 * Missing parents are created as containers.
 */
export async function protectedCreate(client: CoordClient, parent: string, name: string, options: ProtectedCreateOptions): Promise<string> {
  const id = randomUUID();
  const prefix = protectedPrefix(id);
  const ephemeral = options.mode === 'EPHEMERAL' || options.mode === 'EPHEMERAL_SEQUENTIAL';
  const maxAttempts = options.maxAttempts ?? 10;
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.create(`${parent}/${prefix}${name}`, options.data ?? null, { mode: options.mode, ...withSignal(options.signal) });
    } catch (err) {
      if (err instanceof NoNodeError) {
        await acrossDrops(client, options.signal, () => ensurePath(client, parent, { includeSelf: true, ...withSignal(options.signal) }));
        continue;
      }
      if (!(err instanceof ConnectionLossError) || err instanceof ClientClosedError || attempt + 1 >= maxAttempts) throw err;
      // Every step of the recovery may meet another drop; giving up half way would leave a node
      // nobody knows about holding a place among the contenders.
      const found = await acrossDrops(client, options.signal, () => findProtected(client, parent, prefix, ephemeral, options.signal));
      if (found !== undefined) return found;
    }
  }
}

/** Runs `step` until it completes without a connection loss (a closed client or lost session still ends it). */
async function acrossDrops<T>(client: CoordClient, signal: AbortSignal | undefined, step: () => Promise<T>): Promise<T> {
  for (;;) {
    await client.waitForConnected(withSignal(signal));
    try {
      return await step();
    } catch (err) {
      if (!(err instanceof ConnectionLossError) || err instanceof ClientClosedError) throw err;
    }
  }
}

async function findProtected(client: CoordClient, parent: string, prefix: string, ephemeral: boolean, signal: AbortSignal | undefined): Promise<string | undefined> {
  let children: string[];
  try {
    children = await client.getChildren(parent, withSignal(signal));
  } catch (err) {
    if (err instanceof NoNodeError) return undefined;
    throw err;
  }
  const name = children.find((c) => c.startsWith(prefix));
  if (name === undefined) return undefined;
  const path = `${parent}/${name}`;
  if (ephemeral) {
    // Made in a session that has since been lost: it will vanish with it, so make a new one.
    const stat = await client.exists(path, withSignal(signal));
    if (stat === null) return undefined;
    if (stat.ephemeralOwner !== client.sessionId) {
      await client.delete(path, -1, withSignal(signal)).catch(() => undefined);
      return undefined;
    }
  }
  return path;
}
