import { RealClock, type Clock } from '../../util/clock.js';
import { DownInstancePolicy, type DownInstancePolicyOptions } from './pure/down-instance-policy.js';
import { RandomStrategy, type ProviderStrategy } from './pure/provider-strategy.js';
import type { ServiceInstance } from './pure/service-instance.js';
import type { ServiceCache } from './service-cache.js';

export interface ServiceProviderOptions {
  /** Default: random (Math.random). */
  readonly strategy?: ProviderStrategy;
  /** Default: Curator's 30 s / 2 errors. */
  readonly downInstancePolicy?: DownInstancePolicyOptions;
  /** Time for the down-instance policy; inject a ManualClock in tests. */
  readonly clock?: Pick<Clock, 'now'>;
}

/**
 * Hands out one instance of a service at a time (Curator's ServiceProvider): from the cache's
 * current instances, minus disabled ones and ones the down-instance policy has marked down,
 * picked by the strategy. getInstance() is synchronous and reads only the local cache.
 *
 * Connection states: follows its ServiceCache (stale while `suspended`, re-read on
 * `reconnected` and after `lost`); noted errors are kept across all of them.
 */
export class ServiceProvider<P = unknown> {
  private readonly strategy: ProviderStrategy;
  readonly downInstancePolicy: DownInstancePolicy;

  constructor(
    readonly cache: ServiceCache<P>,
    options: ServiceProviderOptions = {},
    private readonly ownsCache = false,
  ) {
    this.strategy = options.strategy ?? new RandomStrategy(Math.random);
    this.downInstancePolicy = new DownInstancePolicy(options.clock ?? RealClock, options.downInstancePolicy);
  }

  /** Starts the underlying cache when this provider owns it. */
  async start(): Promise<void> {
    if (this.ownsCache) await this.cache.start();
  }

  /** An instance to use, or undefined when none is available. */
  getInstance(): ServiceInstance<P> | undefined {
    return this.strategy.getInstance(this.available());
  }

  /** Every instance known, including disabled and down ones. */
  getAllInstances(): ServiceInstance<P>[] {
    return this.cache.getInstances();
  }

  /** Reports that using `instance` failed; enough of these mark it down for a while. */
  noteError(instance: ServiceInstance<P>): void {
    this.downInstancePolicy.noteError(instance);
    this.strategy.noteError?.(instance);
  }

  /** `await using` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    if (this.ownsCache) await this.cache.close();
  }

  private available(): ServiceInstance<P>[] {
    return this.cache.getInstances().filter((i) => i.enabled && !this.downInstancePolicy.isDown(i));
  }
}
