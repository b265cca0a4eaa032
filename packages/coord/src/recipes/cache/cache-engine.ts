import type { CoordClient } from '../../client/client.js';
import type { ConnectionState, WatchEvent, WatchHandle } from '../../client/types.js';
import { isTransient, loadSubtree, readNode } from './load.js';
import { applyDelete, applyRead, depthBelow, reconcile, type CacheChange, type CachedNode } from './pure/cache-state.js';

export interface CacheEngineOptions {
  /** The watched node. */
  readonly root: string;
  /** How many levels below the root are cached: 0 the root only, 1 its children, Infinity all. */
  readonly maxDepth: number;
  /** Whether the root itself is cached (ChildrenCache leaves it out). */
  readonly includeRoot: boolean;
}

/** Where the engine reports; the public caches translate these into their own events. */
export interface CacheSink {
  change(change: CacheChange): void;
  initialized(): void;
  error(error: unknown): void;
}

/**
 * The machinery shared by NodeCache, ChildrenCache and TreeCache: ONE persistent-recursive
 * watch on the root, a serial queue of work, and a full reload on start and on every
 * `reconnected` (persistent watches get no catch-up events for what changed while away, the
 * reference §1.11, so only a reload can find it).
 *
 * Ordering: the server sends a connection's events in zxid order and answers its requests in
 * order, so the read an event triggers is issued at once (pipelined) and its result applied in
 * event order through the queue. The watch is registered before the first reload, so nothing
 * is missed between them; a read that comes back older than what the cache holds (mzxid) is
 * ignored, so reloads and event reads can interleave without going backwards.
 *
 * All caches use PERSISTENT_RECURSIVE, also for one node or its children, so that one client
 * never holds two persistent modes on one path (ZooKeeper 3.8 keeps only the last, see
 * docs/compatibility.md). The price: events below the cached depth reach the client and are
 * dropped here.
 */
export class CacheEngine {
  readonly nodes = new Map<string, CachedNode>();
  private queue: Promise<void> = Promise.resolve();
  private handle: WatchHandle | undefined;
  private phase: 'idle' | 'running' | 'closed' = 'idle';
  private reloadQueued = false;
  /** Completed reloads, to tell event reads sent before one from those sent after. */
  private reloadsDone = 0;
  private initialized = false;
  private readonly initWaiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];

  constructor(
    private readonly client: CoordClient,
    private readonly options: CacheEngineOptions,
    private readonly sink: CacheSink,
  ) {}

  get isInitialized(): boolean {
    return this.initialized;
  }

  /** Registers the watch, loads, and resolves once the first load is applied. */
  async start(): Promise<void> {
    if (this.phase !== 'idle') throw new Error(`cache of ${this.options.root} was already started`);
    this.phase = 'running';
    this.client.on('state', this.onState);
    const initialized = this.whenInitialized();
    initialized.catch(() => undefined); // awaited below; rejected by close() if that comes first
    for (;;) {
      try {
        this.handle = await this.client.addWatch(this.options.root, 'PERSISTENT_RECURSIVE', this.onEvent);
        break;
      } catch (err) {
        if (!isTransient(err) || this.isClosed()) {
          await this.close();
          throw err;
        }
        await this.client.waitForConnected();
      }
    }
    if (this.isClosed()) {
      await this.removeWatch();
      return;
    }
    this.enqueueReload();
    await initialized;
  }

  /** A method, not a field read, so the compiler does not narrow it across awaits. */
  private isClosed(): boolean {
    return this.phase === 'closed';
  }

  whenInitialized(): Promise<void> {
    if (this.initialized) return Promise.resolve();
    return new Promise((resolve, reject) => this.initWaiters.push({ resolve, reject }));
  }

  /** Resolves once every event and reload queued so far (and any they queued) has been applied. */
  async idle(): Promise<void> {
    for (let seen: Promise<void> | undefined; seen !== this.queue; ) {
      seen = this.queue;
      await seen;
    }
  }

  /** Removes the watch and stops applying events. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.client.off('state', this.onState);
    for (const w of this.initWaiters.splice(0)) w.reject(new Error(`cache of ${this.options.root} was closed`));
    await this.removeWatch();
    await this.queue;
  }

  private async removeWatch(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.remove().catch((err: unknown) => {
      if (!isTransient(err)) this.sink.error(err);
    });
  }

  private readonly onState = (state: ConnectionState): void => {
    // `reconnected` follows both a reconnect within the session and a new session after `lost`;
    // either way the persistent watch is registered again but without catch-up: reload.
    if (state === 'reconnected') this.enqueueReload();
  };

  private readonly onEvent = (event: WatchEvent): void => {
    if (this.phase !== 'running') return;
    const depth = depthBelow(this.options.root, event.path);
    if (depth < 0 || depth > this.options.maxDepth || (depth === 0 && !this.options.includeRoot)) return;
    if (event.type === 'NodeCreated' || event.type === 'NodeDataChanged') {
      const read = readNode(this.client, event.path);
      read.catch(() => undefined); // handled in the queue; this only marks it handled meanwhile
      const reloadsBefore = this.reloadsDone;
      this.enqueue(async () => {
        let node = await read;
        // A reload that finished after this read was sent may have dropped the node because it
        // was deleted meanwhile; the mzxid rule cannot see that (nothing cached to compare), so
        // applying this older read would bring it back. Read again: the answer is newer than the reload's.
        if (node !== undefined && reloadsBefore !== this.reloadsDone && !this.nodes.has(event.path)) node = await readNode(this.client, event.path);
        if (node !== undefined) this.emit(applyRead(this.nodes, node));
        // undefined: deleted since; its NodeDeleted event is queued behind this one.
      });
    } else if (event.type === 'NodeDeleted') {
      this.enqueue(async () => this.emit(applyDelete(this.nodes, event.path, event.zxid)));
    }
  };

  private enqueueReload(): void {
    if (this.reloadQueued || this.phase !== 'running') return;
    this.reloadQueued = true;
    this.enqueue(async () => {
      this.reloadQueued = false;
      const fresh = await loadSubtree(this.client, this.options.root, this.options.maxDepth);
      if (!this.options.includeRoot) fresh.delete(this.options.root);
      if (this.phase !== 'running') return;
      const changes = reconcile(this.nodes, fresh);
      this.reloadsDone++;
      for (const change of changes) this.emit(change);
      if (!this.initialized) {
        this.initialized = true;
        this.sink.initialized();
        for (const w of this.initWaiters.splice(0)) w.resolve();
      }
    });
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((err: unknown) => this.onTaskError(err));
  }

  private onTaskError(err: unknown): void {
    if (this.phase !== 'running') return;
    if (!isTransient(err)) {
      this.sink.error(err);
      for (const w of this.initWaiters.splice(0)) w.reject(err);
      return;
    }
    // Usually the connection went away and `reconnected` will queue a reload. A call that timed
    // out while connected gets no such state change, so ask for a reload once connected.
    this.client.waitForConnected().then(
      () => this.enqueueReload(),
      () => undefined,
    );
  }

  private emit(change: CacheChange | undefined): void {
    if (change === undefined || this.phase !== 'running') return;
    this.sink.change(change);
  }
}
