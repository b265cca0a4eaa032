import type { CoordClient } from '../../client/client.js';
import { CacheEngine } from './cache-engine.js';
import { CacheView } from './cache-view.js';
import type { CachedNode } from './pure/cache-state.js';

export interface ChildrenCacheEvents {
  /** A child appeared (also once per child during the initial load, before `initialized`). */
  added: (node: CachedNode) => void;
  updated: (node: CachedNode) => void;
  /** A child went away; `node` is its last cached value. */
  removed: (node: CachedNode) => void;
  initialized: () => void;
  error: (error: unknown) => void;
}

/**
 * The children of one node with their data (Curator's PathChildrenCache, rebuilt on a
 * persistent-recursive watch; grandchildren are not cached). The parent may be missing: the
 * watch stays, and children are reported once it exists and gets some.
 *
 * Connection states: `suspended` keeps the last view and emits nothing; `reconnected` reloads the
 * children and emits what was added, updated or removed while away; after `lost` the same happens
 * once the new session reports `reconnected`.
 */
export class ChildrenCache extends CacheView<ChildrenCacheEvents> {
  protected readonly engine: CacheEngine;

  constructor(client: CoordClient, readonly parent: string) {
    super();
    this.engine = new CacheEngine(client, { root: parent, maxDepth: 1, includeRoot: false }, {
      change: (c) => this.emit(c.type === 'created' ? 'added' : c.type === 'changed' ? 'updated' : 'removed', c.node),
      initialized: () => this.emit('initialized'),
      error: (err) => this.emit('error', err),
    });
  }

  /** The children's names, sorted. */
  names(): string[] {
    return this.entries().map((n) => n.path.slice(n.path.lastIndexOf('/') + 1));
  }
}
