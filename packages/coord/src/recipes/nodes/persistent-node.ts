import { TypedEmitter } from '../../client/emitter.js';
import type { CoordClient } from '../../client/client.js';
import type { ConnectionState, CreateModeName, Data, Stat, WatchEvent } from '../../client/types.js';
import { NoNodeError, NodeExistsError } from '../../errors/errors.js';
import { toData } from '../../client/create-request.js';
import { ensurePath } from '../internal/ensure-path.js';
import { protectedCreate } from '../internal/protected-create.js';
import { isTransient } from '../cache/load.js';

export interface PersistentNodeOptions {
  /** Default EPHEMERAL. */
  readonly mode?: CreateModeName;
  /** Create as `<parent>/_c_<uuid>-<name>` so a create whose reply was lost is found again. Default false. */
  readonly useProtection?: boolean;
  /** For the *_WITH_TTL modes (not with useProtection). */
  readonly ttlMs?: number;
}

export interface PersistentNodeEvents {
  /** The node was (re-)created; `path` is its actual path (sequential or protected names differ). */
  created: (path: string) => void;
  /** A failure no reconnect repairs (e.g. NoAuth); the node is tried again on the next reconnect. */
  error: (error: unknown) => void;
}

const EMPTY = new Uint8Array(0);

/**
 * A node that stays there (Curator's PersistentNode): typically an EPHEMERAL that should exist
 * as long as this process runs, across connection drops and session loss. Call `start()`.
 *
 * - It keeps a one-shot exists watch on the node and creates it again on NodeDeleted.
 * - `suspended`: nothing is done; an ephemeral lives on while the session does.
 * - `reconnected` (same session): the node is checked and re-created if someone deleted it
 *   while we were away (the watch's SetWatches catch-up says the same).
 * - `lost`: the old session's ephemerals are gone (or about to go); when the new session reports
 *   `reconnected` the node is created again in it. A leftover of the dead session at a fixed path
 *   is left to expire (it could be someone else's) and re-created when its NodeDeleted arrives;
 *   with protection or a sequential mode the leftover is certainly ours and is deleted at once.
 * - When the node exists at start (not ours), that counts as created, as in Curator; its data is
 *   set to ours.
 *
 * `close()` deletes the node.
 */
export class PersistentNode extends TypedEmitter<PersistentNodeEvents> {
  private data: Uint8Array;
  private actual: string | undefined;
  private phase: 'idle' | 'running' | 'closed' = 'idle';
  private running: Promise<void> | undefined;
  private again = false;
  /** setData did not reach the server; check() writes the data once connected. */
  private dataDirty = false;
  private createdOnce = false;
  private readonly createdWaiters = new Set<() => void>();
  private readonly mode: CreateModeName;
  private readonly parent: string;
  private readonly name: string;

  constructor(
    private readonly client: CoordClient,
    readonly basePath: string,
    data: Data | null = null,
    private readonly options: PersistentNodeOptions = {},
  ) {
    super();
    this.data = toData(data) ?? EMPTY;
    this.mode = options.mode ?? 'EPHEMERAL';
    if (options.useProtection === true && options.ttlMs !== undefined) throw new Error('PersistentNode: useProtection and ttlMs cannot be combined');
    const slash = basePath.lastIndexOf('/');
    this.parent = slash <= 0 ? '/' : basePath.slice(0, slash);
    this.name = basePath.slice(slash + 1);
  }

  /** The node's path once created (differs from basePath for sequential or protected nodes). */
  get actualPath(): string | undefined {
    return this.actual;
  }

  get currentData(): Uint8Array {
    return this.data;
  }

  /** Starts creating the node in the background; see waitForInitialCreate. */
  start(): void {
    if (this.phase !== 'idle') throw new Error(`PersistentNode ${this.basePath} was already started`);
    this.phase = 'running';
    this.client.on('state', this.onState);
    this.ensure();
  }

