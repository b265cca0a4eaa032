import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventType, type EventTypeValue } from '../../../src/jute/opcodes.js';
import { WatchMode, WatchTable } from '../../../src/server/watch-table.js';

const SEED = 0x3a7c_4e5;
const { STANDARD, PERSISTENT, PERSISTENT_RECURSIVE } = WatchMode;
const { NodeCreated, NodeDeleted, NodeDataChanged, NodeChildrenChanged } = EventType;

describe('WatchTable: bookkeeping', () => {
  it('adds mode bits per (path, watcher) and reports them', () => {
    const t = new WatchTable();
    t.add('/a', 1, STANDARD);
    t.add('/a', 1, PERSISTENT);
    t.add('/a', 2, STANDARD);
    t.add('/b', 1, PERSISTENT_RECURSIVE);
    expect(t.has('/a', 1)).toBe(true);
    expect(t.has('/a', 1, STANDARD)).toBe(true);
    expect(t.has('/a', 1, PERSISTENT_RECURSIVE)).toBe(false);
    expect(t.has('/a', 3)).toBe(false);
    expect(t.has('/c', 1)).toBe(false);
    expect(t.watchersOn('/a')).toEqual(new Map([[1, STANDARD | PERSISTENT], [2, STANDARD]]));
    expect(t.watchersOn('/c').size).toBe(0);
    expect(t.pathsOf(1)).toEqual(new Set(['/a', '/b']));
    expect(t.pathsOf(9).size).toBe(0);
    expect(t.size).toBe(3);
    expect(t.pathCount).toBe(2);
    expect(t.watcherCount).toBe(2);
    expect([...t.allPaths()].sort()).toEqual(['/a', '/b']);
  });

  it('removes bits, keeps the entry while any bit is left, and says whether it removed anything', () => {
    const t = new WatchTable();
    t.add('/a', 1, STANDARD | PERSISTENT);
    expect(t.remove('/a', 1, PERSISTENT_RECURSIVE)).toBe(false);
    expect(t.remove('/a', 2)).toBe(false);
    expect(t.remove('/x', 1)).toBe(false);
    expect(t.remove('/a', 1, STANDARD)).toBe(true);
    expect(t.watchersOn('/a').get(1)).toBe(PERSISTENT);
    expect(t.remove('/a', 1, STANDARD)).toBe(false);
    expect(t.remove('/a', 1)).toBe(true);
    expect(t.size).toBe(0);
    expect(t.pathCount).toBe(0);
    expect(t.watcherCount).toBe(0);
    expect(t.pathsOf(1).size).toBe(0);
  });

  it('drops every watch of a closed connection and nothing else', () => {
    const t = new WatchTable();
    t.add('/a', 1, STANDARD);
    t.add('/b', 1, PERSISTENT_RECURSIVE);
    t.add('/a', 2, PERSISTENT);
    t.removeWatcher(1);
    t.removeWatcher(42);
    expect(t.size).toBe(1);
    expect(t.has('/a', 2)).toBe(true);
    expect(t.pathsOf(1).size).toBe(0);
    // The recursive watch is gone: its descendants no longer fire it.
    expect(t.trigger('/b/c', NodeCreated)).toEqual(new Set());
  });
});

describe('WatchTable: trigger', () => {
  it('fires every watcher on the path and consumes standard watches only', () => {
    const t = new WatchTable();
    t.add('/a', 1, STANDARD);
    t.add('/a', 2, PERSISTENT);
    t.add('/a', 3, STANDARD | PERSISTENT);
    expect(t.trigger('/a', NodeDataChanged)).toEqual(new Set([1, 2, 3]));
    expect(t.has('/a', 1)).toBe(false);
    expect(t.watchersOn('/a')).toEqual(new Map([[2, PERSISTENT], [3, PERSISTENT]]));
    expect(t.pathsOf(1).size).toBe(0);
    expect(t.trigger('/a', NodeDataChanged)).toEqual(new Set([2, 3]));
    expect(t.trigger('/b', NodeDataChanged)).toEqual(new Set());
  });

  it('fires recursive watches of every ancestor, up to and including the root', () => {
    const t = new WatchTable();
    t.add('/', 1, PERSISTENT_RECURSIVE);
    t.add('/a', 2, PERSISTENT_RECURSIVE);
    t.add('/a/b', 3, PERSISTENT_RECURSIVE);
    t.add('/a/bc', 4, PERSISTENT_RECURSIVE);
    expect(t.trigger('/a/b/c/d', NodeCreated)).toEqual(new Set([1, 2, 3]));
    expect(t.trigger('/a/b', NodeDeleted)).toEqual(new Set([1, 2, 3]));
    expect(t.trigger('/x', NodeDataChanged)).toEqual(new Set([1]));
    expect(t.trigger('/', NodeDataChanged)).toEqual(new Set([1]));
    expect(t.size).toBe(4);
  });

  it('does not fire standard or persistent (non-recursive) watches of ancestors', () => {
    const t = new WatchTable();
    t.add('/', 1, STANDARD);
    t.add('/a', 2, PERSISTENT);
    expect(t.trigger('/a/b', NodeCreated)).toEqual(new Set());
    expect(t.has('/', 1, STANDARD)).toBe(true);
  });

  it('never fires recursive watches of ancestors for NodeChildrenChanged', () => {
    const t = new WatchTable();
    t.add('/', 1, PERSISTENT_RECURSIVE);
    t.add('/a', 2, PERSISTENT_RECURSIVE);
    expect(t.trigger('/a/b', NodeChildrenChanged)).toEqual(new Set());
  });

  // Ground truth: WatchManager.triggerWatch (3.8.0 bytecode offsets 149-172): a recursive
  // watcher is added only `if (type != NodeChildrenChanged)`, on the path itself as on its
  // ancestors. The Java program added a PERSISTENT_RECURSIVE watch on /r and triggered
  // NodeChildrenChanged on /r: nothing was delivered (NodeDataChanged on /r was).
  it('does not fire a recursive-only watch on the path itself for NodeChildrenChanged', () => {
    const t = new WatchTable();
    t.add('/r', 1, PERSISTENT_RECURSIVE);
    t.add('/r', 2, PERSISTENT);
    expect(t.trigger('/r', NodeChildrenChanged)).toEqual(new Set([2]));
    expect(t.trigger('/r', NodeDataChanged)).toEqual(new Set([1, 2]));
  });

  it('skips suppressed watchers, on the path and on ancestors', () => {
    const t = new WatchTable();
    t.add('/a', 1, PERSISTENT);
    t.add('/a', 2, PERSISTENT);
    t.add('/', 3, PERSISTENT_RECURSIVE);
    expect(t.trigger('/a', NodeDeleted, new Set([1, 3]))).toEqual(new Set([2]));
  });

  // Ground truth: the Java program added a standard watch for w1 on /a to a 3.8.0
  // WatchManager and triggered NodeDeleted with w1 in the suppress set: w1 got no event and
  // containsWatcher("/a", w1) was false. Suppression skips delivery, not consumption.
  it('consumes a suppressed standard watch', () => {
    const t = new WatchTable();
    t.add('/a', 1, STANDARD);
    t.add('/a', 2, STANDARD);
    expect(t.trigger('/a', NodeDeleted, new Set([1]))).toEqual(new Set([2]));
    expect(t.has('/a', 1)).toBe(false);
    expect(t.size).toBe(0);
    expect(t.trigger('/a', NodeChildrenChanged)).toEqual(new Set());
  });
});

