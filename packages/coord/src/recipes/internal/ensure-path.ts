import { NodeExistsError } from '../../errors/errors.js';
import type { CoordClient } from '../../client/client.js';

/**
 * Creates every missing node on the way to `path` (not `path` itself unless `includeSelf`), as
 * containers by default, like Curator's creatingParentContainersIfNeeded: the server removes
 * them again once they have had children and are empty. A node someone else creates first is fine.
 */
export async function ensurePath(client: CoordClient, path: string, options: { includeSelf?: boolean; containers?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  const segments = path.split('/').filter((s) => s !== '');
  const upTo = options.includeSelf === true ? segments.length : segments.length - 1;
  let current = '';
  for (let i = 0; i < upTo; i++) {
    current += `/${segments[i] as string}`;
    if ((await client.exists(current, withSignal(options.signal))) !== null) continue;
    try {
      await client.create(current, null, { mode: options.containers === false ? 'PERSISTENT' : 'CONTAINER', ...withSignal(options.signal) });
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
    }
  }
}

export function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
