/**
 * The lock hand-off loop of `coord bench recipes`: N contenders take one lock in turn, each
 * releasing it as soon as it has it. A hand-off is timed from the holder's release() call to the
 * moment the next holder's acquire() resolves (with one contender: its own re-acquire). The lock
 * is abstract, so the loop is unit-tested against an in-process fake.
 */
import { setMaxListeners } from 'node:events';
import { LatencyRecorder, type RoundSample } from './latency.js';

/** What the loop needs of a lock: the Mutex recipe fits it. */
export interface HandoffLock {
  acquire(options: { readonly signal: AbortSignal }): Promise<{ release(): Promise<void> }>;
}

export interface HandoffPlan {
  /** Hand-offs before measuring starts (not recorded). */
  readonly warmup: number;
  /** Hand-offs recorded. */
  readonly measured: number;
}

/** The warm-up for `contenders`: every contender has the lock at least once, and at least 20 hand-offs. */
export function handoffWarmup(contenders: number): number {
  return Math.max(20, contenders);
}

/**
 * Runs the contenders until `plan.measured` hand-offs after `plan.warmup` have been recorded,
 * then aborts the waiting acquires. elapsedMs runs from the first measured release() call to the
 * last measured grant, so hand-offs/s = measured / elapsed. The first failure ends the loop and
 * is thrown after every contender has stopped.
 */
export async function runHandoffs(locks: readonly HandoffLock[], plan: HandoffPlan, now: () => number): Promise<RoundSample> {
  if (locks.length === 0) throw new RangeError('runHandoffs needs at least one lock');
  const latencies = new LatencyRecorder(plan.measured);
  const stop = new AbortController();
  // Every waiting acquire listens on this one signal: one listener per contender is expected, not a leak.
  setMaxListeners(locks.length + 10, stop.signal);
  const target = plan.warmup + plan.measured;
  let handoffs = 0;
  let releasedAt: number | undefined;
  let startedAt = Number.NaN;
  let endedAt = Number.NaN;
  let failure: { error: unknown } | undefined;

  const contend = async (lock: HandoffLock): Promise<void> => {
    while (!stop.signal.aborted) {
      let lease: { release(): Promise<void> };
      try {
        lease = await lock.acquire({ signal: stop.signal });
      } catch (err) {
        if (stop.signal.aborted) return;
        throw err;
      }
      const at = now();
      if (releasedAt !== undefined) {
        handoffs++;
        if (handoffs > plan.warmup) latencies.record(at - releasedAt);
        if (handoffs === target) {
          endedAt = at;
          stop.abort(new Error('enough hand-offs'));
        }
      }
      if (stop.signal.aborted) {
        await lease.release();
        return;
      }
      releasedAt = now();
      if (handoffs === plan.warmup) startedAt = releasedAt;
      await lease.release();
    }
  };

  await Promise.all(
    locks.map((lock) =>
      contend(lock).catch((error: unknown) => {
        failure ??= { error };
        stop.abort(error);
      }),
    ),
  );
  if (failure !== undefined) throw failure.error;
  return { latencies, elapsedMs: endedAt - startedAt, cpuMs: Number.NaN };
}
