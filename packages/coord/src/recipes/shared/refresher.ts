/**
 * Runs an async refresh task one at a time, coalescing triggers: a trigger while a run is queued
 * joins that run; a trigger while a run is in progress queues exactly one more. So a burst of
 * watch events costs at most two reads, and the last read always starts after the last event.
 * Used by the recipes that mirror server state (SharedValue, ServiceCache, config subscriptions).
 */
export class Refresher {
  private queued: Promise<void> | undefined;
  private current: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Resolves when a run that started after this call has finished (errors go to onError). */
  trigger(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.queued !== undefined) return this.queued;
    const run = this.current.then(async () => {
      this.queued = undefined;
      if (this.stopped) return;
      try {
        await this.task();
      } catch (err) {
        if (!this.stopped) this.onError(err);
      }
    });
    this.queued = run;
    this.current = run;
    return run;
  }

  /** No further runs start; resolves once the one in progress (if any) has ended. */
  stop(): Promise<void> {
    this.stopped = true;
    return this.current;
  }
}
