import type { ServiceInstance } from './service-instance.js';

/**
 * Picks one instance from those a ServiceProvider currently offers (already without disabled
 * and down instances). Curator's ProviderStrategy. Pure: randomness is passed in.
 */
export interface ProviderStrategy {
  getInstance<P>(instances: readonly ServiceInstance<P>[]): ServiceInstance<P> | undefined;
  /** Told when the caller reported an error for an instance (sticky strategies let go of it). */
  noteError?(instance: ServiceInstance<unknown>): void;
}

/** Uniformly random (Curator's RandomStrategy). */
export class RandomStrategy implements ProviderStrategy {
  constructor(private readonly random: () => number) {}

  getInstance<P>(instances: readonly ServiceInstance<P>[]): ServiceInstance<P> | undefined {
    if (instances.length === 0) return undefined;
    return instances[Math.min(instances.length - 1, Math.floor(this.random() * instances.length))];
  }
}

/**
 * Each instance in turn (Curator's RoundRobinStrategy). The rotation is over the list as it is at
 * each call, ordered by id by the provider, so it stays fair while instances come and go.
 */
export class RoundRobinStrategy implements ProviderStrategy {
  private index = 0;

  getInstance<P>(instances: readonly ServiceInstance<P>[]): ServiceInstance<P> | undefined {
    if (instances.length === 0) return undefined;
    const chosen = instances[this.index % instances.length];
    this.index = (this.index + 1) % Number.MAX_SAFE_INTEGER;
    return chosen;
  }
}

/**
 * Keeps returning the same instance while it is offered; picks a new one with `inner` when it
 * goes away or an error is noted for it (Curator's StickyStrategy).
 */
export class StickyStrategy implements ProviderStrategy {
  private stuckId: string | undefined;

  constructor(private readonly inner: ProviderStrategy) {}

  getInstance<P>(instances: readonly ServiceInstance<P>[]): ServiceInstance<P> | undefined {
    const stuck = this.stuckId === undefined ? undefined : instances.find((i) => i.id === this.stuckId);
    if (stuck !== undefined) return stuck;
    const chosen = this.inner.getInstance(instances);
    this.stuckId = chosen?.id;
    return chosen;
  }

  noteError(instance: ServiceInstance<unknown>): void {
    if (instance.id === this.stuckId) this.stuckId = undefined;
    this.inner.noteError?.(instance);
  }
}
