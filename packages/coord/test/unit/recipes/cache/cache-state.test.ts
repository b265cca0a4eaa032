import { describe, expect, it } from 'vitest';
import { applyDelete, applyRead, depthBelow, reconcile, topDown, type CachedNode } from '../../../../src/recipes/cache/pure/cache-state.js';
import type { Stat } from '../../../../src/index.js';

function node(path: string, czxid: number, mzxid: number, data = ''): CachedNode {
  const stat: Stat = { czxid: BigInt(czxid), mzxid: BigInt(mzxid), ctime: 0n, mtime: 0n, version: mzxid - czxid, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: data.length, numChildren: 0, pzxid: BigInt(czxid) };
  return { path, data: new TextEncoder().encode(data), stat };
}

const brief = (changes: readonly { type: string; node: CachedNode }[]): string[] => changes.map((c) => `${c.type} ${c.node.path}`);

describe('cache state', () => {
  it('depthBelow measures levels under the root, -1 outside it', () => {
    expect(depthBelow('/a', '/a')).toBe(0);
    expect(depthBelow('/a', '/a/b')).toBe(1);
    expect(depthBelow('/a', '/a/b/c')).toBe(2);
    expect(depthBelow('/a', '/ab')).toBe(-1);
    expect(depthBelow('/', '/x/y')).toBe(2);
    expect(depthBelow('/', '/')).toBe(0);
  });

  it('topDown puts parents before children', () => {
    expect(['/a/b/c', '/b', '/a/b', '/a'].sort(topDown)).toEqual(['/a', '/b', '/a/b', '/a/b/c']);
  });

  it('applyRead adds, changes on a newer mzxid, and ignores an older or equal one', () => {
    const nodes = new Map<string, CachedNode>();
    expect(applyRead(nodes, node('/a', 5, 5))?.type).toBe('created');
    expect(applyRead(nodes, node('/a', 5, 7, 'x'))?.type).toBe('changed');
    expect(applyRead(nodes, node('/a', 5, 6))).toBeUndefined();
    expect(applyRead(nodes, node('/a', 5, 7, 'x'))).toBeUndefined();
    expect(nodes.get('/a')?.stat.mzxid).toBe(7n);
    // A newer incarnation whose delete was not seen is reported as created.
    expect(applyRead(nodes, node('/a', 9, 9))?.type).toBe('created');
  });

  it('applyDelete removes, unless the event zxid shows the cached node is newer than the delete', () => {
    const nodes = new Map([['/a', node('/a', 9, 9)]]);
    expect(applyDelete(nodes, '/a', 8n)).toBeUndefined();
    expect(nodes.has('/a')).toBe(true);
    expect(applyDelete(nodes, '/a', -1n)?.type).toBe('deleted');
    expect(applyDelete(nodes, '/a', -1n)).toBeUndefined();
  });

  it('reconcile reports deletions deepest first, then creations and changes parent first', () => {
    const nodes = new Map<string, CachedNode>([
      ['/r', node('/r', 1, 1)],
      ['/r/gone', node('/r/gone', 2, 2)],
      ['/r/gone/deep', node('/r/gone/deep', 3, 3)],
      ['/r/same', node('/r/same', 4, 4)],
      ['/r/changed', node('/r/changed', 5, 5)],
      ['/r/remade', node('/r/remade', 6, 6)],
    ]);
    const fresh = new Map<string, CachedNode>([
      ['/r', node('/r', 1, 1)],
      ['/r/same', node('/r/same', 4, 4)],
      ['/r/changed', node('/r/changed', 5, 10)],
      ['/r/remade', node('/r/remade', 11, 11)],
      ['/r/new', node('/r/new', 12, 12)],
      ['/r/new/sub', node('/r/new/sub', 13, 13)],
    ]);
    expect(brief(reconcile(nodes, fresh))).toEqual([
      'deleted /r/gone/deep',
      'deleted /r/remade',
      'deleted /r/gone',
      'changed /r/changed',
      'created /r/new',
      'created /r/remade',
      'created /r/new/sub',
    ]);
    expect([...nodes.keys()].sort()).toEqual([...fresh.keys()].sort());
    expect(reconcile(nodes, fresh)).toEqual([]);
  });
});
