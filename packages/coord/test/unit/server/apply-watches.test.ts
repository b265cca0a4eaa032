import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/codes.js';
import { EventType, Perms } from '../../../src/jute/opcodes.js';
import type { ACL } from '../../../src/jute/records/data.js';
import { WatchMode } from '../../../src/server/watch-table.js';
import { BOB, Harness, OPEN_ACL, READ_ACL, bytes, create, del, events, multi, perms, setAcl, setData } from './helpers.js';

const { STANDARD, PERSISTENT, PERSISTENT_RECURSIVE } = WatchMode;
const { NodeCreated, NodeDeleted, NodeDataChanged, NodeChildrenChanged } = EventType;

/** How the server registers each kind of watch (DataTree.getData/statNode/getChildren/addWatch). */
function watch(h: Harness, kind: 'exists' | 'getData' | 'getChildren' | 'persistent' | 'recursive', path: string, watcher: number): void {
  if (kind === 'exists' || kind === 'getData') h.watches.data.add(path, watcher, STANDARD);
  else if (kind === 'getChildren') h.watches.child.add(path, watcher, STANDARD);
  else if (kind === 'persistent') {
    h.watches.data.add(path, watcher, PERSISTENT);
    h.watches.child.add(path, watcher, PERSISTENT);
  } else h.watches.data.add(path, watcher, PERSISTENT_RECURSIVE);
}

describe('apply: standard watches', () => {
  it('fires NodeCreated on the path and NodeChildrenChanged on the parent for a create, once', () => {
    const h = new Harness();
    h.ok(create('/p'));
    watch(h, 'exists', '/p/a', 1);
    watch(h, 'getChildren', '/p', 2);
    watch(h, 'getData', '/p', 3);
    const r = h.ok(create('/p/a'));
    expect(events(r.notifications)).toEqual([
      [1, NodeCreated, '/p/a'],
      [2, NodeChildrenChanged, '/p'],
    ]);
    // One-shot: the second create tells nobody.
    h.ok(del('/p/a'));
    expect(h.ok(create('/p/a')).notifications).toEqual([]);
  });

  it('fires NodeDeleted once per watcher even with a data and a child watch on the path, then the parent', () => {
    const h = new Harness();
    h.ok(create('/p'));
    h.ok(create('/p/a'));
    watch(h, 'getData', '/p/a', 1);
    watch(h, 'getChildren', '/p/a', 1);
    watch(h, 'getChildren', '/p/a', 2);
    watch(h, 'exists', '/p/a', 3);
    watch(h, 'getChildren', '/p', 4);
    const r = h.ok(del('/p/a'));
    expect(events(r.notifications)).toEqual([
      [1, NodeDeleted, '/p/a'],
      [3, NodeDeleted, '/p/a'],
      [2, NodeDeleted, '/p/a'],
      [4, NodeChildrenChanged, '/p'],
    ]);
  });

  // Ground truth: WatchManager.triggerWatch (3.8.0) removes a triggered standard watch inside
  // its synchronized loop and only skips suppressed watchers when delivering. The Java
  // program added a standard watch for w1 on /a, triggered NodeDeleted with w1 suppressed, and
  // containsWatcher("/a", w1) printed false. So the child watch consumed by a delete must not
  // fire again when the path comes back.
  it('consumes the child watch that the data watch suppressed on delete', () => {
    const h = new Harness();
    h.ok(create('/a'));
    watch(h, 'getData', '/a', 1);
    watch(h, 'getChildren', '/a', 1);
    expect(events(h.ok(del('/a')).notifications)).toEqual([[1, NodeDeleted, '/a']]);
    expect(h.watches.child.has('/a', 1)).toBe(false);
    h.ok(create('/a'));
    expect(h.ok(create('/a/b')).notifications).toEqual([]);
    expect(h.watches.child.size + h.watches.data.size).toBe(0);
  });

  it('fires NodeDataChanged for setData on data watches only, and nothing for setACL', () => {
    const h = new Harness();
    h.ok(create('/a'));
    watch(h, 'getData', '/a', 1);
    watch(h, 'getChildren', '/a', 2);
    expect(h.ok(setAcl('/a', OPEN_ACL)).notifications).toEqual([]);
    expect(events(h.ok(setData('/a', bytes('x'))).notifications)).toEqual([[1, NodeDataChanged, '/a']]);
    expect(h.ok(setData('/a', bytes('y'))).notifications).toEqual([]);
    expect(h.watches.child.has('/a', 2)).toBe(true);
  });

  it('attaches the ACL READ is checked against at delivery: the node\'s, the parent\'s for children events', () => {
    const h = new Harness();
    const parentAcl: ACL[] = [perms(Perms.ALL, BOB)];
    h.ok(create('/p', { acl: parentAcl }), { authIds: [BOB] });
    watch(h, 'exists', '/p/a', 1);
    watch(h, 'getChildren', '/p', 2);
    const created = h.ok(create('/p/a', { acl: READ_ACL }), { authIds: [BOB] });
    expect(created.notifications.map((n) => [n.watcher, n.acl])).toEqual([
      [1, READ_ACL],
      [2, parentAcl],
    ]);
    watch(h, 'getData', '/p/a', 3);
    expect(h.run(setData('/p/a', null), { authIds: [BOB] }).err).toBe(ErrorCode.NOAUTH);
    watch(h, 'getChildren', '/p', 4);
    const deleted = h.ok(del('/p/a'), { authIds: [BOB] });
    expect(deleted.notifications.map((n) => [n.watcher, n.type, n.acl])).toEqual([
      [3, NodeDeleted, READ_ACL],
      [4, NodeChildrenChanged, parentAcl],
    ]);
  });
});

