import { TypedEmitter } from '../../client/emitter.js';
import type { CoordClient } from '../../client/client.js';
import type { ConnectionState, Stat, WatchEvent } from '../../client/types.js';
import { BadVersionError, NodeExistsError, NoNodeError } from '../../errors/errors.js';
import { ensurePath } from '../internal/ensure-path.js';
import { Refresher } from './refresher.js';

/** A value with the node version it was read at: the token for a versioned trySet. */
export interface VersionedValue<T> {
  readonly value: T;
  /** The znode's data version; -1 before the first read. */
  readonly version: number;
}

export interface SharedNodeEvents<T> {
  /** The value changed (seen through a data watch, a write of ours, or a re-read after reconnect). */
  change: (value: VersionedValue<T>) => void;
  /** A background read failed with something other than a connection problem. */
  error: (error: unknown) => void;
}

export interface ValueCodec<T> {
  encode(value: T): Uint8Array;
  decode(data: Uint8Array): T;
}

/**
 * The engine under SharedValue and SharedCount (Curator's SharedValue): one persistent node,
 * mirrored locally through a data watch; writes are unconditional (set) or versioned (trySet).
 *
 * Connection states: while `suspended` the local value is the last one seen and may be stale;
 * writes wait for the connection (the client queues them). On `reconnected` (same session: the
 * watch was replayed with SetWatches) and after `lost` (new session: one-shot watches are gone)
 * the node is read again and `change` fires if the value moved meanwhile. Intermediate values
 * written while disconnected are not replayed: listeners see the latest value, not every value.
 */
export class SharedNode<T> extends TypedEmitter<SharedNodeEvents<T>> {
  private current: { value: T; version: number; mzxid: bigint };
  private readonly refresher: Refresher;
  private started = false;
  private closed = false;
  private readonly onState = (state: ConnectionState): void => {
    if (state === 'reconnected' || state === 'connected') void this.refresher.trigger();
  };
  private readonly watcher = (event: WatchEvent): void => {
    if (event.type === 'NodeDataChanged' || event.type === 'NodeCreated' || event.type === 'NodeDeleted') void this.refresher.trigger();
  };

  constructor(
    protected readonly client: CoordClient,
    readonly path: string,
    private readonly seed: T,
    private readonly codec: ValueCodec<T>,
  ) {
    super();
    this.current = { value: seed, version: -1, mzxid: -1n };
    this.refresher = new Refresher(() => this.read(), (err) => this.emit('error', err));
  }

  /** Creates the node with the seed value when missing (parents as containers), reads it and starts watching. */
  async start(): Promise<void> {
    if (this.started) throw new Error(`${this.path}: already started`);
    this.started = true;
    await ensurePath(this.client, this.path);
    try {
      await this.client.create(this.path, this.codec.encode(this.seed));
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
    }
    this.client.on('state', this.onState);
    await this.read();
  }

  /** The last value seen (the seed before start()). */
  get value(): T {
    return this.current.value;
  }

  get versionedValue(): VersionedValue<T> {
    return { value: this.current.value, version: this.current.version };
  }

  /** Sets the value whatever its version. */
  async set(value: T): Promise<void> {
    const stat = await this.client.setData(this.path, this.codec.encode(value), -1);
    this.accept(value, stat);
  }

  /**
   * Sets the value only if the node is still at `previous.version`. Of several writers racing
   * from the same version exactly one wins; the others get false (and the local value is re-read).
   */
  async trySet(previous: VersionedValue<T>, value: T): Promise<boolean> {
    try {
      const stat = await this.client.setData(this.path, this.codec.encode(value), previous.version);
      this.accept(value, stat);
      return true;
    } catch (err) {
      if (!(err instanceof BadVersionError) && !(err instanceof NoNodeError)) throw err;
      await this.refresher.trigger();
      return false;
    }
  }

  /** `await using` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.off('state', this.onState);
    await this.refresher.stop();
  }

  private async read(): Promise<void> {
    if (this.closed) return;
    try {
      const { data, stat } = await this.client.getData(this.path, { watch: this.watcher });
      this.accept(this.codec.decode(data), stat);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      // Deleted: keep the last value and wait for the node to come back.
      if ((await this.client.exists(this.path, { watch: this.watcher })) !== null) void this.refresher.trigger();
    }
  }

  /** Keeps the newest state: mzxid orders writes across versions and node re-creation. */
  private accept(value: T, stat: Stat): void {
    if (stat.mzxid <= this.current.mzxid) return;
    this.current = { value, version: stat.version, mzxid: stat.mzxid };
    if (!this.closed) this.emit('change', { value, version: stat.version });
  }
}
