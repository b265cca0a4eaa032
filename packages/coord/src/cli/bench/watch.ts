/**
 * Watch-notification latency: a writer sets a node's data, a watcher (another session) holds a
 * persistent watch on it; the latency of one event is the time from just before the writer's
 * setData call until the watcher's callback runs. One write is outstanding at a time: the next
 * starts once both the notification and the write's reply have arrived, so every notification
 * is matched to exactly one write.
 *
 * Pure apart from one timer per event (the notification timeout): the clocks, the write and the
 * notification source are passed in, and the unit tests drive it with fakes.
 */
import { LatencyRecorder } from './latency.js';
import { REAL_CLOCKS, type LoopClocks, type LoopResult } from './loop.js';
import type { StopRule } from './options.js';

/**
 * Hands the time of the next notification to whoever waits for it. The watcher callback calls
 * `fire(now())` first thing; a notification nobody waits for (there should be none) is counted
 * as stray, not matched to a later write.
 */
export class NotificationLatch {
  private waiter: ((at: number) => void) | undefined;
  private strayCount = 0;

  /** Notifications that arrived while no write was waiting for one. */
  get stray(): number {
    return this.strayCount;
  }

  fire(at: number): void {
    const waiter = this.waiter;
    if (waiter === undefined) {
      this.strayCount++;
      return;
    }
    this.waiter = undefined;
    waiter(at);
  }

  /** The time of the next notification. Only one wait at a time. */
  next(): Promise<number> {
    if (this.waiter !== undefined) throw new Error('NotificationLatch: already waiting');
    return new Promise<number>((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Forgets the waiter (after a timeout), so a late notification counts as stray. */
  cancel(): void {
    this.waiter = undefined;
  }
}

/** Sets the watched node's data; `seq` numbers the writes of one loop from 0. */
export type WatchWrite = (seq: number) => Promise<unknown>;

export async function runWatchLoop(
  write: WatchWrite,
  latch: NotificationLatch,
  stop: StopRule,
  notifyTimeoutMs: number,
  clocks: LoopClocks = REAL_CLOCKS,
): Promise<LoopResult> {
  const now = clocks.now;
  const latencies = new LatencyRecorder(stop.kind === 'ops' ? stop.count : 4096);
  const cpuStart = clocks.cpuMs();
  const start = now();
  const deadline = stop.kind === 'duration' ? start + stop.ms : Number.POSITIVE_INFINITY;
  const limit = stop.kind === 'ops' ? stop.count : Number.POSITIVE_INFINITY;
  let end = start;
  let error: Error | undefined;
  for (let seq = 0; seq < limit; seq++) {
    const t0 = now();
    if (t0 >= deadline) break;
    const notified = latch.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no notification within ${notifyTimeoutMs} ms of setData #${seq}`)), notifyTimeoutMs);
    });
    try {
      const [at] = await Promise.race([Promise.all([notified, write(seq)]), timeout]);
      latencies.record(at - t0);
      const t1 = now();
      if (t1 > end) end = t1;
    } catch (err) {
      latch.cancel();
      error = err instanceof Error ? err : new Error(String(err));
      break;
    } finally {
      clearTimeout(timer);
    }
  }
  return { latencies, elapsedMs: end - start, cpuMs: clocks.cpuMs() - cpuStart, error };
}
