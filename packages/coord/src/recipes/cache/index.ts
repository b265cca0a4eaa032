export { NodeCache, type NodeCacheEvents } from './node-cache.js';
export { ChildrenCache, type ChildrenCacheEvents } from './children-cache.js';
export { TreeCache, type TreeCacheEvents, type TreeCacheOptions } from './tree-cache.js';
export type { CachedNode, CacheChange } from './pure/cache-state.js';
