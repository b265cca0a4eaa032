import type { EventTypeValue } from '../jute/opcodes.js';
import { EventType } from '../jute/opcodes.js';
import { parentOf } from '../util/paths.js';

/** A watcher is a client connection, known here only by its id. */
export type WatcherId = number;

/** Bits of a (path, watcher) entry: a connection can hold several kinds on one path. */
export const WatchMode = {
  STANDARD: 1,
  PERSISTENT: 2,
  PERSISTENT_RECURSIVE: 4,
} as const;

type Entries = Map<string, Map<WatcherId, number>>;

/**
 * One of the server's two watch tables (ZooKeeper keeps one for data/exists watches and one
 * for child watches). Standard watches are removed when they fire; persistent ones stay;
 * recursive ones live only in the data table and match every descendant.
 */
export class WatchTable {
  private readonly byPath: Entries = new Map();
  private readonly byWatcher = new Map<WatcherId, Set<string>>();
  private recursiveCount = 0;

  add(path: string, watcher: WatcherId, mode: number): void {
    let entries = this.byPath.get(path);
    if (entries === undefined) this.byPath.set(path, (entries = new Map()));
    const before = entries.get(watcher) ?? 0;
    if ((mode & WatchMode.PERSISTENT_RECURSIVE) !== 0 && (before & WatchMode.PERSISTENT_RECURSIVE) === 0) this.recursiveCount++;
    entries.set(watcher, before | mode);
    let paths = this.byWatcher.get(watcher);
    if (paths === undefined) this.byWatcher.set(watcher, (paths = new Set()));
    paths.add(path);
  }

  has(path: string, watcher: WatcherId, modeMask = 0xff): boolean {
    return ((this.byPath.get(path)?.get(watcher) ?? 0) & modeMask) !== 0;
  }

  /** Clears mode bits of one watcher on one path; returns true if anything was removed. */
  remove(path: string, watcher: WatcherId, modeMask = 0xff): boolean {
    const entries = this.byPath.get(path);
    const bits = entries?.get(watcher);
    if (entries === undefined || bits === undefined || (bits & modeMask) === 0) return false;
    if ((bits & modeMask & WatchMode.PERSISTENT_RECURSIVE) !== 0) this.recursiveCount--;
    const left = bits & ~modeMask;
    if (left !== 0) {
      entries.set(watcher, left);
      return true;
    }
    entries.delete(watcher);
    if (entries.size === 0) this.byPath.delete(path);
    const paths = this.byWatcher.get(watcher);
    paths?.delete(path);
    if (paths?.size === 0) this.byWatcher.delete(watcher);
    return true;
  }

  /** Drops every watch of a connection (it closed). */
  removeWatcher(watcher: WatcherId): void {
    for (const path of [...(this.byWatcher.get(watcher) ?? [])]) this.remove(path, watcher);
  }

  /**
   * Fires `type` on `path`: watchers on the path itself, plus recursive watchers on its
   * ancestors. Standard watches are consumed. Watchers in `suppress` are skipped (already told).
   */
  trigger(path: string, type: EventTypeValue, suppress?: ReadonlySet<WatcherId>): Set<WatcherId> {
    const fired = new Set<WatcherId>();
    const exact = this.byPath.get(path);
    if (exact !== undefined) {
      for (const [watcher, bits] of [...exact]) {
        // A recursive watch never reports NodeChildrenChanged, on its own path either.
        if (type === EventType.NodeChildrenChanged && (bits & (WatchMode.STANDARD | WatchMode.PERSISTENT)) === 0) continue;
        // Consumed even when suppressed: suppression skips the delivery, not the trigger.
        if ((bits & WatchMode.STANDARD) !== 0) this.remove(path, watcher, WatchMode.STANDARD);
        if (!suppress?.has(watcher)) fired.add(watcher);
      }
    }
    if (this.recursiveCount > 0 && type !== EventType.NodeChildrenChanged && path !== '/') {
      for (let p = parentOf(path); ; p = parentOf(p)) {
        for (const [watcher, bits] of this.byPath.get(p) ?? []) {
          if ((bits & WatchMode.PERSISTENT_RECURSIVE) !== 0 && !suppress?.has(watcher)) fired.add(watcher);
        }
        if (p === '/') break;
      }
    }
    return fired;
  }

  /** Paths watched by one connection, and the total number of (path, watcher) pairs. */
  pathsOf(watcher: WatcherId): ReadonlySet<string> {
    return this.byWatcher.get(watcher) ?? new Set();
  }

  watchersOn(path: string): ReadonlyMap<WatcherId, number> {
    return this.byPath.get(path) ?? new Map();
  }

  get size(): number {
    let n = 0;
    for (const entries of this.byPath.values()) n += entries.size;
    return n;
  }

  get pathCount(): number {
    return this.byPath.size;
  }

  get watcherCount(): number {
    return this.byWatcher.size;
  }

  allPaths(): IterableIterator<string> {
    return this.byPath.keys();
  }
}
