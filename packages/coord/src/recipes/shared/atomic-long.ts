import { randomUUID } from 'node:crypto';
import type { CoordClient } from '../../client/client.js';
import { RetryPolicy } from '../../client/retry.js';
import { BadVersionError, ConnectionLossError, NodeExistsError, NoNodeError, SessionExpiredError } from '../../errors/errors.js';
import { RealClock, type Clock } from '../../util/clock.js';
import { ensurePath } from '../internal/ensure-path.js';
import { AtomicOutcomeUnknownError, type AtomicStats, type AtomicValue, type PromotableLock } from './atomic-value.js';
import { decodeInt64, encodeInt64, wrapInt64 } from './pure/codec.js';

export interface PromotedToLock {
  /** Taken when the optimistic tries are exhausted; the update is then retried under it. */
  readonly lock: PromotableLock;
  /** Passed to acquire(). A lock that times out makes the operation fail with the lock's error. */
  readonly acquireTimeoutMs?: number;
  /** Tries under the lock (only writers that bypass the lock can make them fail). Default: 3 retries, 10 ms base. */
  readonly retryPolicy?: RetryPolicy;
}

export interface DistributedAtomicLongOptions {
  /** Optimistic tries: maxRetries further compare-and-set attempts, sleeping delayFor(n) between. Default 5 retries, 10..500 ms. */
  readonly retryPolicy?: RetryPolicy;
  /** Optional promotion to a lock once the optimistic tries are exhausted (Curator's PromotedToLock). */
  readonly promotedToLock?: PromotedToLock;
  /** Retries reads after connection loss. Default 10 retries, 20..500 ms. */
  readonly connectionRetryPolicy?: RetryPolicy;
  /** Used for the sleeps between optimistic tries and for the stats. */
  readonly clock?: Clock;
}

type Attempt = { readonly done: true; readonly pre: bigint; readonly post: bigint } | { readonly done: false; readonly pre: bigint };

/**
 * Curator's DistributedAtomicLong: an int64 (8 bytes big-endian, Curator-compatible) in one
 * persistent node, updated by optimistic compare-and-set (read value and version, then
 * setData(version)); a lost race is retried per the RetryPolicy, then optionally under a lock.
 * A missing node reads as 0 and is created by the first write.
 *
 * No lost or doubled update, even when a reply is lost with the connection: every write is a
 * multi that also stamps a nonce into this instance's ephemeral *outcome marker*
 * (`<path>-writers/<uuid>`, under a container). After a connection loss the marker is read back:
 * it holds the nonce exactly when the write committed. (Curator cannot tell, and may apply an
 * increment twice.)
 *
 * Connection states: while `suspended`, operations wait for the connection (the client queues
 * calls); on `reconnected` an in-flight write is resolved through its marker as above. On `lost`
 * the marker dies with the session, so a write whose reply was lost then fails with
 * AtomicOutcomeUnknownError; later operations make a new marker in the new session.
 */
export class DistributedAtomicLong {
  private readonly retryPolicy: RetryPolicy;
  private readonly connectionRetry: RetryPolicy;
  private readonly clock: Clock;
  private readonly markerParent: string;
  private readonly marker: string;
  private markerSession = 0n;

  constructor(
    private readonly client: CoordClient,
    readonly path: string,
    private readonly options: DistributedAtomicLongOptions = {},
  ) {
    this.clock = options.clock ?? RealClock;
    this.retryPolicy = options.retryPolicy ?? new RetryPolicy({ baseSleepMs: 10, maxSleepMs: 500, maxRetries: 5, clock: this.clock });
    this.connectionRetry = options.connectionRetryPolicy ?? new RetryPolicy({ baseSleepMs: 20, maxSleepMs: 500, maxRetries: 10 });
    this.markerParent = `${path}-writers`;
    this.marker = `${this.markerParent}/${randomUUID()}`;
  }

  /** The current value (0 when the node does not exist); always succeeded. */
  async get(): Promise<AtomicValue<bigint>> {
    const { value } = await this.read();
    return { succeeded: true, preValue: value, postValue: value, stats: emptyStats() };
  }

  increment(): Promise<AtomicValue<bigint>> {
    return this.add(1n);
  }

  decrement(): Promise<AtomicValue<bigint>> {
    return this.add(-1n);
  }

  subtract(delta: bigint): Promise<AtomicValue<bigint>> {
    return this.add(-delta);
  }

  /** Adds `delta` (wrapping on overflow like Java's long). */
  add(delta: bigint): Promise<AtomicValue<bigint>> {
    return this.update((pre) => wrapInt64(pre + delta));
  }

  /** Sets the value whatever it was, retried like add(). */
  trySet(newValue: bigint): Promise<AtomicValue<bigint>> {
    return this.update(() => newValue);
  }

  /** Sets the value once, without retries, when it is `expected` now (one try, as Curator). */
  async compareAndSet(expected: bigint, newValue: bigint): Promise<AtomicValue<bigint>> {
    const started = this.clock.now();
    const attempt = await this.tryOnce((pre) => (pre === expected ? newValue : undefined));
    const stats = { ...emptyStats(), optimisticTries: 1, optimisticTimeMs: this.clock.now() - started };
    return attempt.done ? { succeeded: true, preValue: attempt.pre, postValue: attempt.post, stats } : { succeeded: false, preValue: attempt.pre, postValue: attempt.pre, stats };
  }

