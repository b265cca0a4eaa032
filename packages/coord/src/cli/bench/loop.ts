import { LatencyRecorder } from './latency.js';
import type { StopRule } from './options.js';

/** One operation of a workload. `worker` and `seq` let an op build unique node names. */
export type BenchOp = (worker: number, seq: number) => Promise<unknown>;

export interface LoopResult {
  readonly latencies: LatencyRecorder;
  /** From the first op's start to the last op's end. */
  readonly elapsedMs: number;
  /** CPU time this process used during the loop (all threads: a native addon's too). */
  readonly cpuMs: number;
  /** The first failure, if any; the loop stops issuing ops as soon as one fails. */
  readonly error: Error | undefined;
}

export interface LoopClocks {
  /** Wall clock in milliseconds, high resolution. */
  readonly now: () => number;
  /** CPU time used by the process so far, in milliseconds. */
  readonly cpuMs: () => number;
}

export const REAL_CLOCKS: LoopClocks = {
  now: () => performance.now(),
  cpuMs: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
};

/**
 * A fixed-concurrency closed loop: `concurrency` workers share one client and each awaits one
 * op at a time, so exactly `concurrency` requests are outstanding (minus the instant between a
 * reply and the next send). Latency is measured per op around the awaited promise with
 * `clocks.now`, a high-resolution millisecond clock (performance.now by default; tests pass a
 * fake). The process's CPU time over the loop is recorded too: when the server is the
 * bottleneck every library reaches about the same ops/s, and CPU per op is what still differs.
 *
 * Stop rules: `duration` stops issuing new ops once the time is up and waits for the ops in
 * flight (they are counted: they were issued inside the window); `ops` hands out exactly `count`
 * tickets across the workers.
 */
export async function runLoop(op: BenchOp, concurrency: number, stop: StopRule, clocks: LoopClocks = REAL_CLOCKS): Promise<LoopResult> {
  const now = clocks.now;
  const latencies = new LatencyRecorder(stop.kind === 'ops' ? stop.count : 4096);
  let issued = 0;
  let error: Error | undefined;
  const cpuStart = clocks.cpuMs();
  const start = now();
  const deadline = stop.kind === 'duration' ? start + stop.ms : Number.POSITIVE_INFINITY;
  const limit = stop.kind === 'ops' ? stop.count : Number.POSITIVE_INFINITY;
  let end = start;

  const worker = async (id: number): Promise<void> => {
    let seq = 0;
    while (error === undefined && issued < limit) {
      const t0 = now();
      if (t0 >= deadline) return;
      issued++;
      try {
        await op(id, seq++);
      } catch (err) {
        error ??= err instanceof Error ? err : new Error(String(err));
        return;
      }
      const t1 = now();
      latencies.record(t1 - t0);
      if (t1 > end) end = t1;
    }
  };

  const workers: Promise<void>[] = [];
  for (let i = 0; i < concurrency; i++) workers.push(worker(i));
  await Promise.all(workers);
  return { latencies, elapsedMs: end - start, cpuMs: clocks.cpuMs() - cpuStart, error };
}
