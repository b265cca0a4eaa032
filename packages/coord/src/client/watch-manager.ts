import type { EventTypeName } from '../jute/opcodes.js';
import type { Watcher } from './types.js';

type Table = Map<string, Set<Watcher>>;

/** Server paths of every watch, as sent in SetWatches/SetWatches2 after a reconnect. */
export interface WatchPaths {
  data: string[];
  exist: string[];
  child: string[];
  persistent: string[];
  persistentRecursive: string[];
}

export type OneShotKind = 'data' | 'exist' | 'child';
export type PersistentKind = 'persistent' | 'persistentRecursive';

function add(table: Table, path: string, watcher: Watcher): void {
  let set = table.get(path);
  if (set === undefined) table.set(path, (set = new Set()));
  set.add(watcher);
}

function take(table: Table, path: string, into: Set<Watcher>): void {
  const set = table.get(path);
  if (set === undefined) return;
  table.delete(path);
  for (const w of set) into.add(w);
}

function copy(table: Table, path: string, into: Set<Watcher>): void {
  const set = table.get(path);
  if (set !== undefined) for (const w of set) into.add(w);
}

/**
 * The client's side of ZooKeeper's watches (ZKWatchManager), keyed by server path. One-shot
 * watches are removed when they fire; persistent ones stay until removed. A watcher registered
 * twice for the same event is called once, as the Java client does.
 */
export class WatchManager {
  private readonly tables: Record<OneShotKind | PersistentKind, Table> = {
    data: new Map(),
    exist: new Map(),
    child: new Map(),
    persistent: new Map(),
    persistentRecursive: new Map(),
  };

  register(kind: OneShotKind | PersistentKind, serverPath: string, watcher: Watcher): void {
    add(this.tables[kind], serverPath, watcher);
  }

  /** Removes one watcher; returns true when no watcher of that kind is left on the path. */
  unregister(kind: OneShotKind | PersistentKind, serverPath: string, watcher: Watcher): boolean {
    const set = this.tables[kind].get(serverPath);
    if (set === undefined) return true;
    set.delete(watcher);
    if (set.size === 0) this.tables[kind].delete(serverPath);
    return set.size === 0;
  }

  has(kind: OneShotKind | PersistentKind, serverPath: string): boolean {
    return this.tables[kind].has(serverPath);
  }

  /** Removes every watcher of the given kinds on a path and returns them. */
  removeAll(kinds: readonly (OneShotKind | PersistentKind)[], serverPath: string): Set<Watcher> {
    const out = new Set<Watcher>();
    for (const kind of kinds) take(this.tables[kind], serverPath, out);
    return out;
  }

  /** The watchers an event from the server triggers (one-shot ones are consumed). */
  materialize(type: EventTypeName, serverPath: string): Set<Watcher> {
    const out = new Set<Watcher>();
    const t = this.tables;
    switch (type) {
      case 'NodeCreated':
      case 'NodeDataChanged':
        take(t.data, serverPath, out);
        take(t.exist, serverPath, out);
        break;
      case 'NodeChildrenChanged':
        take(t.child, serverPath, out);
        break;
      case 'NodeDeleted':
        take(t.data, serverPath, out);
        take(t.exist, serverPath, out);
        take(t.child, serverPath, out);
        break;
      default:
        return out;
    }
    copy(t.persistent, serverPath, out);
    if (type !== 'NodeChildrenChanged') {
      // Recursive watches match the path and every ancestor, and never see child-list events.
      for (let p = serverPath; ; ) {
        copy(t.persistentRecursive, p, out);
        if (p === '/') break;
        const i = p.lastIndexOf('/');
        p = i <= 0 ? '/' : p.slice(0, i);
      }
    }
    return out;
  }

  /**
   * True when a persistent watch held on the same path already delivers every event a one-shot
   * watch of `kind` waits for, so the server need not be asked for it: data and exists watches
   * are covered by a persistent or recursive watch, child watches only by a persistent one
   * (recursive watches never see NodeChildrenChanged).
   */
  covers(kind: OneShotKind, serverPath: string): boolean {
    if (this.tables.persistent.has(serverPath)) return true;
    return kind !== 'child' && this.tables.persistentRecursive.has(serverPath);
  }

  paths(): WatchPaths {
    const keys = (table: Table) => [...table.keys()];
    return {
      data: keys(this.tables.data),
      exist: keys(this.tables.exist),
      child: keys(this.tables.child),
      persistent: keys(this.tables.persistent),
      persistentRecursive: keys(this.tables.persistentRecursive),
    };
  }

  clearOneShot(): void {
    this.tables.data.clear();
    this.tables.exist.clear();
    this.tables.child.clear();
  }

  get size(): number {
    return Object.values(this.tables).reduce((n, table) => n + table.size, 0);
  }
}

/**
 * Orders a re-registration for servers that keep one watch mode per connection and path
 * (ZooKeeper 3.8, ZOOKEEPER-4466): such a server applies SetWatches lists in turn and the last
 * mode wins. One-shot watches go first, so their catch-up events still fire for changes made
 * while disconnected (a persistent watch on the same path then takes the server-side slot and
 * the client feeds the one-shot watcher from its events). Only one-shot child watches on a path
 * with a recursive (and no persistent) watch must come after it, in a second group: recursive
 * watches never deliver NodeChildrenChanged. Servers that keep every mode (3.9+, coord)
 * register the same watches either way.
 */
export function orderForReRegistration(paths: WatchPaths): WatchPaths[] {
  const persistent = new Set(paths.persistent);
  const recursive = new Set(paths.persistentRecursive);
  const afterRecursive = (p: string) => recursive.has(p) && !persistent.has(p);
  const main: WatchPaths = { ...paths, child: paths.child.filter((p) => !afterRecursive(p)) };
  const lateChild = paths.child.filter(afterRecursive);
  const late: WatchPaths = { data: [], exist: [], child: lateChild, persistent: [], persistentRecursive: [] };
  return lateChild.length > 0 ? [main, late] : [main];
}

/** Splits watch paths into SetWatches batches of at most `maxChars` path characters each. */
export function batchWatchPaths(paths: WatchPaths, maxChars = 128 * 1024): WatchPaths[] {
  const batches: WatchPaths[] = [];
  let current: WatchPaths = { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
  let chars = 0;
  let count = 0;
  for (const kind of ['data', 'exist', 'child', 'persistent', 'persistentRecursive'] as const) {
    for (const path of paths[kind]) {
      if (count > 0 && chars + path.length > maxChars) {
        batches.push(current);
        current = { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
        chars = 0;
        count = 0;
      }
      current[kind].push(path);
      chars += path.length;
      count++;
    }
  }
  if (count > 0) batches.push(current);
  return batches;
}
