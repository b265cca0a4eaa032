import { randomUUID } from 'node:crypto';
import { ConnectionLossError, NoNodeError } from '../../errors/errors.js';
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
  /** Attempts after a lost reply before giving up. Default 10. */
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
        await ensurePath(client, parent, { includeSelf: true, ...withSignal(options.signal) });
        continue;
      }
      if (!(err instanceof ConnectionLossError) || attempt + 1 >= maxAttempts) throw err;
      await client.waitForConnected(withSignal(options.signal));
      const found = await findProtected(client, parent, prefix, ephemeral, options.signal);
      if (found !== undefined) return found;
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