  /** Creates the node with `value` if it does not exist; false when it already did. */
  async initialize(value: bigint): Promise<boolean> {
    await ensurePath(this.client, this.path);
    try {
      await this.client.create(this.path, encodeInt64(value));
      return true;
    } catch (err) {
      if (err instanceof NodeExistsError) return false;
      throw err;
    }
  }

  /** Removes this instance's outcome marker (it also goes when the session ends). */
  /** `await using` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    if (this.markerSession === 0n) return;
    this.markerSession = 0n;
    await this.client.delete(this.marker).catch((err: unknown) => {
      if (!(err instanceof NoNodeError) && !(err instanceof ConnectionLossError)) throw err;
    });
  }

  private async update(make: (pre: bigint) => bigint): Promise<AtomicValue<bigint>> {
    const stats = { ...emptyStats() };
    const started = this.clock.now();
    let last = 0n;
    for (let retry = 0; ; retry++) {
      stats.optimisticTries++;
      const attempt = await this.tryOnce(make);
      if (attempt.done) return { succeeded: true, preValue: attempt.pre, postValue: attempt.post, stats: { ...stats, optimisticTimeMs: this.clock.now() - started } };
      last = attempt.pre;
      if (retry >= this.retryPolicy.maxRetries) break;
      await this.sleep(this.retryPolicy.delayFor(retry));
    }
    stats.optimisticTimeMs = this.clock.now() - started;
    const promoted = this.options.promotedToLock;
    if (promoted === undefined) return { succeeded: false, preValue: last, postValue: last, stats };

    const promotedStarted = this.clock.now();
    const policy = promoted.retryPolicy ?? new RetryPolicy({ baseSleepMs: 10, maxRetries: 3, clock: this.clock });
    const lease = await promoted.lock.acquire(promoted.acquireTimeoutMs === undefined ? {} : { timeoutMs: promoted.acquireTimeoutMs });
    try {
      for (let retry = 0; ; retry++) {
        stats.promotedLockTries++;
        const attempt = await this.tryOnce(make);
        if (attempt.done) return { succeeded: true, preValue: attempt.pre, postValue: attempt.post, stats: { ...stats, promotedTimeMs: this.clock.now() - promotedStarted } };
        last = attempt.pre;
        if (retry >= policy.maxRetries) break;
        await this.sleep(policy.delayFor(retry));
      }
    } finally {
      await lease.release();
    }
    return { succeeded: false, preValue: last, postValue: last, stats: { ...stats, promotedTimeMs: this.clock.now() - promotedStarted } };
  }

  /** One compare-and-set. `make` returning undefined means "do not write". */
  private async tryOnce(make: (pre: bigint) => bigint | undefined): Promise<Attempt> {
    const { value: pre, version } = await this.read();
    const post = make(pre);
    if (post === undefined) return { done: false, pre };
    const bytes = encodeInt64(post);
    for (;;) {
      await this.ensureMarker();
      const nonce = randomUUID();
      const tx = this.client.multi();
      if (version === undefined) tx.create(this.path, bytes);
      else tx.setData(this.path, bytes, version);
      tx.setData(this.marker, nonce);
      try {
        await tx.commit();
        return { done: true, pre, post };
      } catch (err) {
        if (err instanceof BadVersionError || err instanceof NodeExistsError) return { done: false, pre };
        if (err instanceof NoNodeError) {
          if (err.transaction?.failedIndex === 1) {
            // Our marker went with a lost session: make a new one and write again.
            this.markerSession = 0n;
            continue;
          }
          if (version === undefined) {
            // The parent is missing: create it and write again.
            await ensurePath(this.client, this.path);
            continue;
          }
          return { done: false, pre };
        }
        if (err instanceof ConnectionLossError || err instanceof SessionExpiredError) {
          return (await this.committed(nonce, err)) ? { done: true, pre, post } : { done: false, pre };
        }
        throw err;
      }
    }
  }

  /** After a lost reply: did the write commit? Its marker holds the nonce exactly when it did. */
  private async committed(nonce: string, cause: unknown): Promise<boolean> {
    try {
      const { data } = await this.connectionRetry.run(() => this.client.getData(this.marker));
      return new TextDecoder().decode(data) === nonce;
    } catch (err) {
      if (err instanceof NoNodeError) {
        this.markerSession = 0n;
        throw new AtomicOutcomeUnknownError(this.path, cause);
      }
      throw err;
    }
  }

  private async ensureMarker(): Promise<void> {
    const session = this.client.sessionId;
    if (this.markerSession !== 0n && this.markerSession === session) return;
    await this.connectionRetry.run(async () => {
      await ensurePath(this.client, this.markerParent, { includeSelf: true });
      try {
        await this.client.create(this.marker, null, { mode: 'EPHEMERAL' });
      } catch (err) {
        if (err instanceof NoNodeError) throw new ConnectionLossError({ message: `${this.markerParent} vanished (an empty container); retrying` });
        if (!(err instanceof NodeExistsError)) throw err;
      }
    });
    this.markerSession = this.client.sessionId;
  }

  private async read(): Promise<{ value: bigint; version: number | undefined }> {
    try {
      const { data, stat } = await this.connectionRetry.run(() => this.client.getData(this.path));
      return { value: decodeInt64(data), version: stat.version };
    } catch (err) {
      if (err instanceof NoNodeError) return { value: 0n, version: undefined };
      throw err;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms));
  }
}

function emptyStats(): { -readonly [K in keyof AtomicStats]: AtomicStats[K] } {
  return { optimisticTries: 0, promotedLockTries: 0, optimisticTimeMs: 0, promotedTimeMs: 0 };
}
