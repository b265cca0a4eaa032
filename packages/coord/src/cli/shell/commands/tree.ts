import type { CoordClient } from '../../../client/client.js';
import type { Watcher } from '../../../client/types.js';
import { NoNodeError } from '../../../errors/errors.js';
import { joinPath } from '../../../util/paths.js';

/**
 * Every path of the subtree rooted at `root`, depth-first with each node before its descendants
 * and siblings sorted (zkCli's ZKUtil.visitSubTreeDFS, made deterministic). Reversed, it lists
 * every node after all of its descendants: the order deleteall needs. A node that vanishes while
 * we walk is skipped; a missing root is NoNodeError.
 */
export async function listSubtree(client: CoordClient, root: string, options: { signal: AbortSignal; watch?: Watcher }): Promise<string[]> {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const path = stack.pop() as string;
    let children: string[];
    try {
      children = await client.getChildren(path, options.watch === undefined ? { signal: options.signal } : { signal: options.signal, watch: options.watch });
    } catch (err) {
      if (err instanceof NoNodeError && path !== root) continue;
      throw err;
    }
    out.push(path);
    const sorted = [...children].sort();
    for (let i = sorted.length - 1; i >= 0; i--) stack.push(joinPath(path, sorted[i] as string));
  }
  return out;
}
