import type { Stat } from '../../../jute/records/data.js';

/** One cached node: its data and Stat as last read. */
export interface CachedNode {
  readonly path: string;
  readonly data: Uint8Array;
  readonly stat: Stat;
}

/** A change the cache applied, in the order it was applied. `node` is the new value, or the removed one. */
export interface CacheChange {
  readonly type: 'created' | 'changed' | 'deleted';
  readonly node: CachedNode;
}

/** Depth of `path` below `root` (0 for the root itself), or -1 when it is not inside it. */
export function depthBelow(root: string, path: string): number {
  if (path === root) return 0;
  const prefix = root === '/' ? '/' : `${root}/`;
  if (!path.startsWith(prefix)) return -1;
  return path.slice(prefix.length).split('/').length;
}

export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** Parent-first order: shallower paths first, then by path, so a subtree is announced top-down. */
export function topDown(a: string, b: string): number {
  const da = a.split('/').length;
  const db = b.split('/').length;
  if (da !== db) return da - db;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Applies a fresh read of one node. Reads may come back out of order with events (a read issued
 * for an older event can reply after a full reload saw a newer version), so a read only replaces
 * what is cached when its mzxid is newer: mzxid grows with every change and a re-created node
 * starts at its (larger) czxid, so "newer mzxid" is "newer state" across incarnations too.
 */
export function applyRead(nodes: Map<string, CachedNode>, read: CachedNode): CacheChange | undefined {
  const cached = nodes.get(read.path);
  if (cached === undefined) {
    nodes.set(read.path, read);
    return { type: 'created', node: read };
  }
  if (read.stat.mzxid <= cached.stat.mzxid) return undefined;
  nodes.set(read.path, read);
  // A different czxid is a new incarnation whose delete we have not seen yet: report both halves.
  return cached.stat.czxid === read.stat.czxid ? { type: 'changed', node: read } : { type: 'created', node: read };
}

/**
 * Applies a NodeDeleted event. `zxid` is the event's zxid, -1n when the server does not report
 * it (ZooKeeper 3.8): then the delete is applied as is, and a later NodeCreated re-adds a newer
 * incarnation. With a zxid, a cached node created after the delete survives it.
 */
export function applyDelete(nodes: Map<string, CachedNode>, path: string, zxid: bigint): CacheChange | undefined {
  const cached = nodes.get(path);
  if (cached === undefined) return undefined;
  if (zxid !== -1n && cached.stat.czxid > zxid) return undefined;
  nodes.delete(path);
  return { type: 'deleted', node: cached };
}

/**
 * Replaces the cache with a full reload and returns the differences: deletions deepest first,
 * then creations and changes parent first. A node with a different czxid was deleted and made
 * again while we were not looking; it is reported as deleted and created. Equal mzxid means
 * unchanged; an older one (an event read applied after the reload started) keeps the newer.
 */
export function reconcile(nodes: Map<string, CachedNode>, fresh: ReadonlyMap<string, CachedNode>): CacheChange[] {
  const deleted: CacheChange[] = [];
  const upserted: CacheChange[] = [];
  for (const [path, cached] of nodes) {
    const next = fresh.get(path);
    if (next === undefined || next.stat.czxid !== cached.stat.czxid) deleted.push({ type: 'deleted', node: cached });
  }
  for (const [path, next] of fresh) {
    const cached = nodes.get(path);
    if (cached === undefined || cached.stat.czxid !== next.stat.czxid) upserted.push({ type: 'created', node: next });
    else if (next.stat.mzxid > cached.stat.mzxid) upserted.push({ type: 'changed', node: next });
  }
  deleted.sort((a, b) => topDown(b.node.path, a.node.path));
  upserted.sort((a, b) => topDown(a.node.path, b.node.path));
  for (const c of deleted) nodes.delete(c.node.path);
  for (const c of upserted) nodes.set(c.node.path, c.node);
  return [...deleted, ...upserted];
}
