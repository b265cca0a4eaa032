import type { CoordClient } from '../../client/client.js';
import { TypedEmitter } from '../../client/emitter.js';
import type { ConnectionState, WatchEvent } from '../../client/types.js';
import { NoNodeError } from '../../errors/errors.js';
import { Refresher } from '../shared/refresher.js';
import { deserializeInstance, type ServiceInstance } from './pure/service-instance.js';

export interface ServiceCacheEvents<P> {
  /** The set of instances (or one's data) changed; the argument is the new list, ordered by id. */
  change: (instances: readonly ServiceInstance<P>[]) => void;
  /** A background read failed, or an instance node held data that is not a ServiceInstance. */
  error: (error: unknown) => void;
}

/**
 * A local mirror of one service's instances (Curator's ServiceCache), kept by a child watch on
 * `<basePath>/<name>` and a data watch on each instance node. Bursts of events are coalesced:
 * listeners see the latest list, possibly skipping intermediate ones.
 *
 * Connection states: while `suspended` the list is the last one seen (instances may have gone);
 * on `reconnected` (same session, watches replayed) and after `lost` (new session, one-shot
 * watches gone) everything is read again and `change` fires when the list differs.
 */
export class ServiceCache<P = unknown> extends TypedEmitter<ServiceCacheEvents<P>> {
  private instances = new Map<string, { instance: ServiceInstance<P>; json: string }>();
  private readonly dirty = new Set<string>();
  private readonly refresher: Refresher;
  private started = false;
  private closed = false;
  private readonly onState = (state: ConnectionState): void => {
    if (state !== 'reconnected') return;
    for (const child of this.instances.keys()) this.dirty.add(child);
    void this.refresher.trigger();
  };
  private readonly childWatcher = (event: WatchEvent): void => {
    if (event.type !== 'NodeChildrenChanged' && event.type !== 'NodeCreated' && event.type !== 'NodeDeleted') return;
    void this.refresher.trigger();
  };
  private readonly dataWatcher = (event: WatchEvent): void => {
    if (event.type !== 'NodeDataChanged') return;
    this.dirty.add(event.path.slice(this.path.length + 1));
    void this.refresher.trigger();
  };

  constructor(
    private readonly client: CoordClient,
    /** `<basePath>/<serviceName>`. */
    readonly path: string,
  ) {
    super();
    this.refresher = new Refresher(() => this.refresh(), (err) => this.emit('error', err));
  }

  /** Loads the instances and starts watching; resolves once the first list is in. */
  async start(): Promise<void> {
    if (this.started) throw new Error(`${this.path}: cache already started`);
    this.started = true;
    this.client.on('state', this.onState);
    await this.refresh();
  }

  /** The instances last seen, ordered by id. */
  getInstances(): ServiceInstance<P>[] {
    return [...this.instances.values()].map((e) => e.instance).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Resolves after a full re-read that started after this call (e.g. to order a test). */
  refreshNow(): Promise<void> {
    return this.refresher.trigger();
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

  private async refresh(): Promise<void> {
    if (this.closed) return;
    let children: string[];
    try {
      children = await this.client.getChildren(this.path, { watch: this.childWatcher });
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      // No instance has registered yet (or the container was reaped): wait for the parent.
      if ((await this.client.exists(this.path, { watch: this.childWatcher })) !== null) void this.refresher.trigger();
      children = [];
    }
    const next = new Map<string, { instance: ServiceInstance<P>; json: string }>();
    let changed = false;
    for (const child of children) {
      const known = this.instances.get(child);
      if (known !== undefined && !this.dirty.has(child)) {
        next.set(child, known);
        continue;
      }
      this.dirty.delete(child);
      try {
        const { data } = await this.client.getData(`${this.path}/${child}`, { watch: this.dataWatcher });
        const json = new TextDecoder().decode(data);
        if (known?.json === json) {
          next.set(child, known);
          continue;
        }
        next.set(child, { instance: deserializeInstance<P>(data), json });
        changed = true;
      } catch (err) {
        if (err instanceof NoNodeError) continue; // gone between the two reads; the child watch will tell
        if (err instanceof TypeError || err instanceof SyntaxError) {
          this.emit('error', err);
          continue;
        }
        throw err;
      }
    }
    for (const child of this.instances.keys()) if (!next.has(child)) changed = true;
    this.instances = next;
    if (changed && !this.closed) this.emit('change', this.getInstances());
  }
}
