import type { CoordClient } from '../../client/client.js';
import { CacheEngine } from './cache-engine.js';
import { CacheView } from './cache-view.js';
import type { CachedNode } from './pure/cache-state.js';

export interface NodeCacheEvents {
  /** The node was created, changed or deleted (`undefined`); also once after the initial load if it exists. */
  change: (node: CachedNode | undefined) => void;
  initialized: () => void;
  error: (error: unknown) => void;
}

/**
 * One node's current data and Stat, or absent (Curator's NodeCache). It uses a
 * persistent-recursive watch like the other caches (one persistent mode per path, see
 * CacheEngine), and ignores the events of the node's descendants.
 *
 * Connection states: `suspended` keeps the last value and emits nothing; `reconnected` re-reads
 * the node and emits `change` if it differs; after `lost` the same once the new session reports
 * `reconnected`.
 */
export class NodeCache extends CacheView<NodeCacheEvents> {
  protected readonly engine: CacheEngine;

  constructor(client: CoordClient, readonly path: string) {
    super();
    this.engine = new CacheEngine(client, { root: path, maxDepth: 0, includeRoot: true }, {
      change: (c) => this.emit('change', c.type === 'deleted' ? undefined : c.node),
      initialized: () => this.emit('initialized'),
      error: (err) => this.emit('error', err),
    });
  }

  /** The node, or undefined while it does not exist. */
  get current(): CachedNode | undefined {
    return this.engine.nodes.get(this.path);
  }

  /** Same as `current` for this cache's path; undefined for any other path. */
  override get(path: string = this.path): CachedNode | undefined {
    return super.get(path);
  }
}
