import { randomUUID } from 'node:crypto';
import type { CoordClient } from '../../client/client.js';
import { TypedEmitter } from '../../client/emitter.js';
import { RetryPolicy } from '../../client/retry.js';
import type { ConnectionState, WatchEvent } from '../../client/types.js';
import { ClientClosedError, NodeExistsError, NoNodeError } from '../../errors/errors.js';
import { ensurePath } from '../internal/ensure-path.js';
import { Refresher } from '../shared/refresher.js';
import { createModeFor, deserializeInstance, isEphemeralType, serializeInstance, type ServiceInstance, type ServiceTypeName } from './pure/service-instance.js';
import { ServiceCache } from './service-cache.js';
import { ServiceProvider, type ServiceProviderOptions } from './service-provider.js';

export interface ServiceDiscoveryOptions {
  /** Root of the registry, e.g. '/services'. */
  readonly basePath: string;
  /** Re-register an instance of ours whose node is deleted while we are connected. Default true. */
  readonly watchInstances?: boolean;
  /** Retries registry writes after connection loss. Default 10 retries, 20..1000 ms. */
  readonly retryPolicy?: RetryPolicy;
}

export interface ServiceDiscoveryEvents<P> {
  /** An instance of ours was (re-)registered at `path`. */
  registered: (instance: ServiceInstance<P>, path: string) => void;
  /** A background re-registration failed (it is tried again on the next reconnection). */
  error: (error: unknown) => void;
}

export interface NewInstance<P> {
  readonly name: string;
  readonly id?: string;
  readonly address?: string | null;
  readonly port?: number | null;
  readonly sslPort?: number | null;
  readonly payload?: P | null;
  readonly serviceType?: ServiceTypeName;
  readonly uriSpec?: string | null;
  readonly enabled?: boolean;
  readonly registrationTimeUTC?: number;
}

/** Fills in Curator's defaults: a random UUID id, now as registration time, DYNAMIC, enabled. */
export function serviceInstance<P>(fields: NewInstance<P>): ServiceInstance<P> {
  return {
    name: fields.name,
    id: fields.id ?? randomUUID(),
    address: fields.address ?? null,
    port: fields.port ?? null,
    sslPort: fields.sslPort ?? null,
    payload: fields.payload ?? null,
    registrationTimeUTC: fields.registrationTimeUTC ?? Date.now(),
    serviceType: fields.serviceType ?? 'DYNAMIC',
    uriSpec: fields.uriSpec ?? null,
    enabled: fields.enabled ?? true,
  };
}

interface Registration<P> {
  instance: ServiceInstance<P>;
  /** Where the node is (the sequential name for DYNAMIC_SEQUENTIAL); undefined until created. */
  path: string | undefined;
}

/**
 * Curator's ServiceDiscovery: registers this process's service instances as JSON nodes at
 * `<basePath>/<name>/<id>` (mode by serviceType: DYNAMIC → EPHEMERAL, DYNAMIC_SEQUENTIAL →
 * EPHEMERAL_SEQUENTIAL, STATIC / PERMANENT → PERSISTENT), and queries and watches the registry.
 *
 * Connection states: while `suspended` nothing changes (ephemeral instances live as long as the
 * session). On `reconnected` every registered instance is checked and, when its node is gone —
 * always so after `lost`, since the old session's ephemerals died with it — registered again in
 * the new session, as Curator does on RECONNECTED; `registered` fires for each. Instances stay
 * registered until unregisterService() or close(), whatever the connection does.
 * A DYNAMIC_SEQUENTIAL create whose reply is lost may leave an extra ephemeral until the session ends.
 */
export class ServiceDiscovery<P = unknown> extends TypedEmitter<ServiceDiscoveryEvents<P>> {
  private readonly basePath: string;
  private readonly services = new Map<string, Registration<P>>();
  private readonly retry: RetryPolicy;
  private readonly watchInstances: boolean;
  private readonly reRegistration: Refresher;
  private readonly owned: { close(): Promise<void> }[] = [];
  private started = false;
  private closed = false;
  private readonly onState = (state: ConnectionState): void => {
    if (state === 'reconnected') void this.reRegistration.trigger();
  };
  private readonly nodeWatcher = (event: WatchEvent): void => {
    if (event.type === 'NodeDeleted') void this.reRegistration.trigger();
  };

  constructor(
    private readonly client: CoordClient,
    options: ServiceDiscoveryOptions,
  ) {
    super();
    this.basePath = options.basePath.replace(/\/+$/, '');
    this.retry = options.retryPolicy ?? new RetryPolicy({ baseSleepMs: 20, maxSleepMs: 1000, maxRetries: 10 });
    this.watchInstances = options.watchInstances ?? true;
    this.reRegistration = new Refresher(() => this.reRegisterAll(), (err) => this.emit('error', err));
  }

  /** Starts following connection states (for re-registration); registerService() calls it too. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.client.on('state', this.onState);
    await ensurePath(this.client, this.basePath, { includeSelf: true, containers: false });
  }

  /** The node path of a service, or of one instance of it. */
  pathFor(name: string, id?: string): string {
    return id === undefined ? `${this.basePath}/${name}` : `${this.basePath}/${name}/${id}`;
  }

  /** Registers (or re-registers with new data) an instance; it is kept registered across session loss. */
  async registerService(instance: ServiceInstance<P>): Promise<void> {
    this.assertOpen();
    await this.start();
    const registration: Registration<P> = { instance, path: this.services.get(instance.id)?.path };
    this.services.set(instance.id, registration);
    await this.write(registration, true);
  }