describe('apply: persistent and recursive watches', () => {
  it('keeps a persistent watch through many events and fires NodeDeleted once on delete', () => {
    const h = new Harness();
    h.ok(create('/a'));
    watch(h, 'persistent', '/a', 1);
    expect(events(h.ok(setData('/a', bytes('1'))).notifications)).toEqual([[1, NodeDataChanged, '/a']]);
    expect(events(h.ok(setData('/a', bytes('2'))).notifications)).toEqual([[1, NodeDataChanged, '/a']]);
    expect(events(h.ok(create('/a/c')).notifications)).toEqual([[1, NodeChildrenChanged, '/a']]);
    // A grandchild is not the persistent watch's business.
    expect(h.ok(create('/a/c/d')).notifications).toEqual([]);
    h.ok(del('/a/c/d'));
    expect(events(h.ok(del('/a/c')).notifications)).toEqual([[1, NodeChildrenChanged, '/a']]);
    expect(events(h.ok(del('/a')).notifications)).toEqual([[1, NodeDeleted, '/a']]);
    expect(events(h.ok(create('/a')).notifications)).toEqual([[1, NodeCreated, '/a']]);
  });

  it('fires a recursive watch for the node and every descendant, never NodeChildrenChanged', () => {
    const h = new Harness();
    h.ok(create('/r'));
    watch(h, 'recursive', '/r', 1);
    expect(events(h.ok(create('/r/a')).notifications)).toEqual([[1, NodeCreated, '/r/a']]);
    expect(events(h.ok(create('/r/a/b')).notifications)).toEqual([[1, NodeCreated, '/r/a/b']]);
    expect(events(h.ok(setData('/r/a/b', bytes('x'))).notifications)).toEqual([[1, NodeDataChanged, '/r/a/b']]);
    expect(events(h.ok(setData('/r', bytes('x'))).notifications)).toEqual([[1, NodeDataChanged, '/r']]);
    expect(events(h.ok(del('/r/a/b')).notifications)).toEqual([[1, NodeDeleted, '/r/a/b']]);
    expect(h.ok(create('/other')).notifications).toEqual([]);
    expect(h.ok(create('/r2')).notifications).toEqual([]);
    expect(h.watches.data.has('/r', 1, PERSISTENT_RECURSIVE)).toBe(true);
  });

  it('tells a watcher once per change however many of its watches match', () => {
    const h = new Harness();
    h.ok(create('/a'));
    watch(h, 'recursive', '/', 1);
    watch(h, 'recursive', '/a', 1);
    watch(h, 'getData', '/a/b', 1);
    watch(h, 'persistent', '/a/b', 1);
    expect(events(h.ok(create('/a/b')).notifications)).toEqual([[1, NodeCreated, '/a/b']]);
    // The standard bit was consumed, the persistent and recursive ones stay.
    expect(h.watches.data.watchersOn('/a/b').get(1)).toBe(PERSISTENT);
  });

  it('fires all events of a successful multi', () => {
    const h = new Harness();
    watch(h, 'recursive', '/', 1);
    watch(h, 'getChildren', '/', 2);
    const r = h.ok(multi(create('/a'), create('/a/b'), setData('/a', bytes('x')), del('/a/b')));
    expect(events(r.notifications)).toEqual([
      [1, NodeCreated, '/a'],
      [2, NodeChildrenChanged, '/'],
      [1, NodeCreated, '/a/b'],
      [1, NodeDataChanged, '/a'],
      [1, NodeDeleted, '/a/b'],
    ]);
  });
});
