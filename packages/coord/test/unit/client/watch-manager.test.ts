import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchWatchPaths, orderForReRegistration, WatchManager, type WatchPaths } from '../../../src/client/watch-manager.js';
import type { EventTypeName } from '../../../src/jute/opcodes.js';
import type { Watcher } from '../../../src/client/types.js';

const SEED = 4_242;

/** Named watchers, so a failing expectation says which fired. */
function watchers(...labels: string[]): Watcher[] {
  return labels.map((label) => Object.defineProperty(() => undefined, 'name', { value: label }) as Watcher);
}
const labelsOf = (set: Set<Watcher>) => [...set].map((w) => w.name).sort();

describe('WatchManager.materialize: one-shot watches', () => {
  it.each<[EventTypeName, string[]]>([
    ['NodeCreated', ['data', 'exist']],
    ['NodeDataChanged', ['data', 'exist']],
    ['NodeChildrenChanged', ['child']],
    ['NodeDeleted', ['child', 'data', 'exist']],
  ])('%s fires %j and consumes them', (type, fired) => {
    const m = new WatchManager();
    const [data, exist, child] = watchers('data', 'exist', 'child') as [Watcher, Watcher, Watcher];
    m.register('data', '/a', data);
    m.register('exist', '/a', exist);
    m.register('child', '/a', child);
    expect(labelsOf(m.materialize(type, '/a'))).toEqual(fired);
    // Consumed: the same event again fires nothing.
    expect(labelsOf(m.materialize(type, '/a'))).toEqual([]);
    // The kinds this event did not concern are still there.
    const left = ['data', 'exist', 'child'].filter((k) => !fired.includes(k));
    for (const kind of ['data', 'exist', 'child'] as const) expect(m.has(kind, '/a')).toBe(left.includes(kind));
  });

  it('matches the exact path only', () => {
    const m = new WatchManager();
    const [w] = watchers('w') as [Watcher];
    m.register('data', '/a', w);
    expect(m.materialize('NodeDataChanged', '/a/b').size).toBe(0);
    expect(m.materialize('NodeDataChanged', '/ab').size).toBe(0);
    expect(m.materialize('NodeDataChanged', '/').size).toBe(0);
    expect(labelsOf(m.materialize('NodeDataChanged', '/a'))).toEqual(['w']);
  });

  it('fires nothing for None or the *WatchRemoved types, and consumes nothing', () => {
    const m = new WatchManager();
    const [w] = watchers('w') as [Watcher];
    m.register('data', '/a', w);
    m.register('persistent', '/a', w);
    for (const type of ['None', 'DataWatchRemoved', 'ChildWatchRemoved', 'PersistentWatchRemoved'] as const) expect(m.materialize(type, '/a').size).toBe(0);
    expect(m.has('data', '/a')).toBe(true);
  });
});

describe('WatchManager.materialize: persistent and recursive watches', () => {
  it('a persistent watch fires for every event type on its own path and stays', () => {
    const m = new WatchManager();
    const [p] = watchers('p') as [Watcher];
    m.register('persistent', '/a', p);
    for (const type of ['NodeCreated', 'NodeDataChanged', 'NodeChildrenChanged', 'NodeDeleted', 'NodeCreated'] as const) {
      expect(labelsOf(m.materialize(type, '/a'))).toEqual(['p']);
    }
    expect(m.materialize('NodeCreated', '/a/child').size).toBe(0);
    expect(m.has('persistent', '/a')).toBe(true);
  });

  it('a recursive watch fires for its path and every descendant, never for NodeChildrenChanged', () => {
    const m = new WatchManager();
    const [r] = watchers('r') as [Watcher];
    m.register('persistentRecursive', '/a', r);
    expect(labelsOf(m.materialize('NodeCreated', '/a'))).toEqual(['r']);
    expect(labelsOf(m.materialize('NodeDataChanged', '/a/b'))).toEqual(['r']);
    expect(labelsOf(m.materialize('NodeDeleted', '/a/b/c/d'))).toEqual(['r']);
    expect(m.materialize('NodeChildrenChanged', '/a').size).toBe(0);
    expect(m.materialize('NodeChildrenChanged', '/a/b').size).toBe(0);
    // Ancestors only: a sibling sharing the prefix, or the parent, does not match.
    expect(m.materialize('NodeCreated', '/ab').size).toBe(0);
    expect(m.materialize('NodeCreated', '/').size).toBe(0);
    expect(m.has('persistentRecursive', '/a')).toBe(true);
  });

  it('a recursive watch on "/" sees the whole tree', () => {
    const m = new WatchManager();
    const [r] = watchers('r') as [Watcher];
    m.register('persistentRecursive', '/', r);
    expect(labelsOf(m.materialize('NodeCreated', '/'))).toEqual(['r']);
    expect(labelsOf(m.materialize('NodeCreated', '/x/y/z'))).toEqual(['r']);
  });

  it('collects recursive watches from every ancestor at once, with one-shot and persistent ones', () => {
    const m = new WatchManager();
    const [root, mid, leaf, oneShot, persistent] = watchers('root', 'mid', 'leaf', 'oneShot', 'persistent') as [Watcher, Watcher, Watcher, Watcher, Watcher];
    m.register('persistentRecursive', '/', root);
    m.register('persistentRecursive', '/a', mid);
    m.register('persistentRecursive', '/a/b/c', leaf);
    m.register('data', '/a/b', oneShot);
    m.register('persistent', '/a/b', persistent);
    expect(labelsOf(m.materialize('NodeDataChanged', '/a/b'))).toEqual(['mid', 'oneShot', 'persistent', 'root']);
    expect(labelsOf(m.materialize('NodeDataChanged', '/a/b'))).toEqual(['mid', 'persistent', 'root']);
    expect(labelsOf(m.materialize('NodeChildrenChanged', '/a/b'))).toEqual(['persistent']);
  });

  it('calls a watcher once per event however many ways it was registered', () => {
    const m = new WatchManager();
    const [w] = watchers('w') as [Watcher];
    m.register('data', '/a', w);
    m.register('data', '/a', w);
    m.register('exist', '/a', w);
    m.register('child', '/a', w);
    m.register('persistent', '/a', w);
    m.register('persistentRecursive', '/a', w);
    m.register('persistentRecursive', '/', w);
    const fired = m.materialize('NodeDeleted', '/a');
    expect(fired.size).toBe(1);
    expect(fired.has(w)).toBe(true);
  });
});

