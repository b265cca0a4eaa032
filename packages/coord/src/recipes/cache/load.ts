import { ConnectionLossError, CoordError, NoNodeError, SessionExpiredError } from '../../errors/errors.js';
import type { CoordClient } from '../../client/client.js';
import { childPath, type CachedNode } from './pure/cache-state.js';

/**
 * Reads `root` and its descendants down to `maxDepth` levels (0: the root only), level by level
 * with every read of a level in flight at once. Nodes that vanish while being read are left out;
 * the NodeDeleted event that follows says the same. Not atomic across nodes: the cache applies
 * the events that follow on top of it, which is what makes the result converge.
 */
export async function loadSubtree(client: CoordClient, root: string, maxDepth: number): Promise<Map<string, CachedNode>> {
  const out = new Map<string, CachedNode>();
  let level = [root];
  for (let depth = 0; level.length > 0; depth++) {
    const wantChildren = depth < maxDepth;
    const results = await Promise.all(level.map((path) => readOne(client, path, wantChildren)));
    const next: string[] = [];
    for (const r of results) {
      if (r === undefined) continue;
      out.set(r.node.path, r.node);
      for (const name of r.children) next.push(childPath(r.node.path, name));
    }
    level = next;
  }
  return out;
}

async function readOne(client: CoordClient, path: string, wantChildren: boolean): Promise<{ node: CachedNode; children: string[] } | undefined> {
  const [data, children] = await Promise.all([
    client.getData(path).catch(missingAsUndefined),
    wantChildren ? client.getChildren(path).catch(missingAsUndefined) : Promise.resolve([]),
  ]);
  if (data === undefined) return undefined;
  return { node: { path, data: data.data, stat: data.stat }, children: children ?? [] };
}

/** Reads one node; undefined when it does not exist. */
export async function readNode(client: CoordClient, path: string): Promise<CachedNode | undefined> {
  const data = await client.getData(path).catch(missingAsUndefined);
  return data === undefined ? undefined : { path, data: data.data, stat: data.stat };
}

function missingAsUndefined(err: unknown): undefined {
  if (err instanceof NoNodeError) return undefined;
  throw err;
}

/**
 * Errors a reconnect repairs: the connection or the session went away under the call. The cache
 * reloads on the next `reconnected` anyway, so these are not reported.
 */
export function isTransient(err: unknown): boolean {
  return err instanceof ConnectionLossError || err instanceof SessionExpiredError || (err instanceof CoordError && err.retriable);
}