  /** Replaces the data of a registered instance. */
  async updateService(instance: ServiceInstance<P>): Promise<void> {
    const registration = this.services.get(instance.id);
    if (registration === undefined) throw new Error(`service instance ${instance.id} is not registered`);
    registration.instance = instance;
    await this.write(registration, true);
  }

  /** Removes an instance's node; it is no longer re-registered. */
  async unregisterService(instance: Pick<ServiceInstance<P>, 'id' | 'name'>): Promise<void> {
    const registration = this.services.get(instance.id);
    this.services.delete(instance.id);
    const path = registration?.path ?? this.pathFor(instance.name, instance.id);
    await this.retry.run(() => this.client.delete(path)).catch((err: unknown) => {
      if (!(err instanceof NoNodeError)) throw err;
    });
  }

  /** Names of all registered services. */
  async queryForNames(): Promise<string[]> {
    return this.childrenOf(this.basePath);
  }

  /** All instances of a service, ordered by id. */
  async queryForInstances(name: string): Promise<ServiceInstance<P>[]> {
    const out: ServiceInstance<P>[] = [];
    for (const child of await this.childrenOf(this.pathFor(name))) {
      const instance = await this.readInstance(`${this.pathFor(name)}/${child}`);
      if (instance !== null) out.push(instance);
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** One instance by id (for DYNAMIC_SEQUENTIAL the node name, id plus sequence), or null. */
  queryForInstance(name: string, id: string): Promise<ServiceInstance<P> | null> {
    return this.readInstance(this.pathFor(name, id));
  }

  /** A cache of one service's instances, closed with this discovery; call start() on it. */
  serviceCache(name: string): ServiceCache<P> {
    const cache = new ServiceCache<P>(this.client, this.pathFor(name));
    this.owned.push(cache);
    return cache;
  }

  /** A provider over its own cache, closed with this discovery; call start() on it. */
  serviceProvider(name: string, options: ServiceProviderOptions = {}): ServiceProvider<P> {
    const provider = new ServiceProvider<P>(new ServiceCache<P>(this.client, this.pathFor(name)), options, true);
    this.owned.push(provider);
    return provider;
  }

  /** Unregisters every instance of ours (as Curator) and closes the caches and providers made here. */
  /** `await using` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.off('state', this.onState);
    await this.reRegistration.stop();
    await Promise.all(this.owned.splice(0).map((o) => o.close()));
    const registrations = [...this.services.values()];
    this.services.clear();
    for (const r of registrations) {
      if (r.path === undefined) continue;
      await this.client.delete(r.path).catch((err: unknown) => {
        // A closed client's ephemerals are gone already; a STATIC node then stays, as registered.
        if (!(err instanceof NoNodeError) && !(err instanceof ClientClosedError)) throw err;
      });
    }
  }

  private async reRegisterAll(): Promise<void> {
    for (const registration of [...this.services.values()]) {
      if (this.services.get(registration.instance.id) !== registration) continue;
      await this.write(registration, false);
    }
  }

  /**
   * Creates the instance's node, or makes sure it is there. `overwrite`: an existing node of ours
   * gets the current data (register/update); a re-registration leaves it alone.
   */
  private async write(registration: Registration<P>, overwrite: boolean): Promise<void> {
    const { instance } = registration;
    const ephemeral = isEphemeralType(instance.serviceType);
    const mode = createModeFor(instance.serviceType);
    const data = serializeInstance(instance);
    const session = (): bigint => this.client.sessionId;
    await this.retry.run(async () => {
      for (;;) {
        const existing = registration.path === undefined ? null : await this.client.exists(registration.path);
        if (existing !== null && registration.path !== undefined) {
          const ours = !ephemeral || existing.ephemeralOwner === session();
          if (ours) {
            if (overwrite) await this.client.setData(registration.path, data);
            return;
          }
        }
        const target = this.pathFor(instance.name, instance.id);
        try {
          const created = await this.client.create(target, data, { mode });
          if (this.services.get(instance.id) !== registration) {
            // Unregistered meanwhile: do not leave the node behind.
            await this.client.delete(created).catch(() => undefined);
            return;
          }
          registration.path = created;
          if (ephemeral && this.watchInstances) await this.client.exists(created, { watch: this.nodeWatcher });
          this.emit('registered', instance, created);
          return;
        } catch (err) {
          if (err instanceof NoNodeError) {
            await ensurePath(this.client, target);
            continue;
          }
          if (!(err instanceof NodeExistsError)) throw err;
          // Someone's node at our path: ours from a lost reply, another session's (its expiry not
          // yet processed), or a leftover persistent one. Take it over.
          const stat = await this.client.exists(target);
          if (stat === null) continue;
          if (!ephemeral || stat.ephemeralOwner === session()) {
            registration.path = target;
            if (overwrite || !ephemeral) await this.client.setData(target, data);
            if (ephemeral && this.watchInstances) await this.client.exists(target, { watch: this.nodeWatcher });
            this.emit('registered', instance, target);
            return;
          }
          await this.client.delete(target, stat.version).catch((e: unknown) => {
            if (!(e instanceof NoNodeError)) throw e;
          });
        }
      }
    });
  }

  private async childrenOf(path: string): Promise<string[]> {
    try {
      return (await this.client.getChildren(path)).sort();
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
  }

  private async readInstance(path: string): Promise<ServiceInstance<P> | null> {
    try {
      return deserializeInstance<P>((await this.client.getData(path)).data);
    } catch (err) {
      if (err instanceof NoNodeError) return null;
      throw err;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('ServiceDiscovery is closed');
  }
}