  /** True once the node has been created (or found) the first time; false after the timeout. */
  waitForInitialCreate(options: { timeoutMs: number }): Promise<boolean> {
    if (this.createdOnce) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.createdWaiters.delete(done);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.createdWaiters.delete(done);
        resolve(false);
      }, options.timeoutMs);
      this.createdWaiters.add(done);
    });
  }

  /**
   * Sets the data now (when the node exists) and for every later re-creation. When the
   * connection goes away during the call it still resolves: the data is written once the
   * client is `reconnected`.
   */
  async setData(data: Data | null): Promise<void> {
    this.data = toData(data) ?? EMPTY;
    const path = this.actual;
    if (path === undefined || this.phase !== 'running') return;
    try {
      await this.client.setData(path, this.data);
    } catch (err) {
      // Gone: the re-creation (already triggered by its NodeDeleted) uses the new data.
      if (err instanceof NoNodeError) return;
      if (!isTransient(err)) throw err;
      this.dataDirty = true;
    }
  }

  /** Stops keeping the node and deletes it. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.phase === 'closed') return;
    const wasRunning = this.phase === 'running';
    this.phase = 'closed';
    this.client.off('state', this.onState);
    for (const w of [...this.createdWaiters]) this.createdWaiters.delete(w);
    await this.running;
    const path = this.actual;
    this.actual = undefined;
    if (!wasRunning || path === undefined) return;
    await this.client.delete(path).catch((err: unknown) => {
      if (!(err instanceof NoNodeError)) throw err;
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private readonly onState = (state: ConnectionState): void => {
    if (state === 'reconnected') this.ensure();
  };

  /** One watcher function, so re-arming the watch never registers a second one. */
  private readonly onWatch = (event: WatchEvent): void => {
    if (event.type === 'NodeDeleted' || event.type === 'NodeCreated' || event.type === 'NodeDataChanged') this.ensure();
  };

  /** Runs `check` once at a time; a request while it runs makes it run once more afterwards. */
  private ensure(): void {
    if (this.phase !== 'running') return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.check();
        } catch (err) {
          // Transient: the next `reconnected` calls ensure() again.
          if (!isTransient(err) && this.phase === 'running') this.emit('error', err);
        }
      } while (this.again && this.phase === 'running');
      this.running = undefined;
    })();
  }

  /** Makes sure the node exists in the current session, and that a watch on it is set. */
  private async check(): Promise<void> {
    for (let attempt = 0; attempt < 5 && this.phase === 'running'; attempt++) {
      const known = this.actual;
      if (known !== undefined) {
        const stat = await this.client.exists(known, { watch: this.onWatch });
        if (stat !== null && !(await this.dropIfStale(known, stat))) {
          if (this.dataDirty) {
            this.dataDirty = false;
            await this.client.setData(known, this.data).catch((err: unknown) => {
              if (isTransient(err)) this.dataDirty = true;
              if (!(err instanceof NoNodeError) && !isTransient(err)) throw err;
            });
          }
          return;
        }
      }
      const path = await this.create();
      if (path === undefined) continue;
      if (this.phase !== 'running') return;
      this.actual = path;
      // Arm the watch on what was made; loop when it is already gone again.
      const stat = await this.client.exists(path, { watch: this.onWatch });
      if (stat === null) continue;
      this.dataDirty = false; // made (or overwritten) with the current data
      this.markCreated(path);
      return;
    }
  }

  /** A leftover ephemeral of a dead session that is surely ours (unique name) is deleted. True when it was. */
  private async dropIfStale(path: string, stat: Stat): Promise<boolean> {
    const ephemeral = stat.ephemeralOwner !== 0n;
    if (!ephemeral || stat.ephemeralOwner === this.client.sessionId) return false;
    if (!this.uniqueName()) return false;
    await this.client.delete(path, stat.version).catch((err: unknown) => {
      if (!(err instanceof NoNodeError)) throw err;
    });
    this.actual = undefined;
    return true;
  }

  private uniqueName(): boolean {
    return this.options.useProtection === true || this.mode.includes('SEQUENTIAL');
  }

  /** Creates the node; a fixed path that already exists counts as made (its data is set to ours). */
  private async create(): Promise<string | undefined> {
    const ttl = this.options.ttlMs === undefined ? {} : { ttlMs: this.options.ttlMs };
    if (this.options.useProtection === true) {
      return protectedCreate(this.client, this.parent, this.name, { mode: this.mode, data: this.data });
    }
    try {
      return await this.client.create(this.basePath, this.data, { mode: this.mode, ...ttl });
    } catch (err) {
      if (err instanceof NoNodeError) {
        await ensurePath(this.client, this.basePath);
        return undefined;
      }
      if (!(err instanceof NodeExistsError)) throw err;
    }
    await this.client.setData(this.basePath, this.data).catch((err: unknown) => {
      if (!(err instanceof NoNodeError)) throw err;
    });
    return this.basePath;
  }

  private markCreated(path: string): void {
    this.createdOnce = true;
    for (const w of [...this.createdWaiters]) w();
    this.emit('created', path);
  }
}
