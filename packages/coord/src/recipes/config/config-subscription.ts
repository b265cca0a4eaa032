import type { CoordClient } from '../../client/client.js';
import type { ConnectionState, WatchEvent } from '../../client/types.js';
import { NoNodeError } from '../../errors/errors.js';
import { Refresher } from '../shared/refresher.js';

/** A document read or delivered: the parsed value and where it stands in the node's history. */
export interface ConfigVersion<T> {
  readonly value: T;
  /** The node's data version: 0 for the first publish, +1 per publish. */
  readonly version: number;
  /** The zxid of the publish; strictly increasing along the changes a subscriber sees. */
  readonly mzxid: bigint;
}

export interface SubscribeOptions<T> {
  /** Turns the stored bytes into the typed document; a throw goes to onError and the last good value stays. */
  readonly parse: (data: Uint8Array) => T;
  /** The initial state, then every change seen: a new version, or null when the document does not exist. */
  readonly onChange: (config: ConfigVersion<T> | null) => void;
  /** A parse failure or a failed background read. */
  readonly onError?: (error: unknown) => void;
}

/**
 * One subscriber's view of a config document, fed by a data (or exists) watch.
 *
 * Delivery: onChange is called with the initial state before subscribe() resolves, then once
 * per change seen, in order, never twice for the same version, never going back (mzxid strictly
 * increases). Changes that land close together — or while the connection is down — may be
 * **coalesced**: a watch fires once, and the re-read returns the latest document, so a subscriber
 * can skip intermediate versions (the `version` field shows the gap). Where every intermediate
 * document matters, publish to a queue or sequential nodes instead.
 *
 * Connection states: while `suspended` the last value stands (it may be stale). On
 * `reconnected` (same session: the watch was replayed with SetWatches and fires for a change
 * made meanwhile) and after `lost` (new session: one-shot watches are gone) the document is read
 * again, and onChange fires if it moved. So a subscription survives drops and session loss.
 */
export class ConfigSubscription<T> {
  private lastMzxid = -1n;
  private lastExists: boolean | undefined;
  private currentValue: ConfigVersion<T> | null = null;
  private readonly refresher: Refresher;
  private closed = false;
  private readonly onState = (state: ConnectionState): void => {
    if (state === 'reconnected') void this.refresher.trigger();
  };
  private readonly watcher = (event: WatchEvent): void => {
    if (event.type === 'NodeDataChanged' || event.type === 'NodeCreated' || event.type === 'NodeDeleted') void this.refresher.trigger();
  };

  constructor(
    private readonly client: CoordClient,
    readonly path: string,
    private readonly options: SubscribeOptions<T>,
    private readonly onClose: () => void,
  ) {
    this.refresher = new Refresher(() => this.read(), (err) => this.options.onError?.(err));
  }

  /** The last state delivered. */
  get current(): ConfigVersion<T> | null {
    return this.currentValue;
  }

  /** Delivers the initial state. A failed first read goes to onError and is retried on the next reconnection. */
  async start(): Promise<void> {
    this.client.on('state', this.onState);
    await this.refresher.trigger();
  }

  /** `await using` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.off('state', this.onState);
    this.onClose();
    await this.refresher.stop();
  }

  private async read(): Promise<void> {
    if (this.closed) return;
    try {
      const { data, stat } = await this.client.getData(this.path, { watch: this.watcher });
      if (stat.mzxid <= this.lastMzxid) return;
      this.lastMzxid = stat.mzxid;
      let value: T;
      try {
        value = this.options.parse(data);
      } catch (err) {
        this.options.onError?.(err);
        return;
      }
      this.deliver({ value, version: stat.version, mzxid: stat.mzxid });
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      if ((await this.client.exists(this.path, { watch: this.watcher })) !== null) {
        void this.refresher.trigger();
        return;
      }
      if (this.lastExists !== false) this.deliver(null);
    }
  }

  private deliver(config: ConfigVersion<T> | null): void {
    if (this.closed) return;
    this.lastExists = config !== null;
    this.currentValue = config;
    this.options.onChange(config);
  }
}
