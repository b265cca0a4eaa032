import { CoordError } from '../errors/errors.js';
import { RealClock, type Clock } from '../util/clock.js';

export interface RetryPolicyOptions {
  /** First backoff; attempt n sleeps base × random(1 .. 2^(n+1)), as Curator's ExponentialBackoffRetry. Default 100. */
  readonly baseSleepMs?: number;
  /** Cap on one sleep. Default 10000. */
  readonly maxSleepMs?: number;
  /** Retries after the first attempt. Default 5. */
  readonly maxRetries?: number;
  /** Which errors to retry. Default: CoordError with `retriable` (connection loss, timeouts, ...). */
  readonly isRetriable?: (error: unknown) => boolean;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** Bounded exponential backoff with jitter, for recipes and user code. */
export class RetryPolicy {
  private readonly baseSleepMs: number;
  private readonly maxSleepMs: number;
  readonly maxRetries: number;
  private readonly isRetriable: (error: unknown) => boolean;
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(options: RetryPolicyOptions = {}) {
    this.baseSleepMs = options.baseSleepMs ?? 100;
    this.maxSleepMs = options.maxSleepMs ?? 10_000;
    this.maxRetries = Math.min(options.maxRetries ?? 5, 29);
    this.isRetriable = options.isRetriable ?? ((e) => e instanceof CoordError && e.retriable);
    this.clock = options.clock ?? RealClock;
    this.random = options.random ?? Math.random;
  }

  /** The sleep before retry number `retry` (0-based). */
  delayFor(retry: number): number {
    const spread = 2 ** (Math.min(retry, 29) + 1);
    const factor = Math.max(1, Math.floor(this.random() * spread) + 1);
    return Math.min(this.maxSleepMs, this.baseSleepMs * factor);
  }

  /** Runs `fn` until it succeeds, fails with a non-retriable error, or retries run out. */
  async run<T>(fn: (attempt: number) => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    // An already aborted signal means the caller no longer wants the result: do not start.
    options.signal?.throwIfAborted();
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(attempt);
      } catch (err) {
        if (attempt >= this.maxRetries || !this.isRetriable(err) || options.signal?.aborted) throw err;
        await this.sleep(this.delayFor(attempt), options.signal);
      }
    }
  }

  private sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        timer.cancel();
        reject(signal?.reason);
      };
      const timer = this.clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