describe('WatchManager bookkeeping', () => {
  it('unregister says whether the path has no watcher of that kind left', () => {
    const m = new WatchManager();
    const [a, b] = watchers('a', 'b') as [Watcher, Watcher];
    m.register('persistent', '/p', a);
    m.register('persistent', '/p', b);
    expect(m.unregister('persistent', '/p', a)).toBe(false);
    expect(m.unregister('persistent', '/p', b)).toBe(true);
    expect(m.has('persistent', '/p')).toBe(false);
    expect(m.unregister('persistent', '/p', b)).toBe(true);
  });

  it('removeAll takes the given kinds on one path and returns their watchers', () => {
    const m = new WatchManager();
    const [a, b, c] = watchers('a', 'b', 'c') as [Watcher, Watcher, Watcher];
    m.register('data', '/p', a);
    m.register('exist', '/p', b);
    m.register('child', '/p', c);
    m.register('data', '/q', a);
    expect(labelsOf(m.removeAll(['data', 'exist'], '/p'))).toEqual(['a', 'b']);
    expect(m.has('child', '/p')).toBe(true);
    expect(m.has('data', '/q')).toBe(true);
  });

  it('paths() lists each kind in registration order; clearOneShot keeps the persistent ones', () => {
    const m = new WatchManager();
    const [w] = watchers('w') as [Watcher];
    m.register('data', '/d2', w);
    m.register('data', '/d1', w);
    m.register('exist', '/e', w);
    m.register('child', '/c', w);
    m.register('persistent', '/p', w);
    m.register('persistentRecursive', '/r', w);
    expect(m.paths()).toEqual({ data: ['/d2', '/d1'], exist: ['/e'], child: ['/c'], persistent: ['/p'], persistentRecursive: ['/r'] });
    expect(m.size).toBe(6);
    m.clearOneShot();
    expect(m.paths()).toEqual({ data: [], exist: [], child: [], persistent: ['/p'], persistentRecursive: ['/r'] });
    expect(m.size).toBe(2);
  });
});

const KINDS = ['data', 'exist', 'child', 'persistent', 'persistentRecursive'] as const;
const emptyPaths = (): WatchPaths => ({ data: [], exist: [], child: [], persistent: [], persistentRecursive: [] });
const charsOf = (b: WatchPaths) => KINDS.reduce((n, k) => n + b[k].reduce((m, p) => m + p.length, 0), 0);
const countOf = (b: WatchPaths) => KINDS.reduce((n, k) => n + b[k].length, 0);

