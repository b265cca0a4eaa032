/**
 * A client pinned to one member (its connect string names only that member) that keeps writing
 * while it runs: the drill's probe of whether a cut-off leader still acknowledges writes. It
 * fails fast while disconnected (no queueing until the heal), and pauses briefly after a failure
 * so a disconnected client does not spin.
 */
import { performance } from 'node:perf_hooks';
import { createClient, type CoordClient } from '../../client/client.js';

const PAUSE_AFTER_FAILURE_MS = 50;

export interface PinnedOutcome {
  readonly issuedAt: number;
  readonly settledAt: number;
  readonly ok: boolean;
  readonly error?: string;
}

export class PinnedWriter {
  readonly outcomes: PinnedOutcome[] = [];
  private readonly client: CoordClient;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    connectString: string,
    private readonly path: string,
    requestTimeoutMs: number,
  ) {
    this.client = createClient(connectString, { sessionTimeoutMs: 30_000, requestTimeoutMs, whenDisconnected: 'fail', reconnectBackoff: { baseMs: 20, maxMs: 200 } });
  }

  /** Connects and proves the member acknowledges a write before the fault. */
  async open(): Promise<void> {
    await this.client.waitForConnected({ timeoutMs: 30_000 });
    await this.client.create(this.path, 'pinned');
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      for (let seq = 0; this.running; seq++) {
        const issuedAt = performance.now();
        try {
          await this.client.setData(this.path, `pinned-${seq}`);
          this.outcomes.push({ issuedAt, settledAt: performance.now(), ok: true });
        } catch (err) {
          this.outcomes.push({ issuedAt, settledAt: performance.now(), ok: false, error: err instanceof Error ? err.name : String(err) });
          await new Promise((resolve) => setTimeout(resolve, PAUSE_AFTER_FAILURE_MS));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.client.close().catch(() => undefined);
  }
}
