import type { Clock } from '../../../util/clock.js';
import type { ServiceInstance } from './service-instance.js';

export interface DownInstancePolicyOptions {
  /** How long an instance stays down after its last noted error. Default 30000 (Curator). */
  readonly timeoutMs?: number;
  /** Errors within the timeout that make an instance down. Default 2 (Curator). */
  readonly errorThreshold?: number;
}

/**
 * Curator's DownInstancePolicy: callers report failures with noteError(instance); an instance
 * with `errorThreshold` errors, each within `timeoutMs` of the one before, is down (not handed
 * out) until `timeoutMs` has passed since its last error. Then its count starts again from 0.
 * Instances are identified by id. Pure: time comes from the injected clock.
 */
export class DownInstancePolicy {
  readonly timeoutMs: number;
  readonly errorThreshold: number;
  private readonly errors = new Map<string, { count: number; lastMs: number }>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    options: DownInstancePolicyOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.errorThreshold = options.errorThreshold ?? 2;
    if (!(this.timeoutMs >= 0) || !(this.errorThreshold >= 1)) throw new RangeError('DownInstancePolicy: timeoutMs >= 0 and errorThreshold >= 1 required');
  }

  noteError(instance: ServiceInstance<unknown>): void {
    const now = this.clock.now();
    const entry = this.current(instance.id, now);
    this.errors.set(instance.id, { count: (entry?.count ?? 0) + 1, lastMs: now });
  }

  isDown(instance: ServiceInstance<unknown>): boolean {
    const entry = this.current(instance.id, this.clock.now());
    return entry !== undefined && entry.count >= this.errorThreshold;
  }

  /** Forgets every noted error. */
  reset(): void {
    this.errors.clear();
  }

  private current(id: string, now: number): { count: number; lastMs: number } | undefined {
    const entry = this.errors.get(id);
    if (entry === undefined) return undefined;
    if (now - entry.lastMs >= this.timeoutMs) {
      this.errors.delete(id);
      return undefined;
    }
    return entry;
  }
}