describe('WatchTable: against a model', () => {
  // A reference model of the same semantics, in the plainest terms: a list of (path, watcher,
  // bits) entries. Data-table events only (recursive watches live in the data table, which
  // never sees NodeChildrenChanged), no suppression (covered above).
  type Entry = { path: string; watcher: number; bits: number };
  const paths = ['/', '/a', '/a/b', '/a/b/c', '/x'];
  const action = fc.oneof(
    fc.record({ kind: fc.constant<'add'>('add'), path: fc.constantFrom(...paths), watcher: fc.integer({ min: 1, max: 3 }), bits: fc.constantFrom(STANDARD, PERSISTENT, PERSISTENT_RECURSIVE, STANDARD | PERSISTENT_RECURSIVE) }),
    fc.record({ kind: fc.constant<'remove'>('remove'), path: fc.constantFrom(...paths), watcher: fc.integer({ min: 1, max: 3 }), bits: fc.constantFrom(STANDARD, PERSISTENT, PERSISTENT_RECURSIVE, 0xff) }),
    fc.record({ kind: fc.constant<'removeWatcher'>('removeWatcher'), watcher: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant<'trigger'>('trigger'), path: fc.constantFrom(...paths), type: fc.constantFrom<EventTypeValue>(NodeCreated, NodeDeleted, NodeDataChanged) }),
  );
  const isAncestor = (a: string, p: string) => a !== p && (a === '/' || p.startsWith(`${a}/`));

  it('matches the model for any sequence of adds, removes and triggers', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 30 }), (actions) => {
        const t = new WatchTable();
        let model: Entry[] = [];
        for (const a of actions) {
          if (a.kind === 'add') {
            t.add(a.path, a.watcher, a.bits);
            const e = model.find((m) => m.path === a.path && m.watcher === a.watcher);
            if (e) e.bits |= a.bits;
            else model.push({ path: a.path, watcher: a.watcher, bits: a.bits });
          } else if (a.kind === 'remove') {
            const e = model.find((m) => m.path === a.path && m.watcher === a.watcher);
            const expected = e !== undefined && (e.bits & a.bits) !== 0;
            expect(t.remove(a.path, a.watcher, a.bits)).toBe(expected);
            if (e) e.bits &= ~a.bits;
          } else if (a.kind === 'removeWatcher') {
            t.removeWatcher(a.watcher);
            model = model.filter((m) => m.watcher !== a.watcher);
          } else {
            const expected = new Set<number>();
            for (const m of model) {
              if (m.path === a.path && m.bits !== 0) expected.add(m.watcher);
              if (isAncestor(m.path, a.path) && (m.bits & PERSISTENT_RECURSIVE) !== 0) expected.add(m.watcher);
            }
            for (const m of model) if (m.path === a.path) m.bits &= ~STANDARD;
            expect(t.trigger(a.path, a.type)).toEqual(expected);
          }
          model = model.filter((m) => m.bits !== 0);
          expect(t.size).toBe(model.length);
          expect(t.pathCount).toBe(new Set(model.map((m) => m.path)).size);
          expect(t.watcherCount).toBe(new Set(model.map((m) => m.watcher)).size);
          for (const w of [1, 2, 3]) expect(t.pathsOf(w)).toEqual(new Set(model.filter((m) => m.watcher === w).map((m) => m.path)));
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});