describe('batchWatchPaths', () => {
  it('returns no batch for no watches, one batch when all fit', () => {
    expect(batchWatchPaths(emptyPaths())).toEqual([]);
    const small: WatchPaths = { data: ['/a'], exist: ['/b'], child: ['/c'], persistent: ['/d'], persistentRecursive: ['/e'] };
    expect(batchWatchPaths(small)).toEqual([small]);
  });

  it('cuts at the character limit, across kinds', () => {
    const paths: WatchPaths = { ...emptyPaths(), data: ['/aaaa', '/bbbb'], child: ['/cccc'], persistent: ['/dd'] };
    expect(batchWatchPaths(paths, 10)).toEqual([
      { ...emptyPaths(), data: ['/aaaa', '/bbbb'] },
      { ...emptyPaths(), child: ['/cccc'], persistent: ['/dd'] },
    ]);
  });

  it('gives a path longer than the limit a batch of its own rather than dropping it', () => {
    const long = `/${'x'.repeat(20)}`;
    expect(batchWatchPaths({ ...emptyPaths(), data: ['/a', long, '/b'] }, 10)).toEqual([
      { ...emptyPaths(), data: ['/a'] },
      { ...emptyPaths(), data: [long] },
      { ...emptyPaths(), data: ['/b'] },
    ]);
  });

  it('splits 5,000 paths of 60 characters into batches of at most 128 KB of characters (default)', () => {
    const data = Array.from({ length: 5_000 }, (_, i) => `/${String(i).padStart(59, 'p')}`);
    const batches = batchWatchPaths({ ...emptyPaths(), data });
    // floor(131072 / 60) = 2184 paths fit in a batch.
    expect(batches.map((b) => b.data.length)).toEqual([2184, 2184, 632]);
    for (const b of batches) expect(charsOf(b)).toBeLessThanOrEqual(128 * 1024);
    expect(batches.flatMap((b) => b.data)).toEqual(data);
  });

  const path = fc.stringMatching(/^\/[a-z]{0,30}$/);
  const paths = fc.record({
    data: fc.array(path, { maxLength: 40 }),
    exist: fc.array(path, { maxLength: 40 }),
    child: fc.array(path, { maxLength: 40 }),
    persistent: fc.array(path, { maxLength: 40 }),
    persistentRecursive: fc.array(path, { maxLength: 40 }),
  });

  it('loses nothing, keeps the order, and respects the limit (property)', () => {
    fc.assert(
      fc.property(paths, fc.integer({ min: 1, max: 200 }), (input, limit) => {
        const batches = batchWatchPaths(input, limit);
        for (const kind of KINDS) expect(batches.flatMap((b) => b[kind])).toEqual(input[kind]);
        for (const b of batches) {
          expect(countOf(b)).toBeGreaterThan(0);
          if (countOf(b) > 1) expect(charsOf(b)).toBeLessThanOrEqual(limit);
        }
        // Greedy: a batch is only closed when the next path would not have fitted.
        for (let i = 0; i + 1 < batches.length; i++) {
          const next = batches[i + 1] as WatchPaths;
          const firstOfNext = KINDS.flatMap((k) => next[k])[0] as string;
          expect(charsOf(batches[i] as WatchPaths) + firstOfNext.length).toBeGreaterThan(limit);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('one watch mode per path (ZooKeeper 3.8): covers and orderForReRegistration', () => {
  const noop: Watcher = () => undefined;

  it('a persistent watch covers every one-shot kind on its path; a recursive one all but child watches', () => {
    const m = new WatchManager();
    m.register('persistent', '/p', noop);
    m.register('persistentRecursive', '/r', noop);
    for (const kind of ['data', 'exist', 'child'] as const) expect(m.covers(kind, '/p')).toBe(true);
    expect(m.covers('data', '/r')).toBe(true);
    expect(m.covers('exist', '/r')).toBe(true);
    expect(m.covers('child', '/r')).toBe(false);
    // Only the same path: a recursive watch on an ancestor does not clash on the server.
    expect(m.covers('data', '/r/x')).toBe(false);
    expect(m.covers('data', '/other')).toBe(false);
  });

  it('keeps one-shots first (for their catch-up events) and sends child watches under a recursive watch last', () => {
    const paths: WatchPaths = {
      data: ['/p', '/r', '/plain'],
      exist: ['/r', '/missing'],
      child: ['/p', '/r', '/plain'],
      persistent: ['/p'],
      persistentRecursive: ['/r'],
    };
    expect(orderForReRegistration(paths)).toEqual([
      { data: ['/p', '/r', '/plain'], exist: ['/r', '/missing'], child: ['/p', '/plain'], persistent: ['/p'], persistentRecursive: ['/r'] },
      { data: [], exist: [], child: ['/r'], persistent: [], persistentRecursive: [] },
    ]);
  });

  it('is one group, unchanged, when no path holds two modes', () => {
    const paths: WatchPaths = { data: ['/a'], exist: ['/b'], child: ['/c'], persistent: ['/d'], persistentRecursive: ['/e'] };
    expect(orderForReRegistration(paths)).toEqual([paths]);
  });
});
