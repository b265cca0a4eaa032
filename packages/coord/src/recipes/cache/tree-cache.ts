import type { CoordClient } from '../../client/client.js';
import { CacheEngine } from './cache-engine.js';
import { CacheView } from './cache-view.js';
import type { CachedNode } from './pure/cache-state.js';

export type { CachedNode };

export interface TreeCacheEvents {
  /** A node appeared (also once per node during the initial load, before `initialized`). */
  nodeCreated: (node: CachedNode) => void;
  nodeChanged: (node: CachedNode) => void;
  /** A node went away; `node` is its last cached value. */
  nodeDeleted: (node: CachedNode) => void;
  /** The initial load is applied: the cache now mirrors the server. Emitted once. */
  initialized: () => void;
  /** A failure no reconnect repairs (e.g. NoAuth on a read); the cache keeps running. */
  error: (error: unknown) => void;
}

export interface TreeCacheOptions {
  /** Levels below the root to cache; default all. */
  readonly maxDepth?: number;
}

/**
 * A local mirror of a whole subtree (Curator's CuratorCache), built on one persistent-recursive
 * watch on `root`. The root itself is cached too; it may be missing and appear later.
 *
 * Events are applied in zxid order. Connection states:
 * - `suspended`: the cache keeps serving what it last saw (possibly stale) and emits nothing.
 * - `reconnected` (same session): the tree is reloaded and the differences from what changed
 *   while disconnected are emitted (deletions deepest first, then creations top-down, then changes).
 * - `lost`: nothing happens until the client's new session reports `reconnected`; then the same reload.
 *
 * `start()` resolves after `initialized`. `close()` (or `await using`) removes the watch.
 */
export class TreeCache extends CacheView<TreeCacheEvents> {
  protected readonly engine: CacheEngine;

  constructor(client: CoordClient, readonly root: string, options: TreeCacheOptions = {}) {
    super();
    this.engine = new CacheEngine(client, { root, maxDepth: options.maxDepth ?? Number.POSITIVE_INFINITY, includeRoot: true }, {
      change: (c) => this.emit(c.type === 'created' ? 'nodeCreated' : c.type === 'changed' ? 'nodeChanged' : 'nodeDeleted', c.node),
      initialized: () => this.emit('initialized'),
      error: (err) => this.emit('error', err),
    });
  }

}
